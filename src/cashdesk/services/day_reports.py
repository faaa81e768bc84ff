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
from collections.abc import Iterable, Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from cashdesk.domain.drawer import (
    CashCount,
    ChangeFundMovement,
    DayJournal,
    Expected,
    ListedItem,
    SessionOverShort,
    TakenItem,
    TenderVariance,
    change_fund_returned,
    day_journal,
    number_gaps,
)
from cashdesk.domain.gl import JournalLine
from cashdesk.domain.lines import ChargeLine
from cashdesk.domain.money import Money, total
from cashdesk.domain.roles import Operator, Permission
from cashdesk.domain.tender import TenderKind, mask_account
from cashdesk.errors import NotFound, StateError
from cashdesk.reports.data import (
    CashierTotal,
    CodeTotal,
    DayReport,
    DepositItem,
    DepositSlip,
    FundTotal,
    JournalExport,
    NumberRange,
    SessionFigures,
    TenderTotal,
    VoidLine,
)
from cashdesk.services.context import ServiceContext
from cashdesk.services.drawers import business_date_for
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
    RevenueCodeRow,
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


def expected_for(s: Session, row: DrawerSession) -> Expected:
    receipts = list(
        s.scalars(
            select(Receipt)
            .where(Receipt.drawer_session_id == row.id, Receipt.status == "posted")
            .options(selectinload(Receipt.tenders))
            .order_by(Receipt.seq)
        )
    )
    cash_in = Money.zero()
    card = Money.zero()
    items: list[TakenItem] = []
    for r in receipts:
        cash_in -= Money(cents=r.change_cents)
        for t in r.tenders:
            amount = Money(cents=t.amount_cents)
            kind = TenderKind(t.kind)
            if kind is TenderKind.CASH:
                cash_in += amount
            elif kind is TenderKind.CARD:
                card += amount
            else:
                items.append(
                    TakenItem(
                        kind=kind,
                        amount=amount,
                        number=t.check_number if kind is TenderKind.CHECK else t.reference,
                        receipt_number=r.number,
                        payer=r.payer,
                        masked_account=mask_account(t.check_account),
                    )
                )
    pickups = s.scalar(
        select(func.coalesce(func.sum(DrawerPickupRow.amount_cents), 0)).where(
            DrawerPickupRow.session_id == row.id
        )
    )
    return Expected(
        opening_bank=Money(cents=row.opening_bank_cents),
        cash_in=cash_in,
        pickups=Money(cents=int(pickups or 0)),
        items=tuple(items),
        card=card,
    )


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


def day_receipts(s: Session, workstation_id: str, day: dt.date) -> list[Receipt]:
    """Every receipt of the date (posted and voided) with what the day reports read of it."""
    return list(
        s.scalars(
            select(Receipt)
            .where(Receipt.workstation_id == workstation_id, Receipt.business_date == day)
            .options(
                selectinload(Receipt.lines),
                selectinload(Receipt.tenders),
                selectinload(Receipt.cashier),
                selectinload(Receipt.voided_by),
            )
            .order_by(Receipt.seq)
        )
    )


def charge_lines(receipts: Iterable[Receipt]) -> list[ChargeLine]:
    """The charge lines of the posted receipts among ``receipts``, in their order."""
    return [
        ChargeLine(
            code=line.code,
            description=line.description,
            amount=Money(cents=line.amount_cents),
            gl_account=line.gl_account,
            reference=line.reference,
        )
        for r in receipts
        if r.status == "posted"
        for line in r.lines
    ]


def receipt_charge_lines(s: Session, workstation_id: str, day: dt.date) -> list[ChargeLine]:
    receipts = s.scalars(
        select(Receipt)
        .where(
            Receipt.workstation_id == workstation_id,
            Receipt.business_date == day,
            Receipt.status == "posted",
        )
        .options(selectinload(Receipt.lines))
        .order_by(Receipt.seq)
    )
    return charge_lines(receipts)


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
        lines = receipt_charge_lines(s, ctx.workstation_id, day)
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
        items=tuple(
            DepositItem(
                kind=TenderKind(i["kind"]),
                number=i["number"],
                amount=Money(cents=int(i["amount_cents"])),
                receipt_number=i.get("receipt_number", ""),
                payer=i.get("payer", ""),
                account=i.get("account", ""),
            )
            for i in row.items
        ),
        currency=Money(cents=row.currency_cents),
        coin=Money(cents=row.coin_cents),
        checks=Money(cents=row.checks_cents),
        total=Money(cents=row.total_cents),
        sessions=tuple(labels),
        bank_name=ctx.config.bank.name,
        routing=ctx.config.bank.routing,
        account_number=ctx.config.bank.account,
    )


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
        receipts: list[Receipt] | None = None,
    ) -> DayReport:
        """The report of ``day``; ``receipts``: its ``day_receipts`` if read already."""
        ws = self.ctx.workstation_id
        if receipts is None:
            receipts = day_receipts(s, ws, day)
        posted = [r for r in receipts if r.status == "posted"]
        voided = [r for r in receipts if r.status == "voided"]
        codes = {c.code: c for c in s.scalars(select(RevenueCodeRow))}

        def tender_totals(rs: Sequence[Receipt]) -> tuple[TenderTotal, ...]:
            amounts: dict[TenderKind, Money] = defaultdict(Money.zero)
            counts: dict[TenderKind, int] = defaultdict(int)
            for r in rs:
                amounts[TenderKind.CASH] -= Money(cents=r.change_cents)
                for t in r.tenders:
                    amounts[TenderKind(t.kind)] += Money(cents=t.amount_cents)
                    counts[TenderKind(t.kind)] += 1
            return tuple(TenderTotal(k, counts[k], amounts[k]) for k in TENDER_KINDS)

        by_cashier: dict[str, list[Receipt]] = defaultdict(list)
        voids_by_cashier: dict[str, int] = defaultdict(int)
        for r in posted:
            by_cashier[r.cashier.full_name].append(r)
        for r in voided:
            voids_by_cashier[r.cashier.full_name] += 1
        cashiers = sorted(set(by_cashier) | set(voids_by_cashier))
        cashier_totals = tuple(
            CashierTotal(
                cashier=name,
                receipts=len(by_cashier[name]),
                voided=voids_by_cashier[name],
                total=total(Money(cents=r.total_cents) for r in by_cashier[name]),
                tenders=tender_totals(by_cashier[name]),
            )
            for name in cashiers
        )

        code_amounts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        fund_amounts: dict[str, Money] = defaultdict(Money.zero)
        for r in posted:
            for line in r.lines:
                acc = code_amounts[(line.code, line.gl_account)]
                acc[0] += 1
                acc[1] += line.amount_cents
                fund_amounts[line.gl_account[:3]] += Money(cents=line.amount_cents)
        by_code = tuple(
            CodeTotal(
                code=code,
                description=codes[code].description if code in codes else code,
                gl_account=account,
                fund=account[:3],
                lines=n,
                amount=Money(cents=cents),
            )
            for (code, account), (n, cents) in sorted(code_amounts.items())
        )

        previous_last = s.scalar(
            select(func.max(Receipt.seq)).where(
                Receipt.workstation_id == ws, Receipt.business_date < day
            )
        )
        numbers = None
        if receipts:
            gaps = number_gaps((r.seq for r in receipts), previous_last=previous_last)
            numbers = NumberRange(
                first=receipts[0].number,
                last=receipts[-1].number,
                count=len(receipts),
                gaps=tuple(f"{ws}-{n:06d}" for n in gaps),
            )

        sessions = tuple(self._session(s, row, day, viewer) for row in sessions_of_day(s, ws, day))
        closed = s.get(BusinessDayRow, (ws, day))
        if closed is not None:
            journal = stored_journal(s, closed.journal_entry_id)
        else:
            journal = build_day_journal(self.ctx, s, day, charge_lines(posted)).lines
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
        card_batches = Money.zero()
        for row in sessions_of_day(s, ws, day):
            count = current_count(s, row.id)
            if count is not None:
                card_batches += Money(cents=count.card_cents)
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
            receipts=len(posted),
            receipts_total=total(Money(cents=r.total_cents) for r in posted),
            voided=len(voided),
            voided_total=total(Money(cents=r.total_cents) for r in voided),
            by_cashier=cashier_totals,
            sessions=sessions,
            by_tender=tender_totals(posted),
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
        self, s: Session, row: DrawerSession, day: dt.date, viewer: Operator | None
    ) -> SessionFigures:
        count = current_count(s, row.id)
        pickups = list(
            s.scalars(select(DrawerPickupRow).where(DrawerPickupRow.session_id == row.id))
        )
        took = sorted(
            set(
                s.scalars(
                    select(Receipt.cashier_id).where(Receipt.drawer_session_id == row.id).distinct()
                )
            )
        )
        names = []
        for uid in took:
            r = s.scalar(
                select(Receipt).where(
                    Receipt.drawer_session_id == row.id, Receipt.cashier_id == uid
                )
            )
            if r is not None:
                names.append(r.cashier.full_name)
        n_receipts = int(
            s.scalar(select(func.count()).where(Receipt.drawer_session_id == row.id)) or 0
        )
        parent = s.get(DrawerSession, row.handed_from_id) if row.handed_from_id else None
        child = successor(s, row.id)
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
            cashiers=tuple(sorted(names)),
            opened_at=self.ctx.local_time(row.opened_at).strftime("%H:%M"),
            state=row.status,
            shared=row.shared,
            opening_bank=Money(cents=row.opening_bank_cents),
            handed_from=parent.cashier.full_name if parent else "",
            handed_to=child.cashier.full_name if child else "",
            pickups=total(Money(cents=p.amount_cents) for p in pickups),
            pickup_count=len(pickups),
            receipts=n_receipts,
            count_kind=count.kind if count else "",
            counted_by=count.counted_by.full_name if count else "",
            attempt=count.attempt if count else 0,
            counted=count is not None,
            variances=variances,
            over_short=Money(cents=count.over_short_cents) if count else None,
            needs_signoff=count.needs_signoff if count else False,
            approved_by=(count.approved_by.full_name if count and count.approved_by else ""),
            approval_reason=(count.approval_reason or "") if count else "",
        )
