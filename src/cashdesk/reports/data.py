"""The day's figures as plain data types: what the daily cash report, the X and Z reports,
the deposit slip and the journal export show. The services build them; the renderers in this
package and the screens take them (reports never call a service).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from cashdesk.domain.drawer import CashCount, TenderVariance
from cashdesk.domain.gl import JournalLine
from cashdesk.domain.money import Money, total
from cashdesk.domain.tender import TenderKind


@dataclass(frozen=True, slots=True)
class TenderTotal:
    kind: TenderKind
    count: int
    amount: Money  # cash: tendered minus change (what stayed in the drawer)


@dataclass(frozen=True, slots=True)
class CashierTotal:
    cashier: str
    receipts: int
    voided: int
    total: Money
    tenders: tuple[TenderTotal, ...]


@dataclass(frozen=True, slots=True)
class CodeTotal:
    code: str
    description: str
    gl_account: str
    fund: str
    lines: int
    amount: Money


@dataclass(frozen=True, slots=True)
class FundTotal:
    fund: str
    amount: Money


@dataclass(frozen=True, slots=True)
class VoidLine:
    number: str
    cashier: str
    payer: str
    total: Money
    voided_by: str  # the lead cashier who approved and made the void
    voided_at: str
    reason: str


@dataclass(frozen=True, slots=True)
class NumberRange:
    first: str
    last: str
    count: int
    gaps: tuple[str, ...]  # receipt numbers missing from the sequence

    @property
    def gapless(self) -> bool:
        return not self.gaps


@dataclass(frozen=True, slots=True)
class SessionFigures:
    """One drawer session. ``variances`` is None while the count is blind (not submitted)."""

    id: str
    label: str
    drawer: str
    cashier: str
    cashiers: tuple[str, ...]  # who took receipts on it (a shared drawer has several)
    opened_at: str
    state: str
    shared: bool
    opening_bank: Money
    handed_from: str
    handed_to: str
    pickups: Money
    pickup_count: int
    receipts: int
    count_kind: str
    counted_by: str
    attempt: int
    counted: bool  # False: an open drawer (a supervisor's X report shows what it should hold)
    variances: tuple[TenderVariance, ...] | None
    over_short: Money | None
    needs_signoff: bool
    approved_by: str
    approval_reason: str


@dataclass(frozen=True, slots=True)
class DepositItem:
    kind: TenderKind
    number: str
    amount: Money
    receipt_number: str
    payer: str
    account: str  # masked


@dataclass(frozen=True, slots=True)
class DepositSlip:
    id: str
    bag_number: str
    business_date: dt.date
    workstation: str
    account_name: str
    prepared_by: str
    prepared_at: str
    cash: CashCount
    items: tuple[DepositItem, ...]
    currency: Money
    coin: Money
    checks: Money
    total: Money
    sessions: tuple[str, ...]
    # The account the bag is deposited to (RULES.md section 14), as the bank reads it.
    bank_name: str = ""
    routing: str = ""
    account_number: str = ""


@dataclass(frozen=True, slots=True)
class DayReport:
    kind: str  # "daily", "X" or "Z"
    business_date: dt.date
    workstation: str
    city: str
    generated_at: str
    closed: bool
    closed_at: str
    closed_by: str
    receipts: int
    receipts_total: Money
    voided: int
    voided_total: Money
    by_cashier: tuple[CashierTotal, ...]
    sessions: tuple[SessionFigures, ...]
    by_tender: tuple[TenderTotal, ...]
    by_code: tuple[CodeTotal, ...]
    by_fund: tuple[FundTotal, ...]
    voids: tuple[VoidLine, ...]
    numbers: NumberRange | None
    over_short: Money
    card_batches: Money
    deposits: tuple[DepositSlip, ...]
    journal: tuple[JournalLine, ...]
    # The close's own number at this workstation (1 for its first closed day), None while open.
    z_number: int | None = None

    @property
    def deposits_total(self) -> Money:
        return total(d.total for d in self.deposits)


@dataclass(frozen=True, slots=True)
class ExportedEntry:
    """One journal entry of the day, as exported."""

    id: str
    kind: str
    description: str
    lines: tuple[JournalLine, ...]

    @property
    def debits(self) -> Money:
        return total(line.debit for line in self.lines) if self.lines else Money.zero()


@dataclass(frozen=True, slots=True)
class KindTotal:
    kind: str
    entries: int
    debits: Money


def totals_by_kind(entries: Sequence[ExportedEntry]) -> list[KindTotal]:
    counts: dict[str, int] = defaultdict(int)
    debits: dict[str, Money] = defaultdict(Money.zero)
    for entry in entries:
        counts[entry.kind] += 1
        debits[entry.kind] += entry.debits
    return [KindTotal(kind, counts[kind], debits[kind]) for kind in sorted(counts)]


@dataclass(frozen=True, slots=True)
class JournalExport:
    """The day's journal entries (services/journal_export.py); ``lines`` are all their lines
    and ``entry_id`` the day's close entry (PROVISIONAL-… before the close)."""

    business_date: dt.date
    workstation: str
    entry_id: str
    provisional: bool
    lines: tuple[JournalLine, ...]
    account_types: dict[str, str]
    account_names: dict[str, str]
    entries: tuple[ExportedEntry, ...] = ()
    store_totals: tuple[KindTotal, ...] = ()

    @property
    def totals(self) -> list[KindTotal]:
        return totals_by_kind(self.entries)


@dataclass(frozen=True, slots=True)
class HandoffSlip:
    """A relief handoff on paper: it goes into the safe envelope with the outgoing count's
    checks and money orders, and says in the screens' words which tenders stay with whom."""

    business_date: dt.date
    workstation: str
    drawer: str
    handed_at: str
    outgoing: str
    incoming: str
    cash: CashCount  # stays in the drawer: the incoming cashier's starting bank
    items: tuple[DepositItem, ...]  # go to the safe with the outgoing count
    card_batch: Money
    over_short: Money
    statement: tuple[str, ...]

    @property
    def items_total(self) -> Money:
        return total(i.amount for i in self.items)
