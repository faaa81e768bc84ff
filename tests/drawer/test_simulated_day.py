"""A simulated day at the counter, with every report figure checked against the receipts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from drawer_helpers import DAY, Pay, bank, m, simulate_day
from sqlalchemy import select

from cashdesk.app import Cashdesk
from cashdesk.clock import FixedClock
from cashdesk.domain import tender as T
from cashdesk.domain.gl import fund_balances
from cashdesk.domain.money import Money, total
from cashdesk.domain.roles import Operator
from cashdesk.domain.tender import TenderKind
from cashdesk.errors import StateError
from cashdesk.store.models import AuditEntry, OutboxRow, Receipt


def test_simulated_day(
    desk: Cashdesk, people: dict[str, Operator], pay: Pay, clock: FixedClock
) -> None:
    closed = simulate_day(desk, people, pay, clock)
    assert closed is not None
    z = closed.report
    assert closed.business_date == DAY and z.closed and z.kind == "Z"

    with desk.ctx.sessions() as s:
        receipts = list(s.scalars(select(Receipt).where(Receipt.business_date == DAY)))
        posted = [r for r in receipts if r.status == "posted"]
        receipts_total = Money(cents=sum(r.total_cents for r in posted))
        by_cashier: dict[str, int] = defaultdict(int)
        for r in posted:
            by_cashier[r.cashier.full_name] += r.total_cents
        lines = [ln for r in posted for ln in r.lines]
        by_fund: dict[str, int] = defaultdict(int)
        for ln in lines:
            by_fund[ln.gl_account[:3]] += ln.amount_cents

    report = desk.day_reports.daily(
        people["auditor"] if "auditor" in people else people["lead"], DAY
    )
    for r in (z, report):
        assert r.receipts == len(posted) == 10 and r.voided == 1
        assert r.receipts_total == receipts_total == m("2417.83")
        assert total(t.amount for t in r.by_tender) == receipts_total
        assert {t.kind: t.amount for t in r.by_tender} == {
            TenderKind.CASH: m("2060.00"),
            TenderKind.CHECK: m("140.00"),
            TenderKind.MONEY_ORDER: m("33.33"),
            TenderKind.CARD: m("184.50"),
        }
        assert {c.cashier: c.total.cents for c in r.by_cashier} == by_cashier
        assert {c.cashier for c in r.by_cashier} == {
            "Maria Hernández",
            "Kim Ngô",
            "José Núñez",
            "Zoë Müller",
        }
        assert {f.fund: f.amount.cents for f in r.by_fund} == by_fund
        assert total(c.amount for c in r.by_code) == receipts_total
        assert [(v.voided_by, v.total) for v in r.voids] == [("Zoë Müller", m("15.00"))]
        assert r.numbers is not None and r.numbers.gapless
        assert (r.numbers.first, r.numbers.last, r.numbers.count) == (
            "W01-000001",
            "W01-000011",
            11,
        )
        assert r.over_short == -m("5.35")
        assert r.card_batches == m("184.50")
        drawers = {(sf.drawer, sf.cashier): sf for sf in r.sessions}
        assert set(drawers) == {("1", "Maria Hernández"), ("1", "Kim Ngô"), ("2", "José Núñez")}
        assert drawers[("1", "Kim Ngô")].handed_from == "Maria Hernández"
        assert drawers[("1", "Maria Hernández")].handed_to == "Kim Ngô"
        assert drawers[("1", "Maria Hernández")].pickups == m("1500.00")
        assert drawers[("2", "José Núñez")].cashiers == ("José Núñez", "Zoë Müller")
        assert drawers[("2", "José Núñez")].approved_by == "Samuel Østergaard"
        assert drawers[("1", "Kim Ngô")].attempt == 2

    # The journal: balanced in total and per fund; revenue equals the receipts to the cent.
    journal = z.journal
    assert total(j.debit for j in journal) == total(j.credit for j in journal)
    assert set(fund_balances(journal).values()) == {Money.zero()}
    revenue = total(
        j.credit - j.debit
        for j in journal
        if not j.account.endswith(("-10100", "-10150")) and j.account != "101-150-36990"
    )
    assert revenue == receipts_total
    over_short = total(j.credit - j.debit for j in journal if j.account == "101-150-36990")
    assert over_short == -m("5.35")
    change_fund = [j for j in journal if j.account == "101-000-10150"]
    assert total(j.credit for j in change_fund) == m("400.00")
    assert total(j.debit for j in change_fund) == m("400.00")
    pooled = {j.fund: Money.zero() for j in journal}
    for j in journal:
        if j.account.endswith("-000-10100"):
            pooled[j.fund] += j.net
    for fund, cents in by_fund.items():
        expected = Money(cents=cents) + (-m("5.35") if fund == "101" else Money.zero())
        assert pooled[fund] == expected

    # Late receipts after the close go to the next business date.
    clock.advance(hours=1)
    desk.drawers.open_drawer(people["maria"], count=bank(), drawer="1")
    late = pay(people["maria"], "MISC", "9.99", T.cash(m("10")))
    with desk.ctx.sessions() as s:
        row = s.scalar(select(Receipt).where(Receipt.number == late.number))
        assert row is not None and row.business_date == DAY + dt.timedelta(days=1)
    with pytest.raises(StateError, match="only today's"):
        desk.payments.void_receipt(people["lead"], "W01-000001", reason="too late now")
    with pytest.raises(StateError, match="closed already"):
        desk.day_close.close_day(people["lead"], DAY)

    # The deposit: pickups + the final counts less the starting banks, and the checks.
    slip = desk.day_close.deposit(people["lead"], bag_number="bag-1001", business_date=DAY)
    assert slip.bag_number == "BAG-1001"
    assert slip.currency + slip.coin == m("1500.00") + m("522.65") + m("32.00")
    assert [(i.kind, i.number, i.amount) for i in slip.items] == [
        (TenderKind.CHECK, "1001", m("40.00")),
        (TenderKind.MONEY_ORDER, "MO-77", m("33.33")),
        (TenderKind.CHECK, "2002", m("100.00")),
    ]
    assert slip.total == m("2227.98")
    # Deposit + card batches = what the journal put in pooled cash.
    assert slip.total + z.card_batches == total(pooled.values())
    assert slip.cash.total == slip.currency + slip.coin
    after = desk.day_reports.daily(people["lead"], DAY)
    assert {sf.state for sf in after.sessions} == {"deposited"}
    assert after.deposits_total == slip.total

    with desk.ctx.sessions() as s:
        kinds = [o.kind for o in s.scalars(select(OutboxRow).order_by(OutboxRow.id))]
        actions = list(s.scalars(select(AuditEntry.action)))
        approvals = list(
            s.scalars(select(AuditEntry).where(AuditEntry.action == "drawer_approved"))
        )
    for kind in (
        "drawer_count",
        "drawer_approved",
        "drawer_pickup",
        "day_close",
        "day_journal",
        "deposit",
    ):
        assert kind in kinds
    assert {"drawer_count", "drawer_approved", "drawer_pickup", "day_close", "deposit"} <= set(
        actions
    )
    signed = {a.approver_id for a in approvals if a.details["needs_signoff"]}
    assert signed == {people["lead"].user_id, people["sam"].user_id}
