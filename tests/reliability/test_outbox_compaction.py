"""Sent outbox rows are compacted after the hold window, and the store stays checkable."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from sqlalchemy import select, text, update

from cashdesk.app import Cashdesk
from cashdesk.clock import FixedClock
from cashdesk.domain import tender as T
from cashdesk.domain.money import Money
from cashdesk.domain.receipt import ReceiptDraft
from cashdesk.domain.roles import Operator
from cashdesk.services.outbox_compaction import compact_sent
from cashdesk.store.integrity import run_checks
from cashdesk.store.models import OutboxRow

WEEK = dt.timedelta(days=7)


def post(desk: Cashdesk, op: Operator, cents: int, tender: str = "cash") -> str:
    draft = ReceiptDraft(payer="Ana")
    draft.add_line(desk.catalog.catalog().line("MISC", amount=Money(cents=cents), description="x"))
    if tender == "cash":
        draft.add_tender(T.cash(Money(cents=cents + 500)))
    else:
        draft.add_tender(T.card(Money(cents=cents), last4="4242", approval="AB12"))
    return desk.payments.post_payment(op, draft).number


def payloads(desk: Cashdesk) -> dict[int, dict[str, object]]:
    with desk.ctx.sessions() as s:
        return {r.id: r.payload for r in s.scalars(select(OutboxRow).order_by(OutboxRow.id))}


def test_sent_rows_past_the_hold_window_keep_only_what_is_needed(
    desk: Cashdesk, open_drawer: Operator, clock: FixedClock
) -> None:
    post(desk, open_drawer, 1234)
    voided = post(desk, open_drawer, 999, "card")
    post(desk, open_drawer, 5000)
    desk.payments.void_receipt(desk.auth.sign_in("lead", "riverbend1"), voided, reason="dup")
    before = payloads(desk)
    last = max(before)
    with desk.ctx.sessions() as s, s.begin():  # the central ledger took all but the last row
        s.execute(update(OutboxRow).where(OutboxRow.id < last).values(sent_at=clock.now()))

    clock.advance(days=6)  # inside the hold window: nothing is touched
    assert compact_sent(desk.ctx, older_than=WEEK) == 0
    assert payloads(desk) == before

    clock.advance(days=2)
    assert compact_sent(desk.ctx, older_than=WEEK) == len(before) - 1
    after = payloads(desk)
    assert after[last] == before[last]  # never sent: kept whole
    for outbox_id in before:
        if outbox_id == last:
            continue
        sent = json.dumps(before[outbox_id], sort_keys=True, separators=(",", ":"))
        assert after[outbox_id]["compacted"] == hashlib.sha256(sent.encode()).hexdigest()
        assert len(json.dumps(after[outbox_id])) < len(json.dumps(before[outbox_id]))
    receipts = [p for p in after.values() if p.get("id") and "change_cents" in p]
    assert {p["number"] for p in receipts} == {"W01-000001", "W01-000002", "W01-000003"}
    assert {p["number"]: p["tenders"] for p in receipts}["W01-000001"] == [
        {"kind": "cash", "amount_cents": 1734}
    ]
    # Nothing a check reads was lost: the whole store still checks clean, drawer cash included.
    with desk.ctx.sessions() as s:
        report = run_checks(s)
    assert report.ok, report.problems
    # Once the last row is sent and old enough, the next pass reads on from the mark.
    with desk.ctx.sessions() as s, s.begin():
        s.execute(update(OutboxRow).where(OutboxRow.id == last).values(sent_at=clock.now()))
        mark = s.execute(text("SELECT value FROM integrity_marks WHERE name = 'outbox compacted'"))
        assert mark.scalar() == last - 1
    clock.advance(days=8)
    assert compact_sent(desk.ctx, older_than=WEEK) == 1
    assert compact_sent(desk.ctx, older_than=WEEK) == 0
