"""Helpers for the drawer tests: counts, receipts and the counter's people."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from cashdesk.domain import tender as T
from cashdesk.domain.drawer import CashCount, DrawerCount, ListedItem
from cashdesk.domain.money import Money
from cashdesk.domain.tender import TenderKind
from cashdesk.errors import StateError, ValidationError
from cashdesk.services.payments import PostedReceipt

if TYPE_CHECKING:
    from cashdesk.app import Cashdesk
    from cashdesk.clock import FixedClock
    from cashdesk.domain.roles import Operator
    from cashdesk.services.day_close import DayCloseResult

DAY = dt.date(2026, 11, 26)

PASSWORD = "riverbend1"

# $200.00 by denomination: 5 x $20, 4 x $10, 6 x $5, 20 x $1, one roll of quarters.
STARTING_BANK = {"B20": 5, "B10": 4, "B5": 6, "B1": 20, "R25": 1}


def m(text: str) -> Money:
    return Money.parse(text)


def bank() -> CashCount:
    return CashCount.of(STARTING_BANK)


def cash_of(amount: Money) -> CashCount:
    """A plausible drawer of ``amount``: hundreds, twenties, ones and pennies."""
    cents = amount.cents
    hundreds, cents = divmod(cents, 100_00)
    twenties, cents = divmod(cents, 20_00)
    ones, cents = divmod(cents, 1_00)
    return CashCount.of({"B100": hundreds, "B20": twenties, "B1": ones, "C1": cents})


def counted(
    cash: Money,
    *,
    checks: tuple[tuple[str, str], ...] = (),
    card: str = "0",
    mos: tuple[str, ...] = (),
) -> DrawerCount:
    items = [ListedItem(kind=TenderKind.CHECK, number=n, amount=m(a)) for n, a in checks]
    items += [ListedItem(kind=TenderKind.MONEY_ORDER, amount=m(a)) for a in mos]
    return DrawerCount(cash=cash_of(cash), items=tuple(items), card_batch=m(card))


Pay = Callable[..., PostedReceipt]


def check(amount: str, number: str) -> T.Tender:
    return T.check(m(amount), routing="021000021", account="123456789", number=number)


def simulate_day(
    desk: Cashdesk, people: dict[str, Operator], pay: Pay, clock: FixedClock, *, close: bool = True
) -> DayCloseResult | None:
    """A counter day on 2026-11-26: maria hands drawer 1 to kim at noon, jose works shared
    drawer 2 (the lead takes a receipt on it), a pickup, a void, kim is $12.35 short (recount,
    then sign-off), drawer 2 is $7.00 over (signed off by sam, since the lead took a receipt
    on it); the lead closes the day."""
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
    pay(kim, "MISC", "5.00", T.cash(m("5")))

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
    return desk.day_close.close_day(lead) if close else None
