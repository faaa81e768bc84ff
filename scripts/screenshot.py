"""Render the main screens to docs/screens/*.png, offscreen at 1280x800.

    PYTHONPATH=src python scripts/screenshot.py

Builds a demo store in a temporary folder, signs Maria in, opens her drawer, keys a sale
and saves the payment page; then posts it and saves the receipt preview and today's list.
Then the counter's records and licenses: the find results, a utility payment, a business
license renewal, an animal license, the fee quote and a mail batch's result.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from cashdesk.app import DEMO_PASSWORD, initialise, open_cashdesk
from cashdesk.config import Config
from cashdesk.domain import tender
from cashdesk.domain.money import Money
from cashdesk.domain.roles import Operator
from cashdesk.services.auth import make_hasher
from cashdesk.ui import theme
from cashdesk.ui.pyside_fixes import guard_none_refcount
from cashdesk.ui.window import MainWindow

if TYPE_CHECKING:
    from cashdesk.app import Cashdesk

SCREENS = Path(__file__).resolve().parent.parent / "docs" / "screens"
SIZE = (1280, 800)


def save(widget: QWidget, name: str) -> None:
    QTest.qWait(200)  # let layouts and the window system settle
    path = SCREENS / name
    if not widget.grab().save(str(path)):
        raise SystemExit(f"could not write {path}")
    print(path)


def wait_for(condition: Callable[[], object]) -> None:
    for _ in range(500):
        if condition():
            return
        QTest.qWait(10)
    raise SystemExit("the screen did not get there")


def counter_dialog(window: MainWindow) -> QDialog:
    dialog = window.counter.dialog
    wait_for(lambda: window.counter.dialog is not None)
    dialog = window.counter.dialog
    assert dialog is not None
    return dialog


def close_counter_dialog(window: MainWindow) -> None:
    dialog = window.counter.dialog
    if dialog is not None:
        dialog.reject()
    wait_for(lambda: window.counter.dialog is None)


def lookup_results(window: MainWindow) -> None:
    window.counter.find()
    lookup = window.counter.lookup
    assert lookup is not None
    lookup.query.setText("nunez")
    wait_for(lambda: lookup.answered and lookup.results)
    save(lookup, "lookup-results.png")
    close_counter_dialog(window)


def utility_payment(window: MainWindow, desk: Cashdesk) -> None:
    from cashdesk.ui.records_dialogs import UtilityPaymentDialog

    view = desk.records.utility_account("100007")
    dialog = UtilityPaymentDialog(
        desk, view, add_lines=window.counter.add_lines, parent=window.payment_page
    )
    dialog.set_text("amount", "250.00")
    dialog.show()
    save(dialog, "utility-payment.png")
    dialog.reject()


def business_license(window: MainWindow, desk: Cashdesk) -> None:
    from cashdesk.ui.license_dialogs import BusinessRenewalDialog

    page = window.payment_page
    assert page.operator is not None
    info = desk.licenses.find_business_license("BL-10001")
    dialog = BusinessRenewalDialog(
        desk, page.operator, info, add_charge=window.counter.add_charge, parent=page
    )
    dialog.set_text("gross", "912,400.00")
    dialog.set_choice("via", "mail")
    dialog.set_text("received_on", "11/20/2026")
    dialog.show()
    save(dialog, "business-license.png")
    dialog.reject()


def animal_license(window: MainWindow, desk: Cashdesk) -> None:
    from cashdesk.ui.license_dialogs import AnimalLicenseDialog

    page = window.payment_page
    assert page.operator is not None
    info = desk.licenses.find_animal_license("AL-50035")
    dialog = AnimalLicenseDialog(
        desk, page.operator, info, add_charge=window.counter.add_charge, parent=page
    )
    dialog.set_text("rabies", "06/23/2029")
    dialog.set_choice("term", "2")
    dialog.show()
    save(dialog, "animal-license.png")
    dialog.reject()


def fee_quote(window: MainWindow, desk: Cashdesk) -> None:
    from cashdesk.ui.quote_dialog import FeeQuoteDialog

    dialog = FeeQuoteDialog(desk, parent=window.payment_page)
    dialog.set_choice("kind", "business")
    dialog.set_choice("class", "GR")
    dialog.set_text("gross", "1,250,000.00")
    dialog.set_checked("new", True)
    dialog.set_text("year", "2026")
    dialog.set_text("start", "08/15/2026")
    dialog.show()
    save(dialog, "fee-quote.png")
    dialog.reject()


def batch_import(window: MainWindow, folder: Path) -> None:
    path = folder / "mail-1126.csv"
    path.write_text(
        "payer,kind,reference,amount,tender,check_routing,check_account,check_number,postmark\n"
        "Robert Anderson,UTIL,100007,218.75,check,021000021,40000001,1001,2026-11-20\n"
        "Pat Doe,GOLF-R,,40.00,money_order,,,MO-5521,\n"
        "Hana Kim,UTIL,100007,50.00,check,121042882,65876275824,2201,\n"
        "Lee Park,CIT,RB2699999,48.00,check,021000021,40000002,1002,\n"
        "Ann Lee,MISC,Copy fee,3.50,cash,,,,\n",
        encoding="utf-8",
    )
    window.counter.batch_import()
    dialog = counter_dialog(window)
    from cashdesk.ui.records_dialogs import BatchImportDialog

    assert isinstance(dialog, BatchImportDialog)
    dialog.path.setText(str(path))
    dialog.batch.setText("MAIL1126")
    dialog.start_import()
    wait_for(lambda: dialog.imported is not None)
    save(dialog, "batch-import.png")
    close_counter_dialog(window)


def drawer_open(window: MainWindow) -> None:
    """The open-drawer page: the denomination grid with the standard bank filled in."""
    save(window, "open-drawer.png")


def blind_close(window: MainWindow) -> None:
    """F10: the blind count, half typed (the expected figures are not on it)."""
    screens = window.drawer_screens
    screens.close_drawer()
    page = screens.close_page
    for code, pieces in (("B100", "2"), ("B20", "2"), ("B5", "1"), ("C25", "8")):
        page.grid.edits[code].setText(pieces)
    page.items.number.setText("1001")
    page.items.amount.setText("100.00")
    page.items._add()
    page.items.card_batch.setText("50.00")
    save(window, "drawer-blind-close.png")


def over_short_signed_off(window: MainWindow) -> None:
    """The count submitted: over/short per tender, then a lead's sign-off of the short."""
    page = window.drawer_screens.close_page
    page.submit()
    while page.views.currentWidget() is not page.result_view:
        QTest.qWait(10)
    save(window, "drawer-over-short.png")
    result = page.result
    assert result is not None
    lead = window.desk.auth.sign_in("lead", DEMO_PASSWORD)
    signed = window.desk.balancing.approve(
        lead, result.session_id, reason="Change given twice on a $20 bill"
    )
    page._show_result(signed)
    save(window, "drawer-signed-off.png")
    page.done()


def reports_daily(window: MainWindow, lead: Operator) -> None:
    """Ctrl+R as the lead: the daily cash report, page by page, with its figures."""
    window.begin_session(lead)
    window.drawer_screens.show_reports()
    dialog = window.drawer_screens.reports_dialog
    assert dialog is not None
    dialog.resize(*SIZE)
    dialog.show_report()
    while dialog.rendered is None:
        QTest.qWait(20)
    save(dialog, "reports-daily.png")
    dialog.reject()
    QTest.qWait(50)


def main() -> int:
    guard_none_refcount()
    app = QApplication(sys.argv)
    theme.apply(app)
    SCREENS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        desk = open_cashdesk(Config(), Path(tmp) / "demo.db", hasher=make_hasher(fast=True))
        try:
            initialise(desk, demo=True)
            window = MainWindow(desk, demo=True)
            window.resize(*SIZE)
            window.show()
            save(window, "sign-in.png")

            lead = desk.auth.sign_in("lead", DEMO_PASSWORD)
            desk.licenses.load_tag_stock(lead, prefix="T", first_no=30000, last_no=30999)
            window.begin_session(desk.auth.sign_in("maria", DEMO_PASSWORD))
            drawer_open(window)
            window.drawer_page.open_drawer()

            page = window.payment_page
            catalog = desk.catalog.catalog()
            page.add_line(catalog.line("GOLF-R"))
            page.add_line(
                catalog.line("MISC", amount=Money.parse("12.34"), description="Copy of a permit")
            )
            page.add_line(catalog.line("DAR-10", alternate=True))
            page.add_line(
                catalog.line("FAC-FEE", amount=Money.parse("150.00"), reference="INV-2024-0042")
            )
            page.payer.setText("Jane Q. Public")
            page.add_tender(
                tender.check(
                    Money.parse("100.00"), routing="021000021", account="123456789", number="1001"
                )
            )
            page.add_tender(tender.card(Money.parse("50.00"), last4="4242", approval="AB12CD"))
            page.add_tender(tender.cash(Money.parse("70.00")))
            page.line_entry.code.setText("DAR-20")  # a code being keyed, with its alternate
            save(window, "payment.png")

            page.line_entry.clear()
            page.complete()
            while page.receipt_dialog is None:  # posting runs on the thread pool
                QTest.qWait(10)
            save(page.receipt_dialog, "receipt.png")
            page.receipt_dialog.accept()

            window.show_receipts()
            assert window.receipts_dialog is not None
            save(window.receipts_dialog, "todays-receipts.png")
            window.receipts_dialog.reject()
            QTest.qWait(50)

            lookup_results(window)
            utility_payment(window, desk)
            business_license(window, desk)
            animal_license(window, desk)
            fee_quote(window, desk)
            batch_import(window, Path(tmp))
            QTest.qWait(50)
            blind_close(window)
            over_short_signed_off(window)
            reports_daily(window, desk.auth.sign_in("lead", DEMO_PASSWORD))
            window.close()
        finally:
            desk.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
