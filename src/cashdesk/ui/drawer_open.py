"""Opening the drawer: the starting bank counted by denomination on the grid.

The grid is filled with the standard $200.00 bank; the cashier who finds it in the drawer
confirms with Enter, or corrects the counts first. The service checks the count against the
policy's bank and refuses a different total in words shown under the grid.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QVBoxLayout, QWidget

from cashdesk.app import Cashdesk
from cashdesk.domain.roles import Operator
from cashdesk.errors import CashdeskError
from cashdesk.services.drawers import DrawerInfo
from cashdesk.ui.cash_count import STANDARD_BANK, DenominationGrid
from cashdesk.ui.operations import Background
from cashdesk.ui.receipts import failure_text
from cashdesk.ui.widgets import ENTER_KEYS, MessageLabel, add_action, button, label, refocus


class OpenDrawerGridPage(QWidget):
    """Enter opens the drawer on the counted bank; Alt+C goes to the count; Alt+S shares
    the drawer with the relief cashiers."""

    drawer_opened = Signal(object)  # DrawerInfo

    def __init__(self, desk: Cashdesk, background: Background) -> None:
        super().__init__()
        self.background = background
        self.desk = desk
        self.operator: Operator | None = None
        self.greeting = label(role="title")
        self.greeting.setWordWrap(True)
        self.note = label(role="hint")
        self.note.setWordWrap(True)
        self.note.setAccessibleName("Drawer note")
        self.grid = DenominationGrid("Starting bank")
        self.shared = QCheckBox("&Shared drawer: relief cashiers take receipts on it too")
        self.shared.setAccessibleName("Shared drawer")
        self.error = MessageLabel("Drawer problem")
        self.open_button = button("Open drawer   Enter", "Open drawer", primary=True)
        self.open_button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.open_button.clicked.connect(self.open_drawer)
        self.grid.finished.connect(self._to_open_button)
        window = Qt.ShortcutContext.WindowShortcut
        add_action(self, "Open drawer", ["F12", "Ctrl+Return"], self.open_drawer, context=window)
        add_action(self, "Count", ["Alt+C"], self.grid.focus_first, context=window)

        bottom = QHBoxLayout()
        bottom.addWidget(self.shared, 1)
        bottom.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.greeting)
        layout.addWidget(self.note)
        layout.addWidget(self.grid)
        layout.addWidget(self.error)
        layout.addLayout(bottom)
        layout.addStretch(1)

    def start(self, operator: Operator, current: DrawerInfo | None) -> None:
        self.operator = operator
        self.greeting.setText(f"Open the drawer, {operator.full_name}")
        bank = self.desk.ctx.config.drawer.starting_bank
        standard = STANDARD_BANK.total == bank
        self.grid.set_count(STANDARD_BANK if standard else STANDARD_BANK.empty())
        self.shared.setChecked(False)
        self.error.clear_message()
        if current is not None:
            self.note.setText(
                f"Drawer {current.drawer} is open for {current.cashier_name}; it is counted "
                "(or handed over) before it opens again. End of day: F11. Sign out: Ctrl+L."
            )
        elif standard:
            self.note.setText(
                f"The standard {bank} bank is filled in. Enter opens the drawer with it; to "
                "correct a count, Alt+C goes to the grid (Enter moves down, F12 opens)."
            )
        else:
            self.note.setText(
                f"Count the {bank} starting bank by denomination (Enter moves down), then F12."
            )
        self.focus_entry()

    def _to_open_button(self) -> None:
        refocus(self.open_button)

    def focus_entry(self) -> None:
        if not self.isVisible():
            return
        if self.grid.total.text() == "$0.00":
            self.grid.focus_first()
        else:
            refocus(self.open_button)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter that no field took (the Open button has the focus): open the drawer.
        if event.key() in ENTER_KEYS:
            event.accept()
            self.open_drawer()
            return
        super().keyPressEvent(event)

    def open_drawer(self) -> None:
        """Open the drawer on the background helper (no query on the GUI thread)."""
        operator = self.operator
        if operator is None or self.background.busy:
            return
        try:
            count = self.grid.count()
        except CashdeskError as err:
            self._refused(err)
            return
        drawers, shared = self.desk.drawers, self.shared.isChecked()
        self.background.run(
            lambda: drawers.open_drawer(operator, count=count, shared=shared),
            on_success=self._opened,
            on_failure=self._refused,
        )

    def _opened(self, info: DrawerInfo) -> None:
        if self.operator is not None:
            self.drawer_opened.emit(info)

    def _refused(self, error: Exception) -> None:
        self.error.show_message(failure_text(error))
        self.grid.focus_first()
