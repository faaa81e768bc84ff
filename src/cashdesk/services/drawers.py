"""Opening a drawer session: the cashier confirms the starting bank."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cashdesk.domain.money import Money
from cashdesk.domain.roles import Operator, Permission
from cashdesk.errors import PermissionDenied, StateError, ValidationError
from cashdesk.services.context import ServiceContext
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


def _info(row: DrawerSession) -> DrawerInfo:
    return DrawerInfo(
        id=row.id,
        drawer=row.drawer,
        cashier_id=row.cashier_id,
        cashier_name=row.cashier.full_name,
        business_date=row.business_date,
        opening_bank=Money(cents=row.opening_bank_cents),
        status=row.status,
    )


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
        self, operator: Operator, *, opening_bank: Money | None = None, drawer: str = DEFAULT_DRAWER
    ) -> DrawerInfo:
        operator.require(Permission.OPEN_DRAWER)
        bank = opening_bank if opening_bank is not None else self.ctx.config.drawer.starting_bank
        if bank.is_negative:
            raise ValidationError("The starting bank cannot be negative.")
        now = self.ctx.now()
        try:
            with transaction(self.ctx.sessions) as s:
                existing = open_session_row(s, self.ctx.workstation_id, drawer)
                if existing is not None:
                    raise StateError(
                        f"Drawer {drawer} is already open for {existing.cashier.full_name}."
                    )
                row = DrawerSession(
                    workstation_id=self.ctx.workstation_id,
                    drawer=drawer,
                    cashier_id=operator.user_id,
                    business_date=self.ctx.business_date(now),
                    opened_at=now,
                    opening_bank_cents=bank.cents,
                    status="open",
                )
                s.add(row)
                s.flush()
                self.ctx.audit(
                    s,
                    action="drawer_open",
                    actor_id=operator.user_id,
                    subject=row.id,
                    drawer=drawer,
                    opening_bank=bank.plain(),
                )
                self.ctx.enqueue(
                    s,
                    kind="drawer_session",
                    subject_id=row.id,
                    payload={
                        "id": row.id,
                        "workstation": row.workstation_id,
                        "drawer": drawer,
                        "cashier": operator.username,
                        "business_date": row.business_date.isoformat(),
                        "opened_at": now.isoformat(),
                        "opening_bank_cents": bank.cents,
                        "status": "open",
                    },
                )
                s.refresh(row, ["cashier"])
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

    def expected_cash(self, session_id: str, *, operator: Operator | None = None) -> Money:
        """Starting bank plus cash kept on posted receipts (change already given back).

        Screens pass the ``operator``: a cashier may see only their own drawer's figure.
        Services computing a close-out for an operator they have checked may omit it."""
        with self.ctx.sessions() as s:
            row = s.get(DrawerSession, session_id)
            if row is None:
                raise ValidationError("No such drawer session.")
            if (
                operator is not None
                and row.cashier_id != operator.user_id
                and not operator.may(Permission.VIEW_ALL_DRAWERS)
            ):
                raise PermissionDenied("A cashier sees only their own drawers.")
            cash_in = s.scalar(
                select(func.coalesce(func.sum(TenderRow.amount_cents), 0))
                .join(Receipt, Receipt.id == TenderRow.receipt_id)
                .where(
                    Receipt.drawer_session_id == session_id,
                    Receipt.status == "posted",
                    TenderRow.kind == "cash",
                )
            )
            change = s.scalar(
                select(func.coalesce(func.sum(Receipt.change_cents), 0)).where(
                    Receipt.drawer_session_id == session_id, Receipt.status == "posted"
                )
            )
            return Money(cents=row.opening_bank_cents + int(cash_in or 0) - int(change or 0))
