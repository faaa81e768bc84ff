"""The day's close: a supervisor reopens a counted drawer, makes the deposit of the approved
drawers, and closes the business date (its journal entry and the Z report).

The drawer's own life (open, pickups, handoff, the blind count, sign-off) is in
balancing.py; this service takes over once the drawers are counted.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from cashdesk import events
from cashdesk.domain.drawer import (
    CashCount,
    SessionState,
    Step,
    advance,
    change_fund_returned,
    check_day_closable,
)
from cashdesk.domain.inputs import require_reason
from cashdesk.domain.money import Money, total
from cashdesk.domain.roles import Operator, Permission
from cashdesk.errors import StateError, ValidationError
from cashdesk.services.balancing import involved, session_row
from cashdesk.services.context import ServiceContext
from cashdesk.services.day_reports import (
    DayReport,
    DayReportService,
    DepositSlip,
    build_day_journal,
    chain_root,
    charge_lines,
    current_count,
    day_line_sums,
    deposit_slip,
    session_label,
    sessions_of_day,
)
from cashdesk.services.drawers import (
    DrawerInfo,
    business_date_for,
    drawer_info,
    is_closed_day,
    open_session_row,
)
from cashdesk.store.drawer_models import BusinessDayRow, DepositRow, DrawerPickupRow
from cashdesk.store.engine import transaction
from cashdesk.store.models import DrawerSession, JournalEntry, journal_line_rows

_BAG = re.compile(r"^[A-Za-z0-9-]{1,20}$", re.ASCII)


@dataclass(frozen=True, slots=True)
class DayCloseResult:
    business_date: dt.date
    journal_entry_id: str
    report: DayReport  # the Z report


class DayCloseService:
    def __init__(self, ctx: ServiceContext, reports: DayReportService) -> None:
        self.ctx = ctx
        self.reports = reports

    def reopen(self, operator: Operator, session_id: str, *, reason: str) -> DrawerInfo:
        """A supervisor sends a counted or approved drawer back to open (audited); its count
        is set aside and the cashier counts again."""
        operator.require(Permission.REOPEN_DRAWER)
        reason = require_reason(reason, asked="Give the reason for reopening the drawer.")
        now = self.ctx.now()
        with transaction(self.ctx.sessions) as s:
            row = session_row(self.ctx, s, session_id)
            new_state = advance(SessionState(row.status), Step.REOPEN)
            if is_closed_day(s, row.workstation_id, row.business_date):
                raise StateError(f"{row.business_date:%Y-%m-%d} is closed; its drawers are final.")
            count = current_count(s, row.id)
            assert count is not None
            if count.kind == "handoff":
                raise StateError(
                    "A handed-over drawer cannot be reopened: its cash is in the next session."
                )
            if operator.user_id in involved(s, row, count):
                raise StateError("A supervisor cannot reopen a drawer they worked.")
            other = open_session_row(s, row.workstation_id, row.drawer)
            if other is not None:
                raise StateError(
                    f"Drawer {row.drawer} is open for {other.cashier.full_name}; count it first."
                )
            count.state = "reopened"
            row.status = new_state.value
            row.closed_at = None
            s.flush()
            self.ctx.audit(
                s,
                action="drawer_reopened",
                actor_id=operator.user_id,
                approver_id=operator.user_id,
                subject=row.id,
                at=now,
                reason=reason,
                count_id=count.id,
            )
            self.ctx.enqueue(
                s,
                kind="drawer_reopened",
                subject_id=row.id,
                at=now,
                payload={
                    "session": row.id,
                    "count": count.id,
                    "reopened_at": now.isoformat(),
                    "reopened_by": operator.username,
                    "reason": reason,
                },
            )
            return drawer_info(row)

    def sessions(self, operator: Operator, business_date: dt.date | None = None) -> DayReport:
        """The supervisor's view of a date's drawers (the X report's figures)."""
        return self.reports.x_report(operator, business_date)

    def deposit(
        self,
        operator: Operator,
        *,
        bag_number: str,
        business_date: dt.date | None = None,
        cash: CashCount | None = None,
    ) -> DepositSlip:
        """One bag for the city's operating account with the cash and checks of every
        approved drawer of the date not yet deposited: pickups, plus each final count less
        the starting bank kept back for the change fund (in its smallest denominations, the
        ones change is made from; pass ``cash`` to give the bag's own count instead)."""
        operator.require(Permission.MAKE_DEPOSIT)
        bag = bag_number.strip().upper()
        if not _BAG.match(bag):
            raise ValidationError("A bag number is 1 to 20 letters, digits or dashes.")
        now = self.ctx.now()
        try:
            with transaction(self.ctx.sessions) as s:
                rows = self._undeposited(s, business_date)
                day = rows[0].business_date
                derived = CashCount.empty()
                owed = Money.zero()  # the cash the drawers' counts put in the bag
                items: list[dict[str, Any]] = []
                for row in rows:
                    for p in s.scalars(
                        select(DrawerPickupRow).where(DrawerPickupRow.session_id == row.id)
                    ):
                        derived = derived + CashCount.of(p.cash)
                        owed += Money(cents=p.amount_cents)
                    count = current_count(s, row.id)
                    assert count is not None
                    items.extend(count.items)
                    if count.kind == "close":
                        counted = CashCount.of(count.cash)
                        bank = Money(cents=chain_root(s, row).opening_bank_cents)
                        kept = change_fund_returned(bank, counted.total)
                        owed += counted.total - kept
                        if cash is None:
                            derived = derived + counted.minus(counted.take_smallest_first(kept))
                if cash is not None and cash.total != owed:
                    raise ValidationError(
                        f"The bag counts {cash.total}; the drawers' deposit is {owed}."
                    )
                bag_cash = cash if cash is not None else derived
                checks = total(Money(cents=int(i["amount_cents"])) for i in items)
                dep = DepositRow(
                    workstation_id=self.ctx.workstation_id,
                    business_date=day,
                    bag_number=bag,
                    prepared_at=now,
                    prepared_by_id=operator.user_id,
                    currency_cents=bag_cash.currency.cents,
                    coin_cents=bag_cash.coin.cents,
                    checks_cents=checks.cents,
                    total_cents=(bag_cash.total + checks).cents,
                    cash=bag_cash.as_dict(),
                    items=items,
                )
                s.add(dep)
                s.flush()
                for row in rows:
                    row.status = advance(SessionState(row.status), Step.DEPOSIT).value
                    row.deposit_id = dep.id
                s.flush()
                s.refresh(dep, ["prepared_by"])
                self.ctx.audit(
                    s,
                    action="deposit",
                    actor_id=operator.user_id,
                    subject=bag,
                    at=now,
                    business_date=day.isoformat(),
                    total=Money(cents=dep.total_cents).plain(),
                    sessions=[r.id for r in rows],
                )
                self.ctx.enqueue(
                    s,
                    kind="deposit",
                    subject_id=dep.id,
                    at=now,
                    payload={
                        "id": dep.id,
                        "workstation": dep.workstation_id,
                        "business_date": day.isoformat(),
                        "bag_number": bag,
                        "prepared_by": operator.username,
                        "currency_cents": dep.currency_cents,
                        "coin_cents": dep.coin_cents,
                        "checks_cents": dep.checks_cents,
                        "total_cents": dep.total_cents,
                        "cash": dep.cash,
                        "items": [
                            {k: v for k, v in i.items() if k != "account"} for i in dep.items
                        ],
                        "sessions": [r.id for r in rows],
                    },
                )
                return deposit_slip(self.ctx, s, dep)
        except IntegrityError:
            raise ValidationError(f"Bag {bag} has been used already.") from None

    def close_day(self, operator: Operator, business_date: dt.date | None = None) -> DayCloseResult:
        """Close the workstation's business date: every drawer approved, the day's journal
        entry written (balanced in total and per fund), the date locked so later receipts
        go to the next date. Returns the Z report."""
        operator.require(Permission.CLOSE_DAY)
        now = self.ctx.now()
        ws = self.ctx.workstation_id
        with transaction(self.ctx.sessions) as s:
            day = business_date or business_date_for(s, self.ctx, now)
            if is_closed_day(s, ws, day):
                raise StateError(f"{day:%Y-%m-%d} is closed already.")
            if day > self.ctx.business_date(now):
                raise StateError(f"{day:%Y-%m-%d} has not begun.")
            earlier = s.scalar(
                select(func.min(DrawerSession.business_date)).where(
                    DrawerSession.workstation_id == ws,
                    DrawerSession.business_date < day,
                    DrawerSession.business_date.not_in(
                        select(BusinessDayRow.business_date).where(
                            BusinessDayRow.workstation_id == ws
                        )
                    ),
                )
            )
            if earlier is not None:
                raise StateError(f"Close {earlier:%Y-%m-%d} first.")
            unsettled = [
                f"{session_label(self.ctx, row)} ({row.status})"
                for row in sessions_of_day(s, ws, day)
                if row.status not in {SessionState.APPROVED, SessionState.DEPOSITED}
            ]
            check_day_closable(unsettled)
            sums = day_line_sums(s, ws, day)  # read once: the journal and the Z report
            journal = build_day_journal(self.ctx, s, day, charge_lines(sums))
            entry = JournalEntry(
                kind="day",
                workstation_id=ws,
                business_date=day,
                posted_at=now,
                description=f"Day journal {ws} {day:%Y-%m-%d}",
            )
            entry.lines = journal_line_rows(journal.lines)
            s.add(entry)
            s.flush()
            s.add(
                BusinessDayRow(
                    workstation_id=ws,
                    business_date=day,
                    closed_at=now,
                    closed_by_id=operator.user_id,
                    journal_entry_id=entry.id,
                )
            )
            s.flush()
            report = self.reports.build(s, day, "Z", operator, sums)
            self.ctx.audit(
                s,
                action="day_close",
                actor_id=operator.user_id,
                subject=day.isoformat(),
                at=now,
                receipts=report.receipts,
                total=report.receipts_total.plain(),
                over_short=report.over_short.plain(),
                journal=entry.id,
            )
            self.ctx.enqueue(
                s,
                kind="day_close",
                subject_id=f"{ws}:{day.isoformat()}",
                at=now,
                payload={
                    "workstation": ws,
                    "business_date": day.isoformat(),
                    "closed_at": now.isoformat(),
                    "closed_by": operator.username,
                    "receipts": report.receipts,
                    "receipts_total_cents": report.receipts_total.cents,
                    "voided": report.voided,
                    "over_short_cents": report.over_short.cents,
                    "first_receipt": report.numbers.first if report.numbers else "",
                    "last_receipt": report.numbers.last if report.numbers else "",
                    "journal_entry": entry.id,
                },
            )
            self.ctx.enqueue(
                s,
                kind="day_journal",
                subject_id=entry.id,
                at=now,
                payload={
                    "id": entry.id,
                    "kind": "day",
                    "workstation": ws,
                    "business_date": day.isoformat(),
                    "lines": [
                        {
                            "account": line.account,
                            "debit_cents": line.debit.cents,
                            "credit_cents": line.credit.cents,
                            "memo": line.memo,
                        }
                        for line in journal.lines
                    ],
                },
            )
            entry_id = entry.id
        self.ctx.events.emit(events.DRAWER_STATUS, drawer="", state="day_closed")
        return DayCloseResult(business_date=day, journal_entry_id=entry_id, report=report)

    # -- helpers -----------------------------------------------------------------------------
    def _undeposited(self, s: Session, day: dt.date | None) -> list[DrawerSession]:
        query = select(DrawerSession).where(
            DrawerSession.workstation_id == self.ctx.workstation_id,
            DrawerSession.status == SessionState.APPROVED.value,
            DrawerSession.deposit_id.is_(None),
        )
        if day is None:  # the oldest date with an approved drawer waiting
            first = s.scalar(query.order_by(DrawerSession.business_date).limit(1))
            day = first.business_date if first is not None else None
        rows = list(
            s.scalars(
                query.where(DrawerSession.business_date == day)
                .options(selectinload(DrawerSession.cashier))
                .order_by(DrawerSession.drawer, DrawerSession.opened_at, DrawerSession.id)
            )
        )
        if not rows:
            raise StateError("No approved drawer is waiting for a deposit.")
        return rows
