"""Supervisor overrides: a lead cashier enters their own PIN on the cashier's screen.

``ApprovalService.approve`` checks the supervisor's PIN (failures count toward their lockout)
and role, refuses self-approval, records the approval and returns an ``Approval``. The service
that carries the action out (a void, a no-sale drawer open, an over/short sign-off, a reopen)
takes the Approval and calls ``use_approval`` inside its own transaction: the approval must
exist in the store, match the action, the requester and the subject, be unused and fresh; it
is then marked used, so one approval authorises exactly one action. The action's audit entry
names who asked (actor), who approved (approver) and why (``approval.audit_details()``).

    approval = desk.approvals.approve(cashier, "lead", "3333", OverrideAction.VOID,
                                      "Customer changed their mind", subject="W01-000012")
    desk.payments.void_receipt(cashier, "W01-000012", approval=approval)
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from cashdesk.domain.inputs import require_reason
from cashdesk.domain.privacy import redact_pans
from cashdesk.domain.roles import Operator, Permission
from cashdesk.errors import AuthenticationError, PermissionDenied, StateError, ValidationError
from cashdesk.services.auth import AuthService, operator_of
from cashdesk.services.context import ServiceContext
from cashdesk.store.engine import transaction
from cashdesk.store.models import User, new_uuid
from cashdesk.store.security_models import ApprovalRow

APPROVAL_LIFETIME = dt.timedelta(minutes=5)


class OverrideAction(enum.StrEnum):
    """What a supervisor can approve. Areas that need another one add a member here."""

    VOID = "void"
    NO_SALE = "no_sale"
    OVER_SHORT_SIGNOFF = "over_short_signoff"
    REOPEN_DRAWER = "reopen_drawer"
    PETTY_CASH_VOUCHER = "petty_cash_voucher"  # a voucher over $25.00 (RULES.md section 11)

    @property
    def label(self) -> str:
        return {
            OverrideAction.VOID: "void a receipt",
            OverrideAction.NO_SALE: "open the drawer with no sale",
            OverrideAction.OVER_SHORT_SIGNOFF: "sign off an over/short",
            OverrideAction.REOPEN_DRAWER: "reopen a closed drawer",
            OverrideAction.PETTY_CASH_VOUCHER: "pay a petty cash voucher over $25.00",
        }[self]


# An approval of these names the record it is for (a receipt number, a drawer session): one
# given "for whatever comes next" could be spent on another record than the one the
# supervisor looked at (issue 16, finding 10).
NEEDS_SUBJECT = frozenset(
    {OverrideAction.VOID, OverrideAction.OVER_SHORT_SIGNOFF, OverrideAction.REOPEN_DRAWER}
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Approval:
    """A supervisor's approval of one action, for one requester (and subject, if given)."""

    id: str
    action: OverrideAction
    subject: str
    reason: str
    requester_id: int
    approver_id: int
    approver_username: str
    approver_name: str
    granted_at: dt.datetime
    expires_at: dt.datetime

    def audit_details(self) -> dict[str, Any]:
        """Fields for the audit entry of the approved action (pass ``approver_id`` too)."""
        return {
            "approval": self.id,
            "approved_by": self.approver_username,
            "override": self.action.value,
            "reason": self.reason,
        }


def normalise_reason(reason: str) -> str:
    return require_reason(redact_pans(reason), asked="Give the reason for the override.")[:200]


def use_approval(
    ctx: ServiceContext,
    s: Session,
    approval: Approval,
    *,
    requester: Operator,
    action: OverrideAction,
    subject: str = "",
) -> None:
    """Check and consume ``approval`` inside the caller's transaction (StateError or
    PermissionDenied if it does not authorise this action). Rolled back with the caller, so
    an action that fails leaves the approval usable."""
    row = s.get(ApprovalRow, approval.id)
    if row is None or row.approver_id != approval.approver_id:
        raise PermissionDenied("That approval is not on record; ask the supervisor again.")
    if row.action != action.value:
        raise PermissionDenied(f"That approval was given to {OverrideAction(row.action).label}.")
    if row.requester_id != requester.user_id:
        raise PermissionDenied("That approval was given to another cashier's request.")
    if OverrideAction(row.action) in NEEDS_SUBJECT and not row.subject:
        raise PermissionDenied("That approval names no record; ask the supervisor again.")
    if row.subject and row.subject != subject:
        raise PermissionDenied(f"That approval was given for {row.subject}, not {subject}.")
    if row.workstation_id != ctx.workstation_id:
        raise PermissionDenied("That approval was given at another workstation.")
    if row.used_at is not None:
        raise StateError("That approval has been used already; ask the supervisor again.")
    now = ctx.now()
    if now > row.expires_at:
        raise StateError("That approval has expired; ask the supervisor again.")
    approver = s.get(User, row.approver_id)
    if approver is None or not approver.active or approver.locked:
        raise PermissionDenied("The approving supervisor's account is no longer active.")
    row.used_at = now


class ApprovalService:
    def __init__(self, ctx: ServiceContext, auth: AuthService) -> None:
        self.ctx = ctx
        self.auth = auth

    def approve(
        self,
        requester: Operator,
        supervisor_username: str,
        supervisor_pin: str,
        action: OverrideAction,
        reason: str,
        *,
        subject: str = "",
    ) -> Approval:
        """A lead cashier other than ``requester`` approves ``action`` with their PIN.

        AuthenticationError for a wrong PIN (it counts toward the supervisor's lockout),
        PermissionDenied for self-approval or a supervisor whose role may not approve."""
        action = OverrideAction(action)
        reason = normalise_reason(reason)
        subject = subject.strip().upper()[:64]
        if action in NEEDS_SUBJECT and not subject:
            raise ValidationError(f"Name the record the supervisor approves ({action.label}).")
        supervisor_username = supervisor_username.strip().lower()
        now = self.ctx.now()
        refused: AuthenticationError | PermissionDenied
        with transaction(self.ctx.sessions) as s:
            if supervisor_username == requester.username:
                self.ctx.audit(
                    s,
                    action="override_refused",
                    actor_id=requester.user_id,
                    approver_id=requester.user_id,
                    subject=subject,
                    override=action.value,
                    why="self_approval",
                )
                refused = PermissionDenied("A supervisor cannot approve their own request.")
            else:
                result = self.auth.check_credentials(
                    s,
                    supervisor_username,
                    supervisor_pin,
                    kind="pin",
                    failed_action="override_refused",
                )
                if isinstance(result, User):
                    supervisor = operator_of(result, self.auth.reader)
                    if not supervisor.may(Permission.APPROVE_OVERRIDE) or (
                        result.training and not requester.training
                    ):
                        self.ctx.audit(
                            s,
                            action="override_refused",
                            actor_id=requester.user_id,
                            approver_id=supervisor.user_id,
                            subject=subject,
                            override=action.value,
                            why="role",
                        )
                        refused = PermissionDenied(
                            f"{supervisor.full_name} ({supervisor.role.label}"
                            f"{', in training' if supervisor.training else ''}) may not approve "
                            "overrides; a lead cashier must."
                        )
                    else:
                        row = ApprovalRow(
                            id=new_uuid(),
                            action=action.value,
                            subject=subject,
                            reason=reason,
                            workstation_id=self.ctx.workstation_id,
                            requester_id=requester.user_id,
                            approver_id=supervisor.user_id,
                            granted_at=now,
                            expires_at=now + APPROVAL_LIFETIME,
                        )
                        s.add(row)
                        self.ctx.audit(
                            s,
                            action="override_approved",
                            actor_id=requester.user_id,
                            approver_id=supervisor.user_id,
                            subject=subject,
                            at=now,
                            override=action.value,
                            reason=reason,
                            approval=row.id,
                        )
                        return Approval(
                            id=row.id,
                            action=action,
                            subject=subject,
                            reason=reason,
                            requester_id=requester.user_id,
                            approver_id=supervisor.user_id,
                            approver_username=supervisor.username,
                            approver_name=supervisor.full_name,
                            granted_at=now,
                            expires_at=row.expires_at,
                        )
                else:
                    refused = result
        raise refused
