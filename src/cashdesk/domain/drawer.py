"""Drawer counts, over/short, the drawer session's states and the day's journal entry.

Pure rules (RULES.md section 7 and issue 4); the services store and audit what these decide.

Denominations
    Bills $100, $50, $20, $10, $5, $2, $1; coins $1.00, $0.50, $0.25, $0.10, $0.05, $0.01; and
    rolled coin counted as a number of rolls at the standard US roll values (the wrappers the
    banks and the Federal Reserve use): pennies 50 to a roll = $0.50, nickels 40 = $2.00,
    dimes 50 = $5.00, quarters 40 = $10.00, halves 20 = $10.00, dollar coins 25 = $25.00.
    On a deposit slip bills are "currency"; loose and rolled coin are "coin".

Over/short
    Every tender is compared on its own: cash counted against the starting bank plus the cash
    kept on posted receipts (change already given back) minus pickups; the checks and money
    orders listed one by one against the check and money-order tenders taken; the card
    terminal's batch total against the card tenders. Difference = counted - expected (positive
    is over, negative short). The over/short posted is the sum over the tenders.
    Sign-off (our reading of "a difference of more than $5.00"): a supervisor must sign off
    when the sum of the absolute differences of the tenders is more than the threshold, so an
    over in one tender cannot hide a short in another, or when a listed check or money order
    matches no tender taken (or a tender taken is missing from the list).

States
    open -> counted -> approved -> deposited. A count within the threshold is approved at once
    (by nobody; the audit says "within threshold"); one over it waits for a supervisor, who is
    never a person who took receipts on the drawer or counted it. One recount is allowed before
    sign-off (not after a handoff: that cash has already gone to the next cashier). A
    supervisor may reopen a counted or approved session (back to open; its count is set aside
    and the cashier counts again, with a recount again allowed), never a deposited one.

The change fund (how the starting bank moves in the day's journal)
    Each drawer chain (a session opened from the safe, and the sessions that took it over by
    handoffs) borrows its starting bank from the change fund 101-000-10150 and gives it back
    from the cash counted at the chain's last close; the rest of the cash is deposited. The
    day's entry shows both movements: a credit to 101-000-10150 for the bank issued and a
    debit for the bank returned (they cancel when the bank comes back whole). When a drawer is
    so short that its cash is less than the bank, all of its cash goes back to the change fund
    and the part of the bank not returned is debited to the General Fund's pooled cash (the
    deposit made up for it from the pickups), so the change fund's loss shows and the entry
    still balances; the shortage itself is in over/short.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NoReturn

from cashdesk.domain.gl import JournalLine, check_balanced, distribute, pooled_cash_account
from cashdesk.domain.inputs import MIN_REASON
from cashdesk.domain.lines import ChargeLine
from cashdesk.domain.money import Money, total
from cashdesk.domain.tender import TenderKind
from cashdesk.errors import StateError, ValidationError

OVER_SHORT_ACCOUNT = "101-150-36990"
CHANGE_FUND_ACCOUNT = "101-000-10150"
GENERAL_FUND = "101"
MAX_RECOUNTS = 1
# A drawer holds a few thousand pieces; a count of 100,000 of anything is a typing slip.
MAX_PIECES = 100_000


# -- denominations -----------------------------------------------------------------------
class DenominationKind(enum.StrEnum):
    BILL = "bill"
    COIN = "coin"
    ROLL = "roll"


@dataclass(frozen=True, slots=True)
class Denomination:
    code: str
    label: str
    kind: DenominationKind
    unit: Money  # one bill, one coin or one roll

    @property
    def is_currency(self) -> bool:
        return self.kind is DenominationKind.BILL


def _d(code: str, label: str, kind: DenominationKind, cents: int) -> Denomination:
    return Denomination(code, label, kind, Money(cents=cents))


_B, _C, _R = DenominationKind.BILL, DenominationKind.COIN, DenominationKind.ROLL
DENOMINATIONS: tuple[Denomination, ...] = (
    _d("B100", "$100 bills", _B, 100_00),
    _d("B50", "$50 bills", _B, 50_00),
    _d("B20", "$20 bills", _B, 20_00),
    _d("B10", "$10 bills", _B, 10_00),
    _d("B5", "$5 bills", _B, 5_00),
    _d("B2", "$2 bills", _B, 2_00),
    _d("B1", "$1 bills", _B, 1_00),
    _d("C100", "Dollar coins", _C, 1_00),
    _d("C50", "Half dollars", _C, 50),
    _d("C25", "Quarters", _C, 25),
    _d("C10", "Dimes", _C, 10),
    _d("C5", "Nickels", _C, 5),
    _d("C1", "Pennies", _C, 1),
    _d("R100", "Rolls of dollar coins ($25.00)", _R, 25_00),
    _d("R50", "Rolls of halves ($10.00)", _R, 10_00),
    _d("R25", "Rolls of quarters ($10.00)", _R, 10_00),
    _d("R10", "Rolls of dimes ($5.00)", _R, 5_00),
    _d("R5", "Rolls of nickels ($2.00)", _R, 2_00),
    _d("R1", "Rolls of pennies ($0.50)", _R, 50),
)
DENOMINATION = {d.code: d for d in DENOMINATIONS}
_ORDER = {d.code: i for i, d in enumerate(DENOMINATIONS)}


@dataclass(frozen=True, slots=True)
class CountLine:
    denomination: Denomination
    pieces: int

    @property
    def amount(self) -> Money:
        return self.denomination.unit * self.pieces


@dataclass(frozen=True, slots=True)
class CashCount:
    """Pieces per denomination code; zero counts are dropped, the order is the table's."""

    pieces: tuple[tuple[str, int], ...] = ()

    @classmethod
    def of(cls, counts: Mapping[str, int]) -> CashCount:
        cleaned: dict[str, int] = {}
        for code, n in counts.items():
            if code not in DENOMINATION:
                raise ValidationError(f"{code!r} is not a denomination.")
            if isinstance(n, bool) or not isinstance(n, int):
                raise ValidationError(f"{DENOMINATION[code].label}: count whole pieces.")
            if n < 0:
                raise ValidationError(f"{DENOMINATION[code].label}: a count cannot be negative.")
            if n > MAX_PIECES:
                raise ValidationError(f"{DENOMINATION[code].label}: {n} pieces is not plausible.")
            if n:
                cleaned[code] = n
        return cls(tuple(sorted(cleaned.items(), key=lambda item: _ORDER[item[0]])))

    @classmethod
    def empty(cls) -> CashCount:
        return cls()

    def as_dict(self) -> dict[str, int]:
        return dict(self.pieces)

    def count(self, code: str) -> int:
        return self.as_dict().get(code, 0)

    def lines(self) -> tuple[CountLine, ...]:
        return tuple(CountLine(DENOMINATION[code], n) for code, n in self.pieces)

    @property
    def total(self) -> Money:
        return total(line.amount for line in self.lines())

    @property
    def currency(self) -> Money:
        return total(line.amount for line in self.lines() if line.denomination.is_currency)

    @property
    def coin(self) -> Money:
        return total(line.amount for line in self.lines() if not line.denomination.is_currency)

    def __add__(self, other: CashCount) -> CashCount:
        merged = self.as_dict()
        for code, n in other.pieces:
            merged[code] = merged.get(code, 0) + n
        return CashCount.of(merged)

    def minus(self, other: CashCount) -> CashCount:
        left = self.as_dict()
        for code, n in other.pieces:
            if left.get(code, 0) < n:
                raise ValidationError(f"There are not {n} {DENOMINATION[code].label} to take.")
            left[code] -= n
        return CashCount.of(left)

    def take_smallest_first(self, amount: Money) -> CashCount:
        """Pieces adding up to ``amount`` exactly, made of the smallest denominations that can
        (what a change fund needs to make change); refused when no such split exists.

        A bounded subset sum over the pieces: denominations are tried from the smallest up
        and a sum keeps the first way found, so larger pieces are used only where the smaller
        ones cannot make the amount."""
        if amount.is_negative:
            raise ValidationError("Cannot take a negative amount.")
        target = amount.cents
        # Loose coin before rolls and bills of the same value: change is made from it.
        order = sorted(
            self.lines(), key=lambda ln: (ln.denomination.unit.cents, ln.denomination.kind != _C)
        )
        unreached = -1
        via = [unreached] * (target + 1)  # the denomination (index in order) that reached it
        via[0] = len(order)
        for index, line in enumerate(order):
            unit = line.denomination.unit.cents
            used = [0] * (target + 1)
            for value in range(unit, target + 1):
                before = value - unit
                if (
                    via[value] == unreached
                    and via[before] != unreached
                    and (used[before] < line.pieces)
                ):
                    via[value] = index
                    used[value] = used[before] + 1
        if via[target] == unreached:
            raise ValidationError(
                f"The cash cannot be split to keep exactly {amount} back; count the bag by hand."
            )
        taken: dict[str, int] = {}
        value = target
        while value:
            line = order[via[value]]
            taken[line.denomination.code] = taken.get(line.denomination.code, 0) + 1
            value -= line.denomination.unit.cents
        return CashCount.of(taken)


# -- checks and money orders ---------------------------------------------------------------
NON_CASH_ITEMS = (TenderKind.CHECK, TenderKind.MONEY_ORDER)
_ITEM_NUMBER = re.compile(r"^[0-9A-Za-z-]{0,20}$", re.ASCII)


@dataclass(frozen=True, slots=True, kw_only=True)
class ListedItem:
    """A check or money order the cashier lists at the count (number and amount)."""

    kind: TenderKind
    amount: Money
    number: str = ""

    def __post_init__(self) -> None:
        if self.kind not in NON_CASH_ITEMS:
            raise ValidationError("Only checks and money orders are listed one by one.")
        if not self.amount.is_positive:
            raise ValidationError(f"{self.kind.label} amount must be more than zero.")
        number = self.number.strip()
        if not _ITEM_NUMBER.match(number):
            raise ValidationError(f"{self.kind.label} number {self.number!r} is not valid.")
        object.__setattr__(self, "number", number)


@dataclass(frozen=True, slots=True, kw_only=True)
class TakenItem:
    """A check or money-order tender on a posted receipt of the session."""

    kind: TenderKind
    amount: Money
    number: str
    receipt_number: str
    payer: str = ""
    masked_account: str = ""


@dataclass(frozen=True, slots=True)
class ItemMatch:
    matched: tuple[tuple[ListedItem, TakenItem], ...]
    missing: tuple[TakenItem, ...]  # taken, not in the drawer's list
    unexpected: tuple[ListedItem, ...]  # listed, matching no tender taken

    @property
    def clean(self) -> bool:
        return not self.missing and not self.unexpected


def match_items(listed: Sequence[ListedItem], taken: Sequence[TakenItem]) -> ItemMatch:
    """Pair each listed item with a tender taken: first by kind, number and amount; then an
    item listed without a number by kind and amount (a money order often has no serial)."""
    left = list(taken)
    matched: list[tuple[ListedItem, TakenItem]] = []
    pending: list[ListedItem] = []
    for item in listed:
        hit = next(
            (
                t
                for t in left
                if item.number
                and (t.kind, t.amount, t.number.lstrip("0"))
                == (item.kind, item.amount, item.number.lstrip("0"))
            ),
            None,
        )
        if hit is None:
            pending.append(item)
        else:
            left.remove(hit)
            matched.append((item, hit))
    unexpected: list[ListedItem] = []
    for item in pending:
        hit = next(
            (t for t in left if not item.number and (t.kind, t.amount) == (item.kind, item.amount)),
            None,
        )
        if hit is None:
            unexpected.append(item)
        else:
            left.remove(hit)
            matched.append((item, hit))
    return ItemMatch(tuple(matched), tuple(left), tuple(unexpected))


# -- counts, expected, over/short ---------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class DrawerCount:
    """What the cashier counts at a close or handoff."""

    cash: CashCount
    items: tuple[ListedItem, ...] = ()
    card_batch: Money = Money(cents=0)

    def __post_init__(self) -> None:
        if self.card_batch.is_negative:
            raise ValidationError("The card batch total cannot be negative.")

    def counted(self, kind: TenderKind) -> Money:
        if kind is TenderKind.CASH:
            return self.cash.total
        if kind is TenderKind.CARD:
            return self.card_batch
        return total(i.amount for i in self.items if i.kind is kind)


@dataclass(frozen=True, slots=True, kw_only=True)
class Expected:
    """What should be in the drawer, from the session's receipts and pickups."""

    opening_bank: Money
    cash_in: Money  # cash tendered minus change on posted receipts
    pickups: Money
    items: tuple[TakenItem, ...] = ()
    card: Money = Money(cents=0)

    @property
    def cash(self) -> Money:
        return self.opening_bank + self.cash_in - self.pickups

    def amount(self, kind: TenderKind) -> Money:
        if kind is TenderKind.CASH:
            return self.cash
        if kind is TenderKind.CARD:
            return self.card
        return total(i.amount for i in self.items if i.kind is kind)


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionTender:
    """Tenders of a kind on the posted receipts of a drawer session: one check or money
    order (with its receipt), or any number of cash or card tenders summed."""

    kind: TenderKind
    amount: Money
    receipt_number: str = ""
    payer: str = ""
    number: str = ""  # check number or money-order serial
    masked_account: str = ""


def expected_of(
    *,
    opening_bank: Money,
    tenders: Iterable[SessionTender],
    change_given: Money,
    pickups: Money,
) -> Expected:
    """The one expected-figures rule (RULES.md 7): cash is the bank plus cash tendered minus
    the change given back on posted receipts, less pickups; checks and money orders one by
    one; card as a total. The pickup prompt, the blind count and the reports all use it."""
    cash_in = -change_given
    card = Money.zero()
    items: list[TakenItem] = []
    for t in tenders:
        if t.kind is TenderKind.CASH:
            cash_in += t.amount
        elif t.kind is TenderKind.CARD:
            card += t.amount
        else:
            items.append(
                TakenItem(
                    kind=t.kind,
                    amount=t.amount,
                    number=t.number,
                    receipt_number=t.receipt_number,
                    payer=t.payer,
                    masked_account=t.masked_account,
                )
            )
    return Expected(
        opening_bank=opening_bank, cash_in=cash_in, pickups=pickups, items=tuple(items), card=card
    )


TENDER_ORDER = (TenderKind.CASH, TenderKind.CHECK, TenderKind.MONEY_ORDER, TenderKind.CARD)


@dataclass(frozen=True, slots=True)
class TenderVariance:
    kind: TenderKind
    expected: Money
    counted: Money

    @property
    def difference(self) -> Money:
        return self.counted - self.expected


def describe(difference: Money) -> str:
    if difference.is_positive:
        return f"over {difference}"
    if difference.is_negative:
        return f"short {-difference}"
    return "even"


@dataclass(frozen=True, slots=True)
class Reconciliation:
    variances: tuple[TenderVariance, ...]
    match: ItemMatch
    threshold: Money

    def variance(self, kind: TenderKind) -> TenderVariance:
        return next(v for v in self.variances if v.kind is kind)

    @property
    def over_short(self) -> Money:
        """Counted minus expected over all tenders: what goes to 101-150-36990."""
        return total(v.difference for v in self.variances)

    @property
    def gross_difference(self) -> Money:
        return total(Money(cents=abs(v.difference.cents)) for v in self.variances)

    @property
    def needs_signoff(self) -> bool:
        return self.gross_difference > self.threshold or not self.match.clean


def reconcile(expected: Expected, count: DrawerCount, threshold: Money) -> Reconciliation:
    variances = tuple(
        TenderVariance(kind, expected.amount(kind), count.counted(kind)) for kind in TENDER_ORDER
    )
    return Reconciliation(variances, match_items(count.items, expected.items), threshold)


# -- the relief handoff --------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class HandoffTerms:
    """Which tenders stay with whom when a drawer is handed over (issue 24).

    The counted cash stays in the drawer: it is the incoming cashier's starting bank. The
    checks and money orders listed at the handoff, and the card terminal's batch, stay with
    the outgoing cashier: they leave the drawer with her count (to the safe, for the deposit)
    and are never counted again. The incoming cashier counts, at her own close, only what
    she takes herself."""

    outgoing: str
    incoming: str
    cash: Money
    items: tuple[ListedItem, ...]
    card_batch: Money

    @classmethod
    def of(cls, count: DrawerCount, *, outgoing: str, incoming: str) -> HandoffTerms:
        return cls(
            outgoing=outgoing,
            incoming=incoming,
            cash=count.cash.total,
            items=count.items,
            card_batch=count.card_batch,
        )

    def _kept(self, kind: TenderKind) -> tuple[ListedItem, ...]:
        return tuple(i for i in self.items if i.kind is kind)

    @property
    def kept_by_outgoing(self) -> str:
        """The checks, money orders and card batch, in words ("2 checks ($1,174.00), ...")."""
        parts = []
        for kind, one, many in (
            (TenderKind.CHECK, "check", "checks"),
            (TenderKind.MONEY_ORDER, "money order", "money orders"),
        ):
            kept = self._kept(kind)
            if kept:
                word = one if len(kept) == 1 else many
                parts.append(f"{len(kept)} {word} ({total(i.amount for i in kept)})")
        if self.card_batch:
            parts.append(f"the card batch ({self.card_batch})")
        return ", ".join(parts) if parts else "no checks, money orders or card batch"

    def statement(self) -> tuple[str, ...]:
        """What both cashiers' screens and the handoff slip say, in the same words."""
        return (
            f"Stays in the drawer with {self.incoming}: the cash, {self.cash}, "
            f"as {self.incoming}'s starting bank.",
            f"Goes with {self.outgoing}'s count to the safe: {self.kept_by_outgoing}. "
            f"{self.incoming} does not count or list them at the close.",
        )


def item_handed_over(item: ListedItem, handed: Sequence[ListedItem]) -> ListedItem | None:
    """The item of an earlier handoff of the drawer that ``item`` is (same kind, number and
    amount), or None. An item without a number is never taken for one handed over: a new
    money order of the same amount is common."""
    if not item.number:
        return None
    for h in handed:
        if (h.kind, h.amount, h.number.lstrip("0")) == (
            item.kind,
            item.amount,
            item.number.lstrip("0"),
        ):
            return h
    return None


def refuse_handed_over(match: ItemMatch, handed: Sequence[tuple[str, ListedItem]]) -> None:
    """A count may not list a check or money order that an earlier cashier of the drawer
    took with her handoff count (it is hers, counted and deposited once): refused before
    anything is stored, naming the item and whose count it is in. ``handed``: (the outgoing
    cashier's name, item) of every earlier handoff of the drawer. Only items matching no
    tender of this session are checked, so a new check with a reused number still counts."""
    for item in match.unexpected:
        for name, h in handed:
            if item_handed_over(item, (h,)) is not None:
                raise ValidationError(
                    f"{item.kind.label} {item.number} for {item.amount} was handed over in "
                    f"{name}'s count and goes to the safe with it: take it off this list."
                )


# -- pickups and paid-outs ----------------------------------------------------------------
def pickup_due(cash_in_drawer: Money, threshold: Money) -> bool:
    """RULES.md 7: cash above the threshold ($2,000.00) prompts a pickup to the safe."""
    return cash_in_drawer > threshold


def check_pickup(count: CashCount) -> Money:
    if not count.total.is_positive:
        raise ValidationError("Count the cash picked up: it must be more than zero.")
    return count.total


def refuse_paid_out() -> NoReturn:
    raise StateError(
        "Paid-outs from the drawer are not allowed: refunds and petty cash are paid by the "
        "Finance Department, never from a cash drawer."
    )


# -- session states -------------------------------------------------------------------------
class SessionState(enum.StrEnum):
    OPEN = "open"
    COUNTED = "counted"
    APPROVED = "approved"
    DEPOSITED = "deposited"


class Step(enum.StrEnum):
    COUNT = "count"
    RECOUNT = "recount"
    APPROVE = "approve"
    REOPEN = "reopen"
    DEPOSIT = "deposit"


_TRANSITIONS: dict[tuple[SessionState, Step], SessionState] = {
    (SessionState.OPEN, Step.COUNT): SessionState.COUNTED,
    (SessionState.COUNTED, Step.RECOUNT): SessionState.COUNTED,
    (SessionState.COUNTED, Step.APPROVE): SessionState.APPROVED,
    (SessionState.COUNTED, Step.REOPEN): SessionState.OPEN,
    (SessionState.APPROVED, Step.REOPEN): SessionState.OPEN,
    (SessionState.APPROVED, Step.DEPOSIT): SessionState.DEPOSITED,
}

_REFUSALS = {
    Step.COUNT: "only an open drawer is counted",
    Step.RECOUNT: "only a counted drawer waiting for sign-off can be recounted",
    Step.APPROVE: "only a counted drawer can be signed off",
    Step.REOPEN: "a deposited drawer cannot be reopened",
    Step.DEPOSIT: "only an approved drawer goes into a deposit",
}


def advance(state: SessionState, step: Step) -> SessionState:
    try:
        return _TRANSITIONS[(state, step)]
    except KeyError:
        raise StateError(f"The drawer is {state.value}: {_REFUSALS[step]}.") from None


def check_recount(*, attempt: int, handoff: bool) -> None:
    if handoff:
        raise StateError(
            "A handoff count cannot be recounted: its cash went to the next cashier. "
            "A supervisor signs off the difference."
        )
    if attempt > MAX_RECOUNTS:
        raise StateError("The drawer was recounted once already; a supervisor must sign off.")


def check_signoff(
    *, needs_signoff: bool, reason: str, approver_id: int, involved: Iterable[int]
) -> str:
    """The reason to record; refuses a supervisor signing off a drawer they worked."""
    if approver_id in set(involved):
        raise StateError(
            "A supervisor cannot sign off a drawer they counted or took receipts on; "
            "another supervisor must."
        )
    reason = " ".join(reason.split())
    if needs_signoff and len(reason) < MIN_REASON:
        raise ValidationError("Give the reason for signing off the difference.")
    return reason


def check_day_closable(unsettled: Sequence[str]) -> None:
    if unsettled:
        raise StateError(
            "Every drawer must be counted and approved before the day is closed: "
            + ", ".join(unsettled)
            + "."
        )


# -- receipt numbers ------------------------------------------------------------------------
def number_gaps(seqs: Iterable[int], *, previous_last: int | None = None) -> tuple[int, ...]:
    """Sequence numbers missing from a day's receipts (from the day before's last one on)."""
    present = set(seqs)
    if not present:
        return ()
    start = min(present) if previous_last is None else previous_last + 1
    return tuple(n for n in range(start, max(present) + 1) if n not in present)


# -- the day's journal entry ----------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class SessionOverShort:
    label: str
    amount: Money  # counted - expected; positive over


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeFundMovement:
    """A drawer chain whose last close is counted: the bank issued and the bank back."""

    label: str
    issued: Money
    returned: Money

    def __post_init__(self) -> None:
        if self.returned > self.issued or self.returned.is_negative:
            raise ValidationError("A drawer gives back at most the starting bank it was issued.")


def change_fund_returned(bank: Money, counted_cash: Money) -> Money:
    """What goes back to the change fund at a drawer's last close: the bank, or all the cash
    when there is less than that."""
    return bank.min(counted_cash)


def deposit_cash_of_close(bank: Money, counted_cash: Money) -> Money:
    return counted_cash - change_fund_returned(bank, counted_cash)


@dataclass(frozen=True, slots=True)
class DayJournal:
    lines: tuple[JournalLine, ...] = field(default_factory=tuple)

    @property
    def debits(self) -> Money:
        return total(line.debit for line in self.lines)

    @property
    def credits(self) -> Money:
        return total(line.credit for line in self.lines)


def day_journal(
    receipt_lines: Sequence[ChargeLine],
    over_short: Sequence[SessionOverShort] = (),
    change_funds: Sequence[ChangeFundMovement] = (),
) -> DayJournal:
    """The day's entry: the posted receipts' lines distributed (each fund's pooled-cash claim
    debited, each line account credited), then over/short against the General Fund's pooled
    cash, then the change fund's movements. Balanced in total and per fund, or refused."""
    lines: list[JournalLine] = list(distribute(receipt_lines, memo="Receipts of the day"))
    pooled = pooled_cash_account(GENERAL_FUND)
    zero = Money.zero()
    for item in over_short:
        memo = f"Over/short, {item.label}"
        if item.amount.is_positive:
            lines.append(JournalLine(account=pooled, debit=item.amount, credit=zero, memo=memo))
            lines.append(
                JournalLine(account=OVER_SHORT_ACCOUNT, debit=zero, credit=item.amount, memo=memo)
            )
        elif item.amount.is_negative:
            short = -item.amount
            lines.append(
                JournalLine(account=OVER_SHORT_ACCOUNT, debit=short, credit=zero, memo=memo)
            )
            lines.append(JournalLine(account=pooled, debit=zero, credit=short, memo=memo))
    for move in change_funds:
        if move.issued:
            lines.append(
                JournalLine(
                    account=CHANGE_FUND_ACCOUNT,
                    debit=zero,
                    credit=move.issued,
                    memo=f"Starting bank issued, {move.label}",
                )
            )
        if move.returned:
            lines.append(
                JournalLine(
                    account=CHANGE_FUND_ACCOUNT,
                    debit=move.returned,
                    credit=zero,
                    memo=f"Starting bank back to the change fund, {move.label}",
                )
            )
        if move.issued > move.returned:
            lines.append(
                JournalLine(
                    account=pooled,
                    debit=move.issued - move.returned,
                    credit=zero,
                    memo=f"Starting bank not returned (the drawer held less), {move.label}",
                )
            )
    check_balanced(lines)
    return DayJournal(tuple(lines))
