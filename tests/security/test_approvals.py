"""Supervisor overrides, and voids carried out with one."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from cashdesk.domain.roles import Operator
from cashdesk.errors import AuthenticationError, PermissionDenied, StateError, ValidationError
from cashdesk.services.approvals import OverrideAction, use_approval
from cashdesk.store.engine import transaction
from cashdesk.store.models import AuditEntry, JournalEntry, OutboxRow, Receipt

from .conftest import Counter
from .support import PINS, sale


def audit_of(c: Counter, action: str) -> list[AuditEntry]:
    with c.desk.ctx.sessions() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_cashier_void_with_a_leads_approval_records_who_asked_who_approved_and_why(
    counter: Counter,
) -> None:
    desk, maria, lead = counter.desk, counter.people["maria"], counter.people["lead"]
    approval = desk.approvals.approve(
        maria,
        "lead",
        PINS["lead"],
        OverrideAction.VOID,
        " Customer  paid twice ",
        subject="w01-000001",
    )
    assert (approval.approver_id, approval.reason, approval.subject) == (
        lead.user_id,
        "Customer paid twice",
        "W01-000001",
    )
    summary = desk.payments.void_receipt(maria, counter.receipt, approval=approval)
    assert summary.status == "voided"
    [voided] = audit_of(counter, "receipt_voided")
    assert (voided.actor_id, voided.approver_id, voided.subject) == (
        maria.user_id,
        lead.user_id,
        "W01-000001",
    )
    assert voided.details["reason"] == "Customer paid twice"
    assert voided.details["approved_by"] == "lead"
    assert voided.details["approval"] == approval.id
    [approved] = audit_of(counter, "override_approved")
    assert (approved.actor_id, approved.approver_id) == (maria.user_id, lead.user_id)
    assert approved.details["override"] == "void"
    with desk.ctx.sessions() as s:
        row = s.scalar(select(Receipt).where(Receipt.number == counter.receipt))
        assert row is not None and row.voided_by_id == maria.user_id
        kinds = s.scalars(select(JournalEntry.kind).where(JournalEntry.receipt_id == row.id))
        assert sorted(kinds) == ["receipt", "void"]
        outbox = s.scalar(select(OutboxRow).where(OutboxRow.kind == "void"))
        assert outbox is not None and outbox.payload["approved_by"] == "lead"
    # One approval, one action.
    with pytest.raises(StateError, match=r"already voided|used already"):
        desk.payments.void_receipt(maria, counter.receipt, approval=approval)


def test_a_supervisor_cannot_approve_their_own_request(counter: Counter) -> None:
    desk, lead = counter.desk, counter.people["lead"]
    with pytest.raises(PermissionDenied, match="cannot approve their own request"):
        desk.approvals.approve(lead, "LEAD", PINS["lead"], OverrideAction.NO_SALE, "Change")
    [refused] = audit_of(counter, "override_refused")
    assert refused.details["why"] == "self_approval"
    # ... nor void their own receipt without another supervisor.
    desk.drawers.open_drawer(lead, drawer="2")
    posted = desk.payments.post_payment(lead, sale(desk), drawer="2")
    with pytest.raises(PermissionDenied, match="another supervisor"):
        desk.payments.void_receipt(lead, posted.number, reason="Mine, keyed twice")
    approval = desk.approvals.approve(
        lead, "lead2", "6802", OverrideAction.VOID, "Keyed twice", subject=posted.number
    )
    assert desk.payments.void_receipt(lead, posted.number, approval=approval).status == "voided"


def test_only_a_lead_approves_and_only_with_the_right_pin(counter: Counter) -> None:
    desk, maria = counter.desk, counter.people["maria"]
    with pytest.raises(PermissionDenied, match="may not approve overrides"):
        desk.approvals.approve(
            maria, "jose", PINS["jose"], OverrideAction.VOID, "mistake", subject="W01-000001"
        )
    with pytest.raises(PermissionDenied, match="may not approve overrides"):
        desk.approvals.approve(
            maria, "admin", PINS["admin"], OverrideAction.VOID, "mistake", subject="W01-000001"
        )
    with pytest.raises(AuthenticationError, match="PIN is not right"):
        desk.approvals.approve(
            maria, "lead", "0000", OverrideAction.VOID, "mistake", subject="W01-000001"
        )
    with pytest.raises(ValidationError, match="reason"):
        desk.approvals.approve(
            maria, "lead", PINS["lead"], OverrideAction.VOID, " ", subject="W01-000001"
        )
    # Wrong PINs count toward the supervisor's lockout.
    for _ in range(4):
        with pytest.raises(AuthenticationError):
            desk.approvals.approve(
                maria, "lead", "0000", OverrideAction.VOID, "mistake", subject="W01-000001"
            )
    with pytest.raises(AuthenticationError, match="locked"):
        desk.approvals.approve(
            maria, "lead", PINS["lead"], OverrideAction.VOID, "mistake", subject="W01-000001"
        )
    assert desk.users.get(counter.people["admin"], "lead").locked


def test_an_approval_fits_only_its_action_requester_and_subject(counter: Counter) -> None:
    desk, maria, jose = counter.desk, counter.people["maria"], counter.people["jose"]
    ctx = desk.ctx
    no_sale = desk.approvals.approve(maria, "lead", PINS["lead"], OverrideAction.NO_SALE, "coins")
    with pytest.raises(PermissionDenied, match="open the drawer with no sale"):
        desk.payments.void_receipt(maria, counter.receipt, approval=no_sale)
    other = desk.approvals.approve(
        maria, "lead", PINS["lead"], OverrideAction.VOID, "typo", subject="W01-000099"
    )
    with pytest.raises(PermissionDenied, match="given for W01-000099"):
        desk.payments.void_receipt(maria, counter.receipt, approval=other)
    with transaction(ctx.sessions) as s, pytest.raises(PermissionDenied, match="another cashier"):
        use_approval(ctx, s, no_sale, requester=jose, action=OverrideAction.NO_SALE)
    # A refused use leaves it usable; a use consumes it.
    with transaction(ctx.sessions) as s:
        use_approval(ctx, s, no_sale, requester=maria, action=OverrideAction.NO_SALE)
    with transaction(ctx.sessions) as s, pytest.raises(StateError, match="used already"):
        use_approval(ctx, s, no_sale, requester=maria, action=OverrideAction.NO_SALE)
    # A forged approval (never granted) is refused.
    forged = type(no_sale)(**{**_fields(no_sale), "id": "not-on-record"})
    with transaction(ctx.sessions) as s, pytest.raises(PermissionDenied, match="not on record"):
        use_approval(ctx, s, forged, requester=maria, action=OverrideAction.NO_SALE)


def test_an_approval_expires(counter: Counter, clock) -> None:  # type: ignore[no-untyped-def]
    desk, maria = counter.desk, counter.people["maria"]
    approval = desk.approvals.approve(
        maria, "lead", PINS["lead"], OverrideAction.VOID, "typo", subject=counter.receipt
    )
    clock.advance(minutes=6)
    with pytest.raises(StateError, match="expired"):
        desk.payments.void_receipt(maria, counter.receipt, approval=approval)
    assert approval.expires_at - approval.granted_at == dt.timedelta(minutes=5)


def _fields(approval: object) -> dict[str, object]:
    return {name: getattr(approval, name) for name in approval.__slots__}  # type: ignore[attr-defined]


def test_operator_type_is_unchanged_by_approval(counter: Counter) -> None:
    maria: Operator = counter.people["maria"]
    with pytest.raises(PermissionDenied, match="lead cashier"):
        counter.desk.payments.void_receipt(maria, counter.receipt, reason="no approval")
