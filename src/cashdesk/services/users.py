"""User administration: add, disable, re-enable, reset, unlock, list. Users are never deleted
(their receipts and audit entries name them); a leaver is disabled."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from cashdesk.domain.roles import Operator, Permission, Role
from cashdesk.errors import NotFound, PermissionDenied, StateError, ValidationError
from cashdesk.services.auth import AuthService, check_new_pin, check_password
from cashdesk.services.context import ServiceContext
from cashdesk.store.engine import transaction
from cashdesk.store.models import User
from cashdesk.store.security_models import AdminRecovery

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


@dataclass(frozen=True, slots=True)
class FirstAdmin:
    """The first administrator, and the recovery code to write down (shown this once)."""

    info: UserInfo
    recovery_code: str


def new_recovery_code() -> str:
    """120 random bits as 24 letters and digits in four groups (XXXXXX-XXXXXX-...)."""
    text = base64.b32encode(secrets.token_bytes(15)).decode("ascii")
    return "-".join(text[i : i + 6] for i in range(0, len(text), 6))


def _plain_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


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
    ) -> FirstAdmin:
        """The first administrator of a new store (``cashdesk users add`` with no one to sign
        in as), with a PIN to unlock the till when given. Refused once any active
        administrator exists. Comes with the administrator recovery code, shown this once
        (``recover_admin``)."""
        with self.ctx.sessions() as s:
            if s.scalar(select(User.id).where(User.role == Role.ADMIN.value, User.active)):
                raise PermissionDenied(
                    "An administrator exists already; sign in as one to add users."
                )
        created = self.auth.create_user(
            username=username, full_name=full_name, role=Role.ADMIN, password=password, pin=pin
        )
        with transaction(self.ctx.sessions) as s:
            code = self._store_recovery_code(s, actor_id=created.user_id)
            return FirstAdmin(info=_info(_user(s, created.username)), recovery_code=code)

    def renew_recovery_code(self, operator: Operator) -> str:
        """A new administrator recovery code (the old one stops working); shown this once."""
        operator.require(Permission.MANAGE_USERS)
        with transaction(self.ctx.sessions) as s:
            _check_acting(s, operator)
            return self._store_recovery_code(s, actor_id=operator.user_id)

    def recover_admin(self, code: str, username: str, *, password: str) -> tuple[UserInfo, str]:
        """With the recovery code (no sign-in: the administrator is locked out), unlock,
        re-enable and give a new password to the administrator ``username``. The code is used
        up: the new one returned replaces it (write it down). A lead cashier still cannot
        unlock an administrator; this is the way back when the only one is locked."""
        check_password(password, user_inputs=(username,))
        with transaction(self.ctx.sessions) as s:
            row = s.get(AdminRecovery, 1)
            stored = row.code_hash if row is not None else self.auth._dummy()
            matches = self.auth._verify(stored, _plain_code(code)) and row is not None
            user = s.scalar(select(User).where(User.username == username.strip().lower()))
            if not matches or user is None or user.role != Role.ADMIN.value:
                self.ctx.audit(
                    s, action="admin_recovery_failed", actor_id=None, subject=username[:64]
                )
                refused = PermissionDenied("That recovery code or administrator name is not right.")
            else:
                was_locked, was_active = user.locked, user.active
                user.password_hash = self.auth.hasher.hash(password)
                user.failed_attempts, user.locked, user.active = 0, False, True
                self.ctx.audit(
                    s,
                    action="admin_recovered",
                    actor_id=user.id,
                    subject=user.username,
                    was_locked=was_locked,
                    was_disabled=not was_active,
                )
                code = self._store_recovery_code(s, actor_id=user.id)
                return _info(user), code
        raise refused  # after the commit, so the failed attempt is recorded

    def _store_recovery_code(self, s: Session, *, actor_id: int) -> str:
        code = new_recovery_code()
        row = s.get(AdminRecovery, 1) or AdminRecovery(id=1)
        row.code_hash = self.auth.hasher.hash(_plain_code(code))
        row.created_at, row.used_at = self.ctx.now(), None
        s.add(row)
        self.ctx.audit(s, action="admin_recovery_code_issued", actor_id=actor_id)
        return code

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
            check_password(password, user_inputs=(username,))
        if pin is not None:
            check_new_pin(pin)
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
