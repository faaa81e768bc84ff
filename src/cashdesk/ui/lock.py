"""The shared terminal on screen: the lock page and the activity watcher.

``desk.terminal`` (services/session.py) decides who is at the keyboard. The window reports
every key and mouse event to it (``ActivityFilter``) and asks it on a timer whether the idle
time has run out; a locked terminal shows the ``LockPage``. The sale in progress stays with
the terminal behind it: the same cashier's PIN brings it back as it was, and another
cashier's password parks it for its owner and starts their own session.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QFormLayout

from cashdesk.app import Cashdesk
from cashdesk.domain.roles import Operator
from cashdesk.errors import ValidationError
from cashdesk.services.auth import check_pin
from cashdesk.services.session import ParkedSaleInfo, SignInResult, TerminalSession
from cashdesk.ui.operations import Background
from cashdesk.ui.receipts import failure_text
from cashdesk.ui.sign_in import _Page
from cashdesk.ui.widgets import MessageLabel, button, label, line_edit, refocus

ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


class ActivityFilter(QObject):
    """Installed on the application: every key or mouse event restarts the idle wait."""

    def __init__(self, terminal: TerminalSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.terminal = terminal

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in ACTIVITY:
            self.terminal.touch()
        return False


def _is_pin(secret: str) -> bool:
    try:
        check_pin(secret)
    except ValidationError:
        return False
    return True


def parked_text(parked: list[ParkedSaleInfo]) -> str:
    return "\n".join(
        f"Kept for {p.full_name}: {p.lines} line{'s' if p.lines != 1 else ''}, {p.total}"
        for p in parked
    )


class LockPage(_Page):
    """The locked cashier types their PIN (their user name is filled in); anyone else types
    their own user name and password, which parks the locked cashier's sale."""

    unlocked = Signal(object)  # Operator: the same cashier is back
    switched = Signal(object)  # SignInResult: another cashier (or the same, by password)

    def __init__(self, desk: Cashdesk, background: Background) -> None:
        super().__init__()
        self.desk = desk
        self.background = background
        self.locked_for: Operator | None = None
        self.title = label("Locked", role="title")
        self.title.setAccessibleName("Lock screen")
        self.note = label(role="hint")
        self.note.setAccessibleName("Lock note")
        self.note.setWordWrap(True)
        self.parked = label(role="hint")
        self.parked.setAccessibleName("Sales kept")
        self.parked.setWordWrap(True)
        self.username = line_edit("User name")
        self.secret = line_edit("PIN or password", password=True)
        self.secret.setMaxLength(128)
        self.error = MessageLabel("Unlock problem")
        self.unlock_button = button("Unlock   Enter", "Unlock", primary=True)
        self.unlock_button.clicked.connect(self.unlock)
        self.username.returnPressed.connect(self._next)
        self.secret.returnPressed.connect(self.unlock)
        form = QFormLayout()
        form.addRow(label("&User name", buddy=self.username), self.username)
        form.addRow(label("P&IN or password", buddy=self.secret), self.secret)
        self._place(self.title, self.note, form, self.error, self.unlock_button, self.parked)

    def start(self, operator: Operator) -> None:
        self.locked_for = operator
        self.title.setText(f"Locked — {operator.full_name}")
        self.note.setText(
            f"{operator.full_name}: type your PIN and press Enter; your sale is as you left "
            "it. Another cashier: type your own user name and password (the sale in progress "
            f"is kept for {operator.full_name})."
        )
        self.username.setText(operator.username)
        self.secret.clear()
        self.error.clear_message()
        self.unlock_button.setEnabled(True)
        self.show_parked()
        if self.isVisible():
            refocus(self.secret)

    def show_parked(self) -> None:
        self.parked.setText(parked_text(self.desk.terminal.parked_sales()))

    def focus(self) -> None:
        refocus(self.secret if self.username.text() else self.username)

    def _next(self) -> None:
        if self.secret.text():
            self.unlock()
        else:
            refocus(self.secret)

    def unlock(self) -> None:
        locked = self.locked_for
        if locked is None or not self.unlock_button.isEnabled():
            return
        username, secret = self.username.text().strip(), self.secret.text()
        terminal = self.desk.terminal
        self.unlock_button.setEnabled(False)
        self.error.clear_message()
        # A PIN is 4-8 digits and a password at least 10 characters, so what was typed says
        # which it is; only the locked cashier has a PIN way back.
        if username.lower() == locked.username and _is_pin(secret):
            self.background.run(
                lambda: terminal.unlock_with_pin(username, secret),
                on_success=self._unlocked,
                on_failure=self._refused,
            )
        else:
            self.background.run(
                lambda: terminal.switch_user(username, secret),
                on_success=self._switched,
                on_failure=self._refused,
            )

    def _unlocked(self, operator: Operator) -> None:
        self.unlock_button.setEnabled(True)
        self.secret.clear()
        self.unlocked.emit(operator)

    def _switched(self, result: SignInResult) -> None:
        self.unlock_button.setEnabled(True)
        self.secret.clear()
        self.switched.emit(result)

    def _refused(self, error: Exception) -> None:
        self.unlock_button.setEnabled(True)
        self.error.show_message(failure_text(error))
        self.secret.clear()
        self.show_parked()
        refocus(self.secret)
