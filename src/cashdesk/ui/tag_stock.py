"""Administration, Tag stock (Alt+4): the animal tag ranges delivered to this counter with
what is left of each, and a small keyboard form that loads a new range. The licenses service
checks the permission (lead and administrator) and refuses overlapping ranges and tags
already issued; its refusal is shown under the form and nothing changes."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from cashdesk.app import Cashdesk
from cashdesk.domain.roles import Operator, Permission, refusal
from cashdesk.errors import ValidationError
from cashdesk.services.licenses import TagRange
from cashdesk.ui.operations import Background
from cashdesk.ui.panels import alive
from cashdesk.ui.receipts import failure_text
from cashdesk.ui.widgets import (
    Column,
    MessageLabel,
    RowsModel,
    add_action,
    key_button,
    label,
    line_edit,
    offer,
    refocus,
    table_view,
)


def parse_tag_number(text: str, prefix: str, field: str) -> int:
    """A tag number as typed: digits, or the whole tag with its prefix ("T30000")."""
    typed = text.strip().upper()
    letters = prefix.strip().upper()
    if letters and typed.startswith(letters):
        typed = typed[len(letters) :]
    if not typed.isdigit():
        raise ValidationError(f"{field}: type the tag's number, like 30000.")
    return int(typed)


class TagStockTab(QWidget):
    def __init__(self, desk: Cashdesk, operator: Operator, background: Background) -> None:
        super().__init__()
        self.setAccessibleName("Tag stock")
        self.desk = desk
        self.operator = operator
        self.background = background
        self.ranges: list[TagRange] = []
        self.model = RowsModel(
            (
                Column("Range", stretch=True),
                Column("First", right=True),
                Column("Last", right=True),
                Column("Next tag"),
                Column("Remaining", right=True),
            )
        )
        self.table = table_view(self.model, "Tag ranges")
        self.summary = label(role="hint")
        self.summary.setAccessibleName("Tags left")
        self.prefix = line_edit("Tag prefix")
        self.prefix.setMaxLength(4)
        self.first = line_edit("First number")
        self.last = line_edit("Last number")
        for edit in (self.first, self.last):
            edit.setMaxLength(12)
        self.prefix.returnPressed.connect(lambda: self._step_to(self.first))
        self.first.returnPressed.connect(lambda: self._step_to(self.last))
        self.last.returnPressed.connect(self.load_range)
        form = QFormLayout()
        form.addRow(label("Tag &prefix (up to 4 letters)", buddy=self.prefix), self.prefix)
        form.addRow(label("First &number", buddy=self.first), self.first)
        form.addRow(label("&Last number", buddy=self.last), self.last)
        self.outcome = label(role="hint")
        self.outcome.setAccessibleName("Outcome")
        self.outcome.setWordWrap(True)
        self.error = MessageLabel("Tag stock problem")
        self.load_action = add_action(self, "Load range", ["Ctrl+N"], self.load_range)
        self.refresh_action = add_action(self, "Refresh", ["F5"], self.load)
        row = QHBoxLayout()
        row.addWidget(key_button(self.load_action, "Load the tag range", primary=True))
        row.addWidget(key_button(self.refresh_action, "Refresh the tag stock"))
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(label("Tag s&tock", buddy=self.table))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(label("Load a new range (Enter goes to the next field)", role="hint"))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.outcome)
        layout.addLayout(row)

        # Who may not load a range still sees the stock; the form is not offered, and why.
        self.refusal = refusal(operator, Permission.MANAGE_TAG_STOCK)
        if self.refusal:
            for edit in (self.prefix, self.first, self.last):
                edit.setEnabled(False)
            offer(self.load_action, self.refusal)
            self.outcome.setText(self.refusal)

    # -- the stock ----------------------------------------------------------------------------
    def load(self) -> None:
        licenses = self.desk.licenses

        def loaded(result: list[TagRange]) -> None:
            if not alive(self):
                return
            self.ranges = result
            self.model.set_rows([self._row(r) for r in result])
            left = sum(r.remaining for r in result)
            self.summary.setText(
                f"{left} tags left in {len(result)} range{'' if len(result) == 1 else 's'}."
                if result
                else "No tags loaded: animal licenses cannot be issued."
            )

        self.background.run(licenses.tag_stock, on_success=loaded, on_failure=self._failed)

    @staticmethod
    def _row(r: TagRange) -> tuple[str, ...]:
        next_tag = f"{r.prefix}{r.next_no}" if r.remaining > 0 else "—"
        return (r.label(), str(r.first_no), str(r.last_no), next_tag, str(r.remaining))

    # -- loading a range ----------------------------------------------------------------------
    def load_range(self) -> None:
        self.error.clear_message()
        self.outcome.clear()
        prefix = self.prefix.text()
        try:
            first_no = parse_tag_number(self.first.text(), prefix, "First number")
            last_no = parse_tag_number(self.last.text(), prefix, "Last number")
        except ValidationError as err:
            self.error.show_message(str(err))
            return
        licenses, operator = self.desk.licenses, self.operator
        self.load_action.setEnabled(False)

        def loaded(result: TagRange) -> None:
            if not alive(self):
                return
            self.load_action.setEnabled(True)
            self.outcome.setText(f"Loaded tags {result.label()} ({result.remaining} tags).")
            for edit in (self.prefix, self.first, self.last):
                edit.clear()
            refocus(self.prefix)
            self.load()

        self.background.run(
            lambda: licenses.load_tag_stock(
                operator, prefix=prefix, first_no=first_no, last_no=last_no
            ),
            on_success=loaded,
            on_failure=self._refused,
        )

    def _refused(self, error: Exception) -> None:
        if not alive(self):
            return
        self.load_action.setEnabled(True)
        self._failed(error)
        self._step_to(self.first)

    @staticmethod
    def _step_to(edit: QLineEdit) -> None:
        """The next field, its text selected so typing replaces it."""
        refocus(edit)
        edit.selectAll()

    def _failed(self, error: Exception) -> None:
        if alive(self):
            self.outcome.clear()
            self.error.show_message(failure_text(error))

    def entry(self) -> QWidget:
        """Where the keyboard goes when the tab is shown."""
        return self.table if self.refusal else self.prefix
