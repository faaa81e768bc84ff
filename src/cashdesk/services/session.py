"""The shared terminal: who is at the keyboard, the lock screen, and parked sales.

One ``TerminalSession`` per running workstation (``desk.terminal``). The window reports
activity (``touch``) and asks ``check_idle`` on a timer; after ``idle_lock_seconds`` of
inactivity (config ``[workstation] idle_lock_seconds``, default 120) the terminal locks. The
sale in progress stays as it is behind the lock screen, and is written to ``parked_sales`` so
a crash while locked does not lose it.

- the same cashier comes back: ``unlock_with_pin`` (wrong PINs count toward the lockout);
- another cashier signs in: ``switch_user``. The first cashier's sale stays parked (in memory
  and in the store), the new cashier's own parked sale, if any, is resumed, and everything
  that follows is theirs (``active_operator()``).
- the first cashier returns later (``switch_user`` or ``sign_in``): their sale is resumed.

Every lock, unlock, switch, park and resume is audited. Events on ``ctx.events``:
``terminal_locked`` (username, reason), ``terminal_unlocked`` (username) and
``operator_changed`` (username, previous, resumed).
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from cashdesk.domain.money import Money
from cashdesk.domain.receipt import ReceiptDraft, draft_from_json, draft_to_json
from cashdesk.domain.roles import Operator
from cashdesk.errors import AuthenticationError, StateError, ValidationError
from cashdesk.services.auth import AuthService, operator_of
from cashdesk.services.context import ServiceContext
from cashdesk.store.card_guard import check_object
from cashdesk.store.engine import transaction
from cashdesk.store.models import User
from cashdesk.store.security_models import ParkedSale

TERMINAL_LOCKED = "terminal_locked"
TERMINAL_UNLOCKED = "terminal_unlocked"
OPERATOR_CHANGED = "operator_changed"


@dataclass(frozen=True, slots=True)
class ParkedSaleInfo:
    username: str
    full_name: str
    parked_at: dt.datetime
    total: Money
    lines: int


@dataclass(frozen=True, slots=True)
class SignInResult:
    operator: Operator
    resumed: bool  # the operator's parked sale is back as the current draft
    parked_for: str | None  # the user whose sale was parked by this sign-in, if any


class TerminalSession:
    def __init__(self, ctx: ServiceContext, auth: AuthService) -> None:
        self.ctx = ctx
        self.auth = auth
        self._lock = threading.RLock()
        self._operator: Operator | None = None
        self._locked = False
        self._last_activity = ctx.now()
        # Every user's sale at this terminal: the current operator's is the one on screen,
        # the others are parked (and also in the parked_sales table).
        self._drafts: dict[int, ReceiptDraft] = {}

    # -- state --------------------------------------------------------------------------
    @property
    def operator(self) -> Operator | None:
        """Who is signed in (also while the screen is locked); None when nobody is."""
        return self._operator

    @property
    def locked(self) -> bool:
        return self._locked

    @property
    def idle_lock_seconds(self) -> int:
        return self.ctx.config.idle_lock_seconds

    def active_operator(self) -> Operator:
        """The operator to pass to services; refused while locked or signed out, so nothing
        can be done under a locked screen's name."""
        if self._operator is None:
            raise StateError("Nobody is signed in at this terminal.")
        if self._locked:
            raise StateError("The terminal is locked.")
        return self._operator

    @property
    def draft(self) -> ReceiptDraft:
        """The current operator's sale in progress (created empty when there is none)."""
        operator = self.active_operator()
        with self._lock:
            return self._drafts.setdefault(operator.user_id, ReceiptDraft())

    def new_sale(self) -> ReceiptDraft:
        """Start over with an empty sale (after posting, or to abandon the current one)."""
        operator = self.active_operator()
        with self._lock:
            self._drafts[operator.user_id] = ReceiptDraft()
            return self._drafts[operator.user_id]

    def parked_sales(self) -> list[ParkedSaleInfo]:
        """Sales parked at this terminal (as the lock screen lists them), oldest first."""
        with self.ctx.sessions() as s:
            rows = s.execute(
                select(ParkedSale, User)
                .join(User, User.id == ParkedSale.user_id)
                .where(ParkedSale.workstation_id == self.ctx.workstation_id)
                .order_by(ParkedSale.parked_at, ParkedSale.id)
            ).all()
        result = []
        for row, user in rows:
            draft = draft_from_json(row.draft)
            result.append(
                ParkedSaleInfo(
                    user.username, user.full_name, row.parked_at, draft.total, len(draft.lines)
                )
            )
        return result

    # -- activity and locking -----------------------------------------------------------
    def touch(self) -> None:
        """The operator did something (a key, a click): the idle timer starts again."""
        if not self._locked:
            self._last_activity = self.ctx.now()

    def idle_seconds(self) -> float:
        return max(0.0, (self.ctx.now() - self._last_activity).total_seconds())

    def seconds_until_lock(self) -> float | None:
        if self._operator is None or self._locked:
            return None
        return max(0.0, self.idle_lock_seconds - self.idle_seconds())

    def check_idle(self) -> bool:
        """Lock if idle for ``idle_lock_seconds``; True when the terminal is (now) locked."""
        with self._lock:
            idle = self._operator is not None and not self._locked
            if idle and self.idle_seconds() >= self.idle_lock_seconds:
                self.lock(reason="idle")
            return self._locked

    def lock(self, *, reason: str = "manual") -> None:
        """Lock the screen; the sale in progress is kept (and saved)."""
        with self._lock:
            operator = self._operator
            if operator is None:
                raise StateError("Nobody is signed in at this terminal.")
            if self._locked:
                return
            draft = self._drafts.get(operator.user_id)
            with transaction(self.ctx.sessions) as s:
                self._save_draft(s, operator, draft)
                self.ctx.audit(
                    s,
                    action="terminal_locked",
                    actor_id=operator.user_id,
                    subject=operator.username,
                    reason=reason,
                    sale_lines=len(draft.lines) if draft else 0,
                )
            self._locked = True
        self.ctx.events.emit(TERMINAL_LOCKED, username=operator.username, reason=reason)

    def unlock_with_pin(self, username: str, pin: str) -> Operator:
        """The cashier who locked the terminal unlocks it with their PIN; their sale is as
        they left it. Wrong PINs count toward the five-failure lockout."""
        with self._lock:
            operator = self._operator
            if operator is None or not self._locked:
                raise StateError("The terminal is not locked.")
            if username.strip().lower() != operator.username:
                raise AuthenticationError(
                    f"Only {operator.full_name} unlocks with a PIN; anyone else signs in with "
                    "their password."
                )
            with transaction(self.ctx.sessions) as s:
                result = self.auth.check_credentials(
                    s, username, pin, kind="pin", failed_action="terminal_unlock_failed"
                )
                if isinstance(result, User):
                    self._forget_saved(s, operator)
                    self.ctx.audit(
                        s,
                        action="terminal_unlocked",
                        actor_id=operator.user_id,
                        subject=operator.username,
                        via="pin",
                    )
            if not isinstance(result, User):
                raise result
            self._locked = False
            self._last_activity = self.ctx.now()
        self.ctx.events.emit(TERMINAL_UNLOCKED, username=operator.username)
        return operator

    # -- signing in, switching, signing out ---------------------------------------------
    def sign_in(self, username: str, password: str) -> SignInResult:
        """Sign in at a terminal nobody is using (or switch, if it is locked)."""
        with self._lock:
            if self._operator is not None and not self._locked:
                raise StateError(
                    f"{self._operator.full_name} is signed in; lock the terminal or sign out first."
                )
            return self._take_over(username, password)

    def switch_user(self, username: str, password: str) -> SignInResult:
        """Another cashier signs in at the lock screen: the locked cashier's sale stays
        parked for them, and what follows is the new cashier's. The same cashier may also
        use this to unlock with their password."""
        with self._lock:
            if self._operator is not None and not self._locked:
                raise StateError("Lock the terminal before another cashier signs in.")
            return self._take_over(username, password)

    def sign_out(self) -> None:
        """Sign out; an unfinished sale is parked for the cashier's return."""
        with self._lock:
            operator = self._operator
            if operator is None:
                return
            draft = self._drafts.get(operator.user_id)
            with transaction(self.ctx.sessions) as s:
                self._save_draft(s, operator, draft)
                self.ctx.audit(
                    s,
                    action="sign_out",
                    actor_id=operator.user_id,
                    subject=operator.username,
                    parked=bool(draft and not draft.is_empty),
                )
            self._operator, self._locked = None, False
        self.ctx.events.emit(
            OPERATOR_CHANGED, username=None, previous=operator.username, resumed=False
        )

    def _take_over(self, username: str, password: str) -> SignInResult:
        previous = self._operator
        with transaction(self.ctx.sessions) as s:
            result = self.auth.check_credentials(
                s, username, password, kind="password", failed_action="sign_in_failed"
            )
            if isinstance(result, User):
                operator = operator_of(result, self.auth.reader)
                parked_for = None
                # The previous cashier's sale was saved at lock time; saved again here in
                # case it changed since.
                if (
                    previous is not None
                    and previous.user_id != operator.user_id
                    and self._save_draft(s, previous, self._drafts.get(previous.user_id))
                ):
                    parked_for = previous.username
                resumed = self._resume(s, operator)
                self.ctx.audit(
                    s,
                    action="sign_in",
                    actor_id=operator.user_id,
                    subject=operator.username,
                    terminal_switch_from=previous.username if previous else None,
                    resumed_sale=resumed,
                )
        if not isinstance(result, User):
            raise result
        self._operator, self._locked = operator, False
        self._last_activity = self.ctx.now()
        self.ctx.events.emit(
            OPERATOR_CHANGED,
            username=operator.username,
            previous=previous.username if previous else None,
            resumed=resumed,
        )
        return SignInResult(operator=operator, resumed=resumed, parked_for=parked_for)

    # -- parked sales in the store ------------------------------------------------------
    def _save_draft(self, s: Session, operator: Operator, draft: ReceiptDraft | None) -> bool:
        """Upsert (or clear) the operator's parked row; True when a sale was parked."""
        existing = s.scalar(
            select(ParkedSale).where(
                ParkedSale.workstation_id == self.ctx.workstation_id,
                ParkedSale.user_id == operator.user_id,
            )
        )
        if draft is None or draft.is_empty:
            if existing is not None:
                s.delete(existing)
            return False
        payload = draft_to_json(draft)
        if existing is not None and existing.draft == payload:
            return True
        try:
            # The store's card-number guard, asked before the row is added: a payer typed
            # as a card number keeps the sale in memory only, and the lock still happens.
            check_object(ParkedSale(workstation_id=self.ctx.workstation_id, draft=payload))
        except ValidationError:
            if existing is not None:
                s.delete(existing)
            self.ctx.audit(
                s,
                action="sale_not_parked",
                actor_id=operator.user_id,
                subject=operator.username,
                reason="card_number",
            )
            return False
        if existing is None:
            existing = ParkedSale(workstation_id=self.ctx.workstation_id, user_id=operator.user_id)
            s.add(existing)
        existing.draft = payload
        existing.parked_at = self.ctx.now()
        self.ctx.audit(
            s,
            action="sale_parked",
            actor_id=operator.user_id,
            subject=operator.username,
            lines=len(draft.lines),
            total=draft.total.plain(),
        )
        return True

    def _forget_saved(self, s: Session, operator: Operator) -> None:
        s.execute(
            delete(ParkedSale).where(
                ParkedSale.workstation_id == self.ctx.workstation_id,
                ParkedSale.user_id == operator.user_id,
            )
        )

    def _resume(self, s: Session, operator: Operator) -> bool:
        row = s.scalar(
            select(ParkedSale).where(
                ParkedSale.workstation_id == self.ctx.workstation_id,
                ParkedSale.user_id == operator.user_id,
            )
        )
        in_memory = self._drafts.get(operator.user_id)
        if row is None:
            return in_memory is not None and not in_memory.is_empty
        # The in-memory draft is the same sale (kept as the same object for the screen);
        # after a restart only the stored one exists.
        if in_memory is None or in_memory.is_empty:
            self._drafts[operator.user_id] = draft_from_json(row.draft)
        draft = self._drafts[operator.user_id]
        s.delete(row)
        self.ctx.audit(
            s,
            action="sale_resumed",
            actor_id=operator.user_id,
            subject=operator.username,
            lines=len(draft.lines),
            total=draft.total.plain(),
        )
        return True
