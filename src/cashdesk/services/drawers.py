"""Opening a drawer session: the cashier counts the starting bank by denomination.

Also the business-date rule shared by every posting: a business date that the day close has
locked is over, so anything done after it (late receipts, a new drawer) belongs to the next
date that is not closed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cashdesk.domain.drawer import CashCount, Expected, SessionTender, expected_of
from cashdesk.domain.money import Money
from cashdesk.domain.roles import Operator, Permission, may
from cashdesk.domain.tender import TenderKind, mask_account
from cashdesk.errors import PermissionDenied, StateError, ValidationError
from cashdesk.services.context import ServiceContext
from cashdesk.store.drawer_models import BusinessDayRow, DrawerPickupRow
from cashdesk.store.engine import transaction
from cashdesk.store.models import DrawerSession, Receipt, TenderRow

DEFAULT_DRAWER = "1"


@dataclass(frozen=True, slots=True)
class DrawerInfo:
    id: str
    drawer: str
    cashier_id: int
    cashier_name: str
    business_date: dt.date
    opening_bank: Money
    status: str
    shared: bool = False
    handed_from_id: str | None = None


def drawer_info(row: DrawerSession) -> DrawerInfo:
    return DrawerInfo(
        id=row.id,
        drawer=row.drawer,
        cashier_id=row.cashier_id,
        cashier_name=row.cashier.full_name,
        business_date=row.business_date,
        opening_bank=Money(cents=row.opening_bank_cents),
        status=row.status,
        shared=row.shared,
        handed_from_id=row.handed_from_id,
    )


_info = drawer_info


def is_closed_day(s: Session, workstation_id: str, day: dt.date) -> bool:
    return s.get(BusinessDayRow, (workstation_id, day)) is not None


def business_date_for(s: Session, ctx: ServiceContext, moment: dt.datetime) -> dt.date:
    """The city's local date of ``moment``, moved past every date already closed here."""
    day = ctx.business_date(moment)
    closed = set(
        s.scalars(
            select(BusinessDayRow.business_date).where(
                BusinessDayRow.workstation_id == ctx.workstation_id,
                BusinessDayRow.business_date >= day,
            )
        )
    )
    while day in closed:
        day += dt.timedelta(days=1)
    return day


def insert_session(
    ctx: ServiceContext,
    s: Session,
    operator: Operator,
    *,
    drawer: str,
    bank: Money,
    now: dt.datetime,
    count: CashCount | None,
    shared: bool = False,
    handed_from_id: str | None = None,
) -> DrawerSession:
    """A new open session (the caller's transaction), audited and in the outbox."""
    existing = open_session_row(s, ctx.workstation_id, drawer)
    if existing is not None:
        raise StateError(f"Drawer {drawer} is already open for {existing.cashier.full_name}.")
    row = DrawerSession(
        workstation_id=ctx.workstation_id,
        drawer=drawer,
        cashier_id=operator.user_id,
        business_date=business_date_for(s, ctx, now),
        opened_at=now,
        opening_bank_cents=bank.cents,
        status="open",
        shared=shared,
        handed_from_id=handed_from_id,
        opening_count=count.as_dict() if count is not None else None,
    )
    s.add(row)
    s.flush()
    ctx.audit(
        s,
        action="drawer_open",
        actor_id=operator.user_id,
        subject=row.id,
        at=now,
        drawer=drawer,
        opening_bank=bank.plain(),
        opening_count=row.opening_count,
        shared=shared,
        handed_from=handed_from_id,
    )
    ctx.enqueue(
        s,
        kind="drawer_session",
        subject_id=row.id,
        at=now,
        payload={
            "id": row.id,
            "workstation": row.workstation_id,
            "drawer": drawer,
            "cashier": operator.username,
            "business_date": row.business_date.isoformat(),
            "opened_at": now.isoformat(),
            "opening_bank_cents": bank.cents,
            "opening_count": row.opening_count,
            "shared": shared,
            "handed_from": handed_from_id,
            "status": "open",
        },
    )
    s.refresh(row, ["cashier"])
    return row


def open_session_row(s: Session, workstation_id: str, drawer: str) -> DrawerSession | None:
    return s.scalar(
        select(DrawerSession).where(
            DrawerSession.workstation_id == workstation_id,
            DrawerSession.drawer == drawer,
            DrawerSession.status == "open",
        )
    )


class DrawerService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def current(self, drawer: str = DEFAULT_DRAWER) -> DrawerInfo | None:
        with self.ctx.sessions() as s:
            row = open_session_row(s, self.ctx.workstation_id, drawer)
            return _info(row) if row else None

    def open_drawer(
        self,
        operator: Operator,
        *,
        opening_bank: Money | None = None,
        drawer: str = DEFAULT_DRAWER,
        count: CashCount | None = None,
        shared: bool = False,
    ) -> DrawerInfo:
        """Open ``drawer`` for ``operator``. With ``count`` (the starting bank counted by
        denomination) its total must be the bank: ``opening_bank`` or the policy's $200.00.
        A ``shared`` drawer takes receipts from every signed-in cashier, each attributed."""
        operator.require(Permission.OPEN_DRAWER)
        bank = opening_bank if opening_bank is not None else self.ctx.config.drawer.starting_bank
        if bank.is_negative:
            raise ValidationError("The starting bank cannot be negative.")
        if count is not None and count.total != bank:
            raise ValidationError(
                f"The starting bank counts {count.total}; it must be {bank}. Count it again."
            )
        now = self.ctx.now()
        try:
            with transaction(self.ctx.sessions) as s:
                row = insert_session(
                    self.ctx,
                    s,
                    operator,
                    drawer=drawer,
                    bank=bank,
                    now=now,
                    count=count,
                    shared=shared,
                )
                info = _info(row)
        except IntegrityError:
            # Two windows raced past the check above; the partial unique index kept one.
            raise StateError(f"Drawer {drawer} is already open.") from None
        return info

    def drawers(
        self, operator: Operator, *, business_date: dt.date | None = None
    ) -> list[DrawerInfo]:
        """Drawer sessions of a business date (today by default) at this workstation: a
        cashier sees only their own; leads, administrators and auditors see all."""
        with self.ctx.sessions() as s:
            query = (
                select(DrawerSession)
                .where(
                    DrawerSession.workstation_id == self.ctx.workstation_id,
                    DrawerSession.business_date == (business_date or self.ctx.business_date()),
                )
                .order_by(DrawerSession.opened_at)
            )
            if not operator.may(Permission.VIEW_ALL_DRAWERS):
                query = query.where(DrawerSession.cashier_id == operator.user_id)
            return [_info(row) for row in s.scalars(query)]

    def expected_cash(self, operator: Operator, session_id: str) -> Money:
        """Starting bank plus cash kept on posted receipts (change already given back), less
        pickups. Blind count: only a supervisor sees it, and never for a drawer they are
        still working (the counts show expected figures once submitted)."""
        with self.ctx.sessions() as s:
            row = s.get(DrawerSession, session_id)
            if row is None:
                raise ValidationError("No such drawer session.")
            if not may(operator.role, Permission.RUN_REPORTS) or (
                row.status == "open" and row.cashier_id == operator.user_id
            ):
                raise PermissionDenied(
                    "Expected drawer totals stay hidden until the drawer is counted."
                )
            return expected_cash_of(s, row)


def expected_for(s: Session, row: DrawerSession) -> Expected:
    """What should be in the drawer of session ``row`` now, for the domain's ``expected_of``:
    the session's posted tenders (cash and card summed by the database, each check and money
    order on its own, in receipt order), the change given back and the pickups. The reads
    follow the session (the drawer-session index), never the history."""
    posted = (Receipt.drawer_session_id == row.id, Receipt.status == "posted")
    one_by_one = TenderRow.kind.in_((TenderKind.CHECK.value, TenderKind.MONEY_ORDER.value))
    tenders = s.execute(
        select(
            TenderRow.kind,
            func.sum(TenderRow.amount_cents),
            func.min(Receipt.number),
            func.min(Receipt.payer),
            func.min(TenderRow.check_number),
            func.min(TenderRow.reference),
            func.min(TenderRow.check_account),
        )
        .join(Receipt, Receipt.id == TenderRow.receipt_id)
        .where(*posted)
        .group_by(TenderRow.kind, case((one_by_one, TenderRow.id), else_=0))
        .order_by(func.min(Receipt.seq), func.min(TenderRow.seq))
    )
    change = s.scalar(select(func.coalesce(func.sum(Receipt.change_cents), 0)).where(*posted))
    pickups = s.scalar(
        select(func.coalesce(func.sum(DrawerPickupRow.amount_cents), 0)).where(
            DrawerPickupRow.session_id == row.id
        )
    )
    return expected_of(
        opening_bank=Money(cents=row.opening_bank_cents),
        tenders=[
            SessionTender(
                kind=TenderKind(kind),
                amount=Money(cents=int(amount)),
                receipt_number=number,
                payer=payer,
                number=(check_number if kind == TenderKind.CHECK else reference) or "",
                masked_account=mask_account(account),
            )
            for kind, amount, number, payer, check_number, reference, account in tenders
        ],
        change_given=Money(cents=int(change or 0)),
        pickups=Money(cents=int(pickups or 0)),
    )


def expected_cash_of(s: Session, row: DrawerSession) -> Money:
    """Cash that should be in the drawer of session ``row`` now (``expected_for``'s cash)."""
    return expected_for(s, row).cash
