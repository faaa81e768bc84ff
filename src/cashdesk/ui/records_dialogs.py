"""Collecting against the city's records: a utility payment, a returned check (NSF), and the
mail / lockbox batch import. What a payment does to an account, the NSF reversal and the
import's result are the records and batch services' answers, shown as they are."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from cashdesk.app import Cashdesk
from cashdesk.domain.lines import ChargeLine
from cashdesk.domain.money import Money
from cashdesk.domain.roles import Operator
from cashdesk.domain.utility import UtilityApplication
from cashdesk.errors import ValidationError
from cashdesk.services.batches import BatchResult
from cashdesk.services.records import ReturnedCheckResult, UtilityAccountView
from cashdesk.ui import theme
from cashdesk.ui.counter_forms import CHECK, MONEY, CounterForm, Field, Preview
from cashdesk.ui.forms import FormDialog, FormField
from cashdesk.ui.operations import Background
from cashdesk.ui.receipts import failure_text
from cashdesk.ui.widgets import (
    ENTER_KEYS,
    Column,
    MessageLabel,
    RowsModel,
    add_action,
    button,
    close_button,
    fit_to_screen,
    key_button,
    label,
    line_edit,
    table_view,
)

AddLines = Callable[[Sequence[ChargeLine], str], None]  # (lines, payer's name)


def account_summary(view: UtilityAccountView) -> str:
    parts = [
        f"Account {view.account_no} · {view.service_address}",
        f"Status: {view.status.upper()}",
        f"Open balance {view.open_balance} · to bring current (past due) {view.past_due}",
    ]
    if view.restore_amount is not None:
        parts.append(f"Restore service: {view.restore_amount} (past due plus reconnection fee)")
    if view.max_payment is not None:
        parts.append(f"Closed account: takes at most {view.max_payment}")
    if view.credit_balance:
        parts.append(f"Credit balance recorded here: {view.credit_balance}")
    return "\n".join(parts)


class UtilityPaymentDialog(CounterForm):
    """The account's open items by due date, what the amount typed pays on each, and the
    lines that go on the receipt (desk.records.utility_payment)."""

    def __init__(
        self,
        desk: Cashdesk,
        view: UtilityAccountView,
        *,
        add_lines: AddLines,
        parent: QWidget | None = None,
    ) -> None:
        fields = [
            Field("amount", "&Amount to pay", MONEY, hints=("amount", "payment"), max_length=16)
        ]
        if view.restore_amount is not None:
            fields.append(Field("restore", "&Restore service (adds the reconnection fee)", CHECK))
        super().__init__(
            parent,
            title=f"Utility account {view.account_no}",
            heading=f"{view.name} — utility account {view.account_no}",
            fields=fields,
            confirm_text="Add payment",
            details=account_summary(view),
            panel_title="Receipt lines",
        )
        self.desk = desk
        self.view = view
        self._add_lines = add_lines
        self.items_model = RowsModel(
            (
                Column("Open item (oldest first)", stretch=True),
                Column("Past due"),
                Column("Open", right=True),
                Column("Pays", right=True),
                Column("Left", right=True),
            )
        )
        self.items_view = table_view(self.items_model, "Open items")
        self.items_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.body.insertWidget(1, self.items_view, 1)
        self._show_items({})
        # The open balance (past due is part of it; a closed account's max_payment is it).
        self.set_text("amount", view.open_balance.plain() if view.open_balance else "")
        if "restore" in self.inputs:
            restore = self.inputs["restore"]
            assert isinstance(restore, QCheckBox)
            restore.toggled.connect(self._restore_toggled)
        self.refresh()
        self.focus_first()

    def _restore_toggled(self, on: bool) -> None:
        needed = self.view.restore_amount
        if not on or needed is None:
            return
        try:
            typed = self.money("amount")
        except ValidationError:
            typed = None
        if typed is None or typed < needed:
            self.set_text("amount", needed.plain())

    def _show_items(self, applied: dict[int, Money]) -> None:
        rows = []
        for i, item in enumerate(self.view.items):
            pays = applied.get(i)
            rows.append(
                (
                    item.description,
                    "past due" if item.past_due else "",
                    str(item.open_amount),
                    "" if pays is None else str(pays),
                    "" if pays is None else str(item.open_amount - pays),
                )
            )
        self.items_model.set_rows(rows)

    def _application(self) -> UtilityApplication:
        amount = self.money("amount")
        if amount is None:
            raise ValidationError("Enter the amount to pay.")
        return self.desk.records.utility_payment(
            self.view.account_no,
            amount=amount,
            restore="restore" in self.inputs and self.checked("restore"),
        )

    def preview(self) -> Preview | None:
        try:
            application = self._application()
        except Exception:
            self._show_items({})
            raise
        self._show_items({i: a.applied for i, a in enumerate(application.allocations)})
        notes = [
            f"After this payment: open balance {application.open_balance_after}, "
            f"past due {application.past_due_after}."
        ]
        if application.credit_balance:
            notes.append(f"Overpayment: {application.credit_balance} becomes a credit balance.")
        if application.restore_note:
            notes.append(application.restore_note)
        return Preview(lines=application.lines, total=application.amount, notes=notes)

    def confirm(self) -> None:
        application = self._application()
        self._add_lines(application.lines, self.view.name)
        self.accept()


class ReturnedCheckDialog(FormDialog):
    """A lead cashier records a check the bank returned: the receipt it paid is reversed and
    what it paid is open again (desk.records.process_returned_check)."""

    def __init__(
        self,
        desk: Cashdesk,
        operator: Operator,
        background: Background,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            parent,
            title="Returned check (Ctrl+N)",
            heading="Returned check (NSF)",
            confirm_text="Process returned check",
            fields=(
                FormField(
                    "receipt", "&Receipt number", hints=("receipt", "lead cashier"), max_length=20
                ),
                FormField("reason", "R&eason from the bank", hints=("reason",), max_length=60),
            ),
        )
        self.desk = desk
        self.operator = operator
        self.background = background
        self.returned: ReturnedCheckResult | None = None
        self.inputs["reason"].setText("NSF")
        self.outcome = label(role="hint")
        self.outcome.setAccessibleName("Returned check result")
        self.outcome.setWordWrap(True)
        self.outcome.setFont(theme.font(theme.BASE_PT))
        self.outcome.hide()
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(layout.count() - 1, self.outcome)
        self.inputs["receipt"].setFocus()

    def confirm(self) -> None:
        if self.returned is not None:  # Enter after the result: close
            self.accept()
            return
        values = self.values()
        records, operator = self.desk.records, self.operator
        self.clear_errors()
        self.set_busy(True)
        self.background.run(
            lambda: records.process_returned_check(
                operator, values["receipt"], reason=values["reason"]
            ),
            on_success=self._processed,
            on_failure=self._refused,
        )

    def _processed(self, result: ReturnedCheckResult) -> None:
        self.returned = result
        self.set_busy(False)
        for edit in self.inputs.values():
            edit.setEnabled(False)
        lines = [
            f"{result.number}: the check of {result.check_amount} on receipt "
            f"{result.receipt_number} was returned.",
            f"Payer: {result.payer or '(no name)'} — returned-check fee owed: {result.fee} "
            "(collect it with Program sale, Ctrl+G).",
            *result.reopened,
        ]
        self.outcome.setText("\n".join(lines))
        self.outcome.show()
        self.confirm_button.setText("Close   Enter")
        self.confirm_button.setAccessibleName("Close")
        self.cancel_button.setEnabled(False)
        self.confirm_button.setFocus()
        self.adjustSize()

    def _refused(self, error: Exception) -> None:
        self.set_busy(False)
        self.show_error(failure_text(error))
        if not any(edit.hasFocus() for edit in self.inputs.values()):
            self.inputs["receipt"].setFocus()


class _ProgressRelay(QObject):
    """The import's progress callback runs on the worker thread; the signal is queued to
    the dialog on the GUI thread."""

    progressed = Signal(int, int)


class BatchImportDialog(QDialog):
    """Mail and lockbox payments from a CSV file (desk.batches.import_payments), with a
    progress bar, the batch's totals and its exceptions."""

    def __init__(
        self,
        desk: Cashdesk,
        operator: Operator,
        background: Background,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Mail and lockbox batch (Ctrl+I)")
        self.setAccessibleName("Mail and lockbox batch")
        self.desk = desk
        self.operator = operator
        self.background = background
        self.imported: BatchResult | None = None
        self.importing = False
        self.relay = _ProgressRelay(self)
        self.relay.progressed.connect(self._progressed)

        self.path = line_edit("CSV file")
        self.path.setMaxLength(500)
        self.path.setPlaceholderText("the file's full path (or Browse, Ctrl+O)")
        self.batch = line_edit("Batch name")
        self.batch.setMaxLength(14)
        self.batch.setPlaceholderText("e.g. MAIL1126")
        self.control = line_edit("Control total", money=True)
        self.control.setMaxLength(16)
        self.control.setPlaceholderText("optional")
        self.errors = {
            "path": MessageLabel("CSV file problem"),
            "batch": MessageLabel("Batch name problem"),
            "control": MessageLabel("Control total problem"),
        }
        self.browse_action = add_action(
            self, "Browse…", ["Ctrl+O"], self.browse, context=Qt.ShortcutContext.WindowShortcut
        )
        self.browse_button = key_button(self.browse_action, "Browse for the file")
        form = QFormLayout()
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(self.browse_button)
        for text, key, widget, row in (
            ("CSV &file", "path", self.path, path_row),
            ("&Batch name", "batch", self.batch, None),
            ("&Control total", "control", self.control, None),
        ):
            column = QVBoxLayout()
            column.setSpacing(2)
            if row is not None:
                column.addLayout(row)
            else:
                column.addWidget(widget)
            column.addWidget(self.errors[key])
            form.addRow(label(text, buddy=widget), column)

        self.progress = QProgressBar()
        self.progress.setAccessibleName("Import progress")
        self.progress.setFormat("%v of %m rows")
        self.progress.setMinimumHeight(28)
        self.progress.hide()
        self.summary = label(role="hint")
        self.summary.setAccessibleName("Batch result")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.exceptions_model = RowsModel(
            (
                Column("Row", right=True),
                Column("Reference"),
                Column("Reason", stretch=True),
                Column("Amount", right=True),
            )
        )
        self.exceptions_view = table_view(self.exceptions_model, "Exceptions")
        self.exceptions_view.setWordWrap(True)
        self.exceptions_view.hide()
        self.general_error = MessageLabel("Import problem", role="problem")
        self.import_button = button("Import   Enter", "Import", primary=True)
        self.import_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.import_button.clicked.connect(self.start_import)
        self.close_button = close_button(self)

        title = label("Mail and lockbox batch")
        title.setFont(theme.font(theme.TOTALS_PT, bold=True))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.general_error)
        layout.addWidget(self.summary)
        layout.addWidget(self.exceptions_view, 1)
        layout.addLayout(buttons)
        fit_to_screen(self, 1180, 680)
        self.path.setFocus()

    # -- input ----------------------------------------------------------------------------
    def browse(self) -> None:
        if self.importing:
            return
        chosen, _ = QFileDialog.getOpenFileName(
            self, "Batch file", self.path.text(), "CSV files (*.csv);;All files (*)"
        )
        if chosen:
            self.path.setText(chosen)
        self.batch.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() not in ENTER_KEYS:
            super().keyPressEvent(event)
            return
        event.accept()
        if self.importing:
            return
        if self.imported is not None:
            self.accept()
            return
        edits = [self.path, self.batch, self.control]
        focused = next((i for i, e in enumerate(edits) if e.hasFocus()), len(edits) - 1)
        if focused < len(edits) - 1:
            edits[focused + 1].setFocus()
            edits[focused + 1].selectAll()
        else:
            self.start_import()

    def _clear_errors(self) -> None:
        for error in (*self.errors.values(), self.general_error):
            error.clear_message()

    def _field_error(self, key: str, message: str) -> None:
        self.errors[key].show_message(message)
        edit = {"path": self.path, "batch": self.batch, "control": self.control}[key]
        edit.setFocus()
        edit.selectAll()

    # -- importing ------------------------------------------------------------------------
    def start_import(self) -> None:
        if self.importing or self.imported is not None:
            return
        self._clear_errors()
        typed_path = self.path.text().strip()
        if not typed_path:
            self._field_error("path", "Enter the CSV file's path, or Browse (Ctrl+O).")
            return
        path = Path(typed_path).expanduser()
        if not path.is_file():
            self._field_error("path", f"There is no file {str(path)!r}.")
            return
        control: Money | None = None
        if self.control.text().strip():
            try:
                control = Money.parse(self.control.text(), field="Control total")
            except ValidationError as err:
                self._field_error("control", str(err))
                return
        batches, operator, relay = self.desk.batches, self.operator, self.relay
        name = self.batch.text()
        self._set_importing(True)
        self.background.run(
            lambda: batches.import_payments(
                operator,
                path,
                batch=name,
                control_total=control,
                progress=relay.progressed.emit,
            ),
            on_success=self._imported,
            on_failure=self._refused,
        )

    def _set_importing(self, importing: bool) -> None:
        self.importing = importing
        for widget in (self.path, self.batch, self.control, self.import_button, self.close_button):
            widget.setEnabled(not importing)
        self.browse_action.setEnabled(not importing)
        self.import_button.setText("Importing…" if importing else "Import   Enter")
        if importing:
            self.progress.setRange(0, 0)  # busy until the file is read
            self.progress.show()

    def _progressed(self, done: int, rows: int) -> None:
        self.progress.setRange(0, max(rows, 1))
        self.progress.setValue(done)

    def _imported(self, result: BatchResult) -> None:
        self._set_importing(False)
        self.imported = result
        for widget in (self.path, self.batch, self.control, self.import_button):
            widget.setEnabled(False)
        self.browse_action.setEnabled(False)
        self.progress.setRange(0, max(result.rows, 1))
        self.progress.setValue(result.rows)
        lines = [
            f"Batch {result.name} (drawer {result.drawer}): {result.rows} rows, "
            f"control total {result.control_total}.",
            f"Posted now: {result.posted} receipts, {result.posted_amount}."
            + (
                f" Already posted by an earlier import: {result.already_posted}, "
                f"{result.already_posted_amount}."
                if result.already_posted
                else ""
            ),
            f"Exceptions: {len(result.exceptions)}, {result.exceptions_amount} — "
            f"written to {result.exceptions_path}",
            "Every row is accounted for." if result.balanced else "The rows do NOT balance.",
        ]
        self.summary.setText("\n".join(lines))
        self.exceptions_model.set_rows(
            [(str(e.row_no), e.reference, e.reason, _money(e.amount)) for e in result.exceptions]
        )
        self.exceptions_view.setVisible(bool(result.exceptions))
        self.exceptions_view.resizeRowsToContents()
        self.close_button.setText("Close   Enter")

    def _refused(self, error: Exception) -> None:
        self._set_importing(False)
        self.progress.hide()
        message = failure_text(error)
        lowered = message.lower()
        if "batch name" in lowered:
            self._field_error("batch", message)
        elif "control total" in lowered:
            self._field_error("control", message)
        else:
            self.general_error.show_message(message)
            self.path.setFocus()


def _money(plain: str) -> str:
    """A row's amount as the file had it, shown as money when it is one."""
    try:
        return str(Money.parse(plain))
    except ValidationError:
        return plain
