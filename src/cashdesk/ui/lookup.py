"""Find a record as you type (F6): utility accounts, citations, business and animal licenses.

The search runs on its own background worker (``Background``), a short pause after the last
key so a fast typist or a barcode scanner does not queue a search per character; an answer
for text that has changed since is dropped. ↑/↓ move through the results while the cursor
stays in the find field; Enter picks the selected one (or the first, once the answer for
what was typed arrives). A scanned bill stub (``UB/<account>/<bill>``) ends with the
scanner's Enter and goes straight to its account.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QHBoxLayout, QVBoxLayout, QWidget

from cashdesk.app import Cashdesk
from cashdesk.errors import CashdeskError
from cashdesk.services.lookup import LookupResult, parse_bill_stub
from cashdesk.ui import theme
from cashdesk.ui.operations import Background
from cashdesk.ui.receipts import failure_text
from cashdesk.ui.widgets import (
    ENTER_KEYS,
    Column,
    MessageLabel,
    RowsModel,
    button,
    current_row,
    fit_to_screen,
    label,
    line_edit,
    table_view,
)

DEBOUNCE_MS = 60
RESULT_LIMIT = 20
KIND_LABELS = {
    "utility": "Utility",
    "citation": "Citation",
    "business_license": "Business lic.",
    "animal_license": "Animal lic.",
}
Choose = Callable[[LookupResult], None]


class LookupDialog(QDialog):
    """``choose`` acts on the picked record; a CashdeskError it raises is shown here and the
    dialog stays open (a paid citation, say); otherwise the dialog closes."""

    def __init__(self, desk: Cashdesk, *, choose: Choose, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Find a record (F6)")
        self.setAccessibleName("Find a record")
        self.desk = desk
        self._choose = choose
        self.results: list[LookupResult] = []
        self._generation = 0
        self._answered = 0  # the generation the results on screen belong to
        self._pick_when_answered = False
        self.searches = 0  # searches run (for the screen's own tests and the bench)

        self.worker = Background(self, on_failure=self._failed)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self._search)

        self.query = line_edit("Find")
        self.query.setMaxLength(60)
        self.query.setPlaceholderText(
            "account, name, address, citation, plate, license, tag — or scan a bill stub"
        )
        self.query.textChanged.connect(self._typed)
        self.query.installEventFilter(self)
        self.model = RowsModel(
            (
                Column("Kind"),
                Column("Number"),
                Column("Name", stretch=True),
                Column("Address"),
                Column("Status"),
                Column("Due", right=True),
            )
        )
        self.table = table_view(self.model, "Results")
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.activated.connect(lambda _index: self.pick())
        self.table.selectionModel().currentRowChanged.connect(self._show_current)
        self.detail = label(role="hint")
        self.detail.setAccessibleName("Selected record")
        self.detail.setWordWrap(True)
        self.state = label(role="hint")
        self.state.setAccessibleName("Search status")
        self.error = MessageLabel("Find problem", role="problem")
        self.pick_button = button("Pick   Enter", "Pick", primary=True)
        self.pick_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.pick_button.clicked.connect(self.pick)
        self.cancel_button = button("Cancel   Esc", "Cancel")
        self.cancel_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.cancel_button.clicked.connect(self.reject)

        title = label("Find a record")
        title.setFont(theme.font(theme.TOTALS_PT, bold=True))
        row = QHBoxLayout()
        row.addWidget(label("F&ind", buddy=self.query))
        row.addWidget(self.query, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.state, 1)
        buttons.addWidget(self.pick_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addLayout(buttons)
        fit_to_screen(self, 1180, 640)
        self.query.setFocus()

    # -- searching ------------------------------------------------------------------------
    def _typed(self, _text: str) -> None:
        self._generation += 1
        self.error.clear_message()
        self.timer.start()

    def _search(self) -> None:
        query = self.query.text()
        generation = self._generation
        if not query.strip():
            self._show(generation, [])
            return
        lookup, operator = self.desk.lookup, self.desk.terminal.active_operator()
        self.searches += 1
        self.state.setText("Searching…")
        self.worker.run(
            lambda: lookup.search(operator, query, limit=RESULT_LIMIT),
            on_success=lambda found: self._show(generation, found),
            on_failure=lambda err: self._refused(generation, err),
        )

    @property
    def answered(self) -> bool:
        """The results on screen are the answer for what the find field holds now."""
        return self._answered == self._generation and not self.timer.isActive()

    def _show(self, generation: int, found: list[LookupResult]) -> None:
        if generation != self._generation:
            return  # the cashier typed on; a newer search is coming
        self._answered = generation
        self.results = found
        self.model.set_rows(
            [
                (
                    KIND_LABELS.get(r.kind, r.kind),
                    r.key,
                    r.title,
                    r.address,
                    r.status,
                    "" if r.amount_due is None else str(r.amount_due),
                )
                for r in found
            ]
        )
        typed = self.query.text().strip()
        if found:
            self.table.setCurrentIndex(self.model.index(0, 0))
            self.state.setText(
                f"{len(found)} found"
                + (f" (the first {RESULT_LIMIT}; type more)" if len(found) >= RESULT_LIMIT else "")
            )
        else:
            self.detail.clear()
            self.state.setText("Nothing found." if typed else "")
        if self._pick_when_answered:
            self._pick_when_answered = False
            self.pick()

    def _refused(self, generation: int, error: Exception) -> None:
        if generation != self._generation:
            return
        self._answered = generation
        self._pick_when_answered = False
        self.results = []
        self.model.set_rows([])
        self.detail.clear()
        self.state.clear()
        self.error.show_message(failure_text(error))
        self.query.selectAll()

    def _failed(self, error: Exception) -> None:
        self.error.show_message(failure_text(error))

    def _show_current(self) -> None:
        row = current_row(self.table)
        if row is None or row >= len(self.results):
            self.detail.clear()
            return
        r = self.results[row]
        self.detail.setText(f"{r.title}\n{r.subtitle}")

    # -- picking --------------------------------------------------------------------------
    def pick(self) -> None:
        if not self.query.text().strip():
            return
        if not self.answered:
            # Enter came before the answer (a scanner, a fast typist): pick when it arrives.
            self._pick_when_answered = True
            if self.timer.isActive():
                self.timer.stop()
                self._search()
            return
        if not self.results:
            if parse_bill_stub(self.query.text()) is None:
                self.error.show_message(f"Nothing matches {self.query.text().strip()!r}.")
            return
        row = current_row(self.table)
        picked = self.results[row if row is not None and row < len(self.results) else 0]
        try:
            self._choose(picked)
        except CashdeskError as err:
            self.error.show_message(str(err))
            self.query.setFocus()
            self.query.selectAll()
            return
        self.accept()

    def _move(self, step: int) -> None:
        if not self.results:
            return
        row = current_row(self.table)
        row = 0 if row is None else max(0, min(len(self.results) - 1, row + step))
        self.table.setCurrentIndex(self.model.index(row, 0))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.query and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key == Qt.Key.Key_Down:
                self._move(1)
                return True
            if key == Qt.Key.Key_Up:
                self._move(-1)
                return True
            if key == Qt.Key.Key_PageDown:
                self._move(10)
                return True
            if key == Qt.Key.Key_PageUp:
                self._move(-10)
                return True
            if key in ENTER_KEYS:
                self.pick()
                return True
        return super().eventFilter(watched, event)

    def done(self, result: int) -> None:
        self.timer.stop()
        self._generation += 1  # an answer still on its way is dropped
        super().done(result)
