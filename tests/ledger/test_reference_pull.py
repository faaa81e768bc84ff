"""Pulling the city's records from the central ledger into the workstation's cache."""

from __future__ import annotations

import datetime as dt
from typing import Any

import psycopg
import pytest
from sqlalchemy import select, update

from cashdesk.app import Cashdesk
from cashdesk.clock import FixedClock
from cashdesk.domain import tender as T
from cashdesk.domain.receipt import ReceiptDraft
from cashdesk.domain.roles import Operator
from cashdesk.ledger.reference import pull_reference
from cashdesk.services.posting import NoRecord, Posting
from cashdesk.store.reference_models import (
    CitationRow,
    ReturnedCheckRow,
    UtilityAccountRow,
    UtilityBillItemRow,
)

pytestmark = pytest.mark.postgres


def citation(desk: Cashdesk, number: str) -> tuple[str, str] | None:
    with desk.ctx.sessions() as s:
        row = s.get(CitationRow, number)
        return None if row is None else (row.status, row.plate)


def test_pull_brings_only_what_changed(synced_desk: Cashdesk, central: str) -> None:
    desk = synced_desk
    first = desk.sync.sync_once()
    assert first.ok, first.error
    assert "citations: 2000 updated" in first.pulled[2]
    assert desk.sync.sync_once().pulled == []

    with psycopg.connect(central) as conn:
        conn.execute("UPDATE citations SET status = 'dismissed' WHERE citation_no = 'RB2600000'")
        conn.execute(
            "INSERT INTO citations (citation_no, plate, plate_state, issue_date, violation_code,"
            " status) VALUES ('RB2699999', '7ABC123', 'CA', '2026-11-20', 'RMC 10.16.020', 'open')"
        )
        conn.execute("UPDATE utility_accounts SET name = 'Jim Chen' WHERE account_no = '100000'")
        conn.execute("UPDATE utility_bill_items SET deleted = true WHERE id = 1")
        conn.execute(
            "INSERT INTO returned_checks (id, routing, account, payer, returned_on, reason)"
            " VALUES (1000, '121000358', '99887766', 'Ana Thomas', '2026-11-20', 'NSF')"
        )

    report = desk.sync.sync_once()

    assert report.pulled == [
        "utility accounts: 1 updated",
        "utility bill items: 1 retired",
        "citations: 2 updated",
        "returned checks: 1 updated",
    ]
    # The cache answers from the local file: no central ledger needed for a lookup.
    desk.sync.url = "postgresql://nobody@127.0.0.1:9/none"
    assert citation(desk, "RB2600000") == ("dismissed", "9JGM143")
    assert citation(desk, "RB2699999") == ("open", "7ABC123")
    with desk.ctx.sessions() as s:
        account = s.get(UtilityAccountRow, "100000")
        assert account is not None and account.name == "Jim Chen"
        assert s.get(UtilityBillItemRow, 1) is None
        assert s.get(UtilityBillItemRow, 2) is not None
        assert s.scalar(
            select(ReturnedCheckRow.payer).where(ReturnedCheckRow.account == "99887766")
        )


def test_a_payment_taken_here_is_not_undone_by_a_pull(
    synced_desk: Cashdesk, open_drawer: Operator, central: str, ws_url: str, clock: FixedClock
) -> None:
    desk = synced_desk
    clock.at = dt.datetime.now(dt.UTC)  # compared with the server's clock below
    assert desk.sync.sync_once().ok

    # A participant that pays the citation in the cache at once (what a careless one would do).
    class MarkPaid(NoRecord):
        def apply(self, posting: Posting, plan: None) -> None:
            for line in posting.final.lines:
                if line.code == "CIT":
                    posting.session.execute(
                        update(CitationRow)
                        .where(CitationRow.citation_no == line.reference)
                        .values(status="paid")
                    )

    desk.payments.pipeline.register(MarkPaid("mark_paid", ()))
    draft = ReceiptDraft(payer="Test Payer")
    for line in desk.records.citation_lines("RB2600003"):  # the amount due, as the counter charges
        draft.add_line(line)
    draft.add_tender(T.cash(draft.total))
    desk.payments.post_payment(open_drawer, draft)
    # Meanwhile the city corrects the plate; its row still says "open".
    with psycopg.connect(central) as conn:
        conn.execute("UPDATE citations SET plate = '5MHV353' WHERE citation_no = 'RB2600003'")

    # A pull while the payment is still unsent holds the row back.
    with psycopg.connect(ws_url) as conn:
        outcome = pull_reference(
            conn, desk.ctx.sessions, protected=desk.sync.unsynced_keys(), now=clock.now()
        )
    assert outcome.held["citations"] == 1
    assert citation(desk, "RB2600003") == ("paid", "5MHV352")

    # Sent now, but the central row was changed before the payment arrived: still held.
    clock.at = dt.datetime.now(dt.UTC)
    report = desk.sync.sync_once()
    assert report.sent["receipt"] == 1
    assert report.pulled == ["citations: 1 held back (unsent payments here)"]
    assert citation(desk, "RB2600003") == ("paid", "5MHV352")

    # The city processes the payment: from then on its row is the truth.
    with psycopg.connect(central) as conn:
        conn.execute("UPDATE citations SET status = 'paid' WHERE citation_no = 'RB2600003'")
    report = desk.sync.sync_once()
    assert report.pulled == ["citations: 1 updated"]
    assert citation(desk, "RB2600003") == ("paid", "5MHV353")


def test_a_change_committed_late_is_not_skipped(
    synced_desk: Cashdesk, central: str, ws_url: str, clock: FixedClock
) -> None:
    """A transaction that started first but commits last must still reach the cache (a cursor
    on "the highest change seen" would jump over it)."""
    desk = synced_desk
    assert desk.sync.sync_once().ok

    def pull() -> Any:
        with psycopg.connect(ws_url) as conn:
            return pull_reference(conn, desk.ctx.sessions, protected={}, now=clock.now())

    slow = psycopg.connect(central)
    slow.execute("UPDATE citations SET status = 'dismissed' WHERE citation_no = 'RB2600000'")
    with psycopg.connect(central) as fast:
        fast.execute("UPDATE citations SET status = 'dismissed' WHERE citation_no = 'RB2600003'")
    pull()  # the slow change is invisible, and the cursor must not pass it
    slow.commit()
    slow.close()
    pull()
    assert citation(desk, "RB2600000") == ("dismissed", "9JGM143")
    assert citation(desk, "RB2600003") == ("dismissed", "5MHV352")
