"""Render the main screens to docs/screens/*.png, offscreen at 1280x800.

    PYTHONPATH=src python scripts/screenshot.py

Builds a demo store in a temporary folder, signs Maria in, opens her drawer, keys a sale
and saves the payment page; then posts it and saves the receipt preview and today's list.
Then the operations screens: the lock screen (a sale kept behind it), the supervisor override
for a cashier's void, the devices panel, the sync panel (a lead, one refused row) and the
users administration (the administrator).
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import select

from cashdesk.app import DEMO_PASSWORD, Cashdesk, initialise, open_cashdesk
from cashdesk.config import Config
from cashdesk.devices.simulated import SimulatedCheckReader
from cashdesk.domain import tender
from cashdesk.domain.money import Money
from cashdesk.errors import CashdeskError
from cashdesk.services.auth import make_hasher
from cashdesk.store.engine import transaction
from cashdesk.store.ledger_models import SyncExceptionRow
from cashdesk.store.models import OutboxRow
from cashdesk.ui import theme
from cashdesk.ui.pyside_fixes import guard_none_refcount
from cashdesk.ui.window import MainWindow

SCREENS = Path(__file__).resolve().parent.parent / "docs" / "screens"
SIZE = (1280, 800)


def save(widget: QWidget, name: str) -> None:
    QTest.qWait(200)  # let layouts and the window system settle
    path = SCREENS / name
    if not widget.grab().save(str(path)):
        raise SystemExit(f"could not write {path}")
    print(path)


def wait_for(condition: object, what: str) -> None:
    for _ in range(500):
        if callable(condition) and condition():
            return
        QTest.qWait(10)
    raise SystemExit(f"timed out waiting for {what}")


def switch_to(window: MainWindow, desk: Cashdesk, username: str) -> None:
    """Sign the current person out and ``username`` in, as the keyboard would."""
    window.sign_out()
    window.begin_session(desk.terminal.sign_in(username, DEMO_PASSWORD).operator)


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
    panel.reject()
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

            window.begin_session(desk.terminal.sign_in("maria", DEMO_PASSWORD).operator)
            save(window, "open-drawer.png")
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

            lock_screen(window, desk)
            override_dialog(window)
            devices_panel(window, desk)
            sync_panel(window, desk)
            users_admin(window, desk)
            window.shutdown()
            window.close()
        finally:
            desk.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
