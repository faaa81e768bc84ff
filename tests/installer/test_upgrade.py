"""Upgrades at start: a store made by the previous schema revision, with receipts in it, is
backed up (SQLite online backup) and migrated without losing a receipt; a migration that fails
half-way is undone by restoring the backup, and the cashier is told so."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from cashdesk.app import Cashdesk, open_cashdesk
from cashdesk.clock import FixedClock
from cashdesk.config import Config
from cashdesk.domain import tender as T
from cashdesk.domain.money import Money
from cashdesk.domain.receipt import ReceiptDraft
from cashdesk.domain.roles import Operator
from cashdesk.services.auth import make_hasher
from cashdesk.store import backup as store_backup
from cashdesk.store import migrate
from cashdesk.store.backup import UpgradeFailed, list_backups
from cashdesk.store.engine import make_engine
from cashdesk.store.integrity import check_database
from cashdesk.store.models import Base

RECEIPTS = "SELECT number, payer, total_cents, status FROM receipts ORDER BY number"


def previous_revision() -> str:
    script = ScriptDirectory.from_config(migrate.alembic_config())
    down = script.get_revision(migrate.head_revision()).down_revision
    assert isinstance(down, str), "the head revision has one parent"
    return down


def post_cash(desk: Cashdesk, operator: Operator, code: str, cents: int) -> str:
    """A cash sale: GOLF-R at its fixed price paid with ``cents``, or MISC keyed at ``cents``
    and paid exactly."""
    draft = ReceiptDraft(payer="Test Payer")
    if code == "MISC":
        line = desk.catalog.catalog().line(code, amount=Money(cents=cents), description="Copies")
        draft.add_line(line)
    else:
        draft.add_line(desk.catalog.catalog().line(code))
    draft.add_tender(T.cash(Money(cents=cents)))
    return desk.payments.post_payment(operator, draft).number


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql).fetchall()


def revision_of(db: Path) -> str:
    return str(rows(db, "SELECT version_num FROM alembic_version")[0][0])


def build_previous_store(source: Path, target: Path, revision: str) -> None:
    """``target`` migrated by Alembic to ``revision`` only, holding the rows of ``source`` (a
    head store where receipts were posted through the services) in the columns that exist at
    that revision, inserted with plain SQL in foreign-key order."""
    engine = create_engine(f"sqlite:///{target}")
    migrate.upgrade(engine, revision)
    engine.dispose()
    with closing(sqlite3.connect(target)) as conn:
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute("ATTACH DATABASE ? AS src", (str(source),))
        old_tables = {r[0] for r in conn.execute("SELECT name FROM main.sqlite_master")}
        for table in Base.metadata.sorted_tables:
            if table.name not in old_tables:
                continue  # made by a later revision
            old_cols = {r[1] for r in conn.execute(f'PRAGMA main.table_info("{table.name}")')}
            cols = ", ".join(f'"{c.name}"' for c in table.columns if c.name in old_cols)
            conn.execute(f'DELETE FROM main."{table.name}"')  # rows the migrations seeded
            # OR IGNORE: a row the earlier schema cannot hold (a user of a role a later
            # revision added, like program staff) did not exist at that revision; the
            # receipts the test follows are checked one by one after the upgrade.
            conn.execute(
                f'INSERT OR IGNORE INTO main."{table.name}" ({cols}) '
                f'SELECT {cols} FROM src."{table.name}"'
            )
        conn.commit()
        conn.execute("DETACH DATABASE src")


@pytest.fixture
def previous_store(
    desk: Cashdesk, open_drawer: Operator, tmp_path: Path
) -> tuple[Path, list[tuple[object, ...]]]:
    """A store at the previous schema revision with eight receipts (one voided) in it."""
    for i in range(7):
        post_cash(desk, open_drawer, "MISC" if i % 2 else "GOLF-R", 5000 + i * 100)
    lead = desk.auth.sign_in("lead", "riverbend1")
    first = rows(Path(str(desk.engine.url.database)), RECEIPTS)[0][0]
    desk.payments.void_receipt(lead, str(first), reason="keyed twice")
    post_cash(desk, open_drawer, "MISC", 1234)
    source = Path(str(desk.engine.url.database))
    posted = rows(source, RECEIPTS)
    assert len(posted) == 8
    old = tmp_path / "counter" / "cashdesk.db"
    old.parent.mkdir()
    build_previous_store(source, old, previous_revision())
    return old, posted


def open_desk(db: Path, **kw: object) -> Cashdesk:
    return open_cashdesk(
        Config(),
        db,
        clock=FixedClock(store_backup.dt.datetime(2026, 11, 26, 18, 0, tzinfo=store_backup.dt.UTC)),
        hasher=make_hasher(fast=True),
        **kw,  # type: ignore[arg-type]
    )


def test_a_store_of_the_previous_revision_is_backed_up_and_upgraded_with_its_receipts(
    previous_store: tuple[Path, list[tuple[object, ...]]],
) -> None:
    db, posted = previous_store
    old_rev = previous_revision()
    assert revision_of(db) == old_rev and rows(db, RECEIPTS) == posted

    desk = open_desk(db)
    try:
        assert desk.upgrade is not None
        assert (desk.upgrade.from_revision, desk.upgrade.to_revision) == (
            old_rev,
            migrate.head_revision(),
        )
        backup = desk.upgrade.backup
        assert backup is not None and backup.parent == db.parent / "backups"
        assert backup.name.startswith(f"cashdesk-{old_rev}-") and backup.suffix == ".db"
        # The upgraded store: every receipt as it was, whole, and the counter goes on.
        assert revision_of(db) == migrate.head_revision()
        assert rows(db, RECEIPTS) == posted
        maria = desk.auth.sign_in("maria", "riverbend1")
        number = post_cash(desk, maria, "MISC", 999)
        assert number == f"W01-{len(posted) + 1:06d}"
    finally:
        desk.close()
    report = check_database(db)
    assert report.ok, report.problems
    assert report.counts["receipts"] == len(posted) + 1
    # The backup is the store as it was: the old revision, the same receipts, a plain file
    # (no -wal needed beside it), readable by the workstation's user only.
    assert revision_of(backup) == old_rev
    assert rows(backup, RECEIPTS) == posted
    assert rows(backup, "PRAGMA journal_mode")[0][0] == "delete"
    assert backup.stat().st_mode & 0o777 == 0o600
    assert list_backups(db) == [backup]

    # Opening again: the store is current, nothing more is copied.
    again = open_desk(db)
    try:
        assert again.upgrade is None
    finally:
        again.close()
    assert list_backups(db) == [backup]


def test_only_the_last_backups_are_kept(tmp_path: Path) -> None:
    db = tmp_path / "cashdesk.db"
    engine = make_engine(db)
    migrate.upgrade(engine, previous_revision())
    engine.dispose()
    behind = tmp_path / "behind.db"
    shutil.copyfile(db, behind)
    for day in range(1, 4):  # three upgrades of a store found behind, on three days
        shutil.copyfile(behind, db)
        when = store_backup.dt.datetime(2026, 11, day, 12, 0, tzinfo=store_backup.dt.UTC)
        report = store_backup.upgrade_with_backup(engine, db, keep=2, now=when)
        engine.dispose()
        assert report is not None and report.backup is not None
        assert revision_of(db) == migrate.head_revision()
    kept = [p.name for p in list_backups(db)]
    old = previous_revision()
    assert kept == [f"cashdesk-{old}-20261102T120000Z.db", f"cashdesk-{old}-20261103T120000Z.db"]


FAILING_REVISION = '''
"""A migration that fails half-way, after committing part of its work (as one that must run
outside a transaction, a VACUUM or a PRAGMA, would)."""
from alembic import op

revision = "9999"
down_revision = "{down}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("COMMIT")
    op.execute("DELETE FROM tenders")
    op.execute("UPDATE receipts SET payer = 'damaged'")
    op.execute("CREATE TABLE half_done (id INTEGER PRIMARY KEY)")
    raise RuntimeError("the injected migration failed")


def downgrade() -> None:
    pass
'''


@pytest.fixture
def failing_migration(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """The real migrations plus one more on top that fails after damaging the store."""
    folder = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    head = migrate.head_revision()
    (folder / "versions" / "9999_failing.py").write_text(
        FAILING_REVISION.replace("{down}", head), encoding="utf-8"
    )
    monkeypatch.setattr(migrate, "MIGRATIONS", folder)
    assert migrate.head_revision() == "9999"
    return head


def _current_store(desk: Cashdesk, operator: Operator, tmp_path: Path) -> Path:
    for cents in (4000, 5000, 6000):
        post_cash(desk, operator, "MISC", cents)
    source = Path(str(desk.engine.url.database))
    db = tmp_path / "w" / "cashdesk.db"
    db.parent.mkdir()
    desk.close()
    shutil.copyfile(source, db)
    return db


def test_a_failing_migration_restores_the_backup_and_says_so(
    desk: Cashdesk, open_drawer: Operator, tmp_path: Path, failing_migration: str
) -> None:
    db = _current_store(desk, open_drawer, tmp_path)
    before = rows(db, RECEIPTS)
    tenders = rows(db, "SELECT count(*) FROM tenders")[0][0]
    assert len(before) == 3 and tenders == 3

    with pytest.raises(UpgradeFailed) as refused:
        open_desk(db)
    backup = refused.value.backup
    assert backup is not None and backup.exists()
    message = str(refused.value)
    assert str(backup) in message and "restored from the backup" in message
    assert "the injected migration failed" in message
    assert refused.value.reason == "upgrade_failed"
    # The store is as it was before the attempt: the old revision, every receipt and tender,
    # and none of the half-done migration.
    assert revision_of(db) == failing_migration
    assert rows(db, RECEIPTS) == before
    assert rows(db, "SELECT count(*) FROM tenders")[0][0] == tenders
    assert rows(db, "SELECT name FROM sqlite_master WHERE name = 'half_done'") == []
    assert check_database(db).ok
    # The lock was let go: the store opens again (here without the failing revision's head).


def test_the_injected_migration_really_damages_a_store_without_the_backup(
    desk: Cashdesk, open_drawer: Operator, tmp_path: Path, failing_migration: str
) -> None:
    """The control: run bare (Alembic alone), the same migration leaves its damage behind,
    so the restore above is what saved the receipts."""
    db = _current_store(desk, open_drawer, tmp_path)
    engine = make_engine(db)  # the app's engine, as open_cashdesk makes it
    with pytest.raises(RuntimeError, match="injected"):
        migrate.upgrade(engine)
    engine.dispose()
    assert rows(db, "SELECT count(*) FROM tenders")[0][0] == 0
    assert rows(db, "SELECT count(*) FROM sqlite_master WHERE name = 'half_done'")[0][0] == 1


def test_no_backup_no_upgrade(desk: Cashdesk, open_drawer: Operator, tmp_path: Path) -> None:
    """A backup that cannot be written (its folder is a file here) stops the upgrade before
    anything is migrated, with a message that says nothing changed."""
    post_cash(desk, open_drawer, "MISC", 4000)
    source = Path(str(desk.engine.url.database))
    db = tmp_path / "p" / "cashdesk.db"
    db.parent.mkdir()
    build_previous_store(source, db, previous_revision())
    (db.parent / "backups").write_text("not a folder", encoding="utf-8")
    with pytest.raises(store_backup.StoreError) as refused:
        open_desk(db)
    assert "could not back it up" in str(refused.value)
    assert "Nothing was changed" in str(refused.value)
    assert revision_of(db) == previous_revision()


def test_a_store_from_a_newer_version_is_left_alone(tmp_path: Path) -> None:
    """An older cashdesk installed over a newer one: refused before any copy or change."""
    db = tmp_path / "cashdesk.db"
    engine = make_engine(db)
    migrate.upgrade(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9990'")
    engine.dispose()
    with pytest.raises(store_backup.StoreError) as refused:
        open_desk(db)
    assert "made by a newer version of cashdesk (schema 9990)" in str(refused.value)
    assert revision_of(db) == "9990" and list_backups(db) == []


def test_the_head_read_from_the_files_is_alembics() -> None:
    """Start-up reads the head without Alembic; it must be the head Alembic would name."""
    assert migrate.head_revision() == migrate._alembic_head()
