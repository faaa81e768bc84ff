"""The supervisor override dialog: a lead cashier approves an action on the cashier's screen
with their own PIN (voids, no-sale, over/short sign-off, reopen). The service verifies the
PIN and the role and refuses self-approval; the dialog only collects and shows its answer."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from cashdesk.app import Cashdesk
from cashdesk.domain.roles import Operator
from cashdesk.errors import CashdeskError
from cashdesk.services.approvals import Approval, OverrideAction
from cashdesk.ui.forms import FormDialog, FormField, lead_credentials, lead_types


class OverrideDialog(FormDialog):
    """``exec()`` returns Accepted with ``approval`` set, or Rejected (Escape) with nothing
    approved. The reason may be prefilled (e.g. from the void dialog)."""

    def __init__(
        self,
        parent: QWidget | None,
        desk: Cashdesk,
        *,
        requester: Operator,
        action: OverrideAction,
        subject: str = "",
        reason: str = "",
    ) -> None:
        super().__init__(
            parent,
            title="Supervisor approval",
            heading=f"A lead cashier approves: {action.label}\n{lead_types('PIN')}",
            confirm_text="Approve",
            fields=(
                *lead_credentials(
                    ("supervisor", "pin"),
                    "PIN",
                    name_hints=("supervisor",),
                    secret_hints=("pin", "locked"),
                    max_length=8,
                ),
                FormField("reason", "&Reason", hints=("reason",), max_length=200),
            ),
        )
        self.desk = desk
        self.requester = requester
        self.action = action
        self.subject = subject
        self.approval: Approval | None = None
        if reason:
            self.inputs["reason"].setText(reason)

    def confirm(self) -> None:
        values = self.values()
        try:
            self.approval = self.desk.approvals.approve(
                self.requester,
                values["supervisor"],
                values["pin"],
                self.action,
                values["reason"],
                subject=self.subject,
            )
        except CashdeskError as err:
            self.inputs["pin"].clear()
            self.show_error(str(err))
            return
        self.accept()
