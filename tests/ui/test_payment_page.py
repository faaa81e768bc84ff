"""The payment page, driven with the keyboard alone."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from ui_keyboard import Keyboard

from cashdesk.app import Cashdesk
from cashdesk.devices.document import ReceiptDocument
from cashdesk.devices.simulated import SimulatedDisplay, SimulatedPrinter
from cashdesk.services.devices import pole_line
from cashdesk.store.models import Receipt
from cashdesk.ui.tender_dialogs import TenderDialog
from cashdesk.ui.window import MainWindow

F = Qt.Key
ALT = Qt.KeyboardModifier.AltModifier


def stored_receipt(desk: Cashdesk, number: str) -> Receipt:
    with desk.ctx.sessions() as s:
        receipt = s.scalar(
            select(Receipt)
            .where(Receipt.number == number)
            .options(selectinload(Receipt.lines), selectinload(Receipt.tenders))
        )
        assert receipt is not None
        return receipt


def tender_dialog(qtbot: QtBot) -> TenderDialog:
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), TenderDialog))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, TenderDialog)
    return dialog


def add_golf_card(keys: Keyboard) -> None:
    keys.type("GOLF-R")
    keys.enter()


def test_a_whole_payment_with_the_keyboard_only(
    window: MainWindow, keys: Keyboard, desk: Cashdesk, qtbot: QtBot
) -> None:
    keys.type("maria")
    keys.enter()
    keys.type("riverbend1")
    keys.enter()
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.drawer_page)
    assert window.drawer_page.grid.total.text() == "$200.00"
    keys.enter()
    page = window.payment_page
    qtbot.waitUntil(lambda: window.pages.currentWidget() is page)
    assert QApplication.focusWidget() is page.line_entry.code

    add_golf_card(keys)
    keys.type("MISC")
    keys.enter()
    keys.type("12.34")
    keys.enter()
    keys.type("Copy of a permit")
    keys.enter()
    keys.type("DAR-10")
    keys.press(F.Key_A, ALT)
    keys.enter()
    keys.type("FAC-FEE")
    keys.enter()
    keys.type("150.00")
    keys.enter()
    keys.type("INV-2024-0042")
    keys.enter()
    assert page.totals.value("total") == "$212.34"
    assert QApplication.focusWidget() is page.line_entry.code

    keys.press(F.Key_F, ALT)
    keys.type("Jane Q. Public")
    keys.press(F.Key_C, ALT)

    keys.press(F.Key_F3)
    assert tender_dialog(qtbot).inputs["amount"].text() == "212.34"
    keys.type("100.00")
    keys.enter()
    keys.type("021000021")
    keys.enter()
    keys.type("123456789")
    keys.enter()
    keys.type("1001")
    keys.enter()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    assert page.totals.value("remaining") == "$112.34"

    keys.press(F.Key_F5)
    tender_dialog(qtbot)
    keys.type("50.00")
    keys.enter()
    keys.type("4242")
    keys.enter()
    keys.type("ab12cd")
    keys.enter()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)

    keys.press(F.Key_F2)
    assert tender_dialog(qtbot).inputs["amount"].text() == "62.34"
    keys.type("70.00")
    keys.enter()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    assert page.totals.value("remaining") == "$0.00"
    assert page.totals.value("change") == "$7.66"

    keys.press(F.Key_F12)
    qtbot.waitUntil(lambda: page.receipt_dialog is not None)
    dialog = page.receipt_dialog
    assert dialog is not None

    receipt = stored_receipt(desk, "W01-000001")
    assert receipt.status == "posted"
    assert receipt.payer == "Jane Q. Public"
    assert (receipt.total_cents, receipt.tendered_cents, receipt.change_cents) == (
        212_34,
        220_00,
        7_66,
    )
    assert [(line.code, line.amount_cents, line.reference) for line in receipt.lines] == [
        ("GOLF-R", 40_00, ""),
        ("MISC", 12_34, ""),
        ("DAR-10", 10_00, ""),
        ("FAC-FEE", 150_00, "INV-2024-0042"),
    ]
    assert receipt.lines[1].description == "Miscellaneous receipt: Copy of a permit"
    assert receipt.lines[2].description == "Dial-a-Ride 10-ride card (senior/disabled)"
    assert [(t.kind, t.amount_cents) for t in receipt.tenders] == [
        ("check", 100_00),
        ("card", 50_00),
        ("cash", 70_00),
    ]
    check, card = receipt.tenders[0], receipt.tenders[1]
    assert (check.check_routing, check.check_account, check.check_number) == (
        "021000021",
        "123456789",
        "1001",
    )
    assert (card.card_last4, card.card_approval) == ("4242", "AB12CD")

    printer = desk.ctx.devices.printer
    assert isinstance(printer, SimulatedPrinter)
    preview = dialog.view.text.toPlainText()
    assert preview == printer.last_text
    assert "****6789" in preview
    assert "123456789" not in preview
    assert dialog.change.text() == "$7.66"
    assert not dialog.view.problems.isVisible()

    keys.enter()  # next sale
    qtbot.waitUntil(lambda: page.receipt_dialog is None)
    assert page.draft.is_empty
    assert page.lines_model.rowCount() == 0
    assert page.totals.value("total") == "$0.00"
    assert page.payer.text() == ""
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.line_entry.code)


def test_a_bad_routing_number_is_explained_and_adds_no_tender(
    selling: MainWindow, keys: Keyboard, qtbot: QtBot
) -> None:
    page = selling.payment_page
    add_golf_card(keys)
    keys.press(F.Key_F3)
    dialog = tender_dialog(qtbot)
    keys.enter()  # the amount due as offered
    keys.type("021000022")
    keys.enter()
    keys.type("123456789")
    keys.enter()
    keys.type("1001")
    keys.enter()

    assert dialog.isVisible()
    assert dialog._errors["routing"].text() == "Routing number 021000022 fails its check digit."
    assert dialog._errors["routing"].isVisible()
    assert QApplication.focusWidget() is dialog.inputs["routing"]
    assert page.draft.tenders == []
    assert page.tenders_model.rowCount() == 0
    keys.press(F.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    assert page.draft.tenders == []


def test_escape_in_a_tender_dialog_changes_nothing(
    selling: MainWindow, keys: Keyboard, qtbot: QtBot
) -> None:
    page = selling.payment_page
    add_golf_card(keys)
    for key in (F.Key_F2, F.Key_F3, F.Key_F4, F.Key_F5):
        keys.press(key)
        tender_dialog(qtbot)
        keys.type("10")
        keys.press(F.Key_Escape)
        qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
        assert page.draft.tenders == []
        assert page.totals.value("remaining") == "$40.00"
        assert [line.code for line in page.draft.lines] == ["GOLF-R"]
        qtbot.waitUntil(lambda: QApplication.focusWidget() is page.line_entry.code)


def test_escape_clears_the_sale_only_after_confirmation(
    selling: MainWindow, keys: Keyboard, qtbot: QtBot
) -> None:
    page = selling.payment_page
    add_golf_card(keys)

    keys.press(F.Key_Escape)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox))
    keys.press(F.Key_Escape)  # the safe answer: keep the sale
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    assert len(page.draft.lines) == 1

    keys.press(F.Key_Escape)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox))
    keys.type("c")  # Clear sale
    qtbot.waitUntil(lambda: page.draft.is_empty)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.line_entry.code)


def test_enter_moves_to_what_the_code_still_needs(selling: MainWindow, keys: Keyboard) -> None:
    entry = selling.payment_page.line_entry
    keys.type("FAC-FEE")
    keys.enter()
    assert QApplication.focusWidget() is entry.amount
    keys.type("25")
    keys.enter()
    assert QApplication.focusWidget() is entry.reference
    keys.enter()  # still no invoice number: the catalog says so
    assert entry.error.text() == "FAC-FEE needs the invoice number it pays."
    assert selling.payment_page.draft.lines == []


def test_a_fixed_price_fills_the_amount_and_the_alternate_shows_only_when_there_is_one(
    selling: MainWindow, keys: Keyboard
) -> None:
    entry = selling.payment_page.line_entry
    assert not entry.amount.isEnabled()  # only a keyed code takes an amount
    keys.type("MISC")
    assert entry.amount.isEnabled()
    for _ in "MISC":
        keys.press(F.Key_Backspace)
    keys.type("GOLF-R")
    assert (entry.amount.text(), entry.amount.isEnabled()) == ("40.00", False)
    assert not entry.alternate.isVisible()
    for _ in "GOLF-R":
        keys.press(F.Key_Backspace)
    keys.type("DAR-20")
    assert entry.alternate.isVisible()
    keys.press(F.Key_A, ALT)
    assert entry.amount.text() == "19.00"
    keys.press(F.Key_A, ALT)
    assert entry.amount.text() == "38.00"


def test_delete_removes_the_selected_line(
    selling: MainWindow, keys: Keyboard, qtbot: QtBot
) -> None:
    page = selling.payment_page
    add_golf_card(keys)
    keys.type("NSF")
    keys.enter()
    keys.press(F.Key_L, ALT)
    assert QApplication.focusWidget() is page.lines_view
    keys.press(F.Key_Down)
    keys.press(F.Key_Down)
    keys.press(F.Key_Delete)
    assert [line.code for line in page.draft.lines] == ["GOLF-R"]
    assert page.totals.value("total") == "$40.00"


def test_f12_before_the_sale_is_paid_says_what_is_due(
    selling: MainWindow, keys: Keyboard, desk: Cashdesk
) -> None:
    page = selling.payment_page
    add_golf_card(keys)
    keys.press(F.Key_F12)
    assert page.notice.text() == "Take at least one tender."
    assert desk.payments.todays_receipts(page.operator) == []  # type: ignore[arg-type]


class GatedPrinter(SimulatedPrinter):
    """A printer that holds each job until the test opens the gate."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.started = threading.Event()
        self.thread: threading.Thread | None = None

    def print_receipt(self, document: ReceiptDocument, *, job_id: str) -> None:
        self.thread = threading.current_thread()
        self.started.set()
        assert self.gate.wait(10), "the test never opened the gate"
        super().print_receipt(document, job_id=job_id)


def test_posting_runs_off_the_gui_thread_and_shows_it_is_busy(
    selling: MainWindow, keys: Keyboard, desk: Cashdesk, qtbot: QtBot
) -> None:
    printer = GatedPrinter()
    desk.ctx.devices.printer = printer
    page = selling.payment_page
    add_golf_card(keys)
    keys.press(F.Key_F2)
    tender_dialog(qtbot)
    keys.enter()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)

    keys.press(F.Key_F12)  # returns while the printer is still holding the job
    qtbot.waitUntil(printer.started.is_set)  # the event loop keeps running meanwhile
    assert printer.thread is not threading.main_thread()
    assert selling.background.busy
    assert page.status_line.text() == "Posting…"
    assert page.complete_button.text() == "Posting…"
    assert not page.complete_action.isEnabled()
    assert not page.line_entry.isEnabled()
    keys.press(F.Key_F12)  # a second press while posting does nothing
    assert page.receipt_dialog is None

    printer.gate.set()
    qtbot.waitUntil(lambda: page.receipt_dialog is not None)
    assert not selling.background.busy
    assert page.complete_action.isEnabled()
    assert [r.number for r in desk.payments.todays_receipts(page.operator)] == [  # type: ignore[arg-type]
        "W01-000001"
    ]


def test_a_printer_failure_is_shown_and_the_receipt_can_be_reprinted(
    selling: MainWindow, keys: Keyboard, desk: Cashdesk, qtbot: QtBot
) -> None:
    printer = desk.ctx.devices.printer
    assert isinstance(printer, SimulatedPrinter)
    printer.fail_with = "Printer out of paper."
    page = selling.payment_page
    add_golf_card(keys)
    keys.press(F.Key_F2)
    tender_dialog(qtbot)
    keys.type("50")
    keys.enter()
    keys.press(F.Key_F12)
    qtbot.waitUntil(lambda: page.receipt_dialog is not None)
    dialog = page.receipt_dialog
    assert dialog is not None

    assert stored_receipt(desk, "W01-000001").status == "posted"  # the payment stands
    assert dialog.view.problems.isVisible()
    assert "did not print" in dialog.view.problems.text()
    assert dialog.change.text() == "$10.00"
    qtbot.waitUntil(lambda: selling.printer_status.text() == "Printer: Printer out of paper.")

    printer.fail_with = None
    keys.press(F.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: dialog.view.printed.text() == "Printed.")
    assert not dialog.view.problems.isVisible()
    assert "*** REPRINT ***" in printer.last_text
    assert dialog.view.text.toPlainText() == printer.last_text
    qtbot.waitUntil(lambda: selling.printer_status.text() == "Printer: Ready")


def test_the_customer_display_follows_the_sale(
    selling: MainWindow, keys: Keyboard, desk: Cashdesk, qtbot: QtBot
) -> None:
    display = desk.ctx.devices.display
    assert isinstance(display, SimulatedDisplay)
    add_golf_card(keys)
    assert display.lines == (pole_line("Resident golf card", "$40.00"), "")
    assert display.lines[0].endswith("$40.00")
    keys.press(F.Key_F2)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None)
    keys.type("10")
    keys.enter()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    assert display.lines == ("TOTAL DUE", "$30.00".rjust(20))
