from __future__ import annotations

import pytest
from sqlalchemy import select

from cashdesk.app import Cashdesk
from cashdesk.domain.roles import Operator, Role
from cashdesk.errors import (
    AuthenticationError,
    NotFound,
    PermissionDenied,
    StateError,
    ValidationError,
)
from cashdesk.store.models import AuditEntry, User

from .support import PASSWORD


def actions(desk: Cashdesk) -> list[tuple[str, str]]:
    with desk.ctx.sessions() as s:
        return [
            (a.action, a.subject) for a in s.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]


def test_admin_adds_a_user_hashed_with_argon2id(
    desk: Cashdesk, people: dict[str, Operator]
) -> None:
    info = desk.users.add_user(
        people["admin"],
        username="Kim",
        full_name="Kim Lee",
        role=Role.CASHIER,
        password="a-long-password",
        pin="24680",
    )
    assert (info.username, info.role, info.has_pin, info.active) == (
        "kim",
        Role.CASHIER,
        True,
        True,
    )
    with desk.ctx.sessions() as s:
        user = s.scalar(select(User).where(User.username == "kim"))
        assert user is not None and user.pin_hash is not None
        assert user.password_hash.startswith("$argon2id$")
        assert user.pin_hash.startswith("$argon2id$")
        assert "a-long-password" not in user.password_hash and "24680" not in user.pin_hash
    assert desk.auth.sign_in("kim", "a-long-password").full_name == "Kim Lee"
    assert ("user_created", "kim") in actions(desk)


@pytest.mark.parametrize(
    ("password", "pin", "message"),
    [
        ("nine-char", None, "at least 10"),
        ("long-enough-1", "123", "4 to 8 digits"),
        ("long-enough-1", "123456789", "4 to 8 digits"),
        ("long-enough-1", "12a4", "4 to 8 digits"),
        ("long-enough-1", "١٢٣٤", "4 to 8 digits"),  # Arabic-Indic digits are not a PIN
    ],
)
def test_password_and_pin_rules(
    desk: Cashdesk, people: dict[str, Operator], password: str, pin: str | None, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        desk.users.add_user(
            people["admin"],
            username="kim",
            full_name="Kim",
            role=Role.CASHIER,
            password=password,
            pin=pin,
        )
    with pytest.raises(ValidationError, match=message):
        desk.users.reset(people["admin"], "maria", password=password, pin=pin)


def test_users_are_disabled_never_deleted(desk: Cashdesk, people: dict[str, Operator]) -> None:
    admin = people["admin"]
    assert not hasattr(desk.users, "delete_user")
    info = desk.users.disable_user(admin, "jose", reason="Moved to Parks")
    assert not info.active
    with pytest.raises(AuthenticationError, match="disabled"):
        desk.auth.sign_in("jose", PASSWORD)
    assert "jose" in {u.username for u in desk.users.list_users(admin)}
    with pytest.raises(StateError, match="already disabled"):
        desk.users.disable_user(admin, "jose")
    with pytest.raises(StateError, match="your own"):
        desk.users.disable_user(admin, "admin")
    desk.users.enable_user(admin, "jose")
    assert desk.auth.sign_in("jose", PASSWORD).username == "jose"
    with pytest.raises(NotFound):
        desk.users.disable_user(admin, "nobody")


def test_a_disabled_administrator_can_no_longer_change_accounts(
    desk: Cashdesk, people: dict[str, Operator]
) -> None:
    desk.users.add_user(
        people["admin"], username="root2", full_name="Ro", role=Role.ADMIN, password="Quiet-Lake-77"
    )
    root2 = desk.auth.sign_in("root2", "Quiet-Lake-77")
    desk.users.disable_user(root2, "admin")
    # people["admin"] is the operator a screen still holds after signing in earlier.
    with pytest.raises(PermissionDenied, match="no longer active"):
        desk.users.disable_user(people["admin"], "root2")
    with pytest.raises(StateError, match="your own"):
        desk.users.disable_user(root2, "root2")


def test_first_admin_only_on_a_store_without_one(desk: Cashdesk) -> None:
    with pytest.raises(PermissionDenied, match="exists already"):
        desk.users.add_first_admin(username="boss", full_name="Boss", password="boss-password")


def test_five_failures_lock_until_a_lead_unlocks(
    desk: Cashdesk, people: dict[str, Operator]
) -> None:
    for attempt in range(1, 6):
        with pytest.raises(AuthenticationError) as err:
            desk.auth.sign_in("maria", "not-her-password")
        assert ("locked" in str(err.value)) == (attempt == 5)
    # Even the right password is refused now, and says why.
    with pytest.raises(AuthenticationError, match="locked after 5 failed attempts"):
        desk.auth.sign_in("maria", PASSWORD)
    [maria] = [u for u in desk.users.list_users(people["lead"]) if u.username == "maria"]
    assert maria.locked and maria.failed_attempts == 5
    desk.users.unlock_user(people["lead"], "maria")
    assert desk.auth.sign_in("maria", PASSWORD).username == "maria"
    with desk.ctx.sessions() as s:
        unlock = s.scalar(select(AuditEntry).where(AuditEntry.action == "user_unlocked"))
        assert unlock is not None
        assert (unlock.actor_id, unlock.subject) == (people["lead"].user_id, "maria")
        assert unlock.details == {"failed_attempts": 5}
        failures = s.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "sign_in_failed", AuditEntry.subject == "maria"
            )
        ).all()
        assert len(failures) == 6  # five wrong passwords, then the refused right one


def test_a_success_resets_the_count(desk: Cashdesk) -> None:
    for _ in range(4):
        with pytest.raises(AuthenticationError):
            desk.auth.sign_in("jose", "wrong-password")
    desk.auth.sign_in("jose", PASSWORD)
    for _ in range(4):
        with pytest.raises(AuthenticationError):
            desk.auth.sign_in("jose", "wrong-password")
    assert desk.auth.sign_in("jose", PASSWORD).username == "jose"


def test_a_lead_unlocks_cashiers_not_administrators(
    desk: Cashdesk, people: dict[str, Operator]
) -> None:
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            desk.auth.sign_in("auditor", "wrong-password")
    with pytest.raises(PermissionDenied, match="administrator must"):
        desk.users.unlock_user(people["lead"], "auditor")
    assert not desk.users.unlock_user(people["admin"], "auditor").locked
    with pytest.raises(StateError, match="not locked"):
        desk.users.unlock_user(people["admin"], "auditor")
    # A lead's list holds only the people a lead may unlock.
    assert {u.role for u in desk.users.list_users(people["lead"])} == {Role.CASHIER, Role.LEAD}


def test_reset_sets_new_secrets_and_unlocks(desk: Cashdesk, people: dict[str, Operator]) -> None:
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            desk.auth.sign_in("jose", "wrong-password")
    info = desk.users.reset(people["admin"], "jose", password="fresh-password", pin="8642")
    assert not info.locked
    with pytest.raises(AuthenticationError):
        desk.auth.sign_in("jose", PASSWORD)
    assert desk.auth.sign_in("jose", "fresh-password").username == "jose"
    with desk.ctx.sessions() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "user_reset"))
        assert entry is not None
        assert entry.details == {"password": True, "pin": True, "unlocked": True}
        # No secret reaches the audit trail.
        assert "fresh-password" not in str(entry.details) and "8642" not in str(entry.details)
    with pytest.raises(ValidationError, match="new password"):
        desk.users.reset(people["admin"], "jose")
