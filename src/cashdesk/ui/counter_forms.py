"""The form the counter's record and license dialogs share: fields of several kinds on the
left, the fee as the service works it out on the right, refreshed on every keystroke.

Keys: Enter moves to the next field and confirms on the last one; Ctrl+Enter confirms from
any field; Escape cancels and changes nothing. A refusal is shown in words: live in the fee
panel while the cashier types, and under the field it concerns when they confirm.

Only typed input is parsed here (dates, periods, numbers, money through ``Money.parse``);
every fee, line and refusal comes from a service.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from cashdesk.domain.lines import ChargeLine
from cashdesk.domain.money import Money, parse_decimal_text
from cashdesk.errors import CashdeskError, ValidationError
from cashdesk.ui import theme
from cashdesk.ui.widgets import (
    ENTER_KEYS,
    RIGHT,
    Column,
    MessageLabel,
    RowsModel,
    button,
    fit_to_screen,
    label,
    line_edit,
    table_view,
)

DATE_PLACEHOLDER = "MM/DD/YYYY"
_DATE_FORMATS = ("%m/%d/%Y", "%Y-%m-%d", "%m-%d-%Y")
_PERIOD = re.compile(r"^(?:(?P<y1>\d{4})-(?P<m1>\d{1,2})|(?P<m2>\d{1,2})/(?P<y2>\d{4}))$")
_CONFIRM_MODIFIERS = (Qt.KeyboardModifier.ControlModifier,)

TEXT, MONEY, NUMBER, DATE, PERIOD, CHOICE, CHECK = (
    "text",
    "money",
    "number",
    "date",
    "period",
    "choice",
    "check",
)


def parse_date(text: str, *, field: str) -> dt.date | None:
    """A date typed by a person (11/26/2026 or 2026-11-26); None when left empty."""
    typed = text.strip()
    if not typed:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(typed, fmt).date()
        except ValueError:
            continue
    raise ValidationError(f"{field} must be a date like 11/26/2026, not {typed!r}.")


def parse_period(text: str, *, field: str) -> tuple[int, int]:
    """A month typed as 2026-10 or 10/2026: (year, month)."""
    match = _PERIOD.match(text.strip())
    if match is None:
        raise ValidationError(f"{field} must be a month like 2026-10, not {text.strip()!r}.")
    year = int(match["y1"] or match["y2"])
    month = int(match["m1"] or match["m2"])
    if not 1 <= month <= 12:
        raise ValidationError(f"{field} must be a month like 2026-10, not {text.strip()!r}.")
    return year, month


def us_date(day: dt.date | None) -> str:
    return "" if day is None else f"{day:%m/%d/%Y}"


@dataclass(frozen=True, slots=True)
class Field:
    key: str
    label: str  # with its "&" mnemonic
    kind: str = TEXT
    # Words of the services' messages that point at this field (as in forms.FormField).
    hints: tuple[str, ...] = ()
    choices: tuple[tuple[str, str], ...] = ()  # (value, what the cashier reads)
    placeholder: str = ""
    max_length: int = 60


@dataclass(frozen=True, slots=True)
class Preview:
    """What the fee panel shows: the lines as the service worked them out."""

    lines: Sequence[ChargeLine]
    total: Money
    notes: Sequence[str] = field(default=())


class CounterForm(QDialog):
    """Subclasses give ``preview()`` (raise a CashdeskError to show a refusal) and
    ``confirm()``; ``fields_shown()`` hides what does not apply to the current choices."""

    def __init__(
        self,
        parent: QWidget | None,
        *,
        title: str,
        heading: str,
        fields: Sequence[Field],
        confirm_text: str = "Add to sale",
        details: str = "",
        panel_title: str = "Fees",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.fields = tuple(fields)
        self.inputs: dict[str, QWidget] = {}
        self._errors: dict[str, MessageLabel] = {}
        self._rows: dict[str, int] = {}
        self._refreshing = False

        self.form = QFormLayout()
        for f in self.fields:
            plain = f.label.replace("&", "")
            widget: QWidget
            if f.kind == CHECK:
                box = QCheckBox(f.label)
                box.setAccessibleName(plain)
                box.toggled.connect(self.refresh)
                widget = box
            elif f.kind == CHOICE:
                combo = QComboBox()
                combo.setAccessibleName(plain)
                combo.setMinimumHeight(theme.MIN_BUTTON_PX - 6)
                for value, text in f.choices:
                    combo.addItem(text, value)
                combo.currentIndexChanged.connect(self.refresh)
                widget = combo
            else:
                edit = line_edit(plain, money=f.kind in (MONEY, NUMBER))
                edit.setMaxLength(f.max_length)
                edit.setPlaceholderText(
                    f.placeholder or (DATE_PLACEHOLDER if f.kind == DATE else "")
                )
                edit.textChanged.connect(self.refresh)
                widget = edit
            error = MessageLabel(f"{plain} problem")
            column = QVBoxLayout()
            column.setSpacing(2)
            column.addWidget(widget)
            column.addWidget(error)
            if f.kind == CHECK:
                self.form.addRow(column)
            else:
                self.form.addRow(label(f.label, buddy=widget), column)
            self.inputs[f.key] = widget
            self._errors[f.key] = error
            self._rows[f.key] = self.form.rowCount() - 1

        self.heading = label(heading)
        self.heading.setFont(theme.font(theme.TOTALS_PT, bold=True))
        self.heading.setWordWrap(True)
        self.details = label(details, role="hint")
        self.details.setAccessibleName("Details")
        self.details.setWordWrap(True)
        self.details.setVisible(bool(details))

        self.lines_model = RowsModel(
            (Column("Code"), Column("Description", stretch=True), Column("Amount", right=True))
        )
        self.lines_view = table_view(self.lines_model, panel_title)
        self.lines_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.lines_view.horizontalHeader().sectionResized.connect(
            lambda *_: self.lines_view.resizeRowsToContents()
        )
        self.total_caption = label("Total")
        self.total_caption.setFont(theme.font(theme.TOTALS_PT, bold=True))
        self.total = label("")
        self.total.setAccessibleName("Total")
        self.total.setFont(theme.font(theme.TOTALS_PT, bold=True))
        self.total.setAlignment(RIGHT)
        self.notes = label(role="hint")
        self.notes.setAccessibleName("Notes")
        self.notes.setWordWrap(True)
        self.refusal = MessageLabel("Why not", role="problem")
        self.general_error = MessageLabel("Problem")

        self.confirm_button = button(f"{confirm_text}   Enter", confirm_text, primary=True)
        self.confirm_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.confirm_button.clicked.connect(self._confirm)
        self.cancel_button = button("Cancel   Esc", "Cancel")
        self.cancel_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.cancel_button.clicked.connect(self.reject)

        left = self.left = QVBoxLayout()
        left.addWidget(self.heading)
        left.addWidget(self.details)
        left.addLayout(self.form)
        left.addStretch(1)
        panel = QFrame()
        panel.setProperty("role", "totals")
        right = QVBoxLayout(panel)
        right.addWidget(label(panel_title), 0)
        right.addWidget(self.lines_view, 1)
        total_row = QHBoxLayout()
        total_row.addWidget(self.total_caption)
        total_row.addWidget(self.total, 1)
        right.addLayout(total_row)
        right.addWidget(self.notes)
        right.addWidget(self.refusal)
        columns = QHBoxLayout()
        columns.addLayout(left, 5)
        columns.addWidget(panel, 6)
        buttons = QHBoxLayout()
        buttons.addWidget(self.general_error, 1)
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(self.cancel_button)
        layout = self.body = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addLayout(buttons)
        fit_to_screen(self, 1180, 680)

    # -- what a subclass provides ---------------------------------------------------------
    def preview(self) -> Preview | None:
        raise NotImplementedError

    def confirm(self) -> None:
        raise NotImplementedError

    def fields_shown(self) -> set[str] | None:
        """The keys of the fields that apply now (None: all of them)."""
        return None

    # -- values ---------------------------------------------------------------------------
    def text(self, key: str) -> str:
        widget = self.inputs[key]
        assert isinstance(widget, QLineEdit)
        return widget.text().strip()

    def set_text(self, key: str, value: str) -> None:
        widget = self.inputs[key]
        assert isinstance(widget, QLineEdit)
        widget.setText(value)

    def choice(self, key: str) -> str:
        widget = self.inputs[key]
        assert isinstance(widget, QComboBox)
        return str(widget.currentData())

    def set_choice(self, key: str, value: str) -> None:
        widget = self.inputs[key]
        assert isinstance(widget, QComboBox)
        index = widget.findData(value)
        if index >= 0:
            widget.setCurrentIndex(index)

    def checked(self, key: str) -> bool:
        widget = self.inputs[key]
        assert isinstance(widget, QCheckBox)
        return widget.isChecked()

    def set_checked(self, key: str, value: bool) -> None:
        widget = self.inputs[key]
        assert isinstance(widget, QCheckBox)
        widget.setChecked(value)

    def _name(self, key: str) -> str:
        return next(f.label.replace("&", "") for f in self.fields if f.key == key)

    def money(self, key: str) -> Money | None:
        typed = self.text(key)
        return Money.parse(typed, field=self._name(key)) if typed else None

    def decimal(self, key: str) -> Decimal | None:
        typed = self.text(key)
        return parse_decimal_text(typed, field=self._name(key)) if typed else None

    def integer(self, key: str) -> int | None:
        typed = self.text(key)
        if not typed:
            return None
        if not typed.isdigit():
            raise ValidationError(f"{self._name(key)} must be a whole number, not {typed!r}.")
        return int(typed)

    def date(self, key: str) -> dt.date | None:
        return parse_date(self.text(key), field=self._name(key))

    # -- the fee panel --------------------------------------------------------------------
    def refresh(self) -> None:
        if self._refreshing:
            return
        self._refreshing = True
        try:
            self._show_applicable()
            try:
                shown = self.preview()
            except CashdeskError as err:
                self.show_preview(None)
                self.refusal.show_message(str(err))
                return
            self.show_preview(shown)
        finally:
            self._refreshing = False

    def show_preview(self, shown: Preview | None) -> None:
        self.refusal.clear_message()
        if shown is None:
            self.lines_model.set_rows([])
            self.total.setText("")
            self.notes.setText("")
            return
        self.lines_model.set_rows(
            [(line.code, line.description, str(line.amount)) for line in shown.lines]
        )
        self.lines_view.resizeRowsToContents()  # long descriptions wrap, never cut
        self.total.setText(str(shown.total))
        self.notes.setText("\n".join(shown.notes))

    def _show_applicable(self) -> None:
        shown = self.fields_shown()
        for f in self.fields:
            visible = shown is None or f.key in shown
            self.form.setRowVisible(self._rows[f.key], visible)

    # -- errors ---------------------------------------------------------------------------
    def clear_errors(self) -> None:
        for error in (*self._errors.values(), self.general_error):
            error.clear_message()

    def show_error(self, message: str) -> None:
        self.clear_errors()
        lowered = message.lower()
        for f in self._navigable():
            if any(hint in lowered for hint in f.hints):
                self._errors[f.key].show_message(message)
                widget = self.inputs[f.key]
                widget.setFocus()
                if isinstance(widget, QLineEdit):
                    widget.selectAll()
                return
        self.general_error.show_message(message)

    def set_busy(self, busy: bool) -> None:
        for widget in (*self.inputs.values(), self.confirm_button, self.cancel_button):
            widget.setEnabled(not busy)

    # -- keys -----------------------------------------------------------------------------
    def _navigable(self) -> list[Field]:
        shown = self.fields_shown()
        return [
            f
            for f in self.fields
            if (shown is None or f.key in shown) and self.inputs[f.key].isEnabled()
        ]

    def focus_first(self) -> None:
        fields = self._navigable()
        if fields:
            widget = self.inputs[fields[0].key]
            widget.setFocus()
            if isinstance(widget, QLineEdit):
                widget.selectAll()

    def _confirm(self) -> None:
        if not self.confirm_button.isEnabled():
            return
        self.clear_errors()
        try:
            self.confirm()
        except CashdeskError as err:
            self.show_error(str(err))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() not in ENTER_KEYS:
            super().keyPressEvent(event)
            return
        event.accept()
        if event.modifiers() in _CONFIRM_MODIFIERS:
            self._confirm()
            return
        fields = self._navigable()
        widgets = [self.inputs[f.key] for f in fields]
        focused = next((i for i, w in enumerate(widgets) if w.hasFocus()), len(widgets) - 1)
        if focused < len(widgets) - 1:
            following = widgets[focused + 1]
            following.setFocus()
            if isinstance(following, QLineEdit):
                following.selectAll()
        else:
            self._confirm()
