"""Render the main screens offscreen at the two counter screen sizes: 1366x768 (the most
common counter screen) to docs/screens/*.png, 1920x1080 to docs/screens/1920x1080/*.png.

    PYTHONPATH=src python scripts/screenshot.py            # both sizes
    PYTHONPATH=src python scripts/screenshot.py 1920x1080  # one

Each size runs in its own process on an offscreen screen of that size (Qt's offscreen
platform, configured with a screens file), so dialogs fit it as they would a real one.

Builds a demo store in a temporary folder, signs Maria in, opens her drawer, keys a sale
and saves the payment page; then posts it and saves the receipt preview and today's list.
Then the counter's records and licenses: the find results, a utility payment, a business
license renewal, an animal license, the fee quote and a mail batch's result.
Then the operations screens: the lock screen (a sale kept behind it), the supervisor override
for a cashier's void, the devices panel, the sync panel (a lead, one refused row), the
users administration and its tag stock tab (the administrator), and the lead's drawers
dashboard.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from sqlalchemy import select

from cashdesk.app import DEMO_PASSWORD, Cashdesk, initialise, open_cashdesk
from cashdesk.config import Config
from cashdesk.devices.simulated import SimulatedCheckReader
from cashdesk.domain import tender
from cashdesk.domain.money import Money
from cashdesk.domain.roles import Operator
from cashdesk.errors import CashdeskError
from cashdesk.services.auth import make_hasher
from cashdesk.store.engine import transaction
from cashdesk.store.ledger_models import SyncExceptionRow
from cashdesk.store.models import OutboxRow
from cashdesk.ui import theme
from cashdesk.ui.pyside_fixes import guard_none_refcount
from cashdesk.ui.window import MainWindow

if TYPE_CHECKING:
    from cashdesk.app import Cashdesk

DOCS = Path(__file__).resolve().parent.parent / "docs" / "screens"
SIZES = {"1366x768": DOCS, "1920x1080": DOCS / "1920x1080"}
SCREENS = DOCS
SIZE = (1366, 768)


def save(widget: QWidget, name: str) -> None:
    QTest.qWait(400)  # let layouts, device answers and the window system settle
    path = SCREENS / name
    if not widget.grab().save(str(path)):
        raise SystemExit(f"could not write {path}")
    print(path)


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
    begin(window, lead)
    window.drawer_screens.show_reports()
    dialog = window.drawer_screens.reports_dialog
    assert dialog is not None
    dialog.resize(*SIZE)
    dialog.show_report()
    while dialog.rendered is None:
        QTest.qWait(20)
    save(dialog, "reports-daily.png")
    dialog.reject()


def code_picker(window: MainWindow) -> None:
    """F1 on the payment page: the revenue codes, filtered as the cashier types."""
    page = window.payment_page
    page.pick_code()
    dialog = page.code_picker
    assert dialog is not None
    dialog.query.setText("fee")
    save(dialog, "code-picker.png")
    dialog.reject()
    QTest.qWait(50)


def dashboard(window: MainWindow, desk: Cashdesk) -> None:
    """Ctrl+Shift+D as the lead: the day's drawers, one open, one counted and signed off."""
    switch_to(window, desk, "lead")
    screens = window.drawer_screens
    screens.show_dashboard()
    dialog = screens.dashboard
    assert dialog is not None
    wait_for(lambda: dialog.board is not None, "the dashboard")
    save(dialog, "dashboard.png")
    dialog.reject()
    QTest.qWait(50)


def wait_for(condition: Callable[[], object], what: str = "the screen") -> None:
    for _ in range(500):
        if condition():
            return
        QTest.qWait(10)
    raise SystemExit(f"timed out waiting for {what}")


def switch_to(window: MainWindow, desk: Cashdesk, username: str) -> None:
    """Sign the current person out and ``username`` in, as the keyboard would."""
    window.sign_out()
    begin(window, desk.terminal.sign_in(username, DEMO_PASSWORD).operator)


def begin(window: MainWindow, operator: Operator) -> None:
    """Start ``operator``'s session; it asks for the drawer on the background helper."""
    window.begin_session(operator)
    wait_for(lambda: not window.background.busy, "the session")
    QTest.qWait(50)


def lock_screen(window: MainWindow, desk: Cashdesk) -> None:
    catalog = desk.catalog.catalog()
    window.payment_page.add_line(catalog.line("GOLF-R"))
    window.payment_page.payer.setText("Ada Park")
    window.lock()
    window.lock_page.error.show_message("User name or PIN is not right.")
    save(window, "lock-screen.png")
    window.lock_page.secret.setText("1111")
    window.lock_page.unlock()
    wait_for(lambda: window.pages.currentWidget() is window.payment_page, "the unlock")
    window.payment_page.new_sale()


def override_dialog(window: MainWindow) -> None:
    window.show_receipts()
    receipts = window.receipts_dialog
    assert receipts is not None
    receipts.ask_void()
    void = receipts.void_dialog
    assert void is not None
    void.inputs["reason"].setText("Customer paid the wrong account")
    void.confirm()  # a cashier's void: the lead approves on this screen
    override = void.override_dialog
    assert override is not None
    override.inputs["supervisor"].setText("lead")
    save(override, "override.png")
    override.reject()
    void.reject()
    receipts.reject()
    QTest.qWait(50)


def devices_panel(window: MainWindow, desk: Cashdesk) -> None:
    reader = desk.ctx.devices.check_reader
    assert isinstance(reader, SimulatedCheckReader)
    window.show_devices()
    panel = window.panel
    assert panel is not None
    wait_for(lambda: panel.model.rowCount() == 4, "the device list")  # type: ignore[attr-defined]
    reader.insert("⑆021000021⑆ 123456789⑈ 1234")
    panel.read_check()  # type: ignore[attr-defined]
    wait_for(lambda: panel.outcome.text().startswith("Check read"), "the check")  # type: ignore[attr-defined]
    save(panel, "devices.png")
    panel.reject()
    QTest.qWait(50)


def sync_panel(window: MainWindow, desk: Cashdesk) -> None:
    with transaction(desk.ctx.sessions) as s:  # the central ledger refused the first receipt
        row = s.scalars(select(OutboxRow).where(OutboxRow.kind == "receipt")).first()
        assert row is not None
        now = desk.ctx.now()
        s.add(
            SyncExceptionRow(
                outbox_id=row.id,
                uuid=row.uuid,
                kind=row.kind,
                error="revenue code GOLF-R is not in the central chart of accounts",
                first_seen_at=now,
                last_seen_at=now,
                attempts=2,
                status="open",
                note="",
            )
        )
    switch_to(window, desk, "lead")
    window.show_sync()
    panel = window.panel
    assert panel is not None
    wait_for(lambda: panel.model.rowCount() == 1, "the exceptions")  # type: ignore[attr-defined]
    save(panel, "sync.png")
    panel.reject()
    QTest.qWait(50)


def users_admin(window: MainWindow, desk: Cashdesk) -> None:
    for _ in range(5):  # José forgot his password: his account is locked
        with contextlib.suppress(CashdeskError):
            desk.auth.sign_in("jose", "not the password")
    switch_to(window, desk, "admin")
    window.show_admin()
    panel = window.panel
    assert panel is not None
    users = panel.users_tab  # type: ignore[attr-defined]
    wait_for(lambda: users.model.rowCount() == 5, "the users")
    users.table.setCurrentIndex(users.model.index(2, 0))
    save(panel, "users-admin.png")
    panel.tabs.setCurrentIndex(3)  # type: ignore[attr-defined]
    tags = panel.tag_stock_tab  # type: ignore[attr-defined]
    wait_for(lambda: tags.model.rowCount() == 1, "the tag stock")
    save(panel, "tag-stock-admin.png")
    panel.reject()
    QTest.qWait(50)


def run_each_size() -> int:
    """One process per size, each on an offscreen screen of that size."""
    for name in SIZES:
        width, height = (int(x) for x in name.split("x"))
        screens = {
            "screens": [
                {
                    "name": "counter",
                    "x": 0,
                    "y": 0,
                    "width": width,
                    "height": height,
                    "logicalDpi": 96,
                    "logicalBaseDpi": 96,
                    "dpr": 1,
                }
            ]
        }
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(screens, f)
        try:
            env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={f.name}"}
            done = subprocess.run([sys.executable, __file__, name], env=env, check=False)
        finally:
            os.unlink(f.name)
        if done.returncode:
            return done.returncode
    return 0


def main() -> int:
    global SCREENS, SIZE
    if len(sys.argv) < 2:
        return run_each_size()
    name = sys.argv[1]
    SCREENS = SIZES[name]
    width, height = (int(x) for x in name.split("x"))
    SIZE = (width, height)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
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
            begin(window, desk.terminal.sign_in("maria", DEMO_PASSWORD).operator)
            drawer_open(window)
            window.drawer_page.open_drawer()
            wait_for(lambda: window.pages.currentWidget() is window.payment_page, "payments")

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
            # The customer picked with Find (F6): the panel stays while the sale is open.
            found = desk.lookup.search(page.operator, "100007", limit=1) if page.operator else []
            if found:
                page.customer.show_record(found[0])
            page.payer.setText(found[0].party if found else "Jane Q. Public")
            page.add_tender(tender.card(Money.parse("50.00"), last4="4242", approval="AB12CD"))
            save(window, "payment-remaining.png")  # Remaining the large figure
            page.remove_tender_at(0)
            page.add_tender(
                tender.check(
                    Money.parse("100.00"), routing="021000021", account="123456789", number="1001"
                )
            )
            page.add_tender(tender.card(Money.parse("50.00"), last4="4242", approval="AB12CD"))
            page.add_tender(tender.cash(Money.parse("70.00")))
            page.line_entry.code.setText("DAR-20")  # a code being keyed, with its alternate
            save(window, "payment.png")
            code_picker(window)

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
            # Maria back at the counter on a newly opened drawer for the operations screens.
            begin(window, desk.terminal.sign_in("maria", DEMO_PASSWORD).operator)
            if window.pages.currentWidget() is window.drawer_page:
                window.drawer_page.open_drawer()
            wait_for(lambda: window.pages.currentWidget() is window.payment_page, "payments")
            lock_screen(window, desk)
            override_dialog(window)
            devices_panel(window, desk)
            sync_panel(window, desk)
            users_admin(window, desk)
            dashboard(window, desk)
            window.shutdown()
            window.close()
        finally:
            desk.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
