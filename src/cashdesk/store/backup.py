"""Upgrades that cannot lose a receipt: a backup before migrating, a restore when it fails.

At start the app brings its store to the schema this version needs (Alembic). When the store
is behind, :func:`upgrade_with_backup` first copies it with SQLite's online backup API
(``sqlite3.Connection.backup``: a consistent copy of the database, WAL included, taken page
by page through SQLite itself, never a file copy of a live database) into
``<db folder>/backups/<db name>-<old revision>-<UTC time>.db``, checks the copy, and keeps the
last :data:`KEEP_BACKUPS`. If a migration then fails, the backup is copied back the same way
and the app refuses to start with an :class:`UpgradeFailed` naming the backup file.

A store that is already current, or a new empty one, is not copied.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from cashdesk.store import migrate
from cashdesk.store.engine import PRIVATE_FILE_MODE, StoreError, store_error

log = logging.getLogger(__name__)

KEEP_BACKUPS = 5
BACKUP_FOLDER = "backups"
_STAMP = "%Y%m%dT%H%M%SZ"
# cashdesk-0050-20261126T180000Z.db (the revision may itself contain dashes or letters)
_BACKUP_NAME = re.compile(r"^(?P<stem>.+)-(?P<rev>[^-]+)-(?P<at>\d{8}T\d{6}Z)(?:-\d+)?\.db$")


class UpgradeFailed(StoreError):
    """A schema migration failed; the store was put back as it was (``backup``)."""

    def __init__(self, message: str, *, backup: Path | None) -> None:
        super().__init__(message, reason="upgrade_failed")
        self.backup = backup


@dataclass(frozen=True, slots=True)
class UpgradeReport:
    """What happened to the schema at start (None from upgrade_with_backup: nothing to do)."""

    from_revision: str | None  # None: a new, empty store
    to_revision: str
    backup: Path | None  # the copy taken before migrating (None for a new store)


def backup_folder(db_path: Path) -> Path:
    return db_path.parent / BACKUP_FOLDER


def list_backups(db_path: Path) -> list[Path]:
    """This store's upgrade backups, oldest first."""
    folder = backup_folder(db_path)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = _BACKUP_NAME.match(path.name)
        if match and match["stem"] == db_path.stem and path.is_file():
            found.append((match["at"], path.name, path))
    return [path for *_, path in sorted(found)]


def backup_database(db_path: Path, target: Path) -> Path:
    """Copy the live database ``db_path`` to ``target`` (a new file, owner-only) with the
    online backup API, then check the copy (``PRAGMA quick_check``)."""
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(target, os.O_RDWR | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    os.close(fd)
    try:
        with (
            closing(sqlite3.connect(db_path)) as source,
            closing(sqlite3.connect(target)) as copy,
        ):
            source.backup(copy)
            verdict = copy.execute("PRAGMA quick_check").fetchone()[0]
            # The copy is a plain file: no -wal beside it to lose when it is moved or mailed.
            copy.execute("PRAGMA journal_mode=DELETE")
        if verdict != "ok":
            raise StoreError(
                f"The backup {target} of {db_path} failed its check ({verdict}).", reason="io"
            )
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target


def restore_database(backup: Path, db_path: Path) -> None:
    """Put ``backup`` back into ``db_path`` through SQLite (so its WAL stays consistent)."""
    with closing(sqlite3.connect(backup)) as source, closing(sqlite3.connect(db_path)) as live:
        source.backup(live)
        live.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _prune(db_path: Path, keep: int) -> None:
    for old in list_backups(db_path)[:-keep] if keep > 0 else []:
        try:
            old.unlink()
            log.info("old upgrade backup removed: %s", old.name)
        except OSError as err:  # an old backup that stays is no reason to stop the counter
            log.warning("cannot remove the old backup %s: %s", old, err.strerror)


def _backup_path(db_path: Path, revision: str, now: dt.datetime) -> Path:
    base = f"{db_path.stem}-{revision}-{now.strftime(_STAMP)}"
    target = backup_folder(db_path) / f"{base}.db"
    n = 1
    while target.exists():  # two upgrades within a second (a retry)
        target = target.with_name(f"{base}-{n}.db")
        n += 1
    return target


def _known(revision: str) -> bool:
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    try:
        return (
            ScriptDirectory.from_config(migrate.alembic_config()).get_revision(revision) is not None
        )
    except CommandError:
        return False


def upgrade_with_backup(
    engine: Engine,
    db_path: Path,
    *,
    keep: int = KEEP_BACKUPS,
    now: dt.datetime | None = None,
) -> UpgradeReport | None:
    """Bring the store to the head revision, backing it up first when it has data to lose.

    Returns None when the store was current. Raises StoreError when the backup cannot be
    taken (nothing was migrated) and UpgradeFailed when a migration failed (the backup was
    restored, or the message says it could not be and where the backup is)."""
    head = migrate.head_revision()
    current = migrate.current_revision(engine)
    if current == head:
        return None
    if current is None:  # a new store: nothing in it to lose
        migrate.upgrade(engine)
        log.info("new store %s created at schema %s", db_path, head)
        return UpgradeReport(from_revision=None, to_revision=head, backup=None)

    if not _known(current):
        raise StoreError(
            f"The store {db_path} was made by a newer version of cashdesk (schema {current}); "
            f"this version knows schemas up to {head}. Nothing was changed: install the newer "
            "version again.",
            reason="other",
        )
    target = _backup_path(db_path, current, now or dt.datetime.now(dt.UTC))
    engine.dispose()  # no connection of ours is in the middle of anything while it is copied
    try:
        backup_database(db_path, target)
    except (OSError, sqlite3.DatabaseError) as err:
        mapped = store_error(err, path=target, outcome="the store was not upgraded")
        raise StoreError(
            f"Before upgrading the store {db_path} from schema {current} to {head}, cashdesk "
            f"could not back it up to {target} ({mapped or err}). Nothing was changed; free "
            "space on that disk or let cashdesk write to that folder, then start again.",
            reason=mapped.reason if mapped else "io",
        ) from err
    log.info("store %s backed up to %s before the upgrade %s -> %s", db_path, target, current, head)

    try:
        migrate.upgrade(engine)
    except Exception as err:
        log.exception("the upgrade of %s from %s to %s failed", db_path, current, head)
        engine.dispose()
        try:
            restore_database(target, db_path)
        except (OSError, sqlite3.DatabaseError) as again:
            log.exception("restoring %s from %s failed", db_path, target)
            raise UpgradeFailed(
                f"The upgrade of the store {db_path} from schema {current} to {head} failed "
                f"({err}), and putting the backup back failed too ({again}). Do not take "
                f"payments on this workstation: call IT to copy {target} over {db_path}.",
                backup=target,
            ) from err
        restored = migrate.current_revision(engine)
        log.error("store %s restored from %s (schema %s)", db_path, target, restored)
        raise UpgradeFailed(
            f"The upgrade of the store {db_path} from schema {current} to {head} failed "
            f"({err}). The store was restored from the backup {target} taken just before, "
            f"so nothing was lost; it is at schema {restored} again. This version of cashdesk "
            "cannot run on it: call IT (reinstall the previous version, or send "
            "`cashdesk --diagnostics`).",
            backup=target,
        ) from err
    log.info("store %s upgraded from schema %s to %s", db_path, current, head)
    _prune(db_path, keep)
    return UpgradeReport(from_revision=current, to_revision=head, backup=target)
