"""A simulated day at the counter, with every report figure checked against the receipts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from drawer_helpers import Pay, bank, check, counted, m
from sqlalchemy import select

from cashdesk.app import Cashdesk
from cashdesk.clock import FixedClock
from cashdesk.domain import tender as T
from cashdesk.domain.drawer import CashCount
from cashdesk.domain.gl import fund_balances
from cashdesk.domain.money import Money, total
from cashdesk.domain.roles import Operator
from cashdesk.domain.tender import TenderKind
from cashdesk.errors import StateError, ValidationError
from cashdesk.services.balancing import DayCloseResult
from cashdesk.store.models import AuditEntry, OutboxRow, Receipt

DAY = dt.date(2026, 11, 26)


def simulate_day(
    desk: Cashdesk, people: dict[str, Operator], pay: Pay, clock: FixedClock
) -> DayCloseResult:
    maria, jose, kim, lead, sam = (people[u] for u in ("maria", "jose", "kim", "lead", "sam"))
    bal = desk.balancing
    desk.drawers.open_drawer(maria, count=bank(), drawer="1")
    desk.drawers.open_drawer(jose, count=bank(), drawer="2", shared=True)

    pay(maria, "MISC", "50.00", T.cash(m("60")))
    pay(maria, "GOLF-R", None, check("40.00", "1001"))
    status = bal.status(maria, "1")
    assert status is not None and not status.needs_pickup
    pay(maria, "MISC", "1960.00", T.cash(m("1960")))
    status = bal.status(maria, "1")
    assert status is not None and status.needs_pickup  # $2,210.00 in the drawer
    pay(
        maria,
        "FAC-FEE",
        "120.00",
        T.card(m("120"), last4="4242", approval="A1B2C3"),
        reference="INV-2291",
    )
    wrong = pay(maria, "MISC", "15.00", T.cash(m("20")))
    desk.payments.void_receipt(lead, wrong.number, reason="Charged the wrong customer")
    pickup = bal.pickup(lead, CashCount.of({"B100": 15}), "1")
    assert pickup.amount == m("1500") and not pickup.needs_pickup

    clock.advance(hours=2)  # relief: maria hands drawer 1 to kim with a count
    handoff = bal.handoff(maria, kim, counted(m("710.00"), checks=(("1001", "40.00"),), card="120"))
    assert handoff.count.state == "approved" and handoff.count.over_short == Money.zero()
    assert handoff.next_session.opening_bank == m("710.00")
    pay(kim, "DAR-10", None, T.cash(m("20")))
    pay(kim, "MISC", "33.33", T.money_order(m("33.33"), serial="MO-77"))
    pay(kim, "ANT", None, T.cash(m("5")))

    pay(jose, "GOLF-S", None, T.cash(m("25")), drawer="2")
    pay(lead, "MISC", "100.00", check("100.00", "2002"), drawer="2")  # a shared drawer
    pay(jose, "MISC", "64.50", T.card(m("64.50"), last4="1111", approval="ZZ99"), drawer="2")

    clock.advance(hours=4, minutes=30)  # 16:30: the closes
    kim_count = counted(m("722.65"), mos=("33.33",))
    first = bal.submit_count(kim, kim_count, "1")
    assert first.needs_signoff and first.state == "counted" and first.recount_allowed
    assert first.over_short == -m("12.35")
    second = bal.recount(kim, first.session_id, kim_count)
    assert second.attempt == 2 and not second.recount_allowed
    with pytest.raises(StateError, match="recounted once"):
        bal.recount(kim, first.session_id, kim_count)
    with pytest.raises(ValidationError, match="reason"):
        bal.approve(lead, first.session_id, reason=" ")
    signed = bal.approve(lead, first.session_id, reason="Short $12.35: change error, reviewed")
    assert signed.state == "approved" and signed.approved_by == "Zoë Müller"

    d2 = bal.submit_count(
        jose, counted(m("232.00"), checks=(("2002", "100.00"),), card="64.50"), "2"
    )
    assert d2.over_short == m("7.00") and d2.needs_signoff
    with pytest.raises(StateError, match="cannot sign off"):
        bal.approve(lead, d2.session_id, reason="Over; took receipts on it myself")
    bal.approve(sam, d2.session_id, reason="Over $7.00, customer left change")
    return bal.close_day(lead)


def test_simulated_day(
    desk: Cashdesk, people: dict[str, Operator], pay: Pay, clock: FixedClock
) -> None:
    closed = simulate_day(desk, people, pay, clock)
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
        desk.balancing.close_day(people["lead"], DAY)

    # The deposit: pickups + the final counts less the starting banks, and the checks.
    slip = desk.balancing.deposit(people["lead"], bag_number="bag-1001", business_date=DAY)
    assert slip.bag_number == "BAG-1001"
    assert slip.currency + slip.coin == m("1500.00") + m("522.65") + m("32.00")
    assert [(i.kind, i.number, i.amount) for i in slip.items] == [
        (TenderKind.CHECK, "1001", m("40.00")),
        (TenderKind.MONEY_ORDER, "", m("33.33")),
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
