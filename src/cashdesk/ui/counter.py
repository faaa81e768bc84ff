"""The counter's records and licenses on the payment page: the keys and buttons that open
the find, license, TOT, program, quote, batch and returned-check screens, and the glue that
puts their lines on the sale.

License applications ride on the sale as lines referenced ``APP-…`` (services/licenses.py):
the license service's posted-hook issues them when the page's Complete (F12) posts the
receipt through PaymentService. This module only

- forgets (``licenses.discard``) an application whose lines left the sale unposted (removed
  with Del, the sale cleared, the cashier signed out), and
- after a receipt that carried applications, fetches what it issued
  (``licenses.issued_on_receipt``, which renders and saves the certificate PDFs) on the
  background worker and shows the certificates.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDialog, QPushButton

from cashdesk.app import Cashdesk
from cashdesk.domain.citation import REVENUE_CODE as CITATION_CODE
from cashdesk.domain.lines import ChargeLine
from cashdesk.domain.money import total
from cashdesk.domain.roles import Operator, Permission, refusal
from cashdesk.domain.utility import REVENUE_CODE as UTILITY_CODE
from cashdesk.errors import CashdeskError, ValidationError
from cashdesk.services.licenses import (
    APPLICATION_PREFIX,
    IssuedLicense,
    LicenseCharge,
    TagRange,
)
from cashdesk.services.lookup import LookupResult
from cashdesk.services.payments import PostedReceipt
from cashdesk.ui.license_dialogs import (
    AnimalApplicationDialog,
    AnimalLicenseDialog,
    BusinessApplicationDialog,
    BusinessRenewalDialog,
    CertificatesDialog,
    TotReturnDialog,
)
from cashdesk.ui.lookup import LookupDialog
from cashdesk.ui.operations import Background
from cashdesk.ui.payment import PaymentPage
from cashdesk.ui.program_dialogs import ProgramSaleDialog
from cashdesk.ui.quote_dialog import FeeQuoteDialog
from cashdesk.ui.receipts import failure_text
from cashdesk.ui.records_dialogs import (
    BatchImportDialog,
    ReturnedCheckDialog,
    UtilityPaymentDialog,
)
from cashdesk.ui.widgets import add_action, key_button, offer

# (what, keys, accessible name); the first key is printed on the button.
TOOLS = (
    ("Find record", "F6", "find"),
    ("Business license", "Ctrl+B", "business"),
    ("Animal license", "Ctrl+D", "animal"),
    ("TOT return", "Ctrl+T", "tot"),
    ("Program sale", "Ctrl+G", "program"),
    ("Fee quote", "Ctrl+Q", "quote"),
    ("Mail batch", "Ctrl+I", "batch"),
    ("Returned check", "Ctrl+N", "nsf"),
)
KEYS = tuple((key, what.lower()) for what, key, _ in TOOLS)
NO_TAGS = (
    "No animal tags are left, so an animal license cannot be issued. A lead cashier loads "
    "a new range of tags in Administration (Ctrl+Shift+A), Tag stock."
)


class CounterTools(QObject):
    def __init__(self, page: PaymentPage, desk: Cashdesk, background: Background) -> None:
        super().__init__(page)
        self.page = page
        self.desk = desk
        self.background = background
        self.dialog: QDialog | None = None  # the counter dialog open now
        self.lookup: LookupDialog | None = None
        self.certificates: CertificatesDialog | None = None
        self.last_issued: list[IssuedLicense] = []
        self._follow_up: Callable[[], None] | None = None
        self._applications: set[str] = set()

        openers = {
            "find": self.find,
            "business": self.new_business_license,
            "animal": self.new_animal_license,
            "tot": self.tot_return,
            "program": self.program_sale,
            "quote": self.fee_quote,
            "batch": self.batch_import,
            "nsf": self.returned_check,
        }
        self.actions = {}
        self.buttons: dict[str, QPushButton] = {}
        for i, (what, key, name) in enumerate(TOOLS):
            action = add_action(
                page, what, [key], openers[name], context=Qt.ShortcutContext.WindowShortcut
            )
            self.actions[name] = action
            self.buttons[name] = key_button(action, what)
            self.buttons[name].setText(f"{what}\n{key}")  # two lines: four fit in a row
            self.buttons[name].setMinimumHeight(58)
            page.counter_keys.addWidget(self.buttons[name], i // 4, i % 4)
        page.draft_changed.connect(self._draft_changed)
        page.posted.connect(self._posted)

    def offer_for(self, operator: Operator) -> None:
        """Leave out what this role may not do: its key does nothing and its button is
        disabled with the reason as its tooltip."""
        offer(self.actions["nsf"], refusal(operator, Permission.PROCESS_RETURNED_CHECK))
        offer(self.actions["batch"], refusal(operator, Permission.IMPORT_PAYMENTS))

    # -- helpers --------------------------------------------------------------------------
    def _operator(self) -> Operator | None:
        if self.page.posting or self.dialog is not None:
            return None
        return self.page.operator

    def _open(self, dialog: QDialog) -> None:
        self.dialog = dialog
        if dialog is not self.lookup:  # the find dialog is kept and connected once
            dialog.finished.connect(self._closed)
        dialog.open()

    def _closed(self) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is not None and dialog is not self.lookup:
            dialog.deleteLater()
        follow_up, self._follow_up = self._follow_up, None
        if follow_up is not None:
            try:
                follow_up()
            except CashdeskError as err:
                self.page.notice.show_message(str(err))
            if self.dialog is not None:
                return
        self.page.focus_entry()

    def add_lines(self, lines: Sequence[ChargeLine], payer: str = "") -> None:
        """Put a record's lines on the sale (all or none); a UTIL or CIT reference already
        on the sale is refused here (posting would refuse the receipt)."""
        on_sale = {(x.code, x.reference) for x in self.page.draft.lines}
        for line in lines:
            record = (line.code, line.reference)
            if line.code in (UTILITY_CODE, CITATION_CODE) and record in on_sale:
                what = "Account" if line.code == UTILITY_CODE else "Citation"
                raise ValidationError(
                    f"{what} {line.reference} is already on this sale; remove its lines (Del) "
                    "to change the payment."
                )
        self.page.add_lines(lines)
        # "Received from": who the record is for (the customer picked with F6) unless the
        # cashier typed someone else.
        payer = payer or self.customer_name
        if payer and not self.page.payer.text().strip():
            self.page.payer.setText(payer)
        self.page.status_line.setText(
            f"Added {len(lines)} line{'s' if len(lines) != 1 else ''}: "
            f"{total(x.amount for x in lines)}"
        )

    def add_charge(self, charge: LicenseCharge) -> None:
        if not charge.needs_payment:
            self._issue_without_payment(charge)
            return
        try:
            self.add_lines(charge.lines)
        except CashdeskError:
            self.desk.licenses.discard(charge.application)
            raise
        self._applications.add(charge.application)

    def _issue_without_payment(self, charge: LicenseCharge) -> None:
        operator = self.page.operator
        assert operator is not None
        licenses = self.desk.licenses
        self.background.run(
            lambda: licenses.issue_without_payment(operator, charge.application),
            on_success=lambda paid: self.show_certificates(list(paid.issued)),
            on_failure=lambda err: self.page.notice.show_message(failure_text(err)),
        )

    # -- applications riding on the sale --------------------------------------------------
    def _on_sale(self) -> set[str]:
        return {
            line.reference
            for line in self.page.draft.lines
            if line.reference.startswith(APPLICATION_PREFIX)
        }

    def _draft_changed(self) -> None:
        current = self._on_sale()
        for application in self._applications - current:
            self.desk.licenses.discard(application)  # its lines left the sale unposted
        self._applications &= current

    def _posted(self, posted: PostedReceipt) -> None:
        issued_apps = self._applications & self._on_sale()
        self._applications = set()  # issued by the posting: nothing to discard
        operator = self.page.operator
        if not issued_apps or operator is None:
            return
        licenses = self.desk.licenses
        self.background.run(
            lambda: licenses.issued_on_receipt(operator, posted.number),
            on_success=self.show_certificates,
            on_failure=lambda err: self.page.status_line.setText(
                f"Receipt {posted.number} posted; the certificates could not be made: "
                f"{failure_text(err)} Reprint them from the license register."
            ),
        )

    def show_certificates(self, issued: list[IssuedLicense]) -> None:
        self.last_issued = issued
        if not issued:
            return
        parent = self.page.receipt_dialog or self.page
        dialog = CertificatesDialog(issued, parent=parent)
        self.certificates = dialog

        def closed() -> None:
            dialog.deleteLater()
            self.certificates = None
            receipt = self.page.receipt_dialog
            if receipt is not None:  # back to the receipt: Enter starts the next sale
                receipt.activateWindow()
                receipt.next_button.setFocus()
            elif self.dialog is None:
                self.page.focus_entry()

        dialog.finished.connect(closed)
        dialog.open()

    # -- find (F6) ------------------------------------------------------------------------
    def find(self) -> None:
        if self._operator() is None:
            return
        if self.lookup is None:
            self.lookup = LookupDialog(self.desk, choose=self._choose, parent=self.page)
            self.lookup.finished.connect(self._closed)
        self.lookup.query.clear()
        self.lookup.error.clear_message()
        self.lookup.query.setFocus()
        self._open(self.lookup)

    @property
    def customer_name(self) -> str:
        return self.page.customer.party

    def _choose(self, result: LookupResult) -> None:
        """Act on a picked record; raising keeps the find dialog open with the message."""
        operator = self.page.operator
        assert operator is not None
        desk = self.desk
        if result.kind == "citation":
            lines = desk.records.citation_lines(result.key)
            self.page.customer.show_record(result)
            self.add_lines(lines)
            self.page.status_line.setText(
                f"Citation {result.key}: {total(x.amount for x in lines)} added."
            )
            return
        if result.kind == "utility":
            view = desk.records.utility_account(result.key)
            self._follow_up = lambda: self._open(
                UtilityPaymentDialog(desk, view, add_lines=self.add_lines, parent=self.page)
            )
        elif result.kind == "business_license":
            business = desk.licenses.find_business_license(result.key)
            self._follow_up = lambda: self._open(
                BusinessRenewalDialog(
                    desk, operator, business, add_charge=self.add_charge, parent=self.page
                )
            )
        elif result.kind == "animal_license":
            animal = desk.licenses.find_animal_license(result.key)
            self._follow_up = lambda: self._open(
                AnimalLicenseDialog(
                    desk, operator, animal, add_charge=self.add_charge, parent=self.page
                )
            )
        self.page.customer.show_record(result)

    # -- the other screens ----------------------------------------------------------------
    def _start(self, make: Callable[[Operator], QDialog]) -> None:
        operator = self._operator()
        if operator is None:
            return
        try:
            dialog = make(operator)
        except CashdeskError as err:
            self.page.notice.show_message(str(err))
            return
        self._open(dialog)

    def new_business_license(self) -> None:
        self._start(
            partial(
                BusinessApplicationDialog, self.desk, add_charge=self.add_charge, parent=self.page
            )
        )

    def new_animal_license(self) -> None:
        """Ctrl+D: the tag stock is asked first (on the helper), so an empty stock is said
        before anything is typed, not after the whole application."""
        if self._operator() is None:
            return
        self.background.run(self.desk.licenses.tag_stock, on_success=self._tags_checked)

    def _tags_checked(self, ranges: list[TagRange]) -> None:
        if not any(r.remaining > 0 for r in ranges):
            self.page.notice.show_message(NO_TAGS)
            return
        self._start(
            partial(
                AnimalApplicationDialog, self.desk, add_charge=self.add_charge, parent=self.page
            )
        )

    def tot_return(self) -> None:
        self._start(
            partial(TotReturnDialog, self.desk, add_charge=self.add_charge, parent=self.page)
        )

    def program_sale(self) -> None:
        self._start(
            lambda _operator: ProgramSaleDialog(
                self.desk,
                add_lines=self.add_lines,
                payer=self.page.payer.text(),
                parent=self.page,
            )
        )

    def fee_quote(self) -> None:
        self._start(lambda _operator: FeeQuoteDialog(self.desk, parent=self.page))

    def batch_import(self) -> None:
        self._start(
            lambda operator: BatchImportDialog(
                self.desk, operator, self.background, parent=self.page
            )
        )

    def returned_check(self) -> None:
        self._start(
            lambda operator: ReturnedCheckDialog(
                self.desk, operator, self.background, parent=self.page
            )
        )
