from __future__ import annotations

import pytest
from sqlalchemy import select

from cashdesk.app import Cashdesk
from cashdesk.domain.money import Money
from cashdesk.domain.roles import Operator, Role
from cashdesk.errors import AuthenticationError, PermissionDenied, StateError, ValidationError
from cashdesk.store.models import AuditEntry, DrawerSession, User


def test_sign_in_and_audit(desk: Cashdesk) -> None:
    op = desk.auth.sign_in("  Maria ", "riverbend1")
    assert (op.username, op.role, op.full_name) == ("maria", Role.CASHIER, "Maria Hernández")
    with pytest.raises(AuthenticationError, match="not right"):
        desk.auth.sign_in("maria", "wrong-password")
    with pytest.raises(AuthenticationError, match="not right"):
        desk.auth.sign_in("nobody", "riverbend1")
    with desk.ctx.sessions() as s:
        actions = list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions[-3:] == ["sign_in", "sign_in_failed", "sign_in_failed"]


def test_passwords_are_argon2id_hashes(desk: Cashdesk) -> None:
    with desk.ctx.sessions() as s:
        user = s.scalar(select(User).where(User.username == "maria"))
        assert user is not None
        assert user.password_hash.startswith("$argon2id$")
        assert "riverbend1" not in user.password_hash
        assert user.pin_hash is not None and user.pin_hash.startswith("$argon2id$")


def test_five_failures_lock_the_account(desk: Cashdesk) -> None:
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            desk.auth.sign_in("jose", "not-the-password")
    with pytest.raises(AuthenticationError, match="locked"):
        desk.auth.sign_in("jose", "riverbend1")


def test_new_user_rules(desk: Cashdesk) -> None:
    with pytest.raises(ValidationError, match="at least 10"):
        desk.auth.create_user(username="kim", full_name="Kim", role=Role.CASHIER, password="short")
    with pytest.raises(ValidationError, match="PIN"):
        desk.auth.create_user(
            username="kim", full_name="Kim", role=Role.CASHIER, password="long-enough-1", pin="12"
        )
    with pytest.raises(ValidationError, match="taken"):
        desk.auth.create_user(
            username="maria", full_name="M", role=Role.CASHIER, password="long-enough-1"
        )


def test_open_drawer_with_starting_bank(desk: Cashdesk, cashier: Operator) -> None:
    info = desk.drawers.open_drawer(cashier)
    assert info.opening_bank == Money(cents=200_00)
    assert info.cashier_name == "Maria Hernández"
    assert str(info.business_date) == "2026-11-26"
    with pytest.raises(StateError, match="already open for Maria"):
        desk.drawers.open_drawer(desk.auth.sign_in("jose", "riverbend1"))
    with desk.ctx.sessions() as s:
        assert len(s.scalars(select(DrawerSession)).all()) == 1


def test_open_drawer_permission_and_input(desk: Cashdesk, cashier: Operator) -> None:
    with pytest.raises(PermissionDenied):
        desk.drawers.open_drawer(desk.auth.sign_in("auditor", "riverbend1"))
    with pytest.raises(ValidationError, match="negative"):
        desk.drawers.open_drawer(cashier, opening_bank=Money(cents=-1))
    assert desk.drawers.current() is None
