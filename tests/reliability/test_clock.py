"""Midnight and clocks set wrong: the business date is taken when the payment posts, receipt
numbers come from the counter (never the time), and the audit log is ordered by id."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from cashdesk.app import Cashdesk
from cashdesk.clock import FixedClock
from cashdesk.domain import tender as T
from cashdesk.domain.receipt import ReceiptDraft
from cashdesk.domain.roles import Operator
from cashdesk.store.integrity import run_checks
from cashdesk.store.models import AuditEntry, JournalEntry, OutboxRow, Receipt

# 23:59:30 in Riverbend on 2026-11-26 (UTC-8 in November).
BEFORE_MIDNIGHT = dt.datetime(2026, 11, 27, 7, 59, 30, tzinfo=dt.UTC)


def sale(desk: Cashdesk) -> ReceiptDraft:
    draft = ReceiptDraft(payer="Night owl")
    draft.add_line(desk.catalog.catalog().line("GOLF-R"))
    draft.add_tender(T.cash(draft.total))
    return draft


def test_a_sale_begun_before_midnight_posts_to_the_day_it_is_paid(
    desk: Cashdesk, open_drawer: Operator, clock: FixedClock
) -> None:
    clock.at = BEFORE_MIDNIGHT
    before = desk.payments.post_payment(open_drawer, sale(desk))
    draft = sale(desk)  # the cashier starts the next sale at 23:59:30...
    clock.advance(minutes=1)  # ...and the customer pays at 00:00:30
    after = desk.payments.post_payment(open_drawer, draft)
    with desk.ctx.sessions() as s:
        dates = {
            r.number: (r.business_date, r.posted_at)
            for r in s.scalars(select(Receipt).order_by(Receipt.seq))
        }
        entries = {
            e.description: e.business_date
            for e in s.scalars(select(JournalEntry).where(JournalEntry.kind == "receipt"))
        }
        payloads = {
            o.payload["number"]: o.payload["business_date"]
            for o in s.scalars(select(OutboxRow).where(OutboxRow.kind == "receipt"))
        }
    assert dates[before.number] == (dt.date(2026, 11, 26), BEFORE_MIDNIGHT)
    assert dates[after.number] == (dt.date(2026, 11, 27), BEFORE_MIDNIGHT + dt.timedelta(minutes=1))
    assert entries[f"Receipt {after.number}"] == dt.date(2026, 11, 27)
    assert payloads[after.number] == "2026-11-27"
    assert (before.number, after.number) == ("W01-000001", "W01-000002")


def test_a_clock_set_back_reuses_no_number_and_keeps_the_audit_order(
    desk: Cashdesk, open_drawer: Operator, clock: FixedClock
) -> None:
    first = desk.payments.post_payment(open_drawer, sale(desk))
    clock.advance(hours=-3)  # someone sets the clock back (or NTP corrects it)
    second = desk.payments.post_payment(open_drawer, sale(desk))
    clock.advance(hours=5)
    third = desk.payments.post_payment(open_drawer, sale(desk))
    clock.advance(days=-1)  # even into yesterday
    fourth = desk.payments.post_payment(open_drawer, sale(desk))
    numbers = [p.number for p in (first, second, third, fourth)]
    assert numbers == ["W01-000001", "W01-000002", "W01-000003", "W01-000004"]
    with desk.ctx.sessions() as s:
        audit = list(
            s.scalars(
                select(AuditEntry)
                .where(AuditEntry.action == "receipt_posted")
                .order_by(AuditEntry.id)
            )
        )
        assert [a.subject for a in audit] == numbers  # the chain is in posting order by id
        times = [a.at for a in audit]
        assert times != sorted(times)  # although the clock says otherwise
        outbox = list(
            s.scalars(select(OutboxRow).where(OutboxRow.kind == "receipt").order_by(OutboxRow.id))
        )
        assert [o.payload["number"] for o in outbox] == numbers
        report = run_checks(s)
    assert report.ok, report.problems  # "posting order" among them
    assert "posting order" in report.checks_run


def test_the_night_the_clocks_fall_back_keeps_one_business_date(
    desk: Cashdesk, open_drawer: Operator, clock: FixedClock
) -> None:
    # 2026-11-01 01:30 happens twice in Riverbend: first PDT (08:30 UTC), then PST (09:30 UTC).
    clock.at = dt.datetime(2026, 11, 1, 8, 30, tzinfo=dt.UTC)
    first = desk.payments.post_payment(open_drawer, sale(desk))
    clock.advance(hours=1)
    second = desk.payments.post_payment(open_drawer, sale(desk))
    with desk.ctx.sessions() as s:
        rows = {r.number: r for r in s.scalars(select(Receipt))}
    assert (
        rows[first.number].business_date
        == rows[second.number].business_date
        == dt.date(2026, 11, 1)
    )
    assert rows[first.number].posted_at < rows[second.number].posted_at
