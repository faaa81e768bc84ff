"""The payment page: key the lines, take the tenders, complete the sale.

Every amount shown comes from the ReceiptDraft (total, tendered, remaining, change); every
refusal is the domain's or the service's message.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cashdesk.app import Cashdesk
from cashdesk.domain.lines import ChargeLine
from cashdesk.domain.money import total
from cashdesk.domain.receipt import ReceiptDraft
from cashdesk.domain.roles import Operator
from cashdesk.domain.tender import Tender, TenderKind
from cashdesk.errors import CashdeskError, ValidationError
from cashdesk.services.lookup import LookupResult
from cashdesk.services.payments import PostedReceipt
from cashdesk.ui import theme
from cashdesk.ui.check_scan import CheckTenderDialog
from cashdesk.ui.code_picker import CodePickerDialog
from cashdesk.ui.line_entry import LineEntry
from cashdesk.ui.operations import Background
from cashdesk.ui.receipts import ReceiptDialog, failure_text
from cashdesk.ui.tender_dialogs import CHECK, TENDER_FORMS, TenderDialog, TenderForm
from cashdesk.ui.widgets import (
    RIGHT,
    Column,
    MessageLabel,
    RowsModel,
    add_action,
    confirm,
    current_row,
    key_button,
    label,
    line_edit,
    refocus,
    table_view,
)

KEYS = (
    ("Enter", "next field, add line"),
    ("F1", "pick a revenue code"),
    ("Alt+A", "alternate price"),
    ("Alt+L  Alt+T", "lines, tenders"),
    ("Del", "remove selected"),
    ("F9", "today's receipts"),
    ("Shift+F10/F11", "devices, sync"),
    ("Ctrl+Shift+N", "no sale (open drawer)"),
    ("Ctrl+K", "lock the screen"),
    ("Ctrl+L", "sign out"),
)
RIGHT_COLUMN_PX = 400
UNSURE_POSTING = (
    "Posting stopped with an unexpected error. Look in Today's receipts (F9) for this sale "
    "before taking the payment again."
)


def _tender_detail(t: Tender) -> str:
    if t.kind is TenderKind.CHECK:
        return f"#{t.check_number} acct {t.masked_account}"
    if t.kind is TenderKind.CARD:
        return f"****{t.card_last4} auth {t.card_approval}"
    if t.kind is TenderKind.MONEY_ORDER and t.reference:
        return f"#{t.reference}"
    return ""


def key_legend(keys: tuple[tuple[str, str], ...]) -> QLabel:
    rows = "".join(
        f"<tr><td><b>{key}</b>&nbsp;&nbsp;</td><td>{what}</td></tr>" for key, what in keys
    )
    legend = label(role="keys")
    legend.setFont(theme.font(theme.BASE_PT - 2))
    legend.setText(f"<table>{rows}</table>")
    legend.setAccessibleName("Keys")
    return legend


class TotalsPanel(QFrame):
    """Total, tendered, remaining and change. One figure is the large one: "Remaining" while
    anything is still due, "Change due" once the tenders cover the total."""

    def __init__(self) -> None:
        super().__init__()
        self.setProperty("role", "totals")
        grid = QGridLayout(self)
        self._values: dict[str, QLabel] = {}
        self._captions: dict[str, QLabel] = {}
        rows = (
            ("total", "Total"),
            ("tendered", "Tendered"),
            ("remaining", "Remaining"),
            ("change", "Change due"),
        )
        for row, (key, caption) in enumerate(rows):
            name = label(caption)
            value = label("$0.00")
            value.setAccessibleName(caption)
            value.setAlignment(RIGHT)
            grid.addWidget(name, row, 0)
            grid.addWidget(value, row, 1)
            self._values[key] = value
            self._captions[key] = name
        grid.setColumnStretch(1, 1)
        self.dominant = ""
        self._emphasise("remaining")

    def _emphasise(self, dominant: str) -> None:
        if dominant == self.dominant:
            return
        self.dominant = dominant
        for key, value in self._values.items():
            big = key == dominant
            size = theme.CHANGE_PT if big else theme.TOTALS_PT
            value.setFont(theme.font(size, bold=big or key == "total"))
            self._captions[key].setFont(theme.font(theme.TOTALS_PT, bold=big or key == "total"))
        self._captions["change"].setText("CHANGE DUE" if dominant == "change" else "Change due")

    def show_draft(self, draft: ReceiptDraft) -> None:
        for key, amount in (
            ("total", draft.total),
            ("tendered", draft.tendered),
            ("remaining", draft.remaining),
            ("change", draft.change_due),
        ):
            self._values[key].setText(str(amount))
        paid = bool(draft.tenders) and not draft.remaining.is_positive
        self._emphasise("change" if paid else "remaining")

    def value(self, key: str) -> str:
        """The amount shown: "total", "tendered", "remaining" or "change"."""
        return self._values[key].text()


RECORD_KINDS = {
    "utility": "Utility account",
    "citation": "Citation",
    "business_license": "Business license",
    "animal_license": "Animal license",
}


class CustomerPanel(QFrame):
    """Who is being served: the record picked with Find (F6): name, which account, citation
    or license, address, balance or amount due, and its status. It stays while the sale is
    open (the record's own dialog may close) and clears with the next sale."""

    def __init__(self) -> None:
        super().__init__()
        self.setProperty("role", "totals")
        self.setAccessibleName("Customer")
        self.who = label()
        self.who.setAccessibleName("Customer name")
        self.who.setFont(theme.font(theme.TOTALS_PT, bold=True))
        self.record = label()
        self.record.setAccessibleName("Customer record")
        self.address = label()
        self.address.setAccessibleName("Customer address")
        self.balance = label()
        self.balance.setAccessibleName("Customer balance")
        self.notes = label(role="hint")
        self.notes.setAccessibleName("Customer notes")
        for each in (self.who, self.record, self.address, self.notes):
            each.setWordWrap(True)
        grid = QGridLayout(self)
        grid.addWidget(self.who, 0, 0, 1, 2)
        grid.addWidget(self.record, 1, 0)
        grid.addWidget(self.balance, 1, 1, RIGHT)
        grid.addWidget(self.address, 2, 0, 1, 2)
        grid.addWidget(self.notes, 3, 0, 1, 2)
        self.key = ""
        self.party = ""  # who pays, for "Received from"
        self.hide()

    def show_record(self, result: LookupResult) -> None:
        self.key = result.key
        self.party = result.party
        self.who.setText(result.party or result.title)
        self.record.setText(f"{RECORD_KINDS.get(result.kind, result.kind)} {result.key}")
        self.address.setText(result.address or result.subtitle)
        if result.amount_due is None:
            self.balance.clear()
        else:
            caption = "Balance" if result.kind == "utility" else "Due"
            self.balance.setText(f"{caption} {result.amount_due}")
        self.notes.setText(result.status)
        self.show()

    def clear(self) -> None:
        self.key = ""
        self.party = ""
        for each in (self.who, self.record, self.address, self.balance, self.notes):
            each.clear()
        self.hide()


class PaymentPage(QWidget):
    # For the counter tools (ui/counter.py): the sale's lines changed; a receipt posted
    # (emitted before the page starts the next sale, so the posted draft is still readable).
    draft_changed = Signal()
    posted = Signal(object)  # PostedReceipt

    def __init__(self, desk: Cashdesk, background: Background) -> None:
        super().__init__()
        self.desk = desk
        self.background = background
        self.reads = Background(self, on_failure=self._read_failed)
        self.operator: Operator | None = None
        self.draft = ReceiptDraft()
        self.receipt_dialog: ReceiptDialog | None = None
        self.tender_dialog: TenderDialog | None = None
        # A tender being keyed when the screen locked: its form and what was typed.
        self.kept_tender: tuple[TenderForm, dict[str, str]] | None = None
        self.posting = False
        self.code_picker: CodePickerDialog | None = None

        self.line_entry = LineEntry(self.add_line)
        self.lines_model = RowsModel(
            (
                Column("Code"),
                Column("Description", stretch=True),
                Column("Reference"),
                Column("Amount", right=True),
            )
        )
        self.lines_view = table_view(self.lines_model, "Lines")
        self.payer = line_edit("Received from")
        self.payer.setMaxLength(120)
        self.payer.textChanged.connect(self._payer_changed)
        self.tenders_model = RowsModel(
            (Column("Tender"), Column("Details", stretch=True), Column("Amount", right=True))
        )
        self.tenders_view = table_view(self.tenders_model, "Tenders")
        self.notice = MessageLabel("Sale problem", role="problem")
        self.status_line = label(role="hint")
        self.status_line.setAccessibleName("Sale status")
        self.totals = TotalsPanel()
        self.customer = CustomerPanel()
        self.counter_keys = QGridLayout()  # the counter tools' buttons (ui/counter.py)

        add_action(
            self.lines_view,
            "Remove line",
            ["Del"],
            self._remove_line,
            context=Qt.ShortcutContext.WidgetShortcut,
        )
        add_action(
            self.tenders_view,
            "Remove tender",
            ["Del"],
            self._remove_tender,
            context=Qt.ShortcutContext.WidgetShortcut,
        )
        window = Qt.ShortcutContext.WindowShortcut
        self.tender_actions = [
            add_action(
                self,
                form.kind.label,
                [form.key],
                partial(self.take_tender, form),
                context=window,
            )
            for form in TENDER_FORMS
        ]
        self.complete_action = add_action(
            self,
            "Complete sale",
            ["F12", "Ctrl+Return", "Ctrl+Enter"],
            self.complete,
            context=window,
        )
        self.clear_action = add_action(self, "Clear sale", ["Esc"], self.ask_clear, context=window)
        self.pick_code_action = add_action(
            self, "Pick code", ["F1"], self.pick_code, context=window
        )
        self.tender_buttons = [
            key_button(action, f"{action.text()} tender") for action in self.tender_actions
        ]
        self.complete_button = key_button(self.complete_action, "Complete sale", primary=True)
        self.complete_button.setMinimumHeight(64)
        self.clear_button = key_button(self.clear_action, "Clear sale")

        left = QVBoxLayout()
        left.addWidget(self.line_entry)
        left.addLayout(self.counter_keys)
        left.addWidget(label("&Lines", buddy=self.lines_view))
        left.addWidget(self.lines_view, 3)
        payer_row = QHBoxLayout()
        payer_row.addWidget(label("Received &from", buddy=self.payer))
        payer_row.addWidget(self.payer, 1)
        left.addLayout(payer_row)
        left.addWidget(label("&Tenders", buddy=self.tenders_view))
        left.addWidget(self.tenders_view, 2)
        left.addWidget(self.notice)

        keys = QGridLayout()
        for i, key in enumerate(self.tender_buttons):
            keys.addWidget(key, i // 2, i % 2)
        right = QVBoxLayout()
        right.addWidget(self.customer)
        right.addWidget(self.totals)
        right.addLayout(keys)
        right.addWidget(self.complete_button)
        right.addWidget(self.clear_button)
        right.addWidget(self.status_line)
        # The key legend scrolls rather than push the page past a 1280×720 screen.
        legend = QScrollArea()
        legend.setWidget(key_legend(KEYS))
        legend.setWidgetResizable(True)
        legend.setFrameShape(QFrame.Shape.NoFrame)
        legend.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        legend.setMinimumHeight(theme.px(60))
        right.addWidget(legend, 1)

        right_column = QWidget()
        right_column.setLayout(right)
        # A third of the page, never narrower than the totals need: the page scales with
        # the window from 1280×720 to a 4K screen.
        right_column.setMinimumWidth(theme.px(RIGHT_COLUMN_PX))
        right_column.setMaximumWidth(theme.px(RIGHT_COLUMN_PX) * 2)
        right.setContentsMargins(0, 0, 0, 0)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 2)
        layout.addWidget(right_column, 1)
        entry = self.line_entry
        chain = (
            entry.code,
            entry.amount,
            entry.reference,
            entry.description,
            entry.alternate,
            self.lines_view,
            self.payer,
            self.tenders_view,
        )
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    # -- session --------------------------------------------------------------------------
    def start(self, operator: Operator) -> None:
        """Show ``operator``'s sale: the terminal keeps one per cashier (a parked one comes
        back when its cashier signs in again)."""
        self.operator = operator
        self.load_catalog()  # read again on the helper: a change shows at the next sign-in
        self.status_line.clear()
        self._show_sale(self.desk.terminal.draft)

    def load_catalog(self) -> None:
        """The revenue codes, read on the page's own helper (a sign-out or a close never
        waits for it). The window asks as it opens, so the codes are there before the first
        sign-in has finished; each ``start`` reads them again."""
        self.reads.run(self.desk.catalog.catalog, on_success=self.line_entry.set_catalog)

    def _read_failed(self, error: Exception) -> None:
        self.notice.show_message(failure_text(error))

    def stop(self) -> None:
        """Signed out: the terminal has parked the sale; the page forgets it."""
        self.operator = None
        self.kept_tender = None
        self._show_sale(ReceiptDraft())

    def new_sale(self) -> None:
        self._show_sale(self.desk.terminal.new_sale() if self.operator else ReceiptDraft())

    def _show_sale(self, draft: ReceiptDraft) -> None:
        self.draft = draft
        self.line_entry.clear()
        self.payer.setText(draft.payer)
        if draft.is_empty:
            self.customer.clear()
        self.notice.clear_message()
        self._refresh()
        self.focus_entry()

    def focus_entry(self) -> None:
        if self.isVisible():
            refocus(self.line_entry.code)

    def _refresh(self) -> None:
        self.lines_model.set_rows(
            [
                (line.code, line.description, line.reference, str(line.amount))
                for line in self.draft.lines
            ]
        )
        self.tenders_model.set_rows(
            [(t.kind.label, _tender_detail(t), str(t.amount)) for t in self.draft.tenders]
        )
        self.lines_view.scrollToBottom()
        self.totals.show_draft(self.draft)
        self._show_customer()
        self.draft_changed.emit()

    def _show_customer(self) -> None:
        """The pole display follows the sale: the last line keyed, then what is still due once
        tenders are taken. An empty sale leaves it alone, so the last change due stays up."""
        if not self.draft.lines:
            return
        devices = self.desk.devices
        if self.draft.tenders:
            devices.show_total_due(self.draft.remaining)
        else:
            last = self.draft.lines[-1]
            devices.show_line(last.description, last.amount)

    def _payer_changed(self, text: str) -> None:
        self.draft.payer = text

    # -- lines and tenders (ValidationError goes back to the widget that asked) -----------
    def add_line(self, line: ChargeLine) -> None:
        self.draft.add_line(line)
        self.notice.clear_message()
        self.status_line.clear()  # an earlier "Added …" no longer describes the sale
        self._refresh()

    def add_lines(self, lines: Sequence[ChargeLine]) -> None:
        """The lines of one record (a utility payment, a license), all or none."""
        added = 0
        try:
            for line in lines:
                self.draft.add_line(line)
                added += 1
        except ValidationError:
            for _ in range(added):
                self.draft.remove_line(len(self.draft.lines) - 1)
            raise
        finally:
            self._refresh()
        self.notice.clear_message()

    def add_tender(self, tender: Tender) -> None:
        self.draft.add_tender(tender)
        self.notice.clear_message()
        self.status_line.clear()
        self._refresh()

    def remove_tender_at(self, index: int) -> None:
        self.draft.remove_tender(index)
        self._refresh()

    def _remove_line(self) -> None:
        self._remove(self.lines_view, self.draft.remove_line)

    def _remove_tender(self) -> None:
        self._remove(self.tenders_view, self.draft.remove_tender)

    def _remove(self, view: QTableView, remove: Callable[[int], object]) -> None:
        row = current_row(view)
        if row is None or self.posting:
            return
        try:
            remove(row)
        except ValidationError as err:
            self.notice.show_message(str(err))
            return
        self.notice.clear_message()
        self._refresh()

    def pick_code(self) -> None:
        """F1: the revenue codes as a list to search; the pick goes into the line entry."""
        if self.operator is None or self.posting:
            return
        entry = self.line_entry
        dialog = CodePickerDialog(
            entry.catalog,
            text=entry.code.text() if entry.code.text() not in entry.catalog else "",
            parent=self,
        )
        self.code_picker = dialog
        dialog.accepted.connect(lambda: entry.use_code(dialog.chosen.code if dialog.chosen else ""))
        dialog.rejected.connect(self.focus_entry)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def take_tender(self, form: TenderForm) -> None:
        self.open_tender(form)

    def open_tender(self, form: TenderForm) -> TenderDialog:
        dialog = (CheckTenderDialog if form is CHECK else TenderDialog)(
            form, remaining=self.draft.remaining, submit=self.add_tender, parent=self
        )
        if isinstance(dialog, CheckTenderDialog):
            dialog.use_reader(self.desk, self.background)
        self.tender_dialog = dialog
        dialog.finished.connect(self.focus_entry)
        dialog.finished.connect(dialog.deleteLater)
        dialog.finished.connect(lambda _result: self._tender_closed(dialog))
        dialog.open()
        return dialog

    def _tender_closed(self, dialog: TenderDialog) -> None:
        if self.tender_dialog is dialog:
            self.tender_dialog = None

    def keep_tender(self) -> None:
        """The screen is locking: keep what the open tender dialog holds (it closes)."""
        dialog = self.tender_dialog
        if dialog is not None and dialog.isVisible():
            self.kept_tender = (dialog.form, dialog.values())

    def restore_tender(self) -> None:
        """After the unlock: the tender dialog again, as it was keyed."""
        kept, self.kept_tender = self.kept_tender, None
        if kept is None or self.operator is None:
            return
        form, values = kept
        dialog = self.open_tender(form)
        for key, text in values.items():
            dialog.inputs[key].setText(text)

    # -- completing -----------------------------------------------------------------------
    def complete(self) -> None:
        operator = self.operator
        if operator is None or self.posting:
            return
        try:
            final = self.draft.freeze()
        except ValidationError as err:
            self.notice.show_message(str(err))
            return
        self.notice.clear_message()
        self._show_posting(True)
        payments = self.desk.payments
        self.background.run(
            lambda: payments.post_payment(operator, final),
            on_success=self._posted,
            on_failure=self._posting_failed,
        )

    def _show_posting(self, posting: bool) -> None:
        """While a sale posts, nothing may change it; the window stays responsive."""
        self.posting = posting
        actions = (*self.tender_actions, self.complete_action, self.clear_action)
        for action in (*actions, self.pick_code_action):
            action.setEnabled(not posting)
        for widget in (self.line_entry, self.lines_view, self.payer, self.tenders_view):
            widget.setEnabled(not posting)
        self.complete_button.setText("Posting…" if posting else "Complete sale   F12")
        self.status_line.setText("Posting…" if posting else "")

    def _posted(self, posted: PostedReceipt) -> None:
        self.posted.emit(posted)
        self._show_posting(False)
        self.new_sale()
        self.status_line.setText(f"Last receipt {posted.number}: change {posted.change}")
        self.show_receipt(posted)

    def _posting_failed(self, error: Exception) -> None:
        self._show_posting(False)
        self.focus_entry()
        message = str(error) if isinstance(error, CashdeskError) else UNSURE_POSTING
        self.notice.show_message(message)

    def show_receipt(self, posted: PostedReceipt) -> None:
        operator = self.operator
        assert operator is not None
        payments = self.desk.payments
        dialog = ReceiptDialog(
            posted,
            background=self.background,
            reprint=lambda number: payments.reprint(operator, number),
            parent=self,
        )
        self.receipt_dialog = dialog
        dialog.finished.connect(self._receipt_closed)
        dialog.open()

    def _receipt_closed(self) -> None:
        if self.receipt_dialog is not None:
            self.receipt_dialog.deleteLater()
            self.receipt_dialog = None
        self.focus_entry()

    # -- clearing -------------------------------------------------------------------------
    def ask_clear(self) -> None:
        if self.posting:
            return
        if self.draft.is_empty and not self.payer.text():
            self.line_entry.clear()
            self.focus_entry()
            return
        text = "Clear this sale? Nothing of it has been posted."
        charged = total(t.amount for t in self.draft.tenders if t.kind is TenderKind.CARD)
        if charged:
            text += f"\n\n{charged} was charged to a card: reverse it on the card terminal."
        confirm(
            self,
            title="Clear sale",
            text=text,
            yes="&Clear sale",
            no="&Keep sale",
            on_yes=self.new_sale,
            on_no=self.focus_entry,
        )
