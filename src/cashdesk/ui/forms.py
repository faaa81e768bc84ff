"""A small keyboard-driven form dialog, the base of the tender and void dialogs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from cashdesk.ui import theme
from cashdesk.ui.widgets import ENTER_KEYS, MessageLabel, button, label, line_edit


@dataclass(frozen=True, slots=True)
class FormField:
    key: str
    label: str  # with its "&" mnemonic
    # Words of the domain's messages that point at this field: an error mentioning one of
    # them is shown under it (ValidationError does not name its field).
    hints: tuple[str, ...] = ()
    money: bool = False
    max_length: int = 40
    secret: bool = False  # a PIN or password: echoed as dots


def lead_credentials(
    keys: tuple[str, str],
    secret: str,
    *,
    name_hints: tuple[str, ...],
    secret_hints: tuple[str, ...],
    max_length: int,
) -> tuple[FormField, FormField]:
    """The same two lines wherever a lead types their credentials on a cashier's screen:
    "Lead's user name", then "Lead's PIN" or "Lead's password", whichever the service
    checks (an override approval checks the PIN; a lead's own sign-in, the password)."""
    name_key, secret_key = keys
    return (
        FormField(name_key, "Lead's &user name", hints=name_hints),
        FormField(
            secret_key, f"Lead's &{secret}", hints=secret_hints, secret=True, max_length=max_length
        ),
    )


def lead_types(secret: str) -> str:
    """The heading's line that says what the lead types (see ``lead_credentials``)."""
    return f"Lead's user name and {secret}."


class FormDialog(QDialog):
    """Enter moves to the next field and confirms on the last one (or when every field is
    filled); Escape cancels and changes nothing. An error is shown in plain words under the
    field it concerns, and the dialog stays open."""

    def __init__(
        self,
        parent: QWidget | None,
        *,
        title: str,
        heading: str,
        confirm_text: str,
        fields: Sequence[FormField],
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setMinimumWidth(520)
        self.fields = tuple(fields)
        self.inputs: dict[str, QLineEdit] = {}
        self._errors: dict[str, MessageLabel] = {}

        form = QFormLayout()
        for field in self.fields:
            edit = line_edit(field.label.replace("&", ""), money=field.money, password=field.secret)
            edit.setMaxLength(field.max_length)
            error = MessageLabel(f"{field.label.replace('&', '')} problem")
            column = QVBoxLayout()
            column.setSpacing(2)
            column.addWidget(edit)
            column.addWidget(error)
            form.addRow(label(field.label, buddy=edit), column)
            self.inputs[field.key] = edit
            self._errors[field.key] = error
        self.general_error = MessageLabel("Problem")

        self.confirm_button = button(f"{confirm_text}   Enter", confirm_text, primary=True)
        self.confirm_button.setDefault(True)
        self.confirm_button.clicked.connect(self.confirm)
        self.cancel_button = button("Cancel   Esc", "Cancel")
        self.cancel_button.clicked.connect(self.reject)
        buttons = QDialogButtonBox()
        buttons.addButton(self.confirm_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)

        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        title_label = label(heading)
        title_label.setFont(theme.font(theme.TOTALS_PT, bold=True))
        layout.addWidget(title_label)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)
        self.inputs[self.fields[0].key].setFocus()

    # -- what a subclass provides ---------------------------------------------------------
    def confirm(self) -> None:
        raise NotImplementedError

    # -- helpers for subclasses -----------------------------------------------------------
    def values(self) -> dict[str, str]:
        return {key: edit.text() for key, edit in self.inputs.items()}

    def clear_errors(self) -> None:
        for error in (*self._errors.values(), self.general_error):
            error.clear_message()
        self.adjustSize()

    def show_error(self, message: str) -> None:
        self.clear_errors()
        lowered = message.lower()
        for field in self.fields:
            if any(hint in lowered for hint in field.hints):
                self._errors[field.key].show_message(message)
                self.adjustSize()
                edit = self.inputs[field.key]
                edit.setFocus()
                edit.selectAll()
                return
        self.general_error.show_message(message)
        self.adjustSize()

    def set_busy(self, busy: bool) -> None:
        for widget in (*self.inputs.values(), self.confirm_button, self.cancel_button):
            widget.setEnabled(not busy)

    # -- keys -----------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() not in ENTER_KEYS:
            super().keyPressEvent(event)
            return
        event.accept()
        if not self.confirm_button.isEnabled():
            return
        edits = list(self.inputs.values())
        focused = next((i for i, e in enumerate(edits) if e.hasFocus()), len(edits) - 1)
        if focused < len(edits) - 1 and not all(e.text().strip() for e in edits):
            edits[focused + 1].setFocus()
            edits[focused + 1].selectAll()
        else:
            self.confirm()
