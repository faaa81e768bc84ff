"""Pick a revenue code from the list (F1 on the payment page): type any part of the code or
its description, ↑/↓ move through what matches while the cursor stays in the field, Enter
accepts the selected code (the page puts it into the line entry), Esc goes back with nothing
changed.

The list is the catalog the payment page has already read (on its helper); filtering is the
domain's ``Catalog.find``, in memory, so it follows every key without a worker.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QHBoxLayout, QVBoxLayout, QWidget

from cashdesk.domain.catalog import Catalog, RevenueCode
from cashdesk.ui import theme
from cashdesk.ui.widgets import (
    ENTER_KEYS,
    Column,
    RowsModel,
    button,
    current_row,
    fit_to_screen,
    label,
    line_edit,
    table_view,
)


class CodePickerDialog(QDialog):
    def __init__(
        self,
        catalog: Catalog,
        *,
        text: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Pick a revenue code (F1)")
        self.setAccessibleName("Pick a revenue code")
        self.catalog = catalog
        self.chosen: RevenueCode | None = None  # once accepted
        self.codes: list[RevenueCode] = []

        self.query = line_edit("Code or description")
        self.query.setMaxLength(60)
        self.query.setPlaceholderText("any part of the code or of its description")
        self.query.textChanged.connect(self._filter)
        self.query.installEventFilter(self)
        self.model = RowsModel(
            (Column("Code"), Column("Description", stretch=True), Column("Price", right=True))
        )
        self.table = table_view(self.model, "Revenue codes")
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.activated.connect(lambda _index: self.pick())
        self.state = label(role="hint")
        self.state.setAccessibleName("Codes found")
        pick = button("Use code   Enter", "Use code", primary=True)
        pick.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        pick.clicked.connect(self.pick)
        cancel = button("Cancel   Esc", "Cancel")
        cancel.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        cancel.clicked.connect(self.reject)

        title = label("Pick a revenue code")
        title.setFont(theme.font(theme.TOTALS_PT, bold=True))
        row = QHBoxLayout()
        row.addWidget(label("F&ind", buddy=self.query))
        row.addWidget(self.query, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.state, 1)
        buttons.addWidget(pick)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        fit_to_screen(self, 900, 600)
        self.query.setText(text)
        self._filter()
        self.query.setFocus()

    def _filter(self) -> None:
        self.codes = self.catalog.find(self.query.text())
        self.model.set_rows(
            [
                (c.code, c.description, str(c.price) if c.price else c.pricing_text)
                for c in self.codes
            ]
        )
        if self.codes:
            self.table.setCurrentIndex(self.model.index(0, 0))
            self.state.setText(f"{len(self.codes)} codes")
        else:
            self.state.setText("No code matches what is typed.")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # ↑/↓/PgUp/PgDn move the selection while the cursor stays in the find field.
        if watched is self.query and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            step = {
                Qt.Key.Key_Up: -1,
                Qt.Key.Key_Down: 1,
                Qt.Key.Key_PageUp: -10,
                Qt.Key.Key_PageDown: 10,
            }.get(Qt.Key(event.key()))
            if step is not None and self.codes:
                row = current_row(self.table) or 0
                row = max(0, min(len(self.codes) - 1, row + step))
                self.table.setCurrentIndex(self.model.index(row, 0))
                return True
            if event.key() in ENTER_KEYS:
                self.pick()
                return True
        return super().eventFilter(watched, event)

    def pick(self) -> None:
        row = current_row(self.table)
        if row is None or row >= len(self.codes):
            return
        self.chosen = self.codes[row]
        self.accept()
