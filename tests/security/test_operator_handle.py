"""Findings 8 and 10 of issue 16: an Operator is a handle, not a credential (each permission
check reads the user's row as it is now), and an approval names the record it is for."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from cashdesk.domain.roles import Operator, Role
from cashdesk.errors import PermissionDenied, ValidationError
from cashdesk.services.approvals import OverrideAction
from cashdesk.store.models import AuditEntry, Receipt, User
from cashdesk.store.security_models import TrainingReceipt

from .conftest import Counter
from .support import PINS, count, sale


def test_a_lead_disabled_after_signing_in_can_no_longer_void(counter: Counter) -> None:
    desk, admin = counter.desk, counter.people["admin"]
    lead = desk.auth.sign_in("lead", "riverbend1")  # signed in before being disabled
    desk.users.disable_user(admin, "lead", reason="left the city")
    with pytest.raises(PermissionDenied, match="no longer active"):
        desk.payments.void_receipt(lead, counter.receipt, reason="Keyed twice")
    with desk.ctx.sessions() as s:
        row = s.scalar(select(Receipt).where(Receipt.number == counter.receipt))
        assert row is not None and row.status == "posted"


def test_a_user_put_into_training_after_signing_in_posts_training_receipts(
    counter: Counter,
) -> None:
    desk, admin = counter.desk, counter.people["admin"]
    maria = desk.auth.sign_in("maria", "riverbend1")
    receipts = count(desk, Receipt)
    desk.users.set_training(admin, "maria", True)
    posted = desk.payments.post_payment(maria, sale(desk))
    assert "T" in posted.number.split("-")[1]  # the training series
    assert count(desk, Receipt) == receipts
    assert count(desk, TrainingReceipt) == 1


def test_a_forged_admin_operator_with_a_cashiers_id_adds_no_one(counter: Counter) -> None:
    desk, maria = counter.desk, counter.people["maria"]
    before = count(desk, User)
    forged = Operator(maria.user_id, "maria", "Maria", Role.ADMIN)  # no reader: not signed in
    with pytest.raises(PermissionDenied):
        desk.users.add_user(
            forged, username="mallory", full_name="M", role=Role.ADMIN, password="Xq7#vLp2!zR9"
        )
    # A copy of a real handle with a role typed in still has maria's role from her row.
    real = desk.auth.sign_in("maria", "riverbend1")
    dressed = Operator(real.user_id, "maria", "Maria", Role.ADMIN, reader=desk.auth.reader)
    assert dressed.role is Role.CASHIER
    with pytest.raises(PermissionDenied, match="may not manage users"):
        desk.users.add_user(
            dressed, username="mallory", full_name="M", role=Role.ADMIN, password="Xq7#vLp2!zR9"
        )
    assert count(desk, User) == before
    with desk.ctx.sessions() as s:
        created = s.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "user_created")
        )
    assert created == 7  # the six demo users and lead2, nothing more


def test_a_void_approval_must_name_its_receipt(counter: Counter) -> None:
    desk, maria = counter.desk, counter.people["maria"]
    with pytest.raises(ValidationError, match="Name the record"):
        desk.approvals.approve(maria, "lead", PINS["lead"], OverrideAction.VOID, "Paid twice")
    # An approval for one receipt does not void another.
    desk.payments.post_payment(maria, sale(desk))
    approval = desk.approvals.approve(
        maria, "lead", PINS["lead"], OverrideAction.VOID, "Paid twice", subject="W01-000002"
    )
    with pytest.raises(PermissionDenied, match="given for W01-000002"):
        desk.payments.void_receipt(maria, counter.receipt, approval=approval)
    with desk.ctx.sessions() as s:
        statuses = {n: st for n, st in s.execute(select(Receipt.number, Receipt.status))}
    assert statuses == {"W01-000001": "posted", "W01-000002": "posted"}
