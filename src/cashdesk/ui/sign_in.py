"""Signing in: the page before the drawer and payment pages."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QLayout, QVBoxLayout, QWidget

from cashdesk.app import DEMO_PASSWORD, DEMO_USERS, Cashdesk
from cashdesk.domain.roles import Operator
from cashdesk.ui.operations import Background
from cashdesk.ui.receipts import failure_text
from cashdesk.ui.widgets import MessageLabel, button, label, line_edit, refocus


def demo_hint() -> str:
    users = ", ".join(f"{username} ({role.label.lower()})" for username, _, role, _ in DEMO_USERS)
    return f"Demo store. Password for everyone: {DEMO_PASSWORD}\nUsers: {users}"


class _Page(QWidget):
    """A narrow centred column: title, form, messages, button."""

    def _place(self, *items: QWidget | QLayout) -> None:
        column = QVBoxLayout()
        column.addStretch(1)
        for item in items:
            if isinstance(item, QLayout):
                column.addLayout(item)
            else:
                column.addWidget(item)
        column.addStretch(2)
        box = QWidget()
        box.setMinimumWidth(560)
        box.setMaximumWidth(720)
        box.setLayout(column)
        QVBoxLayout(self).addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)


class SignInPage(_Page):
    signed_in = Signal(object)  # Operator

    def __init__(self, desk: Cashdesk, background: Background, *, demo: bool) -> None:
        super().__init__()
        self.desk = desk
        self.background = background
        config = desk.ctx.config
        self.username = line_edit("User name")
        self.password = line_edit("Password", password=True)
        self.error = MessageLabel("Sign-in problem")
        # What the last sign-out left to know (a parked sale, records not yet sent).
        self.notice = MessageLabel("Notice", role="problem")
        self.sign_in_button = button("Sign in   Enter", "Sign in", primary=True)
        self.sign_in_button.clicked.connect(self.sign_in)
        self.hint = label(demo_hint() if demo else "", role="hint")
        self.hint.setAccessibleName("Demo users")
        self.hint.setWordWrap(True)
        self.hint.setVisible(demo)
        self.username.returnPressed.connect(self._next)
        self.password.returnPressed.connect(self.sign_in)

        form = QFormLayout()
        form.addRow(label("&User name", buddy=self.username), self.username)
        form.addRow(label("&Password", buddy=self.password), self.password)
        title = label(config.city_name, role="title")
        subtitle = label(f"{config.workstation_name} — sign in", role="hint")
        self._place(title, subtitle, form, self.error, self.sign_in_button, self.notice, self.hint)

    def start(self) -> None:
        self.password.clear()
        self.error.clear_message()
        self.sign_in_button.setEnabled(True)
        target = self.password if self.username.text() else self.username
        if self.isVisible():
            refocus(target)

    def _next(self) -> None:
        if self.password.text():
            self.sign_in()
        else:
            self.password.setFocus()

    def sign_in(self) -> None:
        if not self.sign_in_button.isEnabled():
            return
        username, password = self.username.text(), self.password.text()
        terminal = self.desk.terminal
        self.sign_in_button.setEnabled(False)
        self.error.clear_message()
        self.background.run(
            lambda: terminal.sign_in(username, password).operator,
            on_success=self._signed_in,
            on_failure=self._refused,
        )

    def _signed_in(self, operator: Operator) -> None:
        self.sign_in_button.setEnabled(True)
        self.notice.clear_message()
        self.username.clear()
        self.password.clear()
        self.signed_in.emit(operator)

    def _refused(self, error: Exception) -> None:
        self.sign_in_button.setEnabled(True)
        self.error.show_message(failure_text(error))
        self.password.clear()
        refocus(self.password)
