"""Helpers for the drawer tests: counts, receipts and the counter's people."""

from __future__ import annotations

from collections.abc import Callable

from cashdesk.domain import tender as T
from cashdesk.domain.drawer import CashCount, DrawerCount, ListedItem
from cashdesk.domain.money import Money
from cashdesk.domain.tender import TenderKind
from cashdesk.services.payments import PostedReceipt

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
