"""Keying one charge line: code, amount, reference, description, alternate price.

The catalog says what a code needs and builds the line (refusing what the code does not
allow); this widget only moves the cursor to what is still missing and shows the answer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCheckBox, QCompleter, QGridLayout, QWidget

from cashdesk.domain.catalog import DESCRIPTION_LIMIT, Catalog, Pricing, RevenueCode
from cashdesk.domain.lines import ChargeLine
from cashdesk.domain.money import Money
from cashdesk.errors import CashdeskError
from cashdesk.ui.widgets import (
    ENTER_KEYS,
    NO_PARENT,
    EntryField,
    MessageLabel,
    add_action,
    button,
    label,
    refocus,
)


class CodeListModel(QAbstractListModel):
    """Counter codes for the completer: the popup shows "CODE — description", the field
    receives the code."""

    def __init__(self, codes: Sequence[RevenueCode]) -> None:
        super().__init__()
        self._codes = sorted(codes, key=lambda c: c.code)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._codes)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if not index.isValid():
            return None
        code = self._codes[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{code.code} — {code.description}"
        if role == Qt.ItemDataRole.EditRole:
            return code.code
        return None


class LineEntry(QWidget):
    def __init__(self, submit: Callable[[ChargeLine], None]) -> None:
        super().__init__()
        self._submit = submit
        self._catalog = Catalog(())
        self.code = EntryField("Revenue code")
        self.code.setMaxLength(12)
        self.code.setMinimumWidth(150)
        self.amount = EntryField("Line amount", money=True)
        self.amount.setMaxLength(16)
        self.amount.setMinimumWidth(130)
        self.reference = EntryField("Reference")
        self.reference.setMaxLength(40)
        self.description = EntryField("Description")
        self.description.setMaxLength(DESCRIPTION_LIMIT)  # past what fits: refused, shown
        self.alternate = QCheckBox("Alternate price   Alt+A")
        self.alternate.setAccessibleName("Alternate price")
        self.hint = label(role="hint")
        self.hint.setAccessibleName("Code description and price")
        self.error = MessageLabel("Line problem")
        self.add_button = button("Add line   Enter", "Add line")
        self.add_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.add_button.clicked.connect(self.add)

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        fields = (
            ("&Code", self.code, 2),
            ("A&mount", self.amount, 2),
            ("&Reference", self.reference, 3),
            ("&Description", self.description, 5),
        )
        for col, (text, edit, stretch) in enumerate(fields):
            grid.addWidget(label(text, buddy=edit), 0, col)
            grid.addWidget(edit, 1, col)
            grid.setColumnStretch(col, stretch)
            edit.entered.connect(self.advance)
        width = len(fields) + 1
        grid.addWidget(self.add_button, 1, len(fields))
        grid.addWidget(self.hint, 2, 0, 1, width)
        grid.addWidget(self.alternate, 3, 0, 1, width)
        grid.addWidget(self.error, 4, 0, 1, width)
        add_action(self, "Alternate price", ["Alt+A"], self._toggle_alternate)

        self.code.textChanged.connect(self._show_code)
        self.alternate.toggled.connect(self._show_code)
        self._show_code()

    # -- state ----------------------------------------------------------------------------
    def set_catalog(self, catalog: Catalog) -> None:
        self._catalog = catalog
        completer = QCompleter(CodeListModel(catalog.counter_codes()), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionRole(Qt.ItemDataRole.EditRole)
        self.code.setCompleter(completer)
        self._show_code()

    @property
    def catalog(self) -> Catalog:
        return self._catalog

    def use_code(self, code: str) -> None:
        """A code picked from the list: in the code field, the cursor on what it still needs
        (or on the code, where Enter adds the line)."""
        self.code.setText(code)
        self._hide_completions()
        self.error.clear_message()
        rc = self._known_code()
        if rc is not None:
            for edit, needs in (
                (self.amount, rc.pricing is Pricing.KEYED),
                (self.reference, rc.needs_reference),
                (self.description, rc.needs_description),
            ):
                if needs and not edit.text().strip():
                    refocus(edit)
                    return
        refocus(self.code)

    def clear(self) -> None:
        for edit in (self.code, self.amount, self.reference, self.description):
            edit.clear()
        self.alternate.setChecked(False)
        self.error.clear_message()
        self._hide_completions()

    def _hide_completions(self) -> None:
        completer = self.code.completer()
        popup = completer.popup() if completer is not None else None
        if popup is not None:
            popup.hide()

    def _known_code(self) -> RevenueCode | None:
        text = self.code.text()
        return self._catalog.get(text) if text.strip() and text in self._catalog else None

    def _show_code(self) -> None:
        """Fit the fields to the code: a fixed price fills the amount, only keyed codes take
        one."""
        rc = self._known_code()
        keyed = rc is not None and rc.pricing is Pricing.KEYED
        has_alternate = rc is not None and rc.alt_price is not None
        self.alternate.setVisible(has_alternate)
        if not has_alternate:
            self.alternate.setChecked(False)
        if rc is not None and rc.pricing is Pricing.FIXED and rc.price is not None:
            price = rc.alt_price if self.alternate.isChecked() and rc.alt_price else rc.price
            self.amount.setText(price.plain())
        elif not keyed:
            self.amount.clear()
        self.amount.setEnabled(keyed)
        self.reference.setPlaceholderText(
            "required" if rc is not None and rc.needs_reference else ""
        )
        self.description.setPlaceholderText(
            "required" if rc is not None and rc.needs_description else ""
        )
        self.hint.setText(_describe(rc) if rc is not None else "")
        if rc is not None and rc.alt_price is not None:
            self.alternate.setText(f"Alternate price: {rc.alt_price} {rc.alt_label}   Alt+A")

    def _toggle_alternate(self) -> None:
        if self.alternate.isVisible():
            self.alternate.toggle()

    # -- Enter --------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter on the alternate-price check box (the line edits report theirs themselves).
        if event.key() in ENTER_KEYS:
            event.accept()
            self.advance()
            return
        super().keyPressEvent(event)

    def advance(self) -> None:
        """Enter: go to the next field the code still needs, or add the line."""
        self._hide_completions()
        rc = self._known_code()
        if rc is not None:
            needed = (
                (self.amount, rc.pricing is Pricing.KEYED),
                (self.reference, rc.needs_reference),
                (self.description, rc.needs_description),
            )
            for edit, needs in needed:
                if needs and not edit.text().strip() and not edit.hasFocus():
                    edit.setFocus()
                    return
        self.add()

    def add(self) -> None:
        if not self.code.text().strip():
            refocus(self.code)
            return
        try:
            amount_text = self.amount.text().strip()
            keyed = self.amount.isEnabled() and amount_text
            line = self._catalog.line(
                self.code.text(),
                amount=Money.parse(amount_text, field="Amount") if keyed else None,
                alternate=self.alternate.isVisible() and self.alternate.isChecked(),
                reference=self.reference.text(),
                description=self.description.text(),
            )
            self._submit(line)
        except CashdeskError as err:
            self.error.show_message(str(err))
            focused = self.focusWidget()
            if isinstance(focused, EntryField):
                focused.selectAll()
            return
        self.clear()
        refocus(self.code)


def _describe(rc: RevenueCode) -> str:
    if rc.pricing is Pricing.FIXED and rc.price is not None:
        return f"{rc.code}: {rc.description} — {rc.price}"
    return f"{rc.code}: {rc.description} — {rc.pricing_text}"
