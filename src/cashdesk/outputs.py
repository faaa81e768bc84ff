"""Every file a person asks cashdesk to write (a CLI ``--out``, an export path typed in the
window, a certificate, an exceptions file) goes through ``atomic_output``, the one place that:

- refuses the workstation's own files: the store, its ``-wal``/``-shm``/``-journal``, its lock
  and running marker, its upgrade backups, and the config file (an export named ``v.db`` must
  never replace the live store);
- refuses an existing file unless the caller passes ``force`` (the CLI's ``--force``);
- writes atomically: a temporary file in the same folder (created 0600), fsync, rename, fsync
  of the folder; a failure leaves the old file (if any) as it was and no temporary behind;
- creates missing folders 0700, so a report of names and amounts is readable by its owner only.

Which files are the workstation's own is registered once, where they become known:
``protect_store`` when a store is opened (``app.open_cashdesk``, the CLI's ``--db``) and
``protect_file`` for the config file. The registry only grows, for the life of the process.
"""

from __future__ import annotations

import csv
import os
import tempfile
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from cashdesk.errors import ValidationError

PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700
# store.backup.BACKUP_FOLDER, named here so that a command with no store (quote) does not
# import SQLAlchemy to protect it (tests/security/test_outputs.py checks they agree).
BACKUP_FOLDER = "backups"
_STORE_SUFFIXES = ("", "-wal", "-shm", "-journal", ".lock", ".running")

_lock = threading.Lock()
_protected_files: set[Path] = set()
_protected_folders: set[Path] = set()


class OutputRefused(ValidationError):
    """The path named for an output may not be written (a message for the person who typed it)."""


def _key(path: Path) -> Path:
    return Path(os.path.normcase(Path(path).expanduser().resolve(strict=False)))


def protect_store(db_path: Path) -> None:
    """Refuse outputs onto the store ``db_path``, its companions and its backups folder."""
    db_path = Path(db_path)
    with _lock:
        for suffix in _STORE_SUFFIXES:
            _protected_files.add(_key(db_path.with_name(db_path.name + suffix)))
        _protected_folders.add(_key(db_path.parent / BACKUP_FOLDER))


def protect_file(path: Path | None) -> None:
    """Refuse outputs onto ``path`` (the workstation's config file)."""
    if path is not None:
        with _lock:
            _protected_files.add(_key(Path(path)))


def check_output(path: Path, *, force: bool = False) -> Path:
    """``path`` made absolute, or OutputRefused saying why it may not be written."""
    path = Path(path).expanduser()
    key = _key(path)
    with _lock:
        files, folders = set(_protected_files), set(_protected_folders)
    if key in files or any(key == f or f in key.parents for f in folders):
        raise OutputRefused(
            f"{path} is one of cashdesk's own files (the store, its backups or the config); "
            "choose another file name."
        )
    if path.exists() or path.is_symlink():
        if path.is_dir():
            raise OutputRefused(f"{path} is a folder; name a file to write.")
        # A hard link or symlink to the store is the store, whatever it is called.
        if any(_same_file(path, f) for f in files):
            raise OutputRefused(f"{path} is one of cashdesk's own files; choose another name.")
        if not force:
            raise OutputRefused(
                f"{path} already exists; choose another name (or replace it with --force)."
            )
    return path


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _make_folders(folder: Path) -> None:
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for each in reversed(missing):
        try:
            each.mkdir(mode=PRIVATE_DIR_MODE)
        except FileExistsError:
            continue
        os.chmod(each, PRIVATE_DIR_MODE)  # mkdir's mode is cut by the umask


@contextmanager
def atomic_output(path: Path, *, force: bool = False) -> Iterator[Path]:
    """Yield a private temporary path to write the output to; on a clean exit it replaces
    ``path`` atomically (see the module text). ``check_output`` runs first."""
    path = check_output(path, force=force)
    _make_folders(path.parent)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)  # mkstemp creates it 0600; the writer reopens it by name
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, PRIVATE_FILE_MODE)  # a writer that recreated it gets the mode back
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        check_output(path, force=force)  # again: it may have appeared meanwhile
        if force:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)  # fails if the name was taken since: never overwrites
            except FileExistsError:
                raise OutputRefused(f"{path} already exists; choose another name.") from None
            except OSError:
                os.replace(tmp, path)  # a file system without hard links
        _sync_folder(path.parent)
    finally:
        with suppress(FileNotFoundError):
            tmp.unlink()


def write_output(path: Path, data: bytes | str, *, force: bool = False) -> Path:
    """Write ``data`` (text as UTF-8) to ``path`` through ``atomic_output``."""
    with atomic_output(path, force=force) as tmp:
        tmp.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return Path(path).expanduser()


def _sync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# -- CSV ----------------------------------------------------------------------------------
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection:
# ``=HYPERLINK(…)``, ``@SUM(…)``, ``-2+3+cmd|…``); a leading apostrophe keeps it text. Payer
# names, reasons and references are typed by people, so every CSV cashdesk writes goes through
# ``csv_writer``.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """``value`` as a CSV cell a spreadsheet shows as text. Numbers stay numbers (a negative
    amount is data, not a formula); text that starts a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeCsvWriter:
    """``csv.writer`` with every text cell passed through ``csv_cell``."""

    def __init__(self, out: Any, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[object]) -> Any:
        return self._writer.writerow([csv_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: Any, **options: Any) -> SafeCsvWriter:
    return SafeCsvWriter(out, **options)
