"""Utility bill payments (RULES.md section 4, revenue code UTIL).

The central billing system owns the bills; the counter only applies a payment to the open
items of one account and says where each cent went:

1. When the cashier restores a disconnected account and the payment covers the whole past-due
   balance plus the $45.00 reconnection fee, the fee is taken first. Charging it first means
   the fee is never left unpaid on a restored account, and since the past-due items are the
   oldest they are still paid in full by the rest. A payment that falls short is accepted as an
   ordinary payment: service is not restored, so no reconnection fee is charged for it (the
   counter adds the fee only "when the cashier restores service").
2. The rest goes to the open items by due date, oldest first; within one due date penalty, then
   water, then wastewater. An item may be left partly paid.
3. Anything left over becomes a credit balance (501-000-21400), except on an inactive (closed)
   account: a closed account takes payment of its unpaid balance only, and is refused a credit
   balance because there is no future bill to use it against (a refund would be a separate
   disbursement, not a counter receipt).

Each item that receives money gets its own charge line, so the receipt shows what each item
received; the line's GL account is the receivable of the item's fund.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from cashdesk.domain.lines import ChargeLine
from cashdesk.domain.money import Money, total
from cashdesk.errors import ValidationError

REVENUE_CODE = "UTIL"

GL_WATER_RECEIVABLE = "501-000-12100"
GL_WASTEWATER_RECEIVABLE = "502-000-12100"
GL_CREDIT_BALANCE = "501-000-21400"
GL_RECONNECTION_FEE = "501-400-34410"

RECONNECTION_FEE = Money(cents=45_00)


class AccountStatus(StrEnum):
    ACTIVE = "active"
    DISCONNECTED = "disconnected"
    INACTIVE = "inactive"


def shown_status(cached: str, *, restored_here: bool) -> str:
    """An account's status: a disconnected account whose service a live payment at this
    counter restored is active (the city's cache says disconnected until its next pull)."""
    if cached == AccountStatus.DISCONNECTED and restored_here:
        return AccountStatus.ACTIVE.value
    return cached


class BillCategory(StrEnum):
    WATER = "water"
    WASTEWATER = "wastewater"
    PENALTY = "penalty"


# Within one due date: penalty, then water, then wastewater (RULES.md section 4).
_CATEGORY_ORDER = {BillCategory.PENALTY: 0, BillCategory.WATER: 1, BillCategory.WASTEWATER: 2}

# Penalties are assessed on the water bill and belong to the water fund.
_RECEIVABLE = {
    BillCategory.WATER: GL_WATER_RECEIVABLE,
    BillCategory.PENALTY: GL_WATER_RECEIVABLE,
    BillCategory.WASTEWATER: GL_WASTEWATER_RECEIVABLE,
}

_CATEGORY_LABEL = {
    BillCategory.WATER: "Water",
    BillCategory.WASTEWATER: "Wastewater",
    BillCategory.PENALTY: "Late penalty",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class UtilityAccount:
    account_no: str
    name: str
    service_address: str
    mailing_address: str
    status: AccountStatus

    def __post_init__(self) -> None:
        if not self.account_no.strip():
            raise ValidationError("A utility account needs an account number.")
        try:
            object.__setattr__(self, "status", AccountStatus(self.status))
        except ValueError:
            raise ValidationError(
                f"Utility account {self.account_no} has an unknown status {self.status!r}."
            ) from None


@dataclass(frozen=True, slots=True, kw_only=True)
class BillItem:
    """One open bill item; ``amount`` is what is still open on it.

    Bill numbers are not unique on their own: the central system has given two bills of one
    account the same number in different months, so an item is identified by bill number,
    due date and category together.
    """

    bill_no: str
    bill_date: date
    due_date: date
    category: BillCategory
    amount: Money

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "category", BillCategory(self.category))
        except ValueError:
            raise ValidationError(
                f"Bill {self.bill_no} has an unknown item category {self.category!r}."
            ) from None
        if not isinstance(self.amount, Money):
            raise TypeError("BillItem.amount must be Money")
        if not self.amount.is_positive:
            # A zero or credit item would make "oldest first" hand money back out.
            raise ValidationError(
                f"Bill {self.bill_no} has a {self.category} item of {self.amount}; "
                "open items must be more than $0.00."
            )
        if self.due_date < self.bill_date:
            raise ValidationError(f"Bill {self.bill_no} is due before its bill date.")

    @property
    def key(self) -> tuple[str, date, str]:
        """What identifies the item (bill numbers repeat, see above)."""
        return (self.bill_no, self.due_date, self.category.value)

    @property
    def gl_account(self) -> str:
        return _RECEIVABLE[self.category]

    def is_past_due(self, on: date) -> bool:
        """Past due on ``on`` once its due date has passed: an item due today is not."""
        return self.due_date < on

    @property
    def label(self) -> str:
        return f"{_CATEGORY_LABEL[self.category]}, bill {self.bill_no} due {self.due_date:%m/%d/%Y}"


def application_order(items: Iterable[BillItem]) -> tuple[BillItem, ...]:
    """Items in the order a payment reaches them.

    Bill date and bill number only break ties the rule leaves open, so the result does not
    depend on the order the items were loaded in.
    """
    return tuple(
        sorted(
            items,
            key=lambda i: (i.due_date, _CATEGORY_ORDER[i.category], i.bill_date, i.bill_no),
        )
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemAllocation:
    """What one open item received from a payment and what stays open on it."""

    item: BillItem
    applied: Money

    @property
    def remaining(self) -> Money:
        return self.item.amount - self.applied

    @property
    def paid_in_full(self) -> bool:
        return not self.remaining


@dataclass(frozen=True, slots=True, kw_only=True)
class UtilityQuote:
    """What an account owes on a date, for the look-up screen before taking a payment."""

    account_no: str
    status: AccountStatus
    open_balance: Money
    past_due: Money  # the amount to bring the account current: items whose due date has passed
    not_yet_due: Money
    # Disconnected accounts only: past due plus the reconnection fee.
    restore_amount: Money | None
    # Inactive accounts only: a closed account takes at most its unpaid balance.
    max_payment: Money | None


@dataclass(frozen=True, slots=True, kw_only=True)
class UtilityApplication:
    """A payment applied to one account: the receipt lines and what each item received."""

    account_no: str
    paid_on: date
    amount: Money
    allocations: tuple[ItemAllocation, ...]  # every open item, in application order
    reconnection_fee: Money
    credit_balance: Money
    lines: tuple[ChargeLine, ...]
    past_due_before: Money  # the amount that would have brought the account current
    open_balance_before: Money
    restore_requested: bool
    restored: bool
    # Why service was or was not restored; empty when no restore was asked for.
    restore_note: str

    @property
    def applied_to_items(self) -> Money:
        return total(a.applied for a in self.allocations)

    @property
    def open_balance_after(self) -> Money:
        return self.open_balance_before - self.applied_to_items

    @property
    def past_due_after(self) -> Money:
        return total(a.remaining for a in self.allocations if a.item.is_past_due(self.paid_on))


def _balances(items: Sequence[BillItem], on: date) -> tuple[Money, Money]:
    open_balance = total(i.amount for i in items)
    past_due = total(i.amount for i in items if i.is_past_due(on))
    return open_balance, past_due


def utility_quote(account: UtilityAccount, items: Iterable[BillItem], *, on: date) -> UtilityQuote:
    """Open balance, past-due balance and the amount to restore or to close out."""
    ordered = application_order(items)
    open_balance, past_due = _balances(ordered, on)
    return UtilityQuote(
        account_no=account.account_no,
        status=account.status,
        open_balance=open_balance,
        past_due=past_due,
        not_yet_due=open_balance - past_due,
        restore_amount=(
            past_due + RECONNECTION_FEE if account.status is AccountStatus.DISCONNECTED else None
        ),
        max_payment=open_balance if account.status is AccountStatus.INACTIVE else None,
    )


def restore_amount(items: Iterable[BillItem], *, on: date) -> Money:
    """What restoring service on ``on`` takes: the whole past-due balance plus the fee."""
    _, past_due = _balances(tuple(items), on)
    return past_due + RECONNECTION_FEE


def apply_payment(
    account: UtilityAccount,
    items: Iterable[BillItem],
    *,
    amount: Money,
    paid_on: date,
    restore: bool = False,
) -> UtilityApplication:
    """Apply ``amount`` to the account's open ``items`` as of ``paid_on``.

    ``restore`` is the cashier restoring service on a disconnected account. Refuses a zero or
    negative amount, a restore on an account that is not disconnected, and a credit balance
    on an inactive account.
    """
    if not isinstance(amount, Money):
        raise TypeError("amount must be Money")
    if not amount.is_positive:
        raise ValidationError("Payment amount must be more than $0.00.")
    number = account.account_no
    if restore and account.status is not AccountStatus.DISCONNECTED:
        raise ValidationError(
            f"Account {number} is {account.status}; only a disconnected account can be restored."
        )

    ordered = application_order(items)
    open_balance, past_due = _balances(ordered, paid_on)

    if account.status is AccountStatus.INACTIVE and amount > open_balance:
        if not open_balance:
            raise ValidationError(f"Account {number} is closed and owes nothing.")
        raise ValidationError(
            f"Account {number} is closed: it takes at most its unpaid balance of "
            f"{open_balance}. A closed account cannot hold a credit balance."
        )

    restored = False
    restore_note = ""
    fee = Money.zero()
    if restore:
        needed = past_due + RECONNECTION_FEE
        if amount >= needed:
            fee = RECONNECTION_FEE
            restored = True
            restore_note = (
                f"Service restored: past-due balance {past_due} and reconnection fee "
                f"{RECONNECTION_FEE} paid."
            )
        else:
            restore_note = (
                f"Service not restored: restoring takes {needed} (past-due balance {past_due} "
                f"plus the {RECONNECTION_FEE} reconnection fee); this payment is "
                f"{needed - amount} short. It was applied to the bill and no reconnection fee "
                "was charged."
            )

    available = amount - fee
    allocations = []
    for item in ordered:
        applied = item.amount.min(available)
        available = available - applied
        allocations.append(ItemAllocation(item=item, applied=applied))
    credit = available

    def line(description: str, value: Money, gl_account: str) -> ChargeLine:
        return ChargeLine(
            code=REVENUE_CODE,
            description=description,
            amount=value,
            gl_account=gl_account,
            reference=number,
        )

    lines: list[ChargeLine] = []
    if fee:
        lines.append(line("Reconnection fee", fee, GL_RECONNECTION_FEE))
    for allocation in allocations:
        if allocation.applied:
            lines.append(
                line(allocation.item.label, allocation.applied, allocation.item.gl_account)
            )
    if credit:
        lines.append(line("Credit balance on account", credit, GL_CREDIT_BALANCE))

    return UtilityApplication(
        account_no=number,
        paid_on=paid_on,
        amount=amount,
        allocations=tuple(allocations),
        reconnection_fee=fee,
        credit_balance=credit,
        lines=tuple(lines),
        past_due_before=past_due,
        open_balance_before=open_balance,
        restore_requested=restore,
        restored=restored,
        restore_note=restore_note,
    )
