"""Signing in and out; user records. Passwords and PINs are Argon2id hashes."""

from __future__ import annotations

from collections.abc import Callable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from cashdesk.domain.roles import Operator, Role
from cashdesk.errors import AuthenticationError, ValidationError
from cashdesk.services.context import ServiceContext
from cashdesk.store.engine import transaction
from cashdesk.store.models import User

MAX_FAILED_ATTEMPTS = 5
MIN_PASSWORD_LENGTH = 10


def make_hasher(*, fast: bool = False) -> PasswordHasher:
    """Argon2id with the library's recommended parameters; ``fast`` only for tests, where
    hundreds of hashes would otherwise dominate the run time."""
    if fast:
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()


def operator_of(user: User) -> Operator:
    return Operator(
        user_id=user.id,
        username=user.username,
        full_name=user.full_name,
        role=Role(user.role),
        training=user.training,
    )


class AuthService:
    def __init__(self, ctx: ServiceContext, hasher: PasswordHasher | None = None) -> None:
        self.ctx = ctx
        self.hasher = hasher or make_hasher()
        # Set by open_cashdesk to SyncService.unsent_warning: records not yet in the central
        # ledger make sign-out return a warning for the screen to show.
        self.unsent_check: Callable[[], str | None] | None = None

    def create_user(
        self,
        *,
        username: str,
        full_name: str,
        role: Role,
        password: str,
        pin: str | None = None,
        training: bool = False,
    ) -> Operator:
        username = username.strip().lower()
        if not username.isidentifier():
            raise ValidationError("A user name is letters, digits and underscores.")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise ValidationError(f"A password has at least {MIN_PASSWORD_LENGTH} characters.")
        if pin is not None and not (pin.isdigit() and 4 <= len(pin) <= 8):
            raise ValidationError("A PIN is 4 to 8 digits.")
        with transaction(self.ctx.sessions) as s:
            if s.scalar(select(User.id).where(User.username == username)) is not None:
                raise ValidationError(f"The user name {username!r} is taken.")
            user = User(
                username=username,
                full_name=full_name.strip(),
                role=role.value,
                password_hash=self.hasher.hash(password),
                pin_hash=self.hasher.hash(pin) if pin else None,
                active=True,
                training=training,
                failed_attempts=0,
                locked=False,
            )
            s.add(user)
            s.flush()
            self.ctx.audit(s, action="user_created", actor_id=None, subject=username, role=role)
            return operator_of(user)

    def sign_in(self, username: str, password: str) -> Operator:
        """The operator for a correct name and password; AuthenticationError otherwise.

        The message never says whether the name or the password was wrong.
        """
        username = username.strip().lower()
        refused = AuthenticationError("User name or password is not right.")
        with transaction(self.ctx.sessions) as s:
            user = s.scalar(select(User).where(User.username == username))
            if user is None:
                self.ctx.audit(s, action="sign_in_failed", actor_id=None, subject=username[:64])
                raise_after = refused
            elif not user.active:
                raise_after = AuthenticationError(f"{user.full_name}'s account is disabled.")
                self.ctx.audit(s, action="sign_in_failed", actor_id=user.id, reason="disabled")
            elif user.locked:
                raise_after = AuthenticationError(
                    f"{user.full_name}'s account is locked after {MAX_FAILED_ATTEMPTS} failed "
                    "attempts; a lead cashier or administrator must unlock it."
                )
                self.ctx.audit(s, action="sign_in_failed", actor_id=user.id, reason="locked")
            elif not self._verify(user.password_hash, password):
                user.failed_attempts += 1
                user.locked = user.failed_attempts >= MAX_FAILED_ATTEMPTS
                self.ctx.audit(
                    s, action="sign_in_failed", actor_id=user.id, attempts=user.failed_attempts
                )
                raise_after = refused
            else:
                user.failed_attempts = 0
                if self.hasher.check_needs_rehash(user.password_hash):
                    user.password_hash = self.hasher.hash(password)
                self.ctx.audit(s, action="sign_in", actor_id=user.id, subject=user.username)
                return operator_of(user)
        # Raised after the commit, so the failed attempt is recorded.
        raise raise_after

    def sign_out(self, operator: Operator) -> str | None:
        """Sign out; returns a warning to show when records have not reached the central
        ledger yet (signing out is never refused for it)."""
        warning = self.unsent_check() if self.unsent_check is not None else None
        with transaction(self.ctx.sessions) as s:
            self.ctx.audit(s, action="sign_out", actor_id=operator.user_id, unsent=warning)
        return warning

    def _verify(self, stored: str, given: str) -> bool:
        try:
            return self.hasher.verify(stored, given)
        except (VerificationError, InvalidHashError):
            return False
