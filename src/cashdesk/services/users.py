"""User administration: add, disable, re-enable, reset, unlock, list. Users are never deleted
(their receipts and audit entries name them); a leaver is disabled."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from cashdesk.domain.roles import Operator, Permission, Role
from cashdesk.errors import NotFound, PermissionDenied, StateError, ValidationError
from cashdesk.services.auth import AuthService, check_password, check_pin
from cashdesk.services.context import ServiceContext
from cashdesk.store.engine import transaction
from cashdesk.store.models import User

# A lead cashier unlocks the counter's people; an administrator unlocks anyone.
LEAD_MAY_UNLOCK = frozenset({Role.CASHIER, Role.LEAD})


@dataclass(frozen=True, slots=True)
class UserInfo:
    id: int
    username: str
    full_name: str
    role: Role
    active: bool
    training: bool
    locked: bool
    failed_attempts: int
    has_pin: bool


def _info(u: User) -> UserInfo:
    return UserInfo(
        id=u.id,
        username=u.username,
        full_name=u.full_name,
        role=Role(u.role),
        active=u.active,
        training=u.training,
        locked=u.locked,
        failed_attempts=u.failed_attempts,
        has_pin=u.pin_hash is not None,
    )


def _user(s: Session, username: str) -> User:
    user = s.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise NotFound(f"No user {username.strip()!r}.")
    return user


def _check_acting(s: Session, operator: Operator) -> None:
    """The operator object a screen holds may be stale: one disabled or locked since signing
    in may not change accounts."""
    me = s.get(User, operator.user_id)
    if me is None or not me.active or me.locked:
        raise PermissionDenied(f"{operator.full_name}'s account is no longer active.")


class UserService:
    def __init__(self, ctx: ServiceContext, auth: AuthService) -> None:
        self.ctx = ctx
        self.auth = auth

    def add_user(
        self,
        operator: Operator,
        *,
        username: str,
        full_name: str,
        role: Role,
        password: str,
        pin: str | None = None,
        training: bool = False,
    ) -> UserInfo:
        operator.require(Permission.MANAGE_USERS)
        created = self.auth.create_user(
            username=username,
            full_name=full_name,
            role=role,
            password=password,
            pin=pin,
            training=training,
            by=operator,
        )
        return self.get(operator, created.username)

    def add_first_admin(
        self, *, username: str, full_name: str, password: str, pin: str | None = None
    ) -> UserInfo:
        """The first administrator of a new store (``cashdesk users add`` with no one to sign
        in as), with a PIN to unlock the till when given. Refused once any active
        administrator exists."""
        with self.ctx.sessions() as s:
            if s.scalar(select(User.id).where(User.role == Role.ADMIN.value, User.active)):
                raise PermissionDenied(
                    "An administrator exists already; sign in as one to add users."
                )
        created = self.auth.create_user(
            username=username, full_name=full_name, role=Role.ADMIN, password=password, pin=pin
        )
        with self.ctx.sessions() as s:
            return _info(_user(s, created.username))

    def get(self, operator: Operator, username: str) -> UserInfo:
        self._require_list(operator)
        with self.ctx.sessions() as s:
            return _info(_user(s, username))

    def list_users(self, operator: Operator, *, include_disabled: bool = True) -> list[UserInfo]:
        """Everyone, for an administrator; a lead sees the people a lead may unlock."""
        self._require_list(operator)
        with self.ctx.sessions() as s:
            query = select(User).order_by(User.username)
            if not include_disabled:
                query = query.where(User.active)
            if not operator.may(Permission.MANAGE_USERS):
                query = query.where(User.role.in_([r.value for r in LEAD_MAY_UNLOCK]))
            return [_info(u) for u in s.scalars(query)]

    def disable_user(self, operator: Operator, username: str, *, reason: str = "") -> UserInfo:
        operator.require(Permission.MANAGE_USERS)
        with transaction(self.ctx.sessions) as s:
            _check_acting(s, operator)
            user = _user(s, username)
            if user.id == operator.user_id:
                raise StateError("You cannot disable your own account.")
            if not user.active:
                raise StateError(f"{user.full_name}'s account is already disabled.")
            if user.role == Role.ADMIN.value and self._active_admins(s) <= 1:
                raise StateError("This is the last active administrator; add another first.")
            user.active = False
            self.ctx.audit(
                s,
                action="user_disabled",
                actor_id=operator.user_id,
                subject=user.username,
                reason=" ".join(reason.split())[:200],
            )
            return _info(user)

    def enable_user(self, operator: Operator, username: str) -> UserInfo:
        operator.require(Permission.MANAGE_USERS)
        with transaction(self.ctx.sessions) as s:
            _check_acting(s, operator)
            user = _user(s, username)
            if user.active:
                raise StateError(f"{user.full_name}'s account is already active.")
            user.active = True
            self.ctx.audit(
                s, action="user_enabled", actor_id=operator.user_id, subject=user.username
            )
            return _info(user)

    def reset(
        self,
        operator: Operator,
        username: str,
        *,
        password: str | None = None,
        pin: str | None = None,
    ) -> UserInfo:
        """Set a new password and/or PIN (the user forgot theirs); also unlocks the account."""
        operator.require(Permission.MANAGE_USERS)
        if password is None and pin is None:
            raise ValidationError("Give a new password, a new PIN, or both.")
        if password is not None:
            check_password(password)
        if pin is not None:
            check_pin(pin)
        with transaction(self.ctx.sessions) as s:
            _check_acting(s, operator)
            user = _user(s, username)
            if password is not None:
                user.password_hash = self.auth.hasher.hash(password)
            if pin is not None:
                user.pin_hash = self.auth.hasher.hash(pin)
            was_locked = user.locked
            user.failed_attempts, user.locked = 0, False
            self.ctx.audit(
                s,
                action="user_reset",
                actor_id=operator.user_id,
                subject=user.username,
                password=password is not None,
                pin=pin is not None,
                unlocked=was_locked,
            )
            return _info(user)

    def set_training(self, operator: Operator, username: str, training: bool) -> UserInfo:
        operator.require(Permission.MANAGE_USERS)
        with transaction(self.ctx.sessions) as s:
            _check_acting(s, operator)
            user = _user(s, username)
            user.training = training
            self.ctx.audit(
                s,
                action="user_training_set",
                actor_id=operator.user_id,
                subject=user.username,
                training=training,
            )
            return _info(user)

    def unlock_user(self, operator: Operator, username: str) -> UserInfo:
        """Clear a lockout after five failed attempts (a lead for the counter's people, an
        administrator for anyone)."""
        operator.require(Permission.UNLOCK_USER)
        with transaction(self.ctx.sessions) as s:
            _check_acting(s, operator)
            user = _user(s, username)
            if not operator.may(Permission.MANAGE_USERS) and Role(user.role) not in LEAD_MAY_UNLOCK:
                raise PermissionDenied(
                    f"A lead cashier may not unlock a {Role(user.role).label.lower()}'s "
                    "account; an administrator must."
                )
            if not user.locked:
                raise StateError(f"{user.full_name}'s account is not locked.")
            attempts = user.failed_attempts
            user.failed_attempts, user.locked = 0, False
            self.ctx.audit(
                s,
                action="user_unlocked",
                actor_id=operator.user_id,
                subject=user.username,
                failed_attempts=attempts,
            )
            return _info(user)

    def _require_list(self, operator: Operator) -> None:
        if not (operator.may(Permission.MANAGE_USERS) or operator.may(Permission.UNLOCK_USER)):
            operator.require(Permission.MANAGE_USERS)  # raises with the usual message

    @staticmethod
    def _active_admins(s: Session) -> int:
        return len(
            s.scalars(select(User.id).where(User.role == Role.ADMIN.value, User.active)).all()
        )
