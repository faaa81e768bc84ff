"""The devices panel (Shift+F10) and the no-sale drawer open (Ctrl+Shift+N).

Everything that touches a device runs on a Background helper: a printer that hangs or a check
reader waiting for a check never freezes the window. Kicks and no-sales are audited by the
service, which also decides who may open the drawer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from cashdesk.app import Cashdesk
from cashdesk.domain.roles import Operator
from cashdesk.services.devices import DeviceInfo, NoSaleResult, ScannedCheck
from cashdesk.ui.check_scan import NO_CHECK, READ_TIMEOUT_S
from cashdesk.ui.forms import FormDialog, FormField
from cashdesk.ui.operations import Background
from cashdesk.ui.panels import alive
from cashdesk.ui.receipts import failure_text
from cashdesk.ui.widgets import (
    ENTER_KEYS,
    Column,
    MessageLabel,
    RowsModel,
    add_action,
    close_button,
    fit_to_screen,
    key_row,
    label,
    table_view,
)

ROLE_NAMES = {
    "printer": "Receipt printer",
    "drawer": "Cash drawer",
    "check_reader": "Check reader",
    "display": "Customer display",
}


def device_summary(statuses: Sequence[DeviceInfo]) -> str:
    """The status bar's words: "Devices ready", or each device that is not."""
    problems = [
        f"{ROLE_NAMES.get(d.role, d.role)}: {d.message}"
        for d in statuses
        if not d.ok and d.role != "printer"  # the printer has its own status field
    ]
    return " · ".join(problems) if problems else "Devices ready"


class DevicesDialog(QDialog):
    """Status of each device, test print, kick, read a check."""

    def __init__(
        self,
        desk: Cashdesk,
        operator: Operator,
        background: Background,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Devices")
        self.setAccessibleName("Devices")
        self.desk = desk
        self.operator = operator
        self.background = background
        self.statuses: list[DeviceInfo] = []
        self.model = RowsModel((Column("Device"), Column("Name", stretch=True), Column("Status")))
        self.table = table_view(self.model, "Devices")
        self.outcome = label(role="hint")
        self.outcome.setAccessibleName("Outcome")
        self.outcome.setWordWrap(True)
        self.error = MessageLabel("Device problem")
        window = Qt.ShortcutContext.WindowShortcut
        self.refresh_action = add_action(self, "Refresh", ["F5"], self.refresh, context=window)
        self.print_action = add_action(self, "Test print", ["F6"], self.test_print, context=window)
        self.read_action = add_action(self, "Read check", ["F7"], self.read_check, context=window)
        self.kick_action = add_action(self, "Kick drawer", ["F8"], self.kick, context=window)
        self.actions_ = (self.refresh_action, self.print_action, self.read_action, self.kick_action)
        self.close_button = close_button(self)
        buttons = key_row(
            (
                (self.refresh_action, "Refresh device status"),
                (self.print_action, "Print a test receipt"),
                (self.read_action, "Read a check"),
                (self.kick_action, "Kick the cash drawer"),
            ),
            self.close_button,
        )
        layout = QVBoxLayout(self)
        layout.addWidget(label("&Devices", buddy=self.table))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.outcome)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        fit_to_screen(self, 1000, 520)
        self.table.setFocus()
        self.refresh()

    # -- running one device call at a time ------------------------------------------------
    def _run(
        self, busy_text: str, op: Callable[[], object], done: Callable[[object], None]
    ) -> None:
        if not self.refresh_action.isEnabled():
            return
        for action in self.actions_:
            action.setEnabled(False)
        self.error.clear_message()
        self.outcome.setText(busy_text)

        def succeeded(result: object) -> None:
            if alive(self):
                self._idle()
                done(result)

        def failed(error: Exception) -> None:
            if alive(self):
                self._idle()
                self.outcome.clear()
                self.error.show_message(failure_text(error))

        self.background.run(op, on_success=succeeded, on_failure=failed)

    def _idle(self) -> None:
        for action in self.actions_:
            action.setEnabled(True)

    # -- the four actions -------------------------------------------------------------------
    def refresh(self) -> None:
        devices = self.desk.devices
        self._run("Asking the devices…", devices.statuses, self._show_statuses)

    def _show_statuses(self, result: object) -> None:
        assert isinstance(result, list)
        self.show_statuses(result)
        self.outcome.setText("Status read.")

    def show_statuses(self, statuses: list[DeviceInfo]) -> None:
        self.statuses = statuses
        self.model.set_rows(
            [
                (ROLE_NAMES.get(d.role, d.role), d.name, "Ready" if d.ok else d.message)
                for d in statuses
            ]
        )
        if statuses and not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(self.model.index(0, 0))

    def test_print(self) -> None:
        devices = self.desk.devices
        self._run(
            "Printing a test receipt…",
            devices.print_test_receipt,
            lambda _: self.outcome.setText("Test receipt printed."),
        )

    def kick(self) -> None:
        devices, operator = self.desk.devices, self.operator
        self._run("Kicking the drawer…", lambda: devices.test_kick(operator), self._kicked)

    def _kicked(self, result: object) -> None:
        assert isinstance(result, NoSaleResult)
        if result.opened:
            self.outcome.setText("Drawer kicked.")
        else:
            self.outcome.clear()
            self.error.show_message(result.problem)

    def read_check(self) -> None:
        devices = self.desk.devices
        self._run(
            "Insert the check…",
            lambda: devices.read_check(timeout=READ_TIMEOUT_S),
            self._read,
        )

    def _read(self, result: object) -> None:
        if result is None:
            self.outcome.clear()
            self.error.show_message(NO_CHECK)
            return
        assert isinstance(result, ScannedCheck)
        amount = f", amount {result.amount}" if result.amount is not None else ""
        self.outcome.setText(
            f"Check read: routing {result.routing}, account {result.masked_account}, "
            f"number {result.number or '(none)'}{amount}."
        )

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in ENTER_KEYS:  # no default button: the keys are on the buttons
            event.accept()
            return
        super().keyPressEvent(event)


class NoSaleDialog(FormDialog):
    """Ctrl+Shift+N: open the cash drawer without a payment, with a reason (audited)."""

    def __init__(
        self,
        desk: Cashdesk,
        operator: Operator,
        background: Background,
        *,
        on_opened: Callable[[NoSaleResult], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            parent,
            title="No sale",
            heading="Open the cash drawer with no sale",
            confirm_text="Open drawer",
            fields=(FormField("reason", "&Reason", hints=("reason",), max_length=200),),
        )
        self.desk = desk
        self.operator = operator
        self.background = background
        self._on_opened = on_opened

    def confirm(self) -> None:
        self.clear_errors()
        self.set_busy(True)
        devices, operator, reason = self.desk.devices, self.operator, self.inputs["reason"].text()
        self.background.run(
            lambda: devices.no_sale(operator, reason=reason),
            on_success=self._opened,
            on_failure=self._failed,
        )

    def _opened(self, result: NoSaleResult) -> None:
        # Reported even if Escape closed the dialog meanwhile: the drawer did open.
        self._on_opened(result)
        if alive(self):
            self.accept()

    def _failed(self, error: Exception) -> None:
        if not alive(self):
            return
        self.set_busy(False)
        self.show_error(failure_text(error))
        self.inputs["reason"].setFocus()
