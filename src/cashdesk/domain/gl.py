"""General-ledger distribution (fund accounting).

Each receipt line is credited to its own GL account. Each fund's share of the receipt is
debited to that fund's claim on pooled cash (FFF-000-10100): the city keeps one operating
bank account, and each fund owns a claim on it (RULES.md section 7). Because the debit for a
fund is the sum of that fund's credits, the distribution balances per fund by construction;
``check_balanced`` still verifies it, since it is the bar every journal entry is held to.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cashdesk.domain.lines import ChargeLine, fund_of
from cashdesk.domain.money import Money, total
from cashdesk.errors import ValidationError


def pooled_cash_account(fund: str) -> str:
    return f"{fund}-000-10100"


@dataclass(frozen=True, slots=True, kw_only=True)
class JournalLine:
    account: str
    debit: Money
    credit: Money
    memo: str = ""

    def __post_init__(self) -> None:
        fund_of(self.account)
        if self.debit.is_negative or self.credit.is_negative:
            raise ValidationError("Journal amounts are never negative.")
        if bool(self.debit) == bool(self.credit):
            raise ValidationError("A journal line is either a debit or a credit.")

    @property
    def fund(self) -> str:
        return self.account[:3]

    @property
    def net(self) -> Money:
        """Debit positive, credit negative."""
        return self.debit - self.credit

    def reversed(self) -> JournalLine:
        return JournalLine(
            account=self.account, debit=self.credit, credit=self.debit, memo=self.memo
        )


def distribute(lines: Sequence[ChargeLine], *, memo: str = "") -> tuple[JournalLine, ...]:
    """The journal lines of a receipt: credits per line account, a pooled-cash debit per fund.

    Credits to the same account are combined (one journal line per account), in the order the
    accounts first appear, so the entry stays short and its order is stable.
    """
    credits: dict[str, Money] = {}
    per_fund: dict[str, Money] = defaultdict(Money.zero)
    for line in lines:
        if not line.amount.is_positive:
            raise ValidationError(f"{line.code}: the amount must be more than zero.")
        credits[line.gl_account] = credits.get(line.gl_account, Money.zero()) + line.amount
        per_fund[line.fund] += line.amount
    debits = [
        JournalLine(account=pooled_cash_account(fund), debit=amount, credit=Money.zero(), memo=memo)
        for fund, amount in sorted(per_fund.items())
    ]
    credit_lines = [
        JournalLine(account=account, debit=Money.zero(), credit=amount, memo=memo)
        for account, amount in credits.items()
    ]
    entry = (*debits, *credit_lines)
    check_balanced(entry)
    return entry


def reverse(entry: Iterable[JournalLine]) -> tuple[JournalLine, ...]:
    """The reversing entry of a void: every debit becomes a credit and back."""
    reversed_entry = tuple(line.reversed() for line in entry)
    check_balanced(reversed_entry)
    return reversed_entry


def fund_balances(entry: Iterable[JournalLine]) -> dict[str, Money]:
    """Debits minus credits per fund (all zero for a balanced entry)."""
    balances: dict[str, Money] = defaultdict(Money.zero)
    for line in entry:
        balances[line.fund] += line.net
    return dict(balances)


def check_balanced_cents(entry: Iterable[tuple[str, int, int]]) -> None:
    """``check_balanced`` for (account, debit cents, credit cents) triples: the same rules
    (a GL account, never negative, a debit or a credit, balanced overall and per fund) on
    plain integers, for the central push, which checks thousands of entries a second."""
    per_fund: dict[str, int] = {}
    for account, debit, credit in entry:
        fund = fund_of(account)
        if debit < 0 or credit < 0:
            raise ValidationError("Journal amounts are never negative.")
        if bool(debit) == bool(credit):
            raise ValidationError("A journal line is either a debit or a credit.")
        per_fund[fund] = per_fund.get(fund, 0) + debit - credit
    if sum(per_fund.values()):
        raise ValidationError("The journal entry does not balance.")
    unbalanced = ", ".join(sorted(fund for fund, bal in per_fund.items() if bal))
    if unbalanced:
        raise ValidationError(f"The journal entry does not balance in fund {unbalanced}.")


def check_balanced(entry: Iterable[JournalLine]) -> None:
    entry = tuple(entry)
    if total(line.net for line in entry):
        raise ValidationError("The journal entry does not balance.")
    unbalanced = {fund: bal for fund, bal in fund_balances(entry).items() if bal}
    if unbalanced:
        funds = ", ".join(sorted(unbalanced))
        raise ValidationError(f"The journal entry does not balance in fund {funds}.")
