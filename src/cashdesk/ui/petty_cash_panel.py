"""Petty cash (Ctrl+Shift+P, a lead): the fund's cash and open vouchers, a voucher form with
another lead's approval inline over $25.00, the weekly count on the drawer's denomination
grid, and the replenishment request (PDF and accounts-payable CSV) and its receipt.

Keys: Alt+1 vouchers, Alt+2 count, Alt+3 replenishment; Ctrl+N records the voucher, Ctrl+S
saves the count, Ctrl+R requests replenishment, Ctrl+E records the check received, F5
refreshes. Every rule and refusal comes from the petty cash service; nothing here touches a
drawer.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cashdesk.app import Cashdesk
from cashdesk.domain.money import Money
from cashdesk.domain.petty_cash import APPROVAL_OVER, EXPENSE_ACCOUNTS, VoucherDraft
from cashdesk.domain.roles import Operator
from cashdesk.errors import ValidationError
from cashdesk.reports.program_data import ReplenishmentRequest, VoucherInfo
from cashdesk.services.approvals import OverrideAction
from cashdesk.services.petty_cash import CountResult, FundStatus
from cashdesk.ui.cash_count import DenominationGrid
from cashdesk.ui.operations import Background
from cashdesk.ui.panels import alive
from cashdesk.ui.receipts import failure_text
from cashdesk.ui.widgets import (
    Column,
    MessageLabel,
    RowsModel,
    add_action,
    close_button,
    key_button,
    label,
    line_edit,
    refocus,
    table_view,
)


class PettyCashDialog(QDialog):
    def __init__(
        self,
        desk: Cashdesk,
        operator: Operator,
        background: Background,
        *,
        documents_dir: Path,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Petty cash")
        self.setAccessibleName("Petty cash")
        self.desk, self.operator, self.background = desk, operator, background
        self.documents_dir = documents_dir
        self.status: FundStatus | None = None
        self.last_request: ReplenishmentRequest | None = None

        # -- vouchers ---------------------------------------------------------------------
        self.cash = label(role="hint")
        self.cash.setAccessibleName("Fund status")
        self.cash.setWordWrap(True)
        self.model = RowsModel(
            (
                Column("Voucher"),
                Column("Paid on"),
                Column("Payee", stretch=True),
                Column("Account"),
                Column("Amount", right=True),
                Column("Request"),
            )
        )
        self.table = table_view(self.model, "Open vouchers")
        self.payee = line_edit("Payee")
        self.purpose = line_edit("Purpose")
        self.account = QComboBox()
        self.account.setAccessibleName("Expense account")
        for account, description in EXPENSE_ACCOUNTS.items():
            self.account.addItem(f"{account} {description}", account)
        self.amount = line_edit("Voucher amount", money=True)
        self.receipt = QCheckBox("Original &receipt attached")
        self.approver = line_edit("Approving lead")
        self.pin = line_edit("Approving lead's PIN", password=True)
        self.reason = line_edit("Approval reason")
        for edit, following in (
            (self.payee, self.purpose),
            (self.purpose, self.account),
            (self.amount, self.receipt),
            (self.approver, self.pin),
        ):
            edit.returnPressed.connect(lambda f=following: refocus(f))
        self.pin.returnPressed.connect(self.record_voucher)
        form = QFormLayout()
        form.addRow(label("Pa&yee", buddy=self.payee), self.payee)
        form.addRow(label("&Purpose", buddy=self.purpose), self.purpose)
        form.addRow(label("E&xpense account", buddy=self.account), self.account)
        form.addRow(label("A&mount", buddy=self.amount), self.amount)
        form.addRow("", self.receipt)
        form.addRow(
            label(f"Over {APPROVAL_OVER}: appro&ving lead", buddy=self.approver), self.approver
        )
        form.addRow(label("Their P&IN", buddy=self.pin), self.pin)
        self.voucher_error = MessageLabel("Voucher problem")
        self.voucher_outcome = label(role="hint")
        self.voucher_outcome.setAccessibleName("Voucher outcome")
        self.record_action = add_action(self, "Record voucher", ["Ctrl+N"], self.record_voucher)
        self.refresh_action = add_action(self, "Refresh", ["F5"], self.load)
        vouchers = QWidget()
        v = QVBoxLayout(vouchers)
        v.addWidget(self.cash)
        v.addWidget(self.table, 1)
        v.addLayout(form)
        v.addWidget(self.voucher_error)
        v.addWidget(self.voucher_outcome)
        row = QHBoxLayout()
        row.addWidget(key_button(self.record_action, "Record the voucher", primary=True))
        row.addWidget(key_button(self.refresh_action, "Refresh"))
        row.addStretch(1)
        v.addLayout(row)

        # -- count ------------------------------------------------------------------------
        self.grid = DenominationGrid("Petty cash fund")
        self.note = line_edit("Count note")
        self.count_error = MessageLabel("Count problem")
        self.count_outcome = label(role="hint")
        self.count_outcome.setAccessibleName("Count outcome")
        self.count_outcome.setWordWrap(True)
        self.count_action = add_action(self, "Save count", ["Ctrl+S"], self.save_count)
        self.grid.finished.connect(lambda: refocus(self.note))
        self.note.returnPressed.connect(self.save_count)
        counting = QWidget()
        c = QVBoxLayout(counting)
        c.addWidget(label("Count the fund by denomination (Enter moves on)", role="hint"))
        c.addWidget(self.grid, 1)
        c.addWidget(label("&Note (what is known about a difference)", buddy=self.note))
        c.addWidget(self.note)
        c.addWidget(self.count_error)
        c.addWidget(self.count_outcome)
        c.addWidget(key_button(self.count_action, "Save the count", primary=True))

        # -- replenishment ----------------------------------------------------------------
        self.request_action = add_action(
            self, "Request replenishment", ["Ctrl+R"], self.request_replenishment
        )
        self.request_number = line_edit("Request number")
        self.check_number = line_edit("Check number")
        self.check_amount = line_edit("Check amount", money=True)
        self.request_number.returnPressed.connect(lambda: refocus(self.check_number))
        self.check_number.returnPressed.connect(lambda: refocus(self.check_amount))
        self.check_amount.returnPressed.connect(self.receive)
        self.receive_action = add_action(self, "Check received", ["Ctrl+E"], self.receive)
        self.rep_error = MessageLabel("Replenishment problem")
        self.rep_outcome = label(role="hint")
        self.rep_outcome.setAccessibleName("Replenishment outcome")
        self.rep_outcome.setWordWrap(True)
        rep_form = QFormLayout()
        rep_form.addRow(label("Re&quest (PCR-…)", buddy=self.request_number), self.request_number)
        rep_form.addRow(label("City &check number", buddy=self.check_number), self.check_number)
        rep_form.addRow(label("Check &amount", buddy=self.check_amount), self.check_amount)
        replenish = QWidget()
        r = QVBoxLayout(replenish)
        r.addWidget(
            label(
                "A request lists the open vouchers by expense account and debits them, "
                "crediting accounts payable 101-000-20100.",
                role="hint",
            )
        )
        r.addWidget(key_button(self.request_action, "Request replenishment", primary=True))
        r.addLayout(rep_form)
        r.addWidget(key_button(self.receive_action, "Record the check received"))
        r.addWidget(self.rep_error)
        r.addWidget(self.rep_outcome)
        r.addStretch(1)

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Petty cash sections")
        self.tabs.addTab(vouchers, "Vouchers  Alt+1")
        self.tabs.addTab(counting, "Count  Alt+2")
        self.tabs.addTab(replenish, "Replenishment  Alt+3")
        for i, entry in enumerate((self.payee, self.grid.first_edit(), self.request_number)):
            add_action(
                self,
                f"Section {i + 1}",
                [f"Alt+{i + 1}"],
                self._go_to(i, entry),
                context=Qt.ShortcutContext.WindowShortcut,
            )
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close_button(self))
        layout.addLayout(bottom)
        self.resize(1000, 720)
        self.load()
        refocus(self.payee)

    def _go_to(self, index: int, entry: QWidget) -> Callable[[], None]:
        def go() -> None:
            self.tabs.setCurrentIndex(index)
            refocus(entry)

        return go

    # -- the fund -----------------------------------------------------------------------------
    def load(self) -> None:
        service, operator = self.desk.petty_cash, self.operator

        def loaded(status: FundStatus) -> None:
            if not alive(self):
                return
            self.status = status
            self.model.set_rows(
                [
                    (
                        v.number,
                        v.paid_on.isoformat(),
                        v.payee,
                        v.expense_account,
                        str(v.amount),
                        v.replenishment,
                    )
                    for v in status.open_vouchers
                ]
            )
            text = f"Cash in the fund {status.cash}; open vouchers {status.open_total}."
            if status.replenish_reasons:
                text += " Request replenishment: " + "; ".join(status.replenish_reasons) + "."
            if status.pending_requests:
                text += " Awaiting the check for " + ", ".join(status.pending_requests) + "."
            self.cash.setText(text)

        self.background.run(
            lambda: service.status(operator), on_success=loaded, on_failure=self._voucher_failed
        )

    # -- a voucher ----------------------------------------------------------------------------
    def record_voucher(self) -> None:
        self.voucher_error.clear_message()
        self.voucher_outcome.clear()
        try:
            draft = VoucherDraft(
                payee=self.payee.text(),
                purpose=self.purpose.text(),
                expense_account=str(self.account.currentData()),
                amount=Money.parse(self.amount.text()),
                receipt_attached=self.receipt.isChecked(),
            )
        except ValidationError as err:
            self.voucher_error.show_message(str(err))
            refocus(self.amount)
            return
        desk, operator = self.desk, self.operator
        approver, pin = self.approver.text().strip(), self.pin.text()
        self.pin.clear()

        folder = self.documents_dir

        def record() -> tuple[VoucherInfo, Path]:
            checked = desk.petty_cash.check(operator, draft)
            approval = None
            if checked.needs_approval:
                if not approver:
                    raise ValidationError(
                        f"{checked.draft.amount} is over {APPROVAL_OVER}: another lead types "
                        "their user name and PIN."
                    )
                approval = desk.approvals.approve(
                    operator,
                    approver,
                    pin,
                    OverrideAction.PETTY_CASH_VOUCHER,
                    checked.draft.purpose,
                    subject=checked.draft.amount.plain(),
                )
            voucher = desk.petty_cash.record_voucher(operator, draft, approval=approval)
            from cashdesk.reports.petty_cash import voucher_slip_pdf

            # The documents folder's own file for this voucher: replaced if written before.
            slip = voucher_slip_pdf(
                voucher,
                folder / f"{voucher.number}.pdf",
                city=desk.ctx.config.city_name,
                force=True,
            )
            return voucher, slip

        def recorded(result: tuple[VoucherInfo, Path]) -> None:
            if not alive(self):
                return
            voucher, slip = result
            self.record_action.setEnabled(True)
            self.voucher_outcome.setText(
                f"{voucher.number}: {voucher.amount} to {voucher.payee}"
                + (f", approved by {voucher.approver}" if voucher.approver else "")
                + f". The slip to sign is {slip}."
            )
            for edit in (self.payee, self.purpose, self.amount, self.approver):
                edit.clear()
            self.receipt.setChecked(False)
            refocus(self.payee)
            self.load()

        self.record_action.setEnabled(False)
        self.background.run(record, on_success=recorded, on_failure=self._voucher_failed)

    def _voucher_failed(self, error: Exception) -> None:
        if alive(self):
            self.record_action.setEnabled(True)
            self.voucher_error.show_message(failure_text(error))

    # -- the count ----------------------------------------------------------------------------
    def save_count(self) -> None:
        self.count_error.clear_message()
        try:
            pieces = self.grid.count().as_dict()
        except ValidationError:
            return
        service, operator, note = self.desk.petty_cash, self.operator, self.note.text()

        def saved(result: CountResult) -> None:
            if not alive(self):
                return
            c = result.count
            self.count_outcome.setText(
                f"Cash {c.cash} + open vouchers {c.open_vouchers} = {c.accounted_for}: "
                + (
                    "the fund balances."
                    if c.balanced
                    else f"difference {c.difference}, reported to the finance administrator."
                )
            )
            self.note.clear()
            self.load()

        def refused(error: Exception) -> None:
            if alive(self):
                self.count_error.show_message(failure_text(error))
                refocus(self.note)

        self.background.run(
            lambda: service.count_fund(operator, pieces, note=note),
            on_success=saved,
            on_failure=refused,
        )

    # -- replenishment ------------------------------------------------------------------------
    def request_replenishment(self) -> None:
        self.rep_error.clear_message()
        service, operator = self.desk.petty_cash, self.operator
        folder, city = self.documents_dir, self.desk.ctx.config.city_name

        def request() -> tuple[ReplenishmentRequest, Path]:
            from cashdesk.outputs import write_output
            from cashdesk.reports.petty_cash import replenishment_ap_csv, replenishment_pdf

            made = service.request_replenishment(operator)
            # The documents folder's own files for this request: replaced if written before.
            pdf = replenishment_pdf(made, folder / f"{made.number}.pdf", city=city, force=True)
            write_output(folder / f"{made.number}-ap.csv", replenishment_ap_csv(made), force=True)
            return made, pdf

        def requested(result: tuple[ReplenishmentRequest, Path]) -> None:
            if not alive(self):
                return
            made, pdf = result
            self.last_request = made
            self.rep_outcome.setText(
                f"{made.number} requests {made.request.total} for "
                f"{len(made.request.vouchers)} vouchers; the request is {pdf} and the "
                f"accounts-payable file {pdf.with_name(made.number + '-ap.csv').name}."
            )
            self.request_number.setText(made.number)
            self.load()

        self.background.run(request, on_success=requested, on_failure=self._rep_failed)

    def receive(self) -> None:
        self.rep_error.clear_message()
        try:
            amount = Money.parse(self.check_amount.text(), field="Check amount")
        except ValidationError as err:
            self.rep_error.show_message(str(err))
            return
        service, operator = self.desk.petty_cash, self.operator
        number, check = self.request_number.text(), self.check_number.text()

        def received(req: ReplenishmentRequest) -> None:
            if not alive(self):
                return
            self.rep_outcome.setText(
                f"{req.number}: check {req.check_number} cashed into the fund; "
                f"{len(req.request.vouchers)} vouchers closed."
            )
            for edit in (self.request_number, self.check_number, self.check_amount):
                edit.clear()
            self.load()

        self.background.run(
            lambda: service.receive_replenishment(
                operator, number, check_amount=amount, check_number=check
            ),
            on_success=received,
            on_failure=self._rep_failed,
        )

    def _rep_failed(self, error: Exception) -> None:
        if alive(self):
            self.rep_error.show_message(failure_text(error))
