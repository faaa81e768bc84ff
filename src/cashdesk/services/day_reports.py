"""The day's figures: what the daily cash report, the X and Z reports, the deposit slip and the
journal export show, as plain dataclasses (the UI shows them; reports/ renders them as PDFs).

Every figure is computed from the stored receipts, counts and pickups of one business date at
this workstation. The receipts of a date are those whose business date it is; the drawers of a
date are those opened on it plus any that took a receipt of it (a drawer left open past
midnight).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from cashdesk.domain.drawer import (
    CashCount,
    ChangeFundMovement,
    DayJournal,
    HandoffTerms,
    ListedItem,
    SessionOverShort,
    TenderVariance,
    change_fund_returned,
    day_journal,
    number_gaps,
)
from cashdesk.domain.gl import JournalLine
from cashdesk.domain.lines import ChargeLine
from cashdesk.domain.money import Money, total
from cashdesk.domain.roles import Operator, Permission
from cashdesk.domain.tender import TenderKind
from cashdesk.errors import NotFound, StateError, ValidationError
from cashdesk.reports.data import (
    CashierTotal,
    CodeTotal,
    DayReport,
    DepositItem,
    DepositSlip,
    FundTotal,
    HandoffSlip,
    JournalExport,
    NumberRange,
    SessionFigures,
    TenderTotal,
    VoidLine,
)
from cashdesk.services.context import ServiceContext
from cashdesk.services.drawers import business_date_for, expected_for
from cashdesk.services.journal_export import close_entries, store_totals, stored_entries
from cashdesk.store.drawer_models import (
    BusinessDayRow,
    DepositRow,
    DrawerCountRow,
    DrawerPickupRow,
)
from cashdesk.store.models import (
    DrawerSession,
    GLAccountRow,
    JournalEntry,
    Receipt,
    ReceiptLine,
    RevenueCodeRow,
    TenderRow,
    User,
)

TENDER_KINDS = (TenderKind.CASH, TenderKind.CHECK, TenderKind.MONEY_ORDER, TenderKind.CARD)

# The data types live in reports/data.py; named here too for the screens that import them.
__all__ = [
    "CashierTotal",
    "CodeTotal",
    "DayReport",
    "DayReportService",
    "DepositItem",
    "DepositSlip",
    "FundTotal",
    "HandoffSlip",
    "JournalExport",
    "NumberRange",
    "SessionFigures",
    "TenderTotal",
    "VoidLine",
]


# -- queries shared with the balancing service -------------------------------------------------
def sessions_of_day(s: Session, workstation_id: str, day: dt.date) -> list[DrawerSession]:
    with_receipts = select(Receipt.drawer_session_id).where(
        Receipt.workstation_id == workstation_id, Receipt.business_date == day
    )
    return list(
        s.scalars(
            select(DrawerSession)
            .where(
                DrawerSession.workstation_id == workstation_id,
                or_(DrawerSession.business_date == day, DrawerSession.id.in_(with_receipts)),
            )
            .options(selectinload(DrawerSession.cashier))
            .order_by(DrawerSession.drawer, DrawerSession.opened_at, DrawerSession.id)
        )
    )


def current_count(s: Session, session_id: str) -> DrawerCountRow | None:
    return s.scalar(
        select(DrawerCountRow).where(
            DrawerCountRow.session_id == session_id, DrawerCountRow.state == "current"
        )
    )


def successor(s: Session, session_id: str) -> DrawerSession | None:
    return s.scalar(select(DrawerSession).where(DrawerSession.handed_from_id == session_id))


def chain_root(s: Session, row: DrawerSession) -> DrawerSession:
    seen = {row.id}
    while row.handed_from_id is not None:
        parent = s.get(DrawerSession, row.handed_from_id)
        if parent is None or parent.id in seen:
            break
        seen.add(parent.id)
        row = parent
    return row


def session_label(ctx: ServiceContext, row: DrawerSession) -> str:
    opened = ctx.local_time(row.opened_at).strftime("%H:%M")
    return f"drawer {row.drawer}, {row.cashier.full_name}, opened {opened}"


def listed_items(count: DrawerCountRow) -> tuple[ListedItem, ...]:
    return tuple(
        ListedItem(
            kind=TenderKind(i["kind"]),
            amount=Money(cents=int(i["amount_cents"])),
            number=i["number"],
        )
        for i in count.items
    )


def count_variances(count: DrawerCountRow) -> tuple[TenderVariance, ...]:
    return (
        TenderVariance(
            TenderKind.CASH, Money(cents=count.expected_cash_cents), Money(cents=count.cash_cents)
        ),
        TenderVariance(
            TenderKind.CHECK,
            Money(cents=count.expected_checks_cents),
            Money(cents=count.checks_cents),
        ),
        TenderVariance(
            TenderKind.MONEY_ORDER,
            Money(cents=count.expected_money_orders_cents),
            Money(cents=count.money_orders_cents),
        ),
        TenderVariance(
            TenderKind.CARD, Money(cents=count.expected_card_cents), Money(cents=count.card_cents)
        ),
    )


def _day(workstation_id: str, day: dt.date) -> tuple[Any, ...]:
    return (Receipt.workstation_id == workstation_id, Receipt.business_date == day)


# Where a line stands in the day: its receipt's number, then its place on the receipt (a
# receipt has far fewer than a million lines).
_LINE_PLACE = 1_000_000


@dataclass(frozen=True, slots=True)
class LineSum:
    """The posted lines of a date for one revenue code and account, summed; ``first``: where
    the pair first appears in receipt and line order (the journal keeps that order)."""

    code: str
    gl_account: str
    lines: int
    cents: int
    first: int


def day_line_sums(s: Session, workstation_id: str, day: dt.date) -> list[LineSum]:
    """One grouped query: the database sums, no receipt is loaded."""
    rows = s.execute(
        select(
            ReceiptLine.code,
            ReceiptLine.gl_account,
            func.count(),
            func.sum(ReceiptLine.amount_cents),
            func.min(Receipt.seq * _LINE_PLACE + ReceiptLine.line_no),
        )
        .join(Receipt, Receipt.id == ReceiptLine.receipt_id)
        .where(*_day(workstation_id, day), Receipt.status == "posted")
        .group_by(ReceiptLine.code, ReceiptLine.gl_account)
    )
    return [
        LineSum(code=code, gl_account=account, lines=int(n), cents=int(cents), first=int(first))
        for code, account, n, cents, first in rows
    ]


def charge_lines(sums: Iterable[LineSum]) -> list[ChargeLine]:
    """The day's posted lines as the journal takes them: one per code and account, in the
    order each first appears (distributing them gives the entry the receipts' lines give)."""
    return [
        ChargeLine(
            code=x.code, description=x.code, amount=Money(cents=x.cents), gl_account=x.gl_account
        )
        for x in sorted(sums, key=lambda x: x.first)
    ]


def build_day_journal(
    ctx: ServiceContext, s: Session, day: dt.date, lines: Sequence[ChargeLine] | None = None
) -> DayJournal:
    """The day's entry from what is stored now (provisional until every drawer is counted).
    ``lines``: the day's charge lines when the caller has read the receipts already."""
    over_short: list[SessionOverShort] = []
    funds: list[ChangeFundMovement] = []
    for row in s.scalars(
        select(DrawerSession)
        .where(
            DrawerSession.workstation_id == ctx.workstation_id, DrawerSession.business_date == day
        )
        .options(selectinload(DrawerSession.cashier))
        .order_by(DrawerSession.drawer, DrawerSession.opened_at, DrawerSession.id)
    ):
        count = current_count(s, row.id)
        if count is None:
            continue
        label = session_label(ctx, row)
        if count.over_short_cents:
            over_short.append(
                SessionOverShort(label=label, amount=Money(cents=count.over_short_cents))
            )
        if count.kind == "close":
            root = chain_root(s, row)
            bank = Money(cents=root.opening_bank_cents)
            funds.append(
                ChangeFundMovement(
                    label=session_label(ctx, root) if root is not row else label,
                    issued=bank,
                    returned=change_fund_returned(bank, Money(cents=count.cash_cents)),
                )
            )
    if lines is None:
        lines = charge_lines(day_line_sums(s, ctx.workstation_id, day))
    return day_journal(lines, over_short, funds)


def stored_journal(s: Session, entry_id: str) -> tuple[JournalLine, ...]:
    entry = s.scalar(
        select(JournalEntry)
        .where(JournalEntry.id == entry_id)
        .options(selectinload(JournalEntry.lines))
    )
    if entry is None:
        raise NotFound("The day's journal entry is missing.")
    return tuple(jl.journal_line() for jl in entry.lines)


def stored_item(item: dict[str, object]) -> DepositItem:
    """A check or money order as a count or a deposit stores it."""
    return DepositItem(
        kind=TenderKind(str(item["kind"])),
        number=str(item["number"]),
        amount=Money(cents=int(str(item["amount_cents"]))),
        receipt_number=str(item.get("receipt_number", "")),
        payer=str(item.get("payer", "")),
        account=str(item.get("account", "")),
    )


def handoff_slips(ctx: ServiceContext, s: Session, day: dt.date) -> list[HandoffSlip]:
    """The date's relief handoffs, each as its slip."""
    slips = []
    for row in sessions_of_day(s, ctx.workstation_id, day):
        count = current_count(s, row.id)
        if count is None or count.kind != "handoff":
            continue
        child = successor(s, row.id)
        incoming = child.cashier.full_name if child is not None else ""
        terms = HandoffTerms(
            outgoing=row.cashier.full_name,
            incoming=incoming,
            cash=Money(cents=count.cash_cents),
            items=listed_items(count),
            card_batch=Money(cents=count.card_cents),
        )
        slips.append(
            HandoffSlip(
                business_date=row.business_date,
                workstation=row.workstation_id,
                drawer=row.drawer,
                handed_at=ctx.local_time(count.counted_at).strftime("%Y-%m-%d %H:%M"),
                outgoing=terms.outgoing,
                incoming=incoming,
                cash=CashCount.of(count.cash),
                items=tuple(stored_item(i) for i in count.items),
                card_batch=terms.card_batch,
                over_short=Money(cents=count.over_short_cents),
                statement=terms.statement(),
            )
        )
    return slips


def deposit_slip(ctx: ServiceContext, s: Session, row: DepositRow) -> DepositSlip:
    labels = [
        session_label(ctx, sess)
        for sess in s.scalars(
            select(DrawerSession)
            .where(DrawerSession.deposit_id == row.id)
            .options(selectinload(DrawerSession.cashier))
            .order_by(DrawerSession.drawer, DrawerSession.opened_at, DrawerSession.id)
        )
    ]
    return DepositSlip(
        id=row.id,
        bag_number=row.bag_number,
        business_date=row.business_date,
        workstation=row.workstation_id,
        account_name=f"{ctx.config.city_name} operating account",
        prepared_by=row.prepared_by.full_name,
        prepared_at=ctx.local_time(row.prepared_at).strftime("%Y-%m-%d %H:%M"),
        cash=CashCount.of(row.cash),
        items=tuple(stored_item(i) for i in row.items),
        currency=Money(cents=row.currency_cents),
        coin=Money(cents=row.coin_cents),
        checks=Money(cents=row.checks_cents),
        total=Money(cents=row.total_cents),
        sessions=tuple(labels),
        bank_name=ctx.config.bank.name,
        routing=ctx.config.bank.routing,
        account_number=ctx.config.bank.account,
    )


# -- the one report dispatch (the CLI's `report` and the window's reports viewer) --------------
REPORT_KINDS: dict[str, str] = {
    "daily": "Daily cash report",
    "x": "X report (mid-day)",
    "z": "Z report (day close)",
    "deposit": "Deposit slip",
    "handoff": "Handoff slips",
}

Figures = DayReport | tuple[DepositSlip, ...] | tuple[HandoffSlip, ...]
Render = Callable[[Path], Path]


@dataclass(frozen=True, slots=True)
class ReportFiles:
    """A report's figures and its PDF files, not written yet: ``parts`` are (where, how to
    render there); the caller writes them (the CLI atomically, the window in a temporary
    folder) with ``write``."""

    kind: str
    title: str
    figures: Figures
    parts: tuple[tuple[Path, Render], ...]

    def write(self, writer: Callable[[Path, Render], Path] | None = None) -> list[Path]:
        return [writer(path, render) if writer else render(path) for path, render in self.parts]


def _render_day(report: DayReport) -> Render:
    def render(path: Path) -> Path:
        from cashdesk.reports.day import render_day_report

        return render_day_report(report, path)

    return render


def _render_deposit(slip: DepositSlip) -> Render:
    def render(path: Path) -> Path:
        from cashdesk.reports.deposit import render_deposit_slip

        return render_deposit_slip(slip, path)

    return render


def _render_handoff(slip: HandoffSlip) -> Render:
    def render(path: Path) -> Path:
        from cashdesk.reports.handoff import render_handoff_slip

        return render_handoff_slip(slip, path)

    return render


@dataclass(frozen=True, slots=True)
class SessionReads:
    """What the day report reads of one drawer session, read for all sessions at once."""

    count: DrawerCountRow | None
    pickups: tuple[int, ...]  # cents
    took: dict[int, int]  # receipts on the session per cashier id (every date and status)
    handed_from: str
    handed_to: str


# -- the service -------------------------------------------------------------------------------
class DayReportService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def current_business_date(self) -> dt.date:
        with self.ctx.sessions() as s:
            return business_date_for(s, self.ctx, self.ctx.now())

    def daily(self, operator: Operator, business_date: dt.date) -> DayReport:
        """The daily cash report of a date: provisional until the day is closed."""
        operator.require(Permission.RUN_REPORTS)
        with self.ctx.sessions() as s:
            return self.build(s, business_date, "daily", operator)

    def x_report(self, operator: Operator, business_date: dt.date | None = None) -> DayReport:
        """Mid-day figures; reads only (nothing is counted, closed or written)."""
        operator.require(Permission.RUN_REPORTS)
        with self.ctx.sessions() as s:
            day = business_date or business_date_for(s, self.ctx, self.ctx.now())
            return self.build(s, day, "X", operator)

    def z_report(self, operator: Operator, business_date: dt.date) -> DayReport:
        """The close's report of a closed date (the day close returns it too)."""
        operator.require(Permission.RUN_REPORTS)
        with self.ctx.sessions() as s:
            if s.get(BusinessDayRow, (self.ctx.workstation_id, business_date)) is None:
                raise StateError(
                    f"{business_date:%Y-%m-%d} is not closed: run an X report, or close the day."
                )
            return self.build(s, business_date, "Z", operator)

    def report(
        self, operator: Operator, kind: str, business_date: dt.date, out: Path
    ) -> ReportFiles:
        """Any of ``REPORT_KINDS`` for a date: its figures and its files (``out``, and for a
        date with several deposit bags or handoffs, ``out`` with the bag or drawer added)."""
        if kind not in REPORT_KINDS:
            raise ValidationError(f"There is no {kind!r} report.")
        title = REPORT_KINDS[kind]
        if kind in ("daily", "x", "z"):
            build = {"daily": self.daily, "x": self.x_report, "z": self.z_report}[kind]
            report = build(operator, business_date)
            return ReportFiles(kind, title, report, ((out, _render_day(report)),))
        if kind == "deposit":
            slips = tuple(self.deposit_slips(operator, business_date))
            if not slips:
                raise ValidationError(f"No deposit was made for {business_date}.")
            return ReportFiles(
                kind,
                title,
                slips,
                tuple(
                    (
                        out if i == 0 else out.with_stem(f"{out.stem}-{slip.bag_number}"),
                        _render_deposit(slip),
                    )
                    for i, slip in enumerate(slips)
                ),
            )
        handoffs = tuple(self.handoff_slips(operator, business_date))
        if not handoffs:
            raise ValidationError(f"No drawer was handed over on {business_date}.")
        return ReportFiles(
            kind,
            title,
            handoffs,
            tuple(
                (out if i == 0 else out.with_stem(f"{out.stem}-{i + 1}"), _render_handoff(slip))
                for i, slip in enumerate(handoffs)
            ),
        )

    def handoff_slips(self, operator: Operator, business_date: dt.date) -> list[HandoffSlip]:
        operator.require(Permission.RUN_REPORTS)
        with self.ctx.sessions() as s:
            return handoff_slips(self.ctx, s, business_date)

    def deposit_slips(self, operator: Operator, business_date: dt.date) -> list[DepositSlip]:
        operator.require(Permission.RUN_REPORTS)
        with self.ctx.sessions() as s:
            return self._deposits(s, business_date)

    def journal(self, operator: Operator, business_date: dt.date) -> JournalExport:
        """The day's journal: every journal entry of the date (receipts, voids, returned
        checks...) and the close's over/short and change fund, from the stored close of a
        closed day, else provisional from what is counted so far."""
        operator.require(Permission.RUN_REPORTS)
        ws = self.ctx.workstation_id
        with self.ctx.sessions() as s:
            closed = s.get(BusinessDayRow, (ws, business_date))
            if closed is not None:
                day_lines = stored_journal(s, closed.journal_entry_id)
                entry_id = closed.journal_entry_id
            else:
                day_lines = build_day_journal(self.ctx, s, business_date, lines=[]).lines
                entry_id = f"PROVISIONAL-{ws}-{business_date:%Y%m%d}"
            entries = stored_entries(s, ws, business_date) + close_entries(entry_id, day_lines)
            lines = tuple(line for entry in entries for line in entry.lines)
            accounts = {a.account: a for a in s.scalars(select(GLAccountRow))}
            used = {line.account for line in lines}
            return JournalExport(
                business_date=business_date,
                workstation=self.ctx.workstation_id,
                entry_id=entry_id,
                provisional=closed is None,
                lines=lines,
                account_types={a: accounts[a].type for a in used if a in accounts},
                account_names={a: accounts[a].description for a in used if a in accounts},
                entries=tuple(entries),
                store_totals=tuple(store_totals(s, ws, business_date)),
            )

    # -- building ------------------------------------------------------------------------------
    def _deposits(self, s: Session, day: dt.date) -> list[DepositSlip]:
        rows = s.scalars(
            select(DepositRow)
            .where(
                DepositRow.workstation_id == self.ctx.workstation_id,
                DepositRow.business_date == day,
            )
            .options(selectinload(DepositRow.prepared_by))
            .order_by(DepositRow.prepared_at)
        )
        return [deposit_slip(self.ctx, s, row) for row in rows]

    def build(
        self,
        s: Session,
        day: dt.date,
        kind: str,
        viewer: Operator | None,
        sums: list[LineSum] | None = None,
    ) -> DayReport:
        """The report of ``day``: the database sums the receipts, lines and tenders (grouped
        queries); only the voided receipts and the drawer sessions are read one by one.
        ``sums``: the day's ``day_line_sums`` when the caller has them already."""
        ws = self.ctx.workstation_id
        codes = {c.code: c for c in s.scalars(select(RevenueCodeRow))}
        # A counter has a few dozen users.
        names = {uid: name for uid, name in s.execute(select(User.id, User.full_name))}

        # Receipts per cashier and status; tenders per cashier and kind (posted receipts).
        receipts_of: dict[str, int] = defaultdict(int)
        totals_of: dict[str, int] = defaultdict(int)
        change_of: dict[str, int] = defaultdict(int)
        voids_of: dict[str, int] = defaultdict(int)
        voided_cents = 0
        for cashier_id, status, n, cents, change in s.execute(
            select(
                Receipt.cashier_id,
                Receipt.status,
                func.count(),
                func.sum(Receipt.total_cents),
                func.sum(Receipt.change_cents),
            )
            .where(*_day(ws, day))
            .group_by(Receipt.cashier_id, Receipt.status)
        ):
            name = names[cashier_id]
            if status == "posted":
                receipts_of[name] += int(n)
                totals_of[name] += int(cents)
                change_of[name] += int(change)
            else:
                voids_of[name] += int(n)
                voided_cents += int(cents)
        tender_counts: dict[str, dict[TenderKind, int]] = defaultdict(lambda: defaultdict(int))
        tender_cents: dict[str, dict[TenderKind, int]] = defaultdict(lambda: defaultdict(int))
        for cashier_id, tender_kind, n, cents in s.execute(
            select(
                Receipt.cashier_id, TenderRow.kind, func.count(), func.sum(TenderRow.amount_cents)
            )
            .join(TenderRow, TenderRow.receipt_id == Receipt.id)
            .where(*_day(ws, day), Receipt.status == "posted")
            .group_by(Receipt.cashier_id, TenderRow.kind)
        ):
            name = names[cashier_id]
            tender_counts[name][TenderKind(tender_kind)] += int(n)
            tender_cents[name][TenderKind(tender_kind)] += int(cents)

        def tender_totals(who: Sequence[str]) -> tuple[TenderTotal, ...]:
            # Cash: tendered minus the change given back (what stayed in the drawer).
            return tuple(
                TenderTotal(
                    k,
                    sum(tender_counts[n][k] for n in who),
                    Money(
                        cents=sum(tender_cents[n][k] for n in who)
                        - (sum(change_of[n] for n in who) if k is TenderKind.CASH else 0)
                    ),
                )
                for k in TENDER_KINDS
            )

        cashiers = sorted(set(receipts_of) | set(voids_of))
        posted_cashiers = sorted(receipts_of)
        cashier_totals = tuple(
            CashierTotal(
                cashier=name,
                receipts=receipts_of[name],
                voided=voids_of[name],
                total=Money(cents=totals_of[name]),
                tenders=tender_totals([name] if name in receipts_of else []),
            )
            for name in cashiers
        )

        if sums is None:
            sums = day_line_sums(s, ws, day)
        fund_amounts: dict[str, Money] = defaultdict(Money.zero)
        for x in sums:
            fund_amounts[x.gl_account[:3]] += Money(cents=x.cents)
        by_code = tuple(
            CodeTotal(
                code=x.code,
                description=codes[x.code].description if x.code in codes else x.code,
                gl_account=x.gl_account,
                fund=x.gl_account[:3],
                lines=x.lines,
                amount=Money(cents=x.cents),
            )
            for x in sorted(sums, key=lambda x: (x.code, x.gl_account))
        )

        numbered = s.execute(
            select(Receipt.seq, Receipt.number).where(*_day(ws, day)).order_by(Receipt.seq)
        ).all()
        numbers = None
        if numbered:
            # The last number of an earlier date: the highest one first, through the
            # (workstation, number) index, so it stops at once instead of reading the history.
            previous_last = s.scalar(
                select(Receipt.seq)
                .where(Receipt.workstation_id == ws, Receipt.business_date < day)
                .order_by(Receipt.seq.desc())
                .limit(1)
            )
            gaps = number_gaps((seq for seq, _ in numbered), previous_last=previous_last)
            numbers = NumberRange(
                first=numbered[0][1],
                last=numbered[-1][1],
                count=len(numbered),
                gaps=tuple(f"{ws}-{n:06d}" for n in gaps),
            )
        voided = list(
            s.scalars(
                select(Receipt)
                .where(*_day(ws, day), Receipt.status == "voided")
                .options(selectinload(Receipt.cashier), selectinload(Receipt.voided_by))
                .order_by(Receipt.seq)
            )
        )

        rows = sessions_of_day(s, ws, day)
        took: dict[str, dict[int, int]] = defaultdict(dict)  # session -> cashier -> receipts
        for session_id, cashier_id, n in s.execute(
            select(Receipt.drawer_session_id, Receipt.cashier_id, func.count())
            .where(Receipt.drawer_session_id.in_([row.id for row in rows]))
            .group_by(Receipt.drawer_session_id, Receipt.cashier_id)
        ):
            took[session_id][cashier_id] = int(n)
        ids = [row.id for row in rows]
        counts = {
            c.session_id: c
            for c in s.scalars(
                select(DrawerCountRow).where(
                    DrawerCountRow.session_id.in_(ids), DrawerCountRow.state == "current"
                )
            )
        }
        pickups: dict[str, list[int]] = defaultdict(list)
        for session_id, cents in s.execute(
            select(DrawerPickupRow.session_id, DrawerPickupRow.amount_cents).where(
                DrawerPickupRow.session_id.in_(ids)
            )
        ):
            pickups[session_id].append(int(cents))
        # Who took a drawer over, and from whom (a handoff's other side may be another day's).
        handed_to = {
            parent: names[cashier]
            for parent, cashier in s.execute(
                select(DrawerSession.handed_from_id, DrawerSession.cashier_id).where(
                    DrawerSession.handed_from_id.in_(ids)
                )
            )
        }
        parents = [row.handed_from_id for row in rows if row.handed_from_id]
        handed_from = {
            sid: names[cashier]
            for sid, cashier in s.execute(
                select(DrawerSession.id, DrawerSession.cashier_id).where(
                    DrawerSession.id.in_(parents)
                )
            )
        }
        sessions = tuple(
            self._session(
                s,
                row,
                viewer,
                SessionReads(
                    count=counts.get(row.id),
                    pickups=tuple(pickups[row.id]),
                    took=took[row.id],
                    handed_from=handed_from.get(row.handed_from_id or "", ""),
                    handed_to=handed_to.get(row.id, ""),
                ),
                names,
            )
            for row in rows
        )
        closed = s.get(BusinessDayRow, (ws, day))
        if closed is not None:
            journal = stored_journal(s, closed.journal_entry_id)
        else:
            journal = build_day_journal(self.ctx, s, day, charge_lines(sums)).lines
        z_number = None
        if closed is not None:
            z_number = s.scalar(
                select(func.count())
                .select_from(BusinessDayRow)
                .where(
                    BusinessDayRow.workstation_id == ws,
                    BusinessDayRow.closed_at <= closed.closed_at,
                )
            )
        card_batches = total(Money(cents=c.card_cents) for c in counts.values())
        return DayReport(
            kind=kind,
            business_date=day,
            workstation=ws,
            city=self.ctx.config.city_name,
            generated_at=self.ctx.local_time(self.ctx.now()).strftime("%Y-%m-%d %H:%M"),
            closed=closed is not None,
            closed_at=(
                self.ctx.local_time(closed.closed_at).strftime("%Y-%m-%d %H:%M") if closed else ""
            ),
            closed_by=closed.closed_by.full_name if closed else "",
            receipts=sum(receipts_of.values()),
            receipts_total=Money(cents=sum(totals_of.values())),
            voided=len(voided),
            voided_total=Money(cents=voided_cents),
            by_cashier=cashier_totals,
            sessions=sessions,
            by_tender=tender_totals(posted_cashiers),
            by_code=by_code,
            by_fund=tuple(FundTotal(f, a) for f, a in sorted(fund_amounts.items())),
            voids=tuple(
                VoidLine(
                    number=r.number,
                    cashier=r.cashier.full_name,
                    payer=r.payer,
                    total=Money(cents=r.total_cents),
                    voided_by=r.voided_by.full_name if r.voided_by else "",
                    voided_at=(
                        self.ctx.local_time(r.voided_at).strftime("%H:%M") if r.voided_at else ""
                    ),
                    reason=r.void_reason or "",
                )
                for r in voided
            ),
            numbers=numbers,
            over_short=total(sf.over_short for sf in sessions if sf.over_short is not None),
            card_batches=card_batches,
            deposits=tuple(self._deposits(s, day)),
            journal=journal,
            z_number=z_number,
        )

    def _session(
        self,
        s: Session,
        row: DrawerSession,
        viewer: Operator | None,
        reads: SessionReads,
        names: dict[int, str],
    ) -> SessionFigures:
        count = reads.count
        cashiers = [names[uid] for uid in sorted(reads.took)]
        n_receipts = sum(reads.took.values())
        variances = None
        if count is not None:
            variances = count_variances(count)
        elif viewer is not None and viewer.user_id != row.cashier_id and row.status == "open":
            # A supervisor's X report shows what an open drawer should hold; the cashier at
            # that drawer never sees it before the blind count.
            expected = expected_for(s, row)
            variances = tuple(
                TenderVariance(k, expected.amount(k), Money.zero()) for k in TENDER_KINDS
            )
        return SessionFigures(
            id=row.id,
            label=session_label(self.ctx, row),
            drawer=row.drawer,
            cashier=row.cashier.full_name,
            cashiers=tuple(sorted(cashiers)),
            opened_at=self.ctx.local_time(row.opened_at).strftime("%H:%M"),
            state=row.status,
            shared=row.shared,
            opening_bank=Money(cents=row.opening_bank_cents),
            handed_from=reads.handed_from,
            handed_to=reads.handed_to,
            pickups=Money(cents=sum(reads.pickups)),
            pickup_count=len(reads.pickups),
            receipts=n_receipts,
            count_kind=count.kind if count else "",
            counted_by=names[count.counted_by_id] if count else "",
            attempt=count.attempt if count else 0,
            counted=count is not None,
            variances=variances,
            over_short=Money(cents=count.over_short_cents) if count else None,
            needs_signoff=count.needs_signoff if count else False,
            approved_by=(
                names[count.approved_by_id] if count and count.approved_by_id is not None else ""
            ),
            approval_reason=(count.approval_reason or "") if count else "",
        )
