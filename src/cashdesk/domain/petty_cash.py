"""The Finance Department's petty cash fund (RULES.md section 11).

An imprest fund of $300.00 kept apart from every drawer: cash in the fund plus the vouchers
not yet replenished always equals $300.00. A disbursement is made against a voucher (payee,
purpose, expense account, the original receipt attached): at most $75.00, and one over $25.00
needs another lead's approval. Replenishment is requested when the cash falls below $100.00
and at every month end; the request debits the expense accounts and credits accounts payable
101-000-20100, and the city check that comes back is cashed into the fund, closing the
vouchers it covers.

Choices where RULES.md is silent (recorded here and in the report):
- "Month end" is the last calendar day of the month; a fund that still holds vouchers from an
  earlier month (the month end passed without a request) is prompted too.
- A voucher may not pay out more than the cash in the fund (the fund never borrows from a
  drawer), and the original receipt must be attached when the voucher is written.
- The counted difference is reported, never posted: the finance administrator decides.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from cashdesk.domain.calendar import last_day_of_month
from cashdesk.domain.drawer import CashCount
from cashdesk.domain.gl import JournalLine, check_balanced
from cashdesk.domain.money import Money, total
from cashdesk.domain.privacy import find_pans
from cashdesk.errors import ValidationError

FUND = Money(cents=300_00)
FUND_ACCOUNT = "101-000-10200"
PAYABLE_ACCOUNT = "101-000-20100"
MAX_VOUCHER = Money(cents=75_00)  # "each disbursement is at most $75.00"
APPROVAL_OVER = Money(cents=25_00)  # "one over $25.00 needs a lead's approval"
REPLENISH_BELOW = Money(cents=100_00)  # "when the cash falls below $100.00"
EXPENSE_ACCOUNTS: dict[str, str] = {
    "101-150-52100": "Office supplies",
    "101-150-52200": "Postage",
    "101-150-52300": "Meeting supplies",
    "101-150-52900": "Other operating expense",
}
VOUCHER_PREFIX = "PC-"
_VOUCHER_NUMBER = re.compile(r"^PC-(\d{6,9})$")
MAX_TEXT = 120
MIN_TEXT = 2


def voucher_number(seq: int) -> str:
    """The human number of the ``seq``-th voucher: gapless, ``PC-000001``."""
    if seq < 1:
        raise ValueError("voucher numbers start at 1")
    return f"{VOUCHER_PREFIX}{seq:06d}"


def voucher_seq(number: str) -> int:
    match = _VOUCHER_NUMBER.match(number.strip().upper())
    if match is None:
        raise ValidationError(f"{number!r} is not a petty cash voucher number (PC-000001).")
    return int(match.group(1))


def clean_text(text: str, *, field: str) -> str:
    """A typed field of a voucher: spaces collapsed, length bounded, no card number."""
    cleaned = " ".join(text.split())
    if len(cleaned) < MIN_TEXT:
        raise ValidationError(f"Give the {field}.")
    if len(cleaned) > MAX_TEXT:
        raise ValidationError(f"The {field} is longer than {MAX_TEXT} characters.")
    if find_pans(cleaned):
        raise ValidationError(f"The {field} looks like a card number; never type one.")
    return cleaned


@dataclass(frozen=True, slots=True, kw_only=True)
class VoucherDraft:
    payee: str
    purpose: str
    expense_account: str
    amount: Money
    receipt_attached: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class VoucherCheck:
    """A voucher the rules accept, with its text cleaned, and whether a lead must approve."""

    draft: VoucherDraft
    needs_approval: bool


def check_voucher(draft: VoucherDraft, *, cash_in_fund: Money) -> VoucherCheck:
    """Validate a disbursement against RULES.md section 11 (ValidationError says why not)."""
    if not draft.amount.is_positive:
        raise ValidationError("A voucher amount must be more than zero.")
    if draft.amount > MAX_VOUCHER:
        raise ValidationError(
            f"{draft.amount} is over the petty cash limit of {MAX_VOUCHER}; "
            "ask accounts payable for a check instead."
        )
    if draft.amount > cash_in_fund:
        raise ValidationError(
            f"The fund holds only {cash_in_fund}; request replenishment before paying "
            f"{draft.amount}."
        )
    if draft.expense_account not in EXPENSE_ACCOUNTS:
        raise ValidationError(
            f"{draft.expense_account!r} is not a petty cash expense account "
            f"({', '.join(EXPENSE_ACCOUNTS)})."
        )
    if not draft.receipt_attached:
        raise ValidationError("Attach the original receipt to the voucher before paying it.")
    cleaned = VoucherDraft(
        payee=clean_text(draft.payee, field="payee"),
        purpose=clean_text(draft.purpose, field="purpose"),
        expense_account=draft.expense_account,
        amount=draft.amount,
        receipt_attached=True,
    )
    return VoucherCheck(draft=cleaned, needs_approval=draft.amount > APPROVAL_OVER)


@dataclass(frozen=True, slots=True, kw_only=True)
class FundCount:
    """A count of the fund: the cash counted by denomination against the open vouchers."""

    counted: CashCount
    open_vouchers: Money

    @property
    def cash(self) -> Money:
        return self.counted.total

    @property
    def accounted_for(self) -> Money:
        return self.cash + self.open_vouchers

    @property
    def difference(self) -> Money:
        """Over (positive) or short (negative) against the $300.00 imprest amount."""
        return self.accounted_for - FUND

    @property
    def balanced(self) -> bool:
        return not self.difference


def replenishment_reasons(
    *, cash_in_fund: Money, today: dt.date, oldest_open_voucher: dt.date | None
) -> tuple[str, ...]:
    """Why replenishment should be requested now (empty: no need). Nothing to replenish
    without an open voucher."""
    if oldest_open_voucher is None:
        return ()
    reasons: list[str] = []
    if cash_in_fund < REPLENISH_BELOW:
        reasons.append(f"the cash in the fund ({cash_in_fund}) is below {REPLENISH_BELOW}")
    if today == last_day_of_month(today.year, today.month):
        reasons.append("it is the month end")
    elif (oldest_open_voucher.year, oldest_open_voucher.month) < (today.year, today.month):
        reasons.append("vouchers from an earlier month were not replenished at its month end")
    return tuple(reasons)


@dataclass(frozen=True, slots=True, kw_only=True)
class VoucherLine:
    """An open voucher as a replenishment request lists it."""

    number: str
    paid_on: dt.date
    payee: str
    purpose: str
    expense_account: str
    amount: Money


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountGroup:
    account: str
    description: str
    vouchers: tuple[VoucherLine, ...]

    @property
    def total(self) -> Money:
        return total(v.amount for v in self.vouchers)


@dataclass(frozen=True, slots=True, kw_only=True)
class Replenishment:
    """A replenishment request: the vouchers by expense account and its journal entry."""

    groups: tuple[AccountGroup, ...]
    journal: tuple[JournalLine, ...]

    @property
    def total(self) -> Money:
        return total(g.total for g in self.groups)

    @property
    def vouchers(self) -> tuple[VoucherLine, ...]:
        return tuple(v for g in self.groups for v in g.vouchers)


def replenishment(vouchers: Iterable[VoucherLine]) -> Replenishment:
    """Group ``vouchers`` by expense account (in chart order, vouchers by number) and build
    the entry: each expense account debited its total, accounts payable credited the sum."""
    listed = sorted(vouchers, key=lambda v: voucher_seq(v.number))
    if not listed:
        raise ValidationError("There are no open vouchers to replenish.")
    groups: list[AccountGroup] = []
    for account, description in EXPENSE_ACCOUNTS.items():
        mine = tuple(v for v in listed if v.expense_account == account)
        if mine:
            groups.append(AccountGroup(account=account, description=description, vouchers=mine))
    unknown = {v.expense_account for v in listed} - set(EXPENSE_ACCOUNTS)
    if unknown:
        raise ValidationError(f"Not petty cash expense accounts: {', '.join(sorted(unknown))}.")
    lines = [
        JournalLine(
            account=g.account,
            debit=g.total,
            credit=Money.zero(),
            memo=f"Petty cash: {g.description} ({len(g.vouchers)} "
            f"voucher{'' if len(g.vouchers) == 1 else 's'})",
        )
        for g in groups
    ]
    grand = total(g.total for g in groups)
    lines.append(
        JournalLine(
            account=PAYABLE_ACCOUNT,
            debit=Money.zero(),
            credit=grand,
            memo="Petty cash replenishment payable to the fund custodian",
        )
    )
    check_balanced(lines)
    return Replenishment(groups=tuple(groups), journal=tuple(lines))


def check_replenishment_received(*, requested: Money, check_amount: Money) -> None:
    """The city's check must be for exactly the amount requested: the fund is restored to
    $300.00 and every voucher it covers closes."""
    if check_amount != requested:
        raise ValidationError(
            f"The check is for {check_amount}, the request was for {requested}; "
            "send it back to accounts payable."
        )


RETENTION_FISCAL_YEARS = 5  # RULES.md section 13: petty cash vouchers, 5 fiscal years


def fiscal_year_end(day: dt.date) -> dt.date:
    """The last day of the city's fiscal year (July–June) that ``day`` falls in."""
    return dt.date(day.year + (1 if day.month >= 7 else 0), 6, 30)


def destroy_after(paid_on: dt.date) -> dt.date:
    """The first day a voucher may go on a destruction list: 5 fiscal years after the end of
    the fiscal year it was paid in (and then only once the central ledger holds it and a
    finance administrator approved the list)."""
    end = fiscal_year_end(paid_on)
    return dt.date(end.year + RETENTION_FISCAL_YEARS, 7, 1)
