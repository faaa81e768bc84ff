"""Signing in and out; user records. Passwords and PINs are Argon2id hashes."""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Callable, Sequence
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from cashdesk.domain.roles import Operator, Permission, Role, UserReader, UserState
from cashdesk.errors import AuthenticationError, ValidationError
from cashdesk.services.context import ServiceContext
from cashdesk.store.engine import transaction
from cashdesk.store.models import User

MAX_FAILED_ATTEMPTS = 5
MIN_PASSWORD_LENGTH = 10
MIN_PIN_LENGTH, MAX_PIN_LENGTH = 4, 8
MIN_PASSWORD_SCORE = 2  # zxcvbn 0-4; 2 stops guessing online, with the lockout after five


def check_username(username: str) -> str:
    username = username.strip().lower()
    if not username.isidentifier() or not username.isascii() or len(username) > 40:
        raise ValidationError("A user name is up to 40 letters, digits and underscores.")
    return username


def check_password(password: str, *, user_inputs: Sequence[str] = ()) -> str:
    """At least MIN_PASSWORD_LENGTH characters, not blank, and not guessable: zxcvbn (the
    Dropbox estimator, kept up as the ``zxcvbn`` package) scores it at least
    MIN_PASSWORD_SCORE, with the user's own name and user name counted as known words.
    It knows the common-password lists, keyboard patterns, repeats and sequences."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"A password has at least {MIN_PASSWORD_LENGTH} characters.")
    if not password.strip():
        raise ValidationError("A password cannot be only spaces.")
    from zxcvbn import zxcvbn

    # zxcvbn's run time grows with the length; past 72 characters it adds nothing.
    verdict = zxcvbn(password[:72], user_inputs=[u for u in user_inputs if u])
    if verdict["score"] < MIN_PASSWORD_SCORE:
        warning = verdict.get("feedback", {}).get("warning") or "It is too easy to guess."
        raise ValidationError(
            f"That password is too easy to guess ({warning.rstrip('.')}). Use a few "
            "unrelated words or a longer mix."
        )
    return password


def check_pin(pin: str) -> str:
    """The form of a PIN: 4 to 8 digits (what the lock screen tells from a password)."""
    if not (pin.isascii() and pin.isdigit() and MIN_PIN_LENGTH <= len(pin) <= MAX_PIN_LENGTH):
        raise ValidationError(f"A PIN is {MIN_PIN_LENGTH} to {MAX_PIN_LENGTH} digits.")
    return pin


def check_new_pin(pin: str) -> str:
    """A PIN being set: its form, and not one digit repeated (0000) nor a run up or down
    (1234, 9876, 8901), the first ones anyone tries."""
    check_pin(pin)
    steps = {(int(b) - int(a)) % 10 for a, b in itertools.pairwise(pin)}
    if steps <= {0} or steps == {1} or steps == {9}:
        raise ValidationError("A PIN cannot be one digit repeated or a run like 1234 or 9876.")
    return pin


def make_hasher(*, fast: bool = False) -> PasswordHasher:
    """Argon2id with the library's recommended parameters; ``fast`` only for tests, where
    hundreds of hashes would otherwise dominate the run time."""
    if fast:
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()


def operator_of(user: User, reader: UserReader | None = None) -> Operator:
    """The handle services are given for ``user``; ``reader`` re-reads the user's row at each
    permission check (AuthService.reader), without it every permission is refused."""
    return Operator(
        user_id=user.id,
        username=user.username,
        full_name=user.full_name,
        role=Role(user.role),
        training=user.training,
        reader=reader,
    )


def user_reader(sessions: Callable[[], Session]) -> UserReader:
    """Reads a user's status, role and training flag from the store at each call: the one
    place every service's permission check (Operator.require) gets them from."""

    def read(user_id: int) -> UserState | None:
        with sessions() as s:
            row = s.execute(
                select(User.active, User.role, User.training, User.full_name).where(
                    User.id == user_id
                )
            ).first()
        if row is None:
            return None
        return UserState(
            active=bool(row.active),
            role=Role(row.role),
            training=bool(row.training),
            full_name=row.full_name,
        )

    return read


class AuthService:
    def __init__(self, ctx: ServiceContext, hasher: PasswordHasher | None = None) -> None:
        self.ctx = ctx
        self.hasher = hasher or make_hasher()
        self.reader = user_reader(ctx.reading)
        self._dummy_hash: str | None = None
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
        by: Operator | None = None,
        demo: bool = False,
    ) -> Operator:
        """A new user. ``by`` is the administrator creating it (UserService.add_user); None
        only for provisioning by ``cashdesk init --demo`` and the first administrator.
        ``demo``: the demo users, whose well-known passwords and PINs (1111, ...) skip the
        strength rules; only ``cashdesk init --demo`` passes it."""
        if by is not None:
            by.require(Permission.MANAGE_USERS)
        username = check_username(username)
        if not demo:
            check_password(password, user_inputs=(username, *full_name.split()))
        if pin is not None and demo:
            check_pin(pin)
        elif pin is not None:
            check_new_pin(pin)
        if not full_name.strip():
            raise ValidationError("Give the user's full name.")
        with transaction(self.ctx.sessions) as s:
            if s.scalar(select(User.id).where(User.username == username)) is not None:
                raise ValidationError(f"The user name {username!r} is taken.")
            user = User(
                username=username,
                full_name=full_name.strip()[:80],
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
            self.ctx.audit(
                s,
                action="user_created",
                actor_id=by.user_id if by else None,
                subject=username,
                role=role,
                training=training,
                pin=pin is not None,
            )
            return operator_of(user, self.reader)

    def sign_in(self, username: str, password: str) -> Operator:
        """The operator for a correct name and password; AuthenticationError otherwise.

        The message never says whether the name or the password was wrong.
        """
        with transaction(self.ctx.sessions) as s:
            result = self.check_credentials(
                s, username, password, kind="password", failed_action="sign_in_failed"
            )
            if isinstance(result, User):
                self.ctx.audit(s, action="sign_in", actor_id=result.id, subject=result.username)
                return operator_of(result, self.reader)
        # Raised after the commit, so the failed attempt is recorded.
        raise result

    def check_credentials(
        self,
        s: Session,
        username: str,
        secret: str,
        *,
        kind: Literal["password", "pin"],
        failed_action: str,
    ) -> User | AuthenticationError:
        """Check a password or PIN inside the caller's transaction.

        Returns the user, or the error to raise AFTER the transaction commits (so that the
        failed attempt and its audit entry are kept). Password and PIN failures count
        together: the fifth in a row locks the account until a lead or administrator
        unlocks it.
        """
        username = username.strip().lower()
        refused = AuthenticationError(
            "User name or password is not right."
            if kind == "password"
            else "User name or PIN is not right."
        )
        user = s.scalar(select(User).where(User.username == username))
        # Every attempt costs one Argon2 verification, whether the user exists or not, so
        # the time taken does not tell a real user name from an unknown one; and no message
        # names anyone before a successful sign-in.
        stored = None
        if user is not None:
            stored = user.password_hash if kind == "password" else user.pin_hash
        matches = self._verify(stored or self._dummy(), secret) and stored is not None
        if user is None:
            self.ctx.audit(s, action=failed_action, actor_id=None, subject=username[:64], via=kind)
            return refused
        if not user.active:
            self.ctx.audit(
                s, action=failed_action, actor_id=user.id, subject=user.username, reason="disabled"
            )
            # Said only to someone who knows the secret: otherwise, as for anyone.
            return AuthenticationError("This account is disabled.") if matches else refused
        if user.locked:
            self.ctx.audit(
                s, action=failed_action, actor_id=user.id, subject=user.username, reason="locked"
            )
            return AuthenticationError(
                f"This account is locked after {MAX_FAILED_ATTEMPTS} failed attempts; a lead "
                "cashier or administrator must unlock it."
            )
        if stored is None:
            self.ctx.audit(
                s, action=failed_action, actor_id=user.id, subject=user.username, reason="no_pin"
            )
            return refused
        if not matches:
            user.failed_attempts += 1
            user.locked = user.failed_attempts >= MAX_FAILED_ATTEMPTS
            self.ctx.audit(
                s,
                action=failed_action,
                actor_id=user.id,
                subject=user.username,
                via=kind,
                attempts=user.failed_attempts,
                locked=user.locked,
            )
            if user.locked:
                return AuthenticationError(
                    f"That was the {MAX_FAILED_ATTEMPTS}th failed attempt: the account is now "
                    "locked; a lead cashier or administrator must unlock it."
                )
            return refused
        user.failed_attempts = 0
        if self.hasher.check_needs_rehash(stored):
            if kind == "password":
                user.password_hash = self.hasher.hash(secret)
            else:
                user.pin_hash = self.hasher.hash(secret)
        return user

    def sign_out(self, operator: Operator) -> str | None:
        """Sign out; returns a warning to show when records have not reached the central
        ledger yet (signing out is never refused for it)."""
        warning = self.unsent_check() if self.unsent_check is not None else None
        with transaction(self.ctx.sessions) as s:
            self.ctx.audit(s, action="sign_out", actor_id=operator.user_id, unsent=warning)
        return warning

    def _dummy(self) -> str:
        """A hash of nothing anyone knows, made with this hasher's parameters (so verifying
        against it takes as long as against a real one)."""
        if self._dummy_hash is None:
            self._dummy_hash = self.hasher.hash(secrets.token_hex(16))
        return self._dummy_hash

    def _verify(self, stored: str, given: str) -> bool:
        try:
            return self.hasher.verify(stored, given)
        except (VerificationError, InvalidHashError):
            return False
