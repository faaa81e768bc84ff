"""The check tender dialog (F3) with the MICR reader: "Read check  F7" fills the routing,
account and check numbers from the reader; a doubtful read says so (MicrError's message,
"... Re-scan or key the check.") and fills nothing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout

from cashdesk.app import Cashdesk
from cashdesk.services.devices import ScannedCheck
from cashdesk.ui.operations import Background
from cashdesk.ui.panels import alive
from cashdesk.ui.receipts import failure_text
from cashdesk.ui.tender_dialogs import TenderDialog
from cashdesk.ui.widgets import add_action, key_button, refocus

# How long one press of F7 waits for a check to be inserted.
READ_TIMEOUT_S = 10.0
NO_CHECK = "No check in the reader: insert it and press F7 again, or key the check."


class CheckTenderDialog(TenderDialog):
    def use_reader(self, desk: Cashdesk, background: Background) -> None:
        """Give the dialog its reader; the read runs off the GUI thread."""
        self.desk = desk
        self.background = background
        self.read_action = add_action(
            self, "Read check", ["F7"], self.read_check, context=Qt.ShortcutContext.WindowShortcut
        )
        self.read_button = key_button(self.read_action, "Read check")
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(layout.count() - 1, self.read_button)

    def read_check(self) -> None:
        if not self.read_action.isEnabled():
            return
        self.read_action.setEnabled(False)
        self.read_button.setText("Reading…   F7")
        self.clear_errors()
        devices = self.desk.devices
        self.background.run(
            lambda: devices.read_check(timeout=READ_TIMEOUT_S),
            on_success=self._read,
            on_failure=self._unreadable,
        )

    def _done(self) -> bool:
        """False when the dialog was closed (Escape) while the reader waited."""
        if not alive(self):
            return False
        self.read_action.setEnabled(True)
        self.read_button.setText("Read check   F7")
        return True

    def _read(self, scanned: ScannedCheck | None) -> None:
        if not self._done():
            return
        if scanned is None:
            self.show_error(NO_CHECK)
            return
        self.inputs["routing"].setText(scanned.routing)
        self.inputs["account"].setText(scanned.account)
        self.inputs["number"].setText(scanned.number)
        if scanned.amount is not None:
            self.inputs["amount"].setText(scanned.amount.plain())
        # The serial number is keyed when the check carries none; else the amount is next.
        target = self.inputs["number"] if not scanned.number else self.inputs["amount"]
        refocus(target)
        target.selectAll()

    def _unreadable(self, error: Exception) -> None:
        if not self._done():
            return
        self.show_error(failure_text(error))
