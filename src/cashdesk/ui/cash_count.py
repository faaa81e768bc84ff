"""Counting a drawer with the keyboard: the denomination grid, the checks and money orders
listed one by one, and the card terminal's batch total.

Every amount shown comes from the domain (``CountLine.amount``, ``CashCount.total``,
``ListedItem``); the widgets only parse what was typed and show the domain's refusals.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QKeyEvent, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from cashdesk.domain.drawer import (
    DENOMINATION,
    DENOMINATIONS,
    CashCount,
    CountLine,
    Denomination,
    DenominationKind,
    DrawerCount,
    ListedItem,
)
from cashdesk.domain.money import Money
from cashdesk.domain.tender import TenderKind
from cashdesk.errors import ValidationError
from cashdesk.ui import theme
from cashdesk.ui.widgets import (
    ENTER_KEYS,
    RIGHT,
    Column,
    MessageLabel,
    RowsModel,
    add_action,
    current_row,
    label,
    table_view,
)

# The standard starting bank the open-drawer grid is filled with (the policy's $200.00): the
# cashier confirms it with Enter when the drawer holds it, or corrects the counts. Used only
# when its total is the configured bank; the service checks the count against the bank.
STANDARD_BANK = CashCount.of(
    {
        "B20": 2,
        "B10": 4,
        "B5": 8,
        "B1": 40,
        "C25": 12,
        "C10": 10,
        "C5": 10,
        "C1": 50,
        "R25": 2,
        "R10": 2,
        "R5": 2,
        "R1": 2,
    }
)
GROUPS = (
    (DenominationKind.BILL, "Bills"),
    (DenominationKind.COIN, "Coins"),
    (DenominationKind.ROLL, "Rolled coin (rolls)"),
)
_PLAIN = (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)


def denomination_caption(d: Denomination) -> str:
    """A short caption for the grid: a roll is listed under "Rolled coin" with its value."""
    if d.kind is DenominationKind.ROLL:
        return d.label.removeprefix("Rolls of ").capitalize()
    return d.label


class _StepEdit(QLineEdit):
    """A field in a column of fields: Enter and Down go to the next one, Up to the one
    before (Tab and Shift+Tab too, through the tab order)."""

    next_requested = Signal()
    previous_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.modifiers() in _PLAIN and event.key() in (*ENTER_KEYS, Qt.Key.Key_Down):
            event.accept()
            self.next_requested.emit()
            return
        if event.modifiers() in _PLAIN and event.key() == Qt.Key.Key_Up:
            event.accept()
            self.previous_requested.emit()
            return
        super().keyPressEvent(event)


def step_edit(accessible_name: str, *, money: bool = False) -> _StepEdit:
    edit = _StepEdit()
    edit.setAccessibleName(accessible_name)
    if money:
        edit.setAlignment(RIGHT)
        edit.setMaxLength(16)
    return edit


def _focus(edit: QLineEdit) -> None:
    edit.setFocus(Qt.FocusReason.TabFocusReason)
    edit.selectAll()


class DenominationGrid(QFrame):
    """Bills, coins and rolls side by side; a count per denomination typed with the keyboard,
    each line's amount and the running total right-aligned. ``finished`` is Enter on the
    last field."""

    changed = Signal()
    finished = Signal()

    def __init__(self, title: str = "Cash") -> None:
        super().__init__()
        self.setProperty("role", "totals")
        self.setAccessibleName(f"{title} count")
        self.edits: dict[str, _StepEdit] = {}
        self.amounts: dict[str, QLabel] = {}
        digits = QRegularExpressionValidator(QRegularExpression(r"\d{0,6}"), self)

        columns = QHBoxLayout()
        for kind, heading in GROUPS:
            grid = QGridLayout()
            grid.setHorizontalSpacing(8)
            grid.setVerticalSpacing(4)
            head = label(heading)
            head.setFont(theme.font(theme.BASE_PT, bold=True))
            grid.addWidget(head, 0, 0, 1, 3)
            for row, d in enumerate((d for d in DENOMINATIONS if d.kind is kind), start=1):
                edit = step_edit(f"{d.label} count")
                edit.setValidator(digits)
                edit.setAlignment(RIGHT)
                edit.setFixedWidth(84)
                edit.textChanged.connect(self._recount)
                amount = label("", role="amount")
                amount.setAccessibleName(f"{d.label} amount")
                amount.setAlignment(RIGHT)
                amount.setMinimumWidth(104)
                caption = label(denomination_caption(d), buddy=edit)
                caption.setAccessibleName(d.label)
                grid.addWidget(caption, row, 0)
                grid.addWidget(edit, row, 1)
                grid.addWidget(amount, row, 2)
                self.edits[d.code] = edit
                self.amounts[d.code] = amount
            grid.setRowStretch(8, 1)
            grid.setColumnStretch(0, 1)
            columns.addLayout(grid, 1)
            columns.addSpacing(12)

        ordered = [self.edits[d.code] for d in DENOMINATIONS]
        for i, edit in enumerate(ordered):
            edit.next_requested.connect(self._step(i + 1))
            edit.previous_requested.connect(self._step(i - 1))

        self.total_caption = label(f"{title} counted")
        self.total_caption.setFont(theme.font(theme.TOTALS_PT, bold=True))
        self.total = label("$0.00")
        self.total.setAccessibleName(f"{title} total")
        self.total.setFont(theme.font(theme.TOTALS_PT, bold=True))
        self.total.setAlignment(RIGHT)
        self.error = MessageLabel(f"{title} count problem")
        footer = QHBoxLayout()
        footer.addWidget(self.error, 1)
        footer.addWidget(self.total_caption)
        footer.addWidget(self.total)

        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addLayout(footer)
        for first, second in itertools.pairwise(ordered):
            QWidget.setTabOrder(first, second)

    # -- keys -------------------------------------------------------------------------------
    def _step(self, index: int) -> object:
        ordered = [self.edits[d.code] for d in DENOMINATIONS]

        def go() -> None:
            if index >= len(ordered):
                self.finished.emit()
            elif index >= 0:
                _focus(ordered[index])

        return go

    def focus_first(self) -> None:
        _focus(self.edits[DENOMINATIONS[0].code])

    def first_edit(self) -> QLineEdit:
        return self.edits[DENOMINATIONS[0].code]

    def last_edit(self) -> QLineEdit:
        return self.edits[DENOMINATIONS[-1].code]

    # -- the count ----------------------------------------------------------------------------
    def set_count(self, count: CashCount) -> None:
        for code, edit in self.edits.items():
            n = count.count(code)
            edit.setText(str(n) if n else "")
        self._recount()

    def clear(self) -> None:
        self.set_count(CashCount.empty())

    def _pieces(self) -> dict[str, int]:
        return {code: int(edit.text() or "0") for code, edit in self.edits.items()}

    def count(self) -> CashCount:
        """The typed count (ValidationError, shown under the grid, for an implausible one)."""
        try:
            result = CashCount.of(self._pieces())
        except ValidationError as err:
            self.error.show_message(str(err))
            raise
        self.error.clear_message()
        return result

    def show_error(self, message: str) -> None:
        self.error.show_message(message)

    def _recount(self) -> None:
        pieces = self._pieces()
        for code, n in pieces.items():
            amount = CountLine(DENOMINATION[code], n).amount
            self.amounts[code].setText(str(amount) if n else "")
        try:
            self.total.setText(str(CashCount.of(pieces).total))
            self.error.clear_message()
        except ValidationError as err:
            self.total.setText("—")
            self.error.show_message(str(err))
        self.changed.emit()


class ItemsEntry(QFrame):
    """The checks and money orders in the drawer, typed one by one (kind, number, amount;
    Enter adds it), then the card terminal's batch total. ``finished`` is Enter on the
    batch total."""

    finished = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setProperty("role", "totals")
        self.setAccessibleName("Checks, money orders and card batch")
        self.items: list[ListedItem] = []
        self.kind = QComboBox()
        self.kind.setAccessibleName("Item kind")
        for kind in (TenderKind.CHECK, TenderKind.MONEY_ORDER):
            self.kind.addItem(kind.label, kind)
        self.kind.setMinimumHeight(36)
        self.number = step_edit("Item number")
        self.number.setMaxLength(20)
        self.amount = step_edit("Item amount", money=True)
        self.model = RowsModel(
            (Column("Kind"), Column("Number", stretch=True), Column("Amount", right=True))
        )
        self.view = table_view(self.model, "Listed checks and money orders")
        self.view.setMinimumHeight(120)
        add_action(
            self.view,
            "Remove item",
            ["Del"],
            self._remove,
            context=Qt.ShortcutContext.WidgetShortcut,
        )
        self.items_total = label("checks $0.00, money orders $0.00")
        self.items_total.setAccessibleName("Checks and money orders total")
        self.items_total.setAlignment(RIGHT)
        self.card_batch = step_edit("Card batch total", money=True)
        self.error = MessageLabel("Checks and card problem")

        self.number.next_requested.connect(self._after_number)
        self.amount.next_requested.connect(self._add)
        self.amount.previous_requested.connect(self.focus_first)
        self.card_batch.next_requested.connect(self.finished.emit)
        self.card_batch.previous_requested.connect(self.focus_first)

        entry = QGridLayout()
        entry.addWidget(label("&Kind", buddy=self.kind), 0, 0)
        entry.addWidget(label("&Number", buddy=self.number), 0, 1)
        entry.addWidget(label("A&mount", buddy=self.amount), 0, 2)
        entry.addWidget(self.kind, 1, 0)
        entry.addWidget(self.number, 1, 1)
        entry.addWidget(self.amount, 1, 2)
        entry.setColumnStretch(1, 1)
        totals = QGridLayout()
        totals.addWidget(label("Checks and money orders listed"), 0, 0)
        totals.addWidget(self.items_total, 0, 1)
        totals.addWidget(label("Card terminal &batch total", buddy=self.card_batch), 1, 0)
        totals.addWidget(self.card_batch, 1, 1)
        totals.setColumnStretch(0, 1)
        heading = label("Checks and money orders (Enter adds one; Enter on an empty number: next)")
        heading.setWordWrap(True)
        heading.setFont(theme.font(theme.BASE_PT, bold=True))
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(entry)
        layout.addWidget(self.view, 1)
        layout.addLayout(totals)
        layout.addWidget(self.error)
        for first, second in itertools.pairwise(
            (self.kind, self.number, self.amount, self.view, self.card_batch)
        ):
            QWidget.setTabOrder(first, second)

    def focus_first(self) -> None:
        _focus(self.number)

    def clear(self) -> None:
        self.items = []
        self.number.clear()
        self.amount.clear()
        self.card_batch.clear()
        self.error.clear_message()
        self._refresh()

    def _after_number(self) -> None:
        if self.number.text().strip() or self.amount.text().strip():
            _focus(self.amount)
        else:
            _focus(self.card_batch)

    def _add(self) -> None:
        kind = TenderKind(self.kind.currentData())
        if not self.amount.text().strip() and not self.number.text().strip():
            _focus(self.card_batch)
            return
        try:
            item = ListedItem(
                kind=kind,
                amount=Money.parse(self.amount.text(), field=f"{kind.label} amount"),
                number=self.number.text(),
            )
        except ValidationError as err:
            self.error.show_message(str(err))
            _focus(self.amount if "amount" in str(err) else self.number)
            return
        self.items.append(item)
        self.number.clear()
        self.amount.clear()
        self.error.clear_message()
        self._refresh()
        _focus(self.number)

    def _remove(self) -> None:
        row = current_row(self.view)
        if row is not None:
            del self.items[row]
            self._refresh()

    def _refresh(self) -> None:
        self.model.set_rows(
            [(i.kind.label, i.number or "(no number)", str(i.amount)) for i in self.items]
        )
        # The list's own sum comes from the domain's count of it (no sums in the widget).
        listed = DrawerCount(cash=CashCount.empty(), items=tuple(self.items))
        self.items_total.setText(
            f"checks {listed.counted(TenderKind.CHECK)}, "
            f"money orders {listed.counted(TenderKind.MONEY_ORDER)}"
        )

    def batch_total(self) -> Money:
        text = self.card_batch.text().strip()
        try:
            return Money.parse(text, field="Card batch total") if text else Money.zero()
        except ValidationError as err:
            self.error.show_message(str(err))
            _focus(self.card_batch)
            raise


def drawer_count(grid: DenominationGrid, items: ItemsEntry) -> DrawerCount:
    """The whole count as the domain takes it (ValidationError shown where it belongs)."""
    return DrawerCount(cash=grid.count(), items=tuple(items.items), card_batch=items.batch_total())
