"""The small dialogs of the drawer and end-of-day screens.

``WorkDialog`` is a FormDialog whose confirm runs a service call on the Background helper
(the dialog is busy meanwhile, Escape still cancels nothing that has begun); the result is
kept in ``result`` and the dialog accepts, or the service's message is shown by its field.

A lead's own sign-in: the balancing service's sign-off, reopen and pickup take the lead's
Operator (not an override Approval), so on a cashier's screen the lead types their user name
and password; the service gets the lead's own session (audited sign-in, the action, audited
sign-out), never the cashier's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from cashdesk.app import Cashdesk
from cashdesk.domain.drawer import CashCount
from cashdesk.domain.roles import Operator
from cashdesk.errors import ValidationError
from cashdesk.services.balancing import PickupResult
from cashdesk.ui.cash_count import DenominationGrid
from cashdesk.ui.forms import FormDialog, FormField, lead_credentials, lead_types
from cashdesk.ui.operations import Background
from cashdesk.ui.receipts import failure_text
from cashdesk.ui.widgets import ENTER_KEYS, add_action

LEAD_FIELDS = lead_credentials(
    ("lead", "password"),
    "password",
    name_hints=("user name", "account", "may not"),
    secret_hints=("password",),
    max_length=64,
)
REASON = FormField("reason", "&Reason", hints=("reason",), max_length=200)


def as_lead(desk: Cashdesk, username: str, password: str, action: Callable[[Operator], Any]) -> Any:
    """Run ``action`` as the lead cashier who typed their credentials (off the GUI thread)."""
    lead = desk.auth.sign_in(username, password)
    try:
        return action(lead)
    finally:
        desk.auth.sign_out(lead)


class WorkDialog(FormDialog):
    def __init__(
        self,
        parent: QWidget | None,
        background: Background,
        *,
        title: str,
        heading: str,
        confirm_text: str,
        fields: Sequence[FormField],
        work: Callable[[dict[str, str]], Any],
    ) -> None:
        super().__init__(
            parent, title=title, heading=heading, confirm_text=confirm_text, fields=fields
        )
        self.background = background
        self.work = work
        self.result: Any = None
        self.working = False

    def prepare(self) -> dict[str, str]:
        """The values for ``work`` (a subclass may add its own, or refuse)."""
        return self.values()

    def confirm(self) -> None:
        if self.working:
            return
        self.clear_errors()
        try:
            values = self.prepare()
        except ValidationError as err:
            self.show_error(str(err))
            return
        self.working = True
        self.set_busy(True)
        work = self.work
        self.background.run(lambda: work(values), on_success=self._done, on_failure=self._refused)

    def _done(self, result: Any) -> None:
        self.working = False
        self.set_busy(False)
        self.result = result
        self.accept()

    def _refused(self, error: Exception) -> None:
        self.working = False
        self.set_busy(False)
        if "password" in self.inputs:
            self.inputs["password"].clear()
        self.show_error(failure_text(error))

    def reject(self) -> None:
        if not self.working:  # a call under way finishes; its result is then shown
            super().reject()


def lead_dialog(
    parent: QWidget | None,
    desk: Cashdesk,
    background: Background,
    *,
    title: str,
    heading: str,
    confirm_text: str,
    action: Callable[[Operator, str], Any],
    reason: bool = True,
) -> WorkDialog:
    """A lead's user name and password (and a reason): ``action(lead, reason)`` runs as
    that lead."""
    fields = (*LEAD_FIELDS, REASON) if reason else LEAD_FIELDS

    def work(values: dict[str, str]) -> Any:
        return as_lead(
            desk,
            values["lead"],
            values["password"],
            lambda op: action(op, values.get("reason", "")),
        )

    return WorkDialog(
        parent,
        background,
        title=title,
        heading=f"{heading}\n{lead_types('password')}",
        confirm_text=confirm_text,
        fields=fields,
        work=work,
    )


class PickupDialog(WorkDialog):
    """A pickup to the safe: the lead who takes it signs in and counts it on the grid."""

    def __init__(
        self, parent: QWidget | None, desk: Cashdesk, background: Background, drawer: str
    ) -> None:
        self.grid = DenominationGrid("Pickup")
        self._count = CashCount.empty()

        def work(values: dict[str, str]) -> PickupResult:
            count = self._count
            result: PickupResult = as_lead(
                desk,
                values["lead"],
                values["password"],
                lambda op: desk.balancing.pickup(op, count, drawer),
            )
            return result

        super().__init__(
            parent,
            background,
            title="Pickup to the safe",
            heading=f"Pickup from drawer {drawer} to the safe\n{lead_types('password')}",
            confirm_text="Take pickup",
            fields=LEAD_FIELDS,
            work=work,
        )
        self.confirm_button.setText("Take pickup   F12")
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(2, self.grid)
        self.grid.finished.connect(self.confirm)
        add_action(self, "Take pickup", ["F12", "Ctrl+Return"], self.confirm)

    def prepare(self) -> dict[str, str]:
        self._count = self.grid.count()
        if not self._count.total.is_positive:
            self.grid.show_error("Count the cash picked up: it must be more than zero.")
            self.grid.focus_first()
            raise ValidationError("")  # shown under the grid already
        return self.values()

    def show_error(self, message: str) -> None:
        if message:
            super().show_error(message)

    def set_busy(self, busy: bool) -> None:
        super().set_busy(busy)
        self.grid.setEnabled(not busy)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter after the password goes to the count, not to the confirm.
        if event.key() in ENTER_KEYS and self.inputs["password"].hasFocus():
            event.accept()
            if not self.inputs["lead"].text().strip():
                self.inputs["lead"].setFocus()
            else:
                self.grid.focus_first()
            return
        super().keyPressEvent(event)
