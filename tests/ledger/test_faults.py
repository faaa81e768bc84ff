"""Faults between the counter and the central ledger: a connection cut mid-batch, the server
restarted, the process killed between the central commit and the local mark, several
counters at once. Afterwards every receipt is in the central ledger exactly once and the
totals match the workstations."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from ledger_helpers import (
    WS_LOGIN,
    CuttingProxy,
    counter,
    login_url,
    pay,
    restart_server,
    scalar,
    server_socket,
)
from sqlalchemy import func, select

from cashdesk.app import Cashdesk
from cashdesk.clock import FixedClock
from cashdesk.domain.roles import Operator
from cashdesk.services.sync import CRASH_ENV
from cashdesk.store.models import OutboxRow, Receipt

pytestmark = pytest.mark.postgres


def local(desk: Cashdesk) -> tuple[int, int, int]:
    """(receipts, their total, outbox rows not yet sent) at the workstation."""
    with desk.ctx.sessions() as s:
        n, total = s.execute(select(func.count(), func.sum(Receipt.total_cents))).one()
        waiting = s.scalar(select(func.count()).where(OutboxRow.sent_at.is_(None)))
        outbox = s.scalar(select(func.count()).select_from(OutboxRow))
    assert outbox is not None
    return int(n), int(total or 0), int(waiting or 0)


def assert_exactly_once(desk: Cashdesk, central: str) -> None:
    n, total, waiting = local(desk)
    assert waiting == 0
    ws = desk.ctx.workstation_id
    with psycopg.connect(central) as conn:
        row = conn.execute(
            "SELECT count(*), coalesce(sum(total_cents), 0), count(DISTINCT number)"
            " FROM receipts WHERE workstation = %s",
            (ws,),
        ).fetchone()
        events = conn.execute(
            "SELECT count(*), count(DISTINCT uuid) FROM ledger_events WHERE workstation = %s",
            (ws,),
        ).fetchone()
        unbalanced = conn.execute("SELECT count(*) FROM unbalanced_journal_entries").fetchone()
    with desk.ctx.sessions() as s:
        outbox = s.scalar(select(func.count()).select_from(OutboxRow))
    assert row == (n, total, n)
    assert events == (outbox, outbox)
    assert unbalanced == (0,)


@pytest.fixture
def proxy(pg_url: str) -> Iterator[CuttingProxy]:
    p = CuttingProxy(server_socket(pg_url))
    yield p
    p.close()


def test_connection_cut_mid_batch(
    synced_desk: Cashdesk, open_drawer: Operator, central: str, proxy: CuttingProxy
) -> None:
    desk = synced_desk
    desk.sync.url = proxy.url(WS_LOGIN, urlsplit(central).path.lstrip("/"))
    desk.sync.batch_size = 8
    failures = already_there = 0
    # Cut the link at many points of a pass, on the way up (the batch or the COMMIT lost)
    # and on the way down (committed, but the answer lost).
    cuts: list[tuple[int | None, int | None, bool]] = [
        (2_500, None, False),
        (6_000, None, False),
        (11_000, None, False),
        (None, 900, False),
        (None, 3_000, False),
        (None, None, True),
    ]
    for round_no, (up, down, at_commit) in enumerate(cuts):
        for cents in range(20):
            pay(desk, open_drawer, 100 * (round_no + 1) + cents)
        proxy.cut_up, proxy.cut_down, proxy.cut_at_commit = up, down, at_commit
        report = desk.sync.sync_once(pull=False)
        failures += not report.ok
        already_there += report.already_there
    assert proxy.cuts == 6 and failures == 6
    assert local(desk)[2] > 0
    report = desk.sync.sync_once(pull=False)
    assert report.ok, report.error
    # Some batch committed while its answer was lost, and was sent again harmlessly.
    assert already_there + report.already_there > 0
    assert_exactly_once(desk, central)


def test_server_restarted_mid_pass(
    synced_desk: Cashdesk, open_drawer: Operator, central: str
) -> None:
    desk = synced_desk
    desk.sync.batch_size = 5
    for cents in range(300, 320):
        pay(desk, open_drawer, cents)
    restarted = []

    def restart_once() -> None:
        if not restarted:
            restarted.append(True)
            restart_server(central)  # the next batch finds its connection gone

    desk.sync.after_central_commit = restart_once
    report = desk.sync.sync_once(pull=False)
    assert not report.ok
    assert sum(report.sent.values()) == 5
    assert desk.sync.status().state == "offline"
    desk.sync.after_central_commit = None
    report = desk.sync.sync_once(pull=False)
    assert report.ok, report.error
    assert desk.sync.status().state == "synced"
    assert_exactly_once(desk, central)


def run_cli(db: Path, url: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cashdesk.cli", "--db", str(db), "sync", "--url", url, "--no-pull"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
    )


def test_process_killed_after_central_commit_before_local_mark(
    synced_desk: Cashdesk, open_drawer: Operator, db_path: Path, ws_url: str, central: str
) -> None:
    for cents in range(1000, 1030):
        pay(synced_desk, open_drawer, cents)
    synced_desk.close()

    killed = run_cli(db_path, ws_url, **{CRASH_ENV: "after_central_commit"})
    assert killed.returncode == -9  # SIGKILL: no cleanup, no except, no finally
    assert scalar(central, "SELECT count(*) FROM receipts") == 30  # committed centrally
    assert local(synced_desk)[2] == 31  # ...but nothing marked at the counter

    again = run_cli(db_path, ws_url)
    assert again.returncode == 0, again.stderr
    assert "sent 0 rows" in again.stdout
    assert "31 rows were already in the central ledger" in again.stdout
    assert_exactly_once(synced_desk, central)


COUNTER_SCRIPT = """
import json, sys
from pathlib import Path
from cashdesk.app import open_cashdesk
from cashdesk.config import load_config
from cashdesk.domain import tender as T
from cashdesk.domain.lines import ChargeLine
from cashdesk.domain.money import Money
from cashdesk.domain.receipt import ReceiptDraft

config, db, receipts = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
desk = open_cashdesk(load_config(config), db)
maria = desk.auth.sign_in("maria", "riverbend1")
desk.drawers.open_drawer(maria)
failed = 0
for i in range(receipts):
    draft = ReceiptDraft(payer="Concurrent")
    cents = 1000 + i
    draft.add_line(ChargeLine(code="MISC", description="Copies", amount=Money(cents=cents),
                              gl_account="101-150-36900"))
    draft.add_tender(T.cash(Money(cents=cents)))
    desk.payments.post_payment(maria, draft)
    if i % 3 == 2:
        failed += not desk.sync.sync_once(pull=False).ok
final = desk.sync.sync_once(pull=False)
print(json.dumps({"failed": failed, "final": final.error, "status": desk.sync.status().text}))
"""


def test_several_workstations_sync_concurrently(
    tmp_path: Path, demo_template: Path, ws_url: str, central: str, clock: FixedClock
) -> None:
    counters: dict[str, Cashdesk] = {}
    procs = {}
    for ws in ("W01", "W02", "W03"):
        url = ws_url if ws == "W01" else login_url(central, ws)  # each counter its own login
        desk = counter(tmp_path, demo_template, ws, url, clock)
        desk.close()
        counters[ws] = desk
        config = tmp_path / f"{ws}.toml"
        config.write_text(f'[workstation]\nid = "{ws}"\n\n[ledger]\nurl = "{url}"\n')
        procs[ws] = subprocess.Popen(
            [sys.executable, "-c", COUNTER_SCRIPT, str(config), str(tmp_path / f"{ws}.db"), "12"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    for ws, proc in procs.items():
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        result = json.loads(out.strip().splitlines()[-1])
        assert result == {"failed": 0, "final": None, "status": "Synced"}, ws
    for desk in counters.values():
        assert_exactly_once(desk, central)
    assert scalar(central, "SELECT count(DISTINCT workstation) FROM receipts") == 3
    assert scalar(central, "SELECT sum(total_cents) FROM receipts") == 3 * sum(
        1000 + i for i in range(12)
    )
    assert scalar(central, "SELECT count(*) FROM receipt_number_gaps") == 0
