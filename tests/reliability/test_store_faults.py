"""Faults of the machine around cashdesk: a full disk, a locked or read-only database, a
damaged file, a bad config, missing resources. Each gets a message naming the file and what
to do, nothing is half-written, and the app works again once the fault is gone."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select
from test_instance_and_startup import ENV

from cashdesk import resources
from cashdesk.app import Cashdesk, initialise, open_cashdesk
from cashdesk.config import Config, load_config
from cashdesk.devices.simulated import SimulatedPrinter
from cashdesk.domain import tender as T
from cashdesk.domain.money import Money
from cashdesk.domain.receipt import ReceiptDraft
from cashdesk.domain.roles import Operator
from cashdesk.errors import ConfigError
from cashdesk.services.auth import make_hasher
from cashdesk.store.engine import StoreError
from cashdesk.store.integrity import run_checks
from cashdesk.store.lock import marker_path
from cashdesk.store.models import AuditEntry, JournalLineRow, OutboxRow, Receipt, Workstation


@contextmanager
def pragma_on_every_connection(desk: Cashdesk, *pragmas: str) -> Iterator[None]:
    """Set per-connection PRAGMAs on every connection the desk opens from now until the block
    ends (the pool is emptied on the way in and out, so no connection escapes them)."""

    def apply(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        for pragma in pragmas:
            dbapi_conn.execute(f"PRAGMA {pragma}")

    desk.engine.dispose()
    event.listen(desk.engine, "connect", apply)
    try:
        yield
    finally:
        event.remove(desk.engine, "connect", apply)
        desk.engine.dispose()


def big_sale(desk: Cashdesk, n: int) -> ReceiptDraft:
    """A receipt that takes room: many lines with long descriptions (and all of it copied into
    the outbox payload)."""
    catalog = desk.catalog.catalog()
    desk.catalog.gl_accounts()  # read once and kept, as on a counter that has taken payments
    draft = ReceiptDraft(payer=f"Payer {n} " + "x" * 100)
    for i in range(12):  # 97: the longest description MISC leaves room for
        draft.add_line(catalog.line("MISC", amount=Money(cents=100 + i), description="y" * 97))
    draft.add_tender(T.cash(Money(cents=draft.total.cents + 50)))
    return draft


def snapshot(desk: Cashdesk) -> dict[str, int]:
    with desk.ctx.sessions() as s:
        counts = {
            model.__tablename__: int(s.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Receipt, JournalLineRow, AuditEntry, OutboxRow)
        }
        counts["last_receipt_seq"] = int(s.scalar(select(Workstation.last_receipt_seq)) or 0)
        return counts


def store_is_whole(desk: Cashdesk) -> None:
    with desk.ctx.sessions() as s:
        report = run_checks(s)
    assert report.ok, report.problems


def test_a_full_disk_refuses_the_payment_whole_and_posting_resumes_when_space_returns(
    desk: Cashdesk, open_drawer: Operator
) -> None:
    printer = desk.ctx.devices.printer
    assert isinstance(printer, SimulatedPrinter)
    # SQLite's max_page_count (per connection) caps the file at its size now: the disk is full.
    with pragma_on_every_connection(desk, "max_page_count = 1"):
        posted = 0
        for n in range(200):  # rows fit in the pages' free room until they do not
            before = snapshot(desk)
            try:
                desk.payments.post_payment(open_drawer, big_sale(desk, n))
            except StoreError as err:
                refused = err
                break
            posted += 1
        else:
            pytest.fail("the disk never filled")
        assert str(refused).startswith("The disk is full: the payment was not saved. Free space")
        assert refused.reason == "disk_full" and str(desk.engine.url.database) in str(refused)
        assert snapshot(desk) == before  # nothing of it written, its number not used
        assert len(printer.printed) == posted  # nor printed, nor the drawer opened for it
        # The app keeps running: reads work, a second try is refused the same way.
        assert desk.drawers.current() is not None
        with pytest.raises(StoreError, match=r"^The disk is full"):
            desk.payments.post_payment(open_drawer, big_sale(desk, 999))
        store_is_whole(desk)
    # Space is back: the next payment takes the next number, no gap.
    again = desk.payments.post_payment(open_drawer, big_sale(desk, 1000))
    assert again.number == f"W01-{posted + 1:06d}" and again.printed
    store_is_whole(desk)


def test_a_locked_database_is_named_and_posting_resumes_after(
    desk: Cashdesk, open_drawer: Operator, db_path: Path
) -> None:
    before, draft = snapshot(desk), big_sale(desk, 1)
    other = sqlite3.connect(db_path, isolation_level=None)  # another program writing
    other.execute("BEGIN IMMEDIATE")
    with (
        pragma_on_every_connection(desk, "busy_timeout = 50"),
        pytest.raises(StoreError) as refused,
    ):
        desk.payments.post_payment(open_drawer, draft)
    other.execute("ROLLBACK")
    other.close()
    assert refused.value.reason == "locked"
    assert str(refused.value) == (
        f"The database {db_path} is busy (another cashdesk window or program is writing to "
        "it): the payment was not saved. Close the other program and try again."
    )
    assert snapshot(desk) == before
    assert desk.payments.post_payment(open_drawer, big_sale(desk, 2)).number == "W01-000001"


def test_a_read_only_database_is_named(desk: Cashdesk, open_drawer: Operator) -> None:
    # query_only is SQLite's read-only switch; it fails the write as a read-only file does
    # (permissions cannot show it: the tests may run as root, whom chmod does not stop).
    before, draft = snapshot(desk), big_sale(desk, 1)
    with (
        pragma_on_every_connection(desk, "query_only = ON"),
        pytest.raises(StoreError) as refused,
    ):
        desk.payments.post_payment(open_drawer, draft)
    assert refused.value.reason == "read_only"
    assert str(refused.value).startswith(
        f"The database {desk.engine.url.database} is read-only: the payment was not saved. "
        "Ask IT to let cashdesk write"
    )
    assert snapshot(desk) == before
    assert desk.payments.post_payment(open_drawer, big_sale(desk, 2)).number == "W01-000001"


def test_a_damaged_database_file_is_refused_at_start_and_the_lock_let_go(tmp_path: Path) -> None:
    db = tmp_path / "cashdesk.db"
    db.write_bytes(b"\x00garbage, not SQLite\x00" * 500)
    for _ in range(2):  # the first refusal let the lock go: the second start is refused alike
        with pytest.raises(StoreError) as refused:
            open_cashdesk(Config(), db)
        assert refused.value.reason == "corrupt"
        assert str(refused.value).startswith(
            f"The database {db} is damaged or is not a cashdesk database: cashdesk cannot start."
        )
        assert f"cashdesk check --db {db}" in str(refused.value)
    assert not marker_path(db).exists()


def test_a_database_folder_that_cannot_exist_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match=r"The folder for the database, .*a-file/sub, cannot be"):
        open_cashdesk(Config(), blocker / "sub" / "cashdesk.db")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\xff\xfe\x00garbage", "is not valid TOML"),
        (b"[workstation\nid = ", "is not valid TOML"),
        (b"[store]\npath = 3\n", "store.path must be str"),
        (b"[printer]\nkind = 'epson'\n", "Unknown section [printer]"),
        (b"[drawer]\nstarting_bank = '-5'\n", "cannot be negative"),
    ],
)
def test_a_corrupt_config_is_named_on_the_command_line(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    cfg = tmp_path / "workstation.toml"
    cfg.write_bytes(content)
    result = subprocess.run(
        [sys.executable, "-m", "cashdesk.cli", "--config", str(cfg), "check"],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(ENV, XDG_STATE_HOME=str(tmp_path)),
    )
    assert result.returncode == 2
    assert expected in result.stderr and "Traceback" not in result.stderr
    if "TOML" in expected:
        assert str(cfg) in result.stderr


def test_a_missing_or_unreadable_config_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=f"The config file {tmp_path / 'no.toml'} does not"):
        load_config(tmp_path / "no.toml")
    with pytest.raises(ConfigError, match=f"The config file {tmp_path} cannot be read"):
        load_config(tmp_path)  # a folder where the file should be


def test_missing_resources_say_reinstall(
    desk: Cashdesk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CASHDESK_RESOURCES", str(tmp_path / "gone"))
    monkeypatch.setattr(resources, "__file__", str(tmp_path / "site" / "cashdesk" / "x.py"))
    before = snapshot(desk)
    with pytest.raises(ConfigError, match=r"resources folder is missing .*; reinstall cashdesk"):
        initialise(desk, demo=False)
    assert snapshot(desk) == before


def test_a_payment_refused_by_the_store_leaves_the_drawer_cash_alone(
    desk: Cashdesk, open_drawer: Operator, lead: Operator
) -> None:
    session = desk.drawers.current()
    assert session is not None
    desk.payments.post_payment(open_drawer, big_sale(desk, 1))
    cash, draft = desk.drawers.expected_cash(lead, session.id), big_sale(desk, 2)
    with (
        pragma_on_every_connection(desk, "query_only = ON"),
        pytest.raises(StoreError, match="read-only"),
    ):
        desk.payments.post_payment(open_drawer, draft)
    assert desk.drawers.expected_cash(lead, session.id) == cash == Money(cents=200_00 + 1266)


def test_open_cashdesk_with_a_fast_hasher_still_works_after_faults(tmp_path: Path) -> None:
    # A store created from nothing, then closed and reopened: a clean close leaves no marker.
    db = tmp_path / "new.db"
    desk = open_cashdesk(Config(), db, hasher=make_hasher(fast=True))
    initialise(desk, demo=False)
    assert marker_path(db).exists()
    desk.close()
    assert not marker_path(db).exists()
    again = open_cashdesk(Config(), db)
    assert not again.startup.unclean_shutdown
    again.close()
