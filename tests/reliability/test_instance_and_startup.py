"""A second cashdesk on one store is refused; a crash is noticed at the next start and the
store is checked; ``cashdesk check`` reports what is wrong."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import delete, select

import cashdesk
from cashdesk.app import Cashdesk, open_cashdesk
from cashdesk.config import Config
from cashdesk.domain import tender as T
from cashdesk.domain.receipt import ReceiptDraft
from cashdesk.domain.roles import Operator
from cashdesk.services.auth import make_hasher
from cashdesk.store.lock import AlreadyRunning, lock_path, marker_path
from cashdesk.store.models import OutboxRow, Receipt

SRC = str(Path(cashdesk.__file__).resolve().parent.parent)
ENV = dict(os.environ, PYTHONPATH=SRC)

HOLDER = """
import sys
from pathlib import Path
from cashdesk.app import open_cashdesk
from cashdesk.config import Config
desk = open_cashdesk(Config(), Path(sys.argv[1]), upgrade=False)
print("ready", flush=True)
sys.stdin.readline()
desk.close()
print("closed", flush=True)
"""


@contextmanager
def holder(db: Path) -> Iterator[subprocess.Popen[str]]:
    """Another cashdesk process with the store open, until told to close (or killed)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    assert proc.stdout is not None
    try:
        assert proc.stdout.readline().strip() == "ready"
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)


def cli(*args: str, state: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The real command in its own process; ``state`` is where its log folder goes."""
    env = ENV if state is None else dict(ENV, XDG_STATE_HOME=str(state))
    return subprocess.run(
        [sys.executable, "-m", "cashdesk.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


def store(tmp_path: Path, template: Path) -> Path:
    db = tmp_path / "counter.db"
    shutil.copyfile(template, db)
    return db


def reopen(db: Path) -> Cashdesk:
    return open_cashdesk(Config(), db, hasher=make_hasher(fast=True))


def post_one(desk: Cashdesk, operator: Operator) -> str:
    draft = ReceiptDraft(payer="Ana")
    draft.add_line(desk.catalog.catalog().line("GOLF-R"))
    draft.add_tender(T.cash(draft.total))
    return desk.payments.post_payment(operator, draft).number


def test_a_second_instance_is_refused_while_the_first_runs(
    tmp_path: Path, demo_template: Path
) -> None:
    db = store(tmp_path, demo_template)
    with holder(db) as first:
        with pytest.raises(AlreadyRunning) as refused:
            reopen(db)
        message = str(refused.value)
        assert "already running on this workstation" in message
        assert f"process {first.pid}" in message and str(db) in message
        # The command line says the same, with no traceback, and exits 2.
        result = cli("--db", str(db), "init")
        assert result.returncode == 2
        assert "already running" in result.stderr and "Traceback" not in result.stderr
        # Nothing was written by the refused instances.
        assert first.stdin is not None
        first.stdin.write("close\n")
        first.stdin.flush()
        assert first.stdout is not None and first.stdout.readline().strip() == "closed"
    desk = reopen(db)  # the first one closed: the store is free again, and was closed cleanly
    assert desk.startup.unclean_shutdown is False and desk.startup.integrity is None
    assert desk.startup.message == ""
    desk.close()
    assert lock_path(db).exists() and not marker_path(db).exists()


def test_two_windows_in_one_process_are_refused_too(tmp_path: Path, demo_template: Path) -> None:
    db = store(tmp_path, demo_template)
    first = reopen(db)
    try:
        with pytest.raises(AlreadyRunning):
            reopen(db)
        assert first.payments is not None  # the first desk is untouched and keeps working
    finally:
        first.close()


def test_a_killed_instance_leaves_no_stale_lock_and_the_next_start_checks_the_store(
    tmp_path: Path, demo_template: Path
) -> None:
    db = store(tmp_path, demo_template)
    with holder(db) as first:
        assert marker_path(db).exists()
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    desk = reopen(db)  # the kernel dropped the dead process's lock
    try:
        assert desk.startup.unclean_shutdown is True
        assert desk.startup.integrity is not None and desk.startup.integrity.ok
        assert not desk.startup.needs_attention
        assert "not closed properly" in desk.startup.message
        assert "no payment was lost" in desk.startup.message
    finally:
        desk.close()


def test_an_unclean_start_on_a_damaged_store_warns(tmp_path: Path, demo_template: Path) -> None:
    db = store(tmp_path, demo_template)
    desk = reopen(db)
    maria = desk.auth.sign_in("maria", "riverbend1")
    desk.drawers.open_drawer(maria)
    number = post_one(desk, maria)
    with desk.ctx.sessions() as s, s.begin():  # damage: the receipt's ledger copy vanishes
        rid = s.scalar(select(Receipt.id).where(Receipt.number == number))
        s.execute(delete(OutboxRow).where(OutboxRow.subject_id == rid))
    desk.engine.dispose()
    assert desk.instance_lock is not None
    desk.instance_lock.release(clean=False)  # as a crash would: the marker stays

    again = reopen(db)
    try:
        assert again.startup.unclean_shutdown and again.startup.needs_attention
        assert again.startup.integrity is not None
        problems = [str(p) for p in again.startup.integrity.problems]
        assert f"[receipts complete] {number}: 0 outbox rows (one expected)" in problems
        assert "found 2 problem(s)" in again.startup.message
        assert "`cashdesk check`" in again.startup.message
    finally:
        again.close()

    # `cashdesk check` (read-only, no lock needed) lists the problems and exits 1.
    result = cli("check", "--db", str(db))
    assert result.returncode == 1, result.stderr
    assert f"{number}: 0 outbox rows (one expected)" in result.stdout
    assert "drawer cash" in result.stdout  # the drawer's cash no longer matches its copies
    as_json = json.loads(cli("--db", str(db), "check", "--json").stdout)
    assert as_json["ok"] is False and as_json["counts"]["receipts"] == 1
    assert {p["check"] for p in as_json["problems"]} == {"receipts complete", "drawer cash"}


def test_check_passes_a_whole_store_even_while_the_app_runs(
    desk: Cashdesk, open_drawer: Operator, db_path: Path
) -> None:
    for _ in range(3):
        post_one(desk, open_drawer)
    desk.payments.void_receipt(
        desk.auth.sign_in("lead", "riverbend1"), "W01-000002", reason="keyed twice"
    )
    result = cli("check", "--db", str(db_path))  # the desk holds the lock: check needs none
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 receipts" in result.stdout and "no problems" in result.stdout


def test_check_names_a_missing_or_foreign_file(tmp_path: Path) -> None:
    missing = cli("check", "--db", str(tmp_path / "nowhere.db"))
    assert missing.returncode == 2
    assert f"There is no database at {tmp_path / 'nowhere.db'}" in missing.stderr
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 100)
    damaged = cli("check", "--db", str(junk), state=tmp_path / "state")
    assert damaged.returncode == 2
    assert damaged.stderr.startswith(
        f"cashdesk: The database {junk} is damaged or is not a cashdesk database"
    )
    assert "Traceback" not in damaged.stderr
    # The log keeps what the screen leaves out.
    log = (tmp_path / "state" / "cashdesk" / "log" / "cashdesk.log").read_text(encoding="utf-8")
    assert "store failure on" in log and "Traceback" in log and "file is not a database" in log
