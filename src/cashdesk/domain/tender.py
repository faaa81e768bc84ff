"""Tenders and the rules of RULES.md section 7.

- Change is given in cash only.
- A check or money order may not exceed the amount due (no cash back).
- A card tender is for an exact amount (the terminal charges exactly what is keyed).

Reading of "amount due" for split tenders (RULES.md is silent on order): the non-cash tenders
together may not exceed the receipt total, so whatever is over the total can only have come
from cash, and change never exceeds the cash tendered.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from cashdesk.domain.money import Money, total
from cashdesk.domain.routing import validate_routing_number
from cashdesk.errors import ValidationError


class TenderKind(enum.StrEnum):
    CASH = "cash"
    CHECK = "check"
    MONEY_ORDER = "money_order"
    CARD = "card"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    TenderKind.CASH: "Cash",
    TenderKind.CHECK: "Check",
    TenderKind.MONEY_ORDER: "Money order",
    TenderKind.CARD: "Card",
}

_ACCOUNT = re.compile(r"^[0-9]{4,17}$")
_CHECK_NUMBER = re.compile(r"^[0-9]{1,10}$")
_LAST_FOUR = re.compile(r"^[0-9]{4}$")
_APPROVAL = re.compile(r"^[A-Za-z0-9]{2,12}$")


@dataclass(frozen=True, slots=True, kw_only=True)
class Tender:
    """One tender of a receipt. Card tenders keep only the approval code and last four."""

    kind: TenderKind
    amount: Money
    check_routing: str = ""
    check_account: str = ""
    check_number: str = ""
    card_last4: str = ""
    card_approval: str = ""
    reference: str = ""  # money order serial number

    @property
    def masked_account(self) -> str:
        """A check account as printed on a receipt: the last four digits only."""
        return mask_account(self.check_account)


def mask_account(account: str) -> str:
    return f"****{account[-4:]}" if account else ""


def cash(amount: Money) -> Tender:
    return Tender(kind=TenderKind.CASH, amount=amount)


def check(amount: Money, *, routing: str, account: str, number: str) -> Tender:
    """A check as typed or read; the routing number's check digit is verified."""
    routing = validate_routing_number(routing)
    account = "".join(account.split()).replace("-", "")
    if not _ACCOUNT.match(account):
        raise ValidationError("Check account number must be 4 to 17 digits.")
    number = number.strip()
    if not _CHECK_NUMBER.match(number):
        raise ValidationError("Check number must be 1 to 10 digits.")
    return Tender(
        kind=TenderKind.CHECK,
        amount=amount,
        check_routing=routing,
        check_account=account,
        check_number=number,
    )


def money_order(amount: Money, *, serial: str = "") -> Tender:
    return Tender(kind=TenderKind.MONEY_ORDER, amount=amount, reference=serial.strip())


def card(amount: Money, *, last4: str, approval: str) -> Tender:
    """A card paid on the external terminal. Anything longer than four digits is refused so a
    full card number (PAN) can never be typed into cashdesk and stored."""
    last4 = last4.strip()
    if not _LAST_FOUR.match(last4):
        raise ValidationError("Enter only the card's last four digits.")
    approval = approval.strip().upper()
    if not _APPROVAL.match(approval):
        raise ValidationError("Card approval code must be 2 to 12 letters or digits.")
    return Tender(kind=TenderKind.CARD, amount=amount, card_last4=last4, card_approval=approval)


@dataclass(frozen=True, slots=True)
class Settlement:
    """What a set of tenders does to an amount due."""

    due: Money
    tendered: Money
    change: Money
    cash_in: Money  # cash that stays in the drawer: cash tendered minus change


def remaining_due(due: Money, tenders: list[Tender] | tuple[Tender, ...]) -> Money:
    """What is still owed after the tenders so far (zero when fully paid)."""
    left = due - total(t.amount for t in tenders)
    return left if left.is_positive else Money.zero()


def check_tender_fits(due: Money, tenders: list[Tender] | tuple[Tender, ...], new: Tender) -> None:
    """Refuse a tender as it is added (so the cashier hears about it at once)."""
    check_amount_fits(new.kind, new.amount, remaining_due(due, tenders))


def check_amount_fits(kind: TenderKind, amount: Money, left: Money) -> None:
    """Refuse an amount of tender ``kind`` against ``left`` still due (the tender screens ask
    this as the amount is typed, before the rest of the tender is keyed)."""
    if not amount.is_positive:
        raise ValidationError(f"{kind.label} amount must be more than zero.")
    if kind is TenderKind.CASH:
        return
    if amount > left:
        if kind is TenderKind.CARD:
            raise ValidationError(
                f"A card is charged for an exact amount: at most {left} is still due."
            )
        raise ValidationError(
            f"A {kind.label.lower()} may not exceed the amount due ({left}); no cash back."
        )


def settle(due: Money, tenders: list[Tender] | tuple[Tender, ...]) -> Settlement:
    """Validate a complete set of tenders against the amount due and compute the change."""
    if not due.is_positive:
        raise ValidationError("There is nothing to pay: the receipt total must be more than zero.")
    if not tenders:
        raise ValidationError("Take at least one tender.")
    for index, tender in enumerate(tenders):
        check_tender_fits(due, tenders[:index], tender)
    non_cash = total(t.amount for t in tenders if t.kind is not TenderKind.CASH)
    if non_cash > due:
        raise ValidationError(f"Checks, money orders and cards exceed the amount due ({due}).")
    tendered = total(t.amount for t in tenders)
    if tendered < due:
        raise ValidationError(f"{due - tendered} is still due.")
    change = tendered - due
    cash_tendered = total(t.amount for t in tenders if t.kind is TenderKind.CASH)
    # Guaranteed by non_cash <= due, asserted because a change larger than the cash taken
    # would be money leaving the drawer that never came in.
    assert change <= cash_tendered
    return Settlement(due=due, tendered=tendered, change=change, cash_in=cash_tendered - change)
