"""Pushing a workstation's outbox to the central ledger: exactly once, in order, with refused
rows parked in the exceptions queue and nothing dropped."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from ledger_helpers import pay, scalar
from sqlalchemy import func, select

from cashdesk.app import Cashdesk
from cashdesk.clock import FixedClock
from cashdesk.domain.roles import Operator
from cashdesk.errors import PermissionDenied, StateError, ValidationError
from cashdesk.store.engine import transaction
from cashdesk.store.models import AuditEntry, OutboxRow, Receipt

pytestmark = pytest.mark.postgres


def local_totals(desk: Cashdesk) -> tuple[int, int]:
    with desk.ctx.sessions() as s:
        row = s.execute(select(func.count(), func.sum(Receipt.total_cents))).one()
        return int(row[0]), int(row[1] or 0)


def central_totals(url: str, workstation: str = "W01") -> tuple[int, int]:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT count(*), coalesce(sum(total_cents), 0) FROM receipts WHERE workstation = %s",
            (workstation,),
        ).fetchone()
        assert row is not None
        return int(row[0]), int(row[1])


def unsent(desk: Cashdesk) -> int:
    with desk.ctx.sessions() as s:
        return int(s.scalar(select(func.count()).where(OutboxRow.sent_at.is_(None))) or 0)


def test_receipts_voids_and_drawers_reach_the_ledger_exactly_once(
    synced_desk: Cashdesk, open_drawer: Operator, lead: Operator, central: str
) -> None:
    desk = synced_desk
    numbers = [pay(desk, open_drawer, cents) for cents in (1250, 999, 40000)]
    desk.payments.void_receipt(lead, numbers[1], reason="keyed twice")

    report = desk.sync.sync_once()

    assert report.ok, report.error
    assert report.sent == {"drawer_session": 1, "receipt": 3, "void": 1}
    assert unsent(desk) == 0
    assert central_totals(central) == local_totals(desk) == (3, 1250 + 999 + 40000)
    assert scalar(central, "SELECT count(*) FROM ledger_events") == 5
    assert scalar(central, "SELECT count(*) FROM voids") == 1
    assert scalar(central, "SELECT count(*) FROM drawer_sessions") == 1
    assert scalar(central, "SELECT count(*) FROM journal_entries") == 4
    assert scalar(central, "SELECT count(*) FROM unbalanced_journal_entries") == 0
    # Every journal line of the workstation arrived, to the cent.
    assert scalar(central, "SELECT sum(debit_cents) FROM journal_lines") == 1250 + 999 * 2 + 40000
    assert desk.sync.status().text == "Synced"

    again = desk.sync.sync_once()
    assert again.ok and sum(again.sent.values()) == 0 and again.already_there == 0
    assert scalar(central, "SELECT count(*) FROM ledger_events") == 5


def test_a_crash_between_central_commit_and_local_mark_sends_nothing_twice(
    synced_desk: Cashdesk, open_drawer: Operator, central: str
) -> None:
    desk = synced_desk
    for cents in range(100, 112):
        pay(desk, open_drawer, cents)
    desk.sync.batch_size = 5

    def power_cut() -> None:
        raise KeyboardInterrupt("power cut")

    desk.sync.after_central_commit = power_cut
    with pytest.raises(KeyboardInterrupt):
        desk.sync.sync_once(pull=False)
    assert unsent(desk) == 13  # the first batch is central, but was never marked here
    assert scalar(central, "SELECT count(*) FROM ledger_events") == 5

    desk.sync.after_central_commit = None
    report = desk.sync.sync_once(pull=False)
    assert report.ok
    assert report.already_there == 5
    assert sum(report.sent.values()) == 8
    assert unsent(desk) == 0
    assert central_totals(central) == local_totals(desk)
    assert scalar(central, "SELECT count(*) FROM ledger_events") == 13


def test_unknown_kinds_are_stored_raw_never_refused(
    synced_desk: Cashdesk, open_drawer: Operator, central: str
) -> None:
    desk = synced_desk
    with transaction(desk.ctx.sessions) as s:
        desk.ctx.enqueue(
            s,
            kind="deposit",
            subject_id="D-1",
            payload={"bank": "Riverbend Savings", "amount_cents": 123456, "slips": [1, 2]},
        )
    pay(desk, open_drawer, 500)
    report = desk.sync.sync_once(pull=False)
    assert report.ok and report.sent["deposit"] == 1 and report.sent["receipt"] == 1
    assert (
        scalar(central, "SELECT payload->>'amount_cents' FROM ledger_events WHERE kind = 'deposit'")
        == "123456"
    )


def test_a_refused_row_waits_for_a_supervisor_and_the_rest_flows(
    synced_desk: Cashdesk, open_drawer: Operator, lead: Operator, central: str
) -> None:
    desk = synced_desk
    first = pay(desk, open_drawer, 700)
    # Someone re-used this counter's number centrally (a reset workstation, say): W01-000002
    # is taken by a receipt this workstation never posted.
    with psycopg.connect(central) as conn:
        conn.execute(
            "INSERT INTO ledger_events (uuid, workstation, outbox_id, kind, subject_id, payload,"
            " created_at) VALUES (gen_random_uuid(), 'W01', 0, 'receipt', 'x', '{}', now())"
        )
        conn.execute(
            "INSERT INTO receipts (id, event_uuid, workstation, number, seq, business_date,"
            " posted_at, total_cents, change_cents) SELECT gen_random_uuid(), uuid, 'W01',"
            " 'W01-000002', 2, current_date, now(), 1, 0 FROM ledger_events"
        )
    second = pay(desk, open_drawer, 800)
    third = pay(desk, open_drawer, 900)

    report = desk.sync.sync_once(pull=False)

    assert report.ok
    assert report.sent == {"drawer_session": 1, "receipt": 2}
    assert len(report.refused) == 1 and second in report.refused[0]
    assert "uq_receipts_workstation_number" in report.refused[0]
    assert (
        scalar(
            central,
            "SELECT string_agg(number, ',' ORDER BY number) FROM receipts WHERE total_cents > 1",
        )
        == f"{first},{third}"
    )
    status = desk.sync.status()
    assert (status.waiting, status.exceptions) == (0, 1)
    assert status.text == "Synced · 1 sync exception"
    warning = desk.sync.unsent_warning()
    assert warning is not None and "1 record was refused" in warning

    # Passes that follow leave the parked row alone (it would only be refused again).
    assert desk.sync.sync_once(pull=False).refused == []

    [exc] = desk.sync.exceptions(lead)
    assert (exc.kind, exc.subject, exc.status, exc.attempts) == ("receipt", second, "open", 1)
    with pytest.raises(PermissionDenied):
        desk.sync.retry_exception(open_drawer, exc.id)

    # The supervisor retries before the cause is fixed: refused again, attempts counted.
    desk.sync.retry_exception(lead, exc.id)
    desk.sync.sync_once(pull=False)
    [exc] = desk.sync.exceptions(lead)
    assert (exc.status, exc.attempts) == ("open", 2)

    # Central staff remove the impostor; the retry now goes through.
    with psycopg.connect(central) as conn:
        conn.execute("DELETE FROM receipts WHERE total_cents = 1")
    desk.sync.retry_exception(lead, exc.id)
    report = desk.sync.sync_once(pull=False)
    assert report.sent == {"receipt": 1} and not report.refused
    assert desk.sync.exceptions(lead) == []
    [done] = desk.sync.exceptions(lead, include_resolved=True)
    assert (done.status, done.note) == ("resolved", "sent on retry")
    assert central_totals(central) == local_totals(desk)
    assert desk.sync.unsent_warning() is None
    with desk.ctx.sessions() as s:
        actions = list(
            s.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.action.like("sync%"))
                .order_by(AuditEntry.id)
            )
        )
    assert actions == [
        "sync_row_refused",
        "sync_exception_retry",
        "sync_row_refused",
        "sync_exception_retry",
    ]


def test_an_unreadable_payload_is_refused_and_resolved_with_a_note(
    synced_desk: Cashdesk, lead: Operator, central: str
) -> None:
    desk = synced_desk
    with transaction(desk.ctx.sessions) as s:
        desk.ctx.enqueue(s, kind="receipt", subject_id="broken", payload={"number": "W01-000009"})
    report = desk.sync.sync_once(pull=False)
    assert report.refused == ["receipt W01-000009: the payload has no 'id'"]
    [exc] = desk.sync.exceptions(lead)
    with pytest.raises(ValidationError):
        desk.sync.resolve_exception(lead, exc.id, note="ok")
    desk.sync.resolve_exception(lead, exc.id, note="Test row written by hand; nothing to post.")
    with pytest.raises(StateError):
        desk.sync.resolve_exception(lead, exc.id, note="once more, with feeling")
    [exc] = desk.sync.exceptions(lead, include_resolved=True)
    assert exc.status == "resolved" and exc.resolved_by == "Zoë Müller"
    assert desk.sync.status().exceptions == 0
    assert unsent(desk) == 1  # never marked sent: the record of what happened stays
    assert scalar(central, "SELECT count(*) FROM ledger_events") == 0
    with desk.ctx.sessions() as s:
        audit = s.scalar(select(AuditEntry).where(AuditEntry.action == "sync_exception_resolved"))
        assert audit is not None and audit.details["note"].startswith("Test row")


def test_status_and_warnings_while_offline(
    desk: Cashdesk, open_drawer: Operator, clock: FixedClock
) -> None:
    desk.sync.url = "postgresql://nobody@127.0.0.1:9/none"  # nothing listens on port 9
    pay(desk, open_drawer, 1000)
    clock.advance(minutes=7)
    pay(desk, open_drawer, 2000)
    report = desk.sync.sync_once()
    assert not report.ok and "cannot be reached" in (report.error or "")
    status = desk.sync.status()
    assert status.state == "offline"
    assert status.offline_since == clock.now()
    assert (status.waiting, status.waiting_receipts) == (3, 2)
    assert status.text == "Offline since 10:07 · 3 waiting (oldest 7 min)"
    warning = desk.auth.sign_out(open_drawer)
    assert warning == (
        "2 receipts and 3 records in all have not reached the central ledger yet (oldest from "
        "2026-11-26 10:00). They are kept safely on this workstation; do not reset or reinstall "
        "it until they are sent."
    )
    clock.advance(minutes=5)
    desk.sync.sync_once()
    assert desk.sync.status().offline_since == clock.now() - dt.timedelta(minutes=5)


def test_sync_command_runs_one_pass_and_prints_what_it_sent(
    synced_desk: Cashdesk, open_drawer: Operator, db_path: Path, ws_url: str, central: str
) -> None:
    pay(synced_desk, open_drawer, 4321)
    synced_desk.close()
    result = subprocess.run(
        [sys.executable, "-m", "cashdesk.cli", "--db", str(db_path), "sync", "--url", ws_url],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "sent 2 rows (1 drawer_session, 1 receipt)"
    assert lines[-1] == "Synced"
    assert central_totals(central) == (1, 4321)

    offline = subprocess.run(
        [
            sys.executable,
            "-m",
            "cashdesk.cli",
            "--db",
            str(db_path),
            "sync",
            "--url",
            "postgresql://x@127.0.0.1:9/none",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    # Nothing could be done: one sentence on stderr, status 2 (issue 14).
    assert offline.returncode == 2
    [line] = offline.stderr.splitlines()
    assert line.startswith("cashdesk: The central ledger (x@127.0.0.1:9/none) cannot be reached")


def test_no_ledger_configured_is_said_plainly(desk: Cashdesk, open_drawer: Operator) -> None:
    pay(desk, open_drawer, 100)
    report = desk.sync.sync_once()
    assert report.error == "no central ledger is configured ([ledger] url)"
    assert desk.sync.status().text.startswith("Central ledger not configured · 2 waiting")
