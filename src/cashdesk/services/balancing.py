"""The drawer's life after it opens: pickups, handoffs, the blind count and over/short,
recount and sign-off. (Reopen, the deposit and the day close are in day_close.py.)

Every step checks the caller's role, writes one transaction with its audit entry and its
outbox row, and returns a plain dataclass. Expected figures never leave this service before
the count is submitted (blind count): the status a cashier sees has no amounts but the
opening bank, and the count's result is the first place the expected totals appear.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, NoReturn

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from cashdesk import events
from cashdesk.domain.drawer import (
    CashCount,
    DrawerCount,
    HandoffTerms,
    ListedItem,
    Reconciliation,
    SessionState,
    Step,
    TakenItem,
    TenderVariance,
    advance,
    check_pickup,
    check_recount,
    check_signoff,
    describe,
    pickup_due,
    reconcile,
    refuse_handed_over,
    refuse_paid_out,
)
from cashdesk.domain.money import Money
from cashdesk.domain.roles import Operator, Permission, may
from cashdesk.domain.tender import TenderKind as K
from cashdesk.errors import NotFound, PermissionDenied, StateError, ValidationError
from cashdesk.services.context import ServiceContext
from cashdesk.services.day_reports import (
    count_variances,
    current_count,
    listed_items,
)
from cashdesk.services.drawers import (
    DEFAULT_DRAWER,
    DrawerInfo,
    drawer_info,
    expected_for,
    insert_session,
    open_session_row,
)
from cashdesk.store.drawer_models import (
    DrawerCountRow,
    DrawerPickupRow,
)
from cashdesk.store.engine import transaction
from cashdesk.store.models import DrawerSession, Receipt, User


@dataclass(frozen=True, slots=True)
class DrawerStatus:
    """What the counter screen shows about an open drawer: no expected amounts (blind)."""

    session: DrawerInfo
    receipts: int
    pickups: int
    cashiers: tuple[str, ...]
    needs_pickup: bool  # cash above the pickup threshold: prompt a pickup to the safe


@dataclass(frozen=True, slots=True)
class PickupResult:
    session_id: str
    seq: int
    amount: Money
    needs_pickup: bool  # still above the threshold after this pickup


@dataclass(frozen=True, slots=True)
class CountResult:
    """A submitted count: the first time the expected figures are shown."""

    session_id: str
    attempt: int
    kind: str  # close or handoff
    state: str  # counted (waiting for sign-off) or approved
    variances: tuple[TenderVariance, ...]
    over_short: Money
    needs_signoff: bool
    matched: tuple[tuple[ListedItem, TakenItem], ...]
    missing: tuple[TakenItem, ...]
    unexpected: tuple[ListedItem, ...]
    recount_allowed: bool
    approved_by: str
    approval_reason: str

    @property
    def summary(self) -> str:
        return describe(self.over_short)


@dataclass(frozen=True, slots=True)
class HandoffResult:
    count: CountResult
    next_session: DrawerInfo
    terms: HandoffTerms  # which tenders stay with whom: both screens and the slip say it


def _items_payload(count: DrawerCount, rec: Reconciliation) -> list[dict[str, Any]]:
    matched = {id(listed): taken for listed, taken in rec.match.matched}
    items = []
    for item in count.items:
        taken = matched.get(id(item))
        items.append(
            {
                "kind": item.kind.value,
                "amount_cents": item.amount.cents,
                # A money order listed without its serial takes the serial of its tender.
                "number": item.number or (taken.number if taken else ""),
                "receipt_number": taken.receipt_number if taken else "",
                "payer": taken.payer if taken else "",
                "account": taken.masked_account if taken else "",
            }
        )
    return items


def session_row(ctx: ServiceContext, s: Session, session_id: str) -> DrawerSession:
    row = s.get(DrawerSession, session_id, options=[selectinload(DrawerSession.cashier)])
    if row is None or row.workstation_id != ctx.workstation_id:
        raise NotFound("No such drawer session at this workstation.")
    return row


def receipt_cashier_ids(s: Session, row: DrawerSession) -> set[int]:
    return set(
        s.scalars(select(Receipt.cashier_id).where(Receipt.drawer_session_id == row.id).distinct())
    )


def involved(s: Session, row: DrawerSession, count: DrawerCountRow) -> set[int]:
    """Who may not sign off or reopen the session: its cashier, its counter, who took its
    receipts."""
    return {row.cashier_id, count.counted_by_id} | receipt_cashier_ids(s, row)


def handoff_terms(row: DrawerSession, count: DrawerCountRow, *, incoming: str) -> HandoffTerms:
    """The terms of a stored handoff count of session ``row``."""
    return HandoffTerms(
        outgoing=row.cashier.full_name,
        incoming=incoming,
        cash=Money(cents=count.cash_cents),
        items=listed_items(count),
        card_batch=Money(cents=count.card_cents),
    )


def handed_items(
    ctx: ServiceContext, s: Session, row: DrawerSession
) -> list[tuple[str, ListedItem]]:
    """Every check and money order the earlier cashiers of ``row``'s drawer chain took with
    their handoff counts, with whose count it is in."""
    handed: list[tuple[str, ListedItem]] = []
    seen = {row.id}
    parent_id = row.handed_from_id
    while parent_id is not None and parent_id not in seen:
        seen.add(parent_id)
        parent = session_row(ctx, s, parent_id)
        count = current_count(s, parent.id)
        if count is not None and count.kind == "handoff":
            handed += [(parent.cashier.full_name, item) for item in listed_items(count)]
        parent_id = parent.handed_from_id
    return handed


@dataclass(frozen=True, slots=True)
class DrawerGlance:
    """One drawer session on the lead's dashboard."""

    session_id: str
    drawer: str
    cashier: str
    state: str  # open, counted, approved, deposited
    opened_at: str  # local HH:MM
    # Open drawers only; None for a counted one, and for the lead's own open drawer (its
    # count stays blind to the one who counts it).
    cash_on_hand: Money | None
    over_pickup_limit: bool
    over_short: Money | None  # once counted
    waiting_signoff: bool  # counted outside the threshold, not yet signed off


@dataclass(frozen=True, slots=True)
class Dashboard:
    workstation_id: str
    business_date: dt.date
    pickup_limit: Money
    drawers: tuple[DrawerGlance, ...]
    # A central ledger is configured: other workstations' drawers exist and are not shown.
    this_workstation_only: bool


class BalancingService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    @property
    def threshold(self) -> Money:
        return self.ctx.config.drawer.variance_threshold

    # -- the open drawer -------------------------------------------------------------------
    def status(self, operator: Operator, drawer: str = DEFAULT_DRAWER) -> DrawerStatus | None:
        with self.ctx.sessions() as s:
            row = open_session_row(s, self.ctx.workstation_id, drawer)
            if row is None:
                return None
            return DrawerStatus(
                session=drawer_info(row),
                receipts=int(
                    s.scalar(select(func.count()).where(Receipt.drawer_session_id == row.id)) or 0
                ),
                pickups=int(
                    s.scalar(select(func.count()).where(DrawerPickupRow.session_id == row.id)) or 0
                ),
                cashiers=self._cashiers(s, row),
                needs_pickup=pickup_due(
                    expected_for(s, row).cash, self.ctx.config.drawer.pickup_threshold
                ),
            )

    def dashboard(self, operator: Operator, business_date: dt.date | None = None) -> Dashboard:
        """The lead's dashboard: every drawer session of the business date at this
        workstation with its cashier and state (one query, by the date), the cash an open
        drawer should hold against the pickup limit (``expected_for``, by the session),
        and the over/short and sign-off a counted one waits for. Read only."""
        operator.require(Permission.WATCH_DRAWERS)
        day = business_date or self.ctx.business_date()
        limit = self.ctx.config.drawer.pickup_threshold
        glances = []
        with self.ctx.sessions() as s:
            rows = s.execute(
                select(DrawerSession, User.full_name, DrawerCountRow)
                .join(User, User.id == DrawerSession.cashier_id)
                .outerjoin(
                    DrawerCountRow,
                    (DrawerCountRow.session_id == DrawerSession.id)
                    & (DrawerCountRow.state == "current"),
                )
                .where(
                    DrawerSession.workstation_id == self.ctx.workstation_id,
                    DrawerSession.business_date == day,
                )
                .order_by(DrawerSession.drawer, DrawerSession.opened_at)
            ).all()
            for row, cashier, count in rows:
                watching = row.status == "open" and row.cashier_id != operator.user_id
                cash = expected_for(s, row).cash if watching else None
                glances.append(
                    DrawerGlance(
                        session_id=row.id,
                        drawer=row.drawer,
                        cashier=cashier,
                        state=row.status,
                        opened_at=self.ctx.local_time(row.opened_at).strftime("%H:%M"),
                        cash_on_hand=cash,
                        over_pickup_limit=cash is not None and pickup_due(cash, limit),
                        over_short=None if count is None else Money(cents=count.over_short_cents),
                        waiting_signoff=(
                            count is not None
                            and count.needs_signoff
                            and count.approved_by_id is None
                        ),
                    )
                )
        return Dashboard(
            workstation_id=self.ctx.workstation_id,
            business_date=day,
            pickup_limit=limit,
            drawers=tuple(glances),
            this_workstation_only=bool(self.ctx.config.ledger_url),
        )

    def share(self, operator: Operator, drawer: str = DEFAULT_DRAWER) -> DrawerInfo:
        """Let every signed-in cashier take receipts on the open drawer; each receipt keeps
        who took it. The drawer's cashier or a lead decides."""
        operator.require(Permission.OPEN_DRAWER)
        with transaction(self.ctx.sessions) as s:
            row = self._open_row(s, drawer)
            if row.cashier_id != operator.user_id and not may(
                operator.role, Permission.APPROVE_VARIANCE
            ):
                raise PermissionDenied(f"Only {row.cashier.full_name} or a lead may share it.")
            row.shared = True
            self.ctx.audit(
                s, action="drawer_shared", actor_id=operator.user_id, subject=row.id, drawer=drawer
            )
            return drawer_info(row)

    def pickup(
        self, operator: Operator, count: CashCount, drawer: str = DEFAULT_DRAWER
    ) -> PickupResult:
        """Cash taken to the safe, counted by denomination by the lead who takes it."""
        operator.require(Permission.PICKUP_CASH)
        amount = check_pickup(count)
        now = self.ctx.now()
        with transaction(self.ctx.sessions) as s:
            row = self._open_row(s, drawer)
            seq = 1 + int(
                s.scalar(
                    select(func.coalesce(func.max(DrawerPickupRow.seq), 0)).where(
                        DrawerPickupRow.session_id == row.id
                    )
                )
                or 0
            )
            pickup = DrawerPickupRow(
                session_id=row.id,
                seq=seq,
                taken_at=now,
                taken_by_id=operator.user_id,
                amount_cents=amount.cents,
                cash=count.as_dict(),
            )
            s.add(pickup)
            s.flush()
            self.ctx.audit(
                s,
                action="drawer_pickup",
                actor_id=operator.user_id,
                subject=row.id,
                at=now,
                seq=seq,
                amount=amount.plain(),
                cash=count.as_dict(),
            )
            self.ctx.enqueue(
                s,
                kind="drawer_pickup",
                subject_id=pickup.id,
                at=now,
                payload={
                    "id": pickup.id,
                    "session": row.id,
                    "seq": seq,
                    "taken_at": now.isoformat(),
                    "taken_by": operator.username,
                    "amount_cents": amount.cents,
                    "cash": count.as_dict(),
                },
            )
            still = pickup_due(expected_for(s, row).cash, self.ctx.config.drawer.pickup_threshold)
            return PickupResult(session_id=row.id, seq=seq, amount=amount, needs_pickup=still)

    def paid_out(self, operator: Operator, amount: Money, *, reason: str = "") -> NoReturn:
        """Refused, always (issue 4): no money leaves a drawer except to the safe."""
        refuse_paid_out()

    # -- counting ----------------------------------------------------------------------------
    def submit_count(
        self, operator: Operator, count: DrawerCount, drawer: str = DEFAULT_DRAWER
    ) -> CountResult:
        """The blind close: the count goes in first, the expected figures come back."""
        operator.require(Permission.COUNT_DRAWER)
        now = self.ctx.now()
        with transaction(self.ctx.sessions) as s:
            row = self._open_row(s, drawer)
            self._check_counter(s, operator, row)
            result = self._write_count(s, operator, row, count, kind="close", attempt=1, now=now)
        self.ctx.events.emit(events.DRAWER_STATUS, drawer=drawer, state=result.state)
        return result

    def handoff(
        self,
        operator: Operator,
        incoming: Operator,
        count: DrawerCount,
        drawer: str = DEFAULT_DRAWER,
    ) -> HandoffResult:
        """Relief: the outgoing cashier counts; the session closes and a new one opens for
        ``incoming`` on the counted cash. The rule of ``HandoffTerms``: the cash stays in the
        drawer (the incoming cashier's bank); the checks, money orders and card batch stay
        with the outgoing count (to the safe, deposited from it, never counted again)."""
        operator.require(Permission.COUNT_DRAWER)
        incoming.require(Permission.OPEN_DRAWER)
        if incoming.user_id == operator.user_id:
            raise ValidationError("A handoff is to another cashier.")
        now = self.ctx.now()
        try:
            with transaction(self.ctx.sessions) as s:
                row = self._open_row(s, drawer)
                self._check_counter(s, operator, row)
                result = self._write_count(
                    s, operator, row, count, kind="handoff", attempt=1, now=now
                )
                s.flush()
                new = insert_session(
                    self.ctx,
                    s,
                    incoming,
                    drawer=drawer,
                    bank=count.cash.total,
                    now=now,
                    count=count.cash,
                    shared=row.shared,
                    handed_from_id=row.id,
                )
                info = drawer_info(new)
                terms = HandoffTerms.of(
                    count, outgoing=row.cashier.full_name, incoming=info.cashier_name
                )
        except IntegrityError:
            raise StateError(f"Drawer {drawer} is already open.") from None
        self.ctx.events.emit(events.DRAWER_STATUS, drawer=drawer, state="open")
        return HandoffResult(count=result, next_session=info, terms=terms)

    def handed_over(self, operator: Operator, drawer: str = DEFAULT_DRAWER) -> HandoffTerms | None:
        """The terms of the handoff that gave the open ``drawer`` to its cashier (None when it
        was opened from the safe): what the relief cashier's screen says she does not count."""
        with self.ctx.sessions() as s:
            row = open_session_row(s, self.ctx.workstation_id, drawer)
            if row is None or row.handed_from_id is None:
                return None
            parent = session_row(self.ctx, s, row.handed_from_id)
            count = current_count(s, parent.id)
            if count is None or count.kind != "handoff":
                return None
            return handoff_terms(parent, count, incoming=row.cashier.full_name)

    def recount(self, operator: Operator, session_id: str, count: DrawerCount) -> CountResult:
        """Once, before sign-off: the first count is set aside (kept) and this one stands."""
        operator.require(Permission.COUNT_DRAWER)
        now = self.ctx.now()
        with transaction(self.ctx.sessions) as s:
            row = session_row(self.ctx, s, session_id)
            self._check_counter(s, operator, row)
            advance(SessionState(row.status), Step.RECOUNT)
            previous = current_count(s, row.id)
            assert previous is not None  # a counted session has its count
            check_recount(attempt=previous.attempt, handoff=previous.kind == "handoff")
            previous.state = "recounted"
            s.flush()
            return self._write_count(
                s, operator, row, count, kind="close", attempt=previous.attempt + 1, now=now
            )

    def count_result(self, operator: Operator, session_id: str) -> CountResult:
        """A submitted count again (for the sign-off screen); refused while still blind."""
        with self.ctx.sessions() as s:
            row = session_row(self.ctx, s, session_id)
            count = current_count(s, row.id)
            if count is None:
                raise StateError("The drawer has not been counted yet.")
            if row.cashier_id != operator.user_id and not may(
                operator.role, Permission.RUN_REPORTS
            ):
                raise PermissionDenied("Only the drawer's cashier or a supervisor sees its count.")
            return self._result(s, row, count)

    def approve(self, operator: Operator, session_id: str, *, reason: str = "") -> CountResult:
        """A supervisor signs off a difference over the threshold, with a reason; never a
        supervisor who counted the drawer or took receipts on it."""
        operator.require(Permission.APPROVE_VARIANCE)
        now = self.ctx.now()
        with transaction(self.ctx.sessions) as s:
            row = session_row(self.ctx, s, session_id)
            new_state = advance(SessionState(row.status), Step.APPROVE)
            count = current_count(s, row.id)
            assert count is not None
            reason = check_signoff(
                needs_signoff=count.needs_signoff,
                reason=reason,
                approver_id=operator.user_id,
                involved=involved(s, row, count),
            )
            self._approve(s, row, count, approver=operator, reason=reason, now=now)
            row.status = new_state.value
            return self._result(s, row, count)

    # -- helpers -----------------------------------------------------------------------------
    def _open_row(self, s: Session, drawer: str) -> DrawerSession:
        row = open_session_row(s, self.ctx.workstation_id, drawer)
        if row is None:
            raise StateError(f"Drawer {drawer} is not open.")
        return row

    def _cashiers(self, s: Session, row: DrawerSession) -> tuple[str, ...]:
        took = s.scalars(
            select(User.full_name).where(
                User.id.in_(select(Receipt.cashier_id).where(Receipt.drawer_session_id == row.id))
            )
        )
        return tuple(sorted(set(took) | {row.cashier.full_name}))

    def _check_counter(self, s: Session, operator: Operator, row: DrawerSession) -> None:
        if row.cashier_id == operator.user_id or may(operator.role, Permission.APPROVE_VARIANCE):
            return
        if row.shared and operator.user_id in receipt_cashier_ids(s, row):
            return
        raise PermissionDenied(f"Drawer {row.drawer} is {row.cashier.full_name}'s to count.")

    def _write_count(
        self,
        s: Session,
        operator: Operator,
        row: DrawerSession,
        count: DrawerCount,
        *,
        kind: str,
        attempt: int,
        now: dt.datetime,
    ) -> CountResult:
        if row.status == SessionState.OPEN:
            new_state = advance(SessionState.OPEN, Step.COUNT)
        else:
            new_state = advance(SessionState(row.status), Step.RECOUNT)
        expected = expected_for(s, row)
        rec = reconcile(expected, count, self.threshold)
        refuse_handed_over(rec.match, handed_items(self.ctx, s, row))
        v = {var.kind: var for var in rec.variances}

        stored = DrawerCountRow(
            session_id=row.id,
            attempt=attempt,
            kind=kind,
            state="current",
            counted_by_id=operator.user_id,
            counted_at=now,
            cash=count.cash.as_dict(),
            items=_items_payload(count, rec),
            cash_cents=v[K.CASH].counted.cents,
            checks_cents=v[K.CHECK].counted.cents,
            money_orders_cents=v[K.MONEY_ORDER].counted.cents,
            card_cents=v[K.CARD].counted.cents,
            expected_cash_cents=v[K.CASH].expected.cents,
            expected_checks_cents=v[K.CHECK].expected.cents,
            expected_money_orders_cents=v[K.MONEY_ORDER].expected.cents,
            expected_card_cents=v[K.CARD].expected.cents,
            over_short_cents=rec.over_short.cents,
            needs_signoff=rec.needs_signoff,
        )
        s.add(stored)
        row.status = new_state.value
        row.closed_at = now
        s.flush()
        self.ctx.audit(
            s,
            action="drawer_count",
            actor_id=operator.user_id,
            subject=row.id,
            at=now,
            kind=kind,
            attempt=attempt,
            over_short=rec.over_short.plain(),
            needs_signoff=rec.needs_signoff,
        )
        self.ctx.enqueue(
            s,
            kind="drawer_count",
            subject_id=stored.id,
            at=now,
            payload={
                "id": stored.id,
                "session": row.id,
                "kind": kind,
                "attempt": attempt,
                "counted_by": operator.username,
                "counted_at": now.isoformat(),
                "cash": stored.cash,
                "items": [{k: x for k, x in i.items() if k != "account"} for i in stored.items],
                "counted_cents": {k.value: var.counted.cents for k, var in v.items()},
                "expected_cents": {k.value: var.expected.cents for k, var in v.items()},
                "over_short_cents": rec.over_short.cents,
                "needs_signoff": rec.needs_signoff,
            },
        )
        if not rec.needs_signoff:
            reason = f"within the {self.threshold} threshold"
            self._approve(s, row, stored, approver=None, reason=reason, now=now)
            row.status = advance(SessionState(row.status), Step.APPROVE).value
        return self._result(s, row, stored)

    def _approve(
        self,
        s: Session,
        row: DrawerSession,
        count: DrawerCountRow,
        *,
        approver: Operator | None,
        reason: str,
        now: dt.datetime,
    ) -> None:
        count.approved_by_id = approver.user_id if approver else None
        count.approved_at = now
        count.approval_reason = reason[:200]
        s.flush()
        self.ctx.audit(
            s,
            action="drawer_approved",
            actor_id=approver.user_id if approver else None,
            approver_id=approver.user_id if approver else None,
            subject=row.id,
            at=now,
            reason=reason,
            over_short=Money(cents=count.over_short_cents).plain(),
            needs_signoff=count.needs_signoff,
        )
        self.ctx.enqueue(
            s,
            kind="drawer_approved",
            subject_id=count.id,
            at=now,
            payload={
                "session": row.id,
                "count": count.id,
                "approved_at": now.isoformat(),
                "approved_by": approver.username if approver else None,
                "reason": reason,
                "over_short_cents": count.over_short_cents,
            },
        )

    def _result(self, s: Session, row: DrawerSession, count: DrawerCountRow) -> CountResult:
        s.refresh(count, ["approved_by"])
        listed = listed_items(count)
        rec = reconcile(
            expected_for(s, row),
            DrawerCount(
                cash=CashCount.of(count.cash),
                items=listed,
                card_batch=Money(cents=count.card_cents),
            ),
            self.threshold,
        )
        return CountResult(
            session_id=row.id,
            attempt=count.attempt,
            kind=count.kind,
            state=row.status,
            variances=count_variances(count),
            over_short=Money(cents=count.over_short_cents),
            needs_signoff=count.needs_signoff,
            matched=rec.match.matched,
            missing=rec.match.missing,
            unexpected=rec.match.unexpected,
            recount_allowed=(
                row.status == SessionState.COUNTED and count.kind == "close" and count.attempt == 1
            ),
            approved_by=count.approved_by.full_name if count.approved_by else "",
            approval_reason=count.approval_reason or "",
        )
