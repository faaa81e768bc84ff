"""Receipts on screen: the preview after posting, today's list, void and reprint."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from cashdesk.app import Cashdesk
from cashdesk.devices.document import RECEIPT_WIDTH
from cashdesk.domain.roles import Operator, Permission
from cashdesk.errors import CashdeskError, PermissionDenied
from cashdesk.services.approvals import Approval, OverrideAction
from cashdesk.services.payments import PostedReceipt, ReceiptSummary
from cashdesk.ui import theme
from cashdesk.ui.forms import FormDialog, FormField
from cashdesk.ui.operations import Background
from cashdesk.ui.override import OverrideDialog
from cashdesk.ui.panels import return_focus
from cashdesk.ui.widgets import (
    ENTER_KEYS,
    Column,
    MessageLabel,
    RowsModel,
    add_action,
    button,
    close_button,
    current_row,
    fit_to_screen,
    key_button,
    label,
    refocus,
    table_view,
)

Reprint = Callable[[str], PostedReceipt]
UNEXPECTED = "Something went wrong; nothing was changed. Try again, or call the lead cashier."


def failure_text(error: Exception) -> str:
    return str(error) if isinstance(error, CashdeskError) else UNEXPECTED


class ReceiptView(QWidget):
    """A receipt exactly as printed, what went wrong printing it, and Reprint (Ctrl+P)."""

    def __init__(self, background: Background, reprint: Reprint) -> None:
        super().__init__()
        self.background = background
        self._reprint = reprint
        self.number = ""
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setAccessibleName("Receipt text")
        self.text.setFont(theme.font(theme.BASE_PT, mono=True))
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        columns = self.text.fontMetrics().horizontalAdvance("M" * (RECEIPT_WIDTH + 2))
        self.text.setMinimumWidth(columns + self.text.verticalScrollBar().sizeHint().width())
        self.problems = MessageLabel("Printing problem", role="problem")
        self.printed = label(role="hint")
        self.printed.setAccessibleName("Printing status")
        self.reprint_action = add_action(
            self, "Reprint", ["Ctrl+P"], self.reprint, context=Qt.ShortcutContext.WindowShortcut
        )
        self.reprint_button = key_button(self.reprint_action, "Reprint receipt")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.problems)
        layout.addWidget(self.text, 1)
        row = QHBoxLayout()
        row.addWidget(self.printed, 1)
        row.addWidget(self.reprint_button)
        layout.addLayout(row)
        self.show_receipt("", "")

    def show_receipt(self, number: str, text: str, problems: Sequence[str] = ()) -> None:
        self.number = number
        self.text.setPlainText(text)
        self.problems.show_message("\n".join(problems))
        self.printed.clear()
        self.reprint_action.setEnabled(bool(number))

    def reprint(self) -> None:
        number, reprint = self.number, self._reprint
        if not number or self.background.busy:
            return
        self.reprint_action.setEnabled(False)
        self.printed.setText("Printing…")
        self.background.run(
            lambda: reprint(number), on_success=self._reprinted, on_failure=self._failed
        )

    def _reprinted(self, copy: PostedReceipt) -> None:
        self.show_receipt(copy.number, copy.text, copy.device_problems)
        self.printed.setText("Printed." if copy.printed else "")

    def _failed(self, error: Exception) -> None:
        self.reprint_action.setEnabled(True)
        self.printed.clear()
        self.problems.show_message(failure_text(error))


class ReceiptDialog(QDialog):
    """After posting: the change due in large type and the receipt as printed."""

    def __init__(
        self,
        posted: PostedReceipt,
        *,
        background: Background,
        reprint: Reprint,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Receipt {posted.number}")
        self.setAccessibleName(f"Receipt {posted.number}")
        self.posted = posted
        caption = label("CHANGE DUE")
        caption.setFont(theme.font(theme.TOTALS_PT, bold=True))
        self.change = label(str(posted.change))
        self.change.setAccessibleName("Change due")
        self.change.setFont(theme.font(theme.CHANGE_PT + 16, bold=True))
        self.view = ReceiptView(background, reprint)
        self.view.show_receipt(posted.number, posted.text, posted.device_problems)
        self.view.printed.setText("Printed." if posted.printed else "")
        # Checks the printer did not endorse: the service's words, kept through a reprint.
        self.endorse = MessageLabel("Endorse by hand", role="problem")
        self.endorse.setFont(theme.font(theme.TOTALS_PT))
        self.endorse.show_message("\n".join(posted.endorse_by_hand))
        self.next_button = button("Next sale   Enter", "Next sale", primary=True)
        self.next_button.setMinimumHeight(64)
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self.accept)

        summary = label(f"Receipt {posted.number}\nTotal {posted.total}")
        summary.setFont(theme.font(theme.TOTALS_PT))
        left = QVBoxLayout()
        left.addWidget(caption)
        left.addWidget(self.change)
        left.addWidget(summary)
        left.addWidget(self.endorse)
        left.addStretch(1)
        left.addWidget(self.next_button)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addWidget(self.view, 1)
        fit_to_screen(self, 1000, 760)


class VoidDialog(FormDialog):
    """Void a receipt with a reason. A cashier's void (and a lead's of their own receipt,
    which the service refuses without one) needs a lead cashier's approval: the override
    dialog opens on this screen for the lead's PIN, and the void carries the approval."""

    def __init__(
        self,
        receipt: ReceiptSummary,
        *,
        desk: Cashdesk,
        operator: Operator,
        background: Background,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            parent,
            title=f"Void receipt {receipt.number}",
            heading=f"Void receipt {receipt.number} ({receipt.total})",
            confirm_text="Void receipt",
            fields=(
                FormField("reason", "&Reason for the void", hints=("reason",), max_length=200),
            ),
        )
        self.receipt = receipt
        self.desk = desk
        self.operator = operator
        self.background = background
        self.approval: Approval | None = None
        self.override_dialog: OverrideDialog | None = None
        # A courtesy: ask for the lead first when the role cannot void at all. The service
        # decides; a refusal it explains (a lead's own receipt) also leads to the approval.
        self.needs_approval = not operator.may_known(Permission.VOID_RECEIPT)
        if self.needs_approval:
            self.confirm_button.setText("Ask a lead to approve   Enter")

    def confirm(self) -> None:
        self.clear_errors()
        if self.approval is None and self.needs_approval:
            self.ask_approval()
            return
        self.set_busy(True)
        number, reason, approval = self.receipt.number, self.inputs["reason"].text(), self.approval
        payments, operator = self.desk.payments, self.operator
        self.background.run(
            lambda: payments.void_receipt(operator, number, reason=reason, approval=approval),
            on_success=lambda _: self.accept(),
            on_failure=self._failed,
        )

    def ask_approval(self, why: str = "") -> None:
        dialog = OverrideDialog(
            self,
            self.desk,
            requester=self.operator,
            action=OverrideAction.VOID,
            subject=self.receipt.number,
            reason=self.inputs["reason"].text(),
        )
        if why:
            dialog.general_error.show_message(why)
        self.override_dialog = dialog
        dialog.finished.connect(self._approval_closed)
        dialog.open()

    def _approval_closed(self, result: int) -> None:
        dialog, self.override_dialog = self.override_dialog, None
        if dialog is None:
            return
        dialog.deleteLater()
        if result == QDialog.DialogCode.Accepted and dialog.approval is not None:
            self.approval = dialog.approval
            if not self.inputs["reason"].text().strip():
                self.inputs["reason"].setText(dialog.approval.reason)
            self.confirm()
            return
        self.show_error("Not voided: a lead cashier's approval is needed.")
        return_focus(self.inputs["reason"])

    def _failed(self, error: Exception) -> None:
        self.set_busy(False)
        if (
            isinstance(error, PermissionDenied)
            and self.approval is None
            and self.operator.may_known(Permission.REQUEST_VOID)
        ):
            self.needs_approval = True
            self.show_error(str(error))
            self.ask_approval(str(error))
            return
        self.show_error(failure_text(error))
        if not self.inputs["reason"].hasFocus():
            self.inputs["reason"].setFocus()


class TodaysReceiptsDialog(QDialog):
    """F9: today's receipts (all of them for a lead, one's own for a cashier)."""

    def __init__(
        self,
        desk: Cashdesk,
        operator: Operator,
        background: Background,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Today's receipts")
        self.setAccessibleName("Today's receipts")
        self.desk = desk
        self.operator = operator
        self.background = background
        self.receipts: list[ReceiptSummary] = []
        self.void_dialog: VoidDialog | None = None

        self.model = RowsModel(
            (
                Column("Receipt"),
                Column("Time"),
                Column("Cashier"),
                Column("Received from", stretch=True),
                Column("Total", right=True),
                Column("Status"),
            )
        )
        self.table = table_view(self.model, "Receipts")
        self.table.activated.connect(self._show_current)
        self.table.selectionModel().currentRowChanged.connect(self._show_current)
        self.error = MessageLabel("Receipts problem")
        payments = desk.payments
        self.view = ReceiptView(background, lambda number: payments.reprint(operator, number))
        self.void_action = add_action(
            self, "Void…", ["F8"], self.ask_void, context=Qt.ShortcutContext.WindowShortcut
        )
        self.void_button = key_button(self.void_action, "Void receipt")
        self.void_button.setToolTip("A cashier's void needs a lead cashier's approval.")
        self.close_button = close_button(self)

        left = QVBoxLayout()
        left.addWidget(label("&Receipts", buddy=self.table))
        left.addWidget(self.table, 1)
        left.addWidget(self.error)
        keys = QHBoxLayout()
        keys.addWidget(self.void_button)
        keys.addStretch(1)
        keys.addWidget(self.close_button)
        left.addLayout(keys)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addWidget(self.view, 2)
        fit_to_screen(self, 1240, 720)
        self.load()
        self.table.setFocus()

    def load(self, select: str = "") -> None:
        try:
            self.receipts = self.desk.payments.todays_receipts(self.operator)
        except CashdeskError as err:
            self.error.show_message(str(err))
            return
        ctx = self.desk.ctx
        self.model.set_rows(
            [
                (
                    r.number,
                    ctx.local_time(r.posted_at).strftime("%H:%M"),
                    r.cashier,
                    r.payer,
                    str(r.total),
                    _status(r),
                )
                for r in self.receipts
            ],
            ["void" if r.status == "voided" else "" for r in self.receipts],
        )
        numbers = [r.number for r in self.receipts]
        if numbers:
            row = numbers.index(select) if select in numbers else 0
            self.table.setCurrentIndex(self.model.index(row, 0))
            self._show_current()
        self.void_action.setEnabled(bool(numbers))

    def current(self) -> ReceiptSummary | None:
        row = current_row(self.table)
        return self.receipts[row] if row is not None else None

    def _show_current(self, *_: QModelIndex) -> None:
        receipt = self.current()
        if receipt is None:
            return
        try:
            text = self.desk.payments.receipt_text(self.operator, receipt.number)
        except CashdeskError as err:
            self.error.show_message(str(err))
            return
        self.error.clear_message()
        problems = () if receipt.printed or receipt.status == "voided" else ("Not printed.",)
        self.view.show_receipt(receipt.number, text, problems)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in ENTER_KEYS:  # the table shows the receipt; no default button
            event.accept()
            return
        super().keyPressEvent(event)

    def ask_void(self) -> None:
        receipt = self.current()
        if receipt is None:
            return
        dialog = VoidDialog(
            receipt,
            desk=self.desk,
            operator=self.operator,
            background=self.background,
            parent=self,
        )
        self.void_dialog = dialog
        dialog.finished.connect(lambda _: self._void_closed(receipt.number))
        dialog.open()

    def _void_closed(self, number: str) -> None:
        if self.void_dialog is not None:
            self.void_dialog.deleteLater()
            self.void_dialog = None
        self.load(select=number)
        refocus(self.table)


def _status(receipt: ReceiptSummary) -> str:
    if receipt.status == "voided":
        return "Voided"
    return "Posted" if receipt.printed else "Posted, not printed"
