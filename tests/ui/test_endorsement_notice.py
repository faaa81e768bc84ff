"""A check taken on a printer without a slip station: the payment result says to stamp it by
hand, in the device service's words, and keeps saying so after a reprint."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from test_payment_page import add_golf_card, stored_receipt, tender_dialog
from ui_keyboard import Keyboard

from cashdesk.app import Cashdesk
from cashdesk.devices.simulated import SimulatedPrinter
from cashdesk.ui.window import MainWindow

F = Qt.Key


def pay_golf_card_by_check(keys: Keyboard, qtbot: QtBot) -> None:
    add_golf_card(keys)
    keys.press(F.Key_F3)
    tender_dialog(qtbot)
    keys.enter()  # the amount due, filled in
    keys.type("021000021")
    keys.enter()
    keys.type("123456789")
    keys.enter()
    keys.type("1001")
    keys.enter()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    keys.press(F.Key_F12)


def test_no_slip_station_says_to_stamp_the_check_by_hand(
    selling: MainWindow, keys: Keyboard, desk: Cashdesk, qtbot: QtBot
) -> None:
    printer = SimulatedPrinter(slip_station=False)
    desk.ctx.devices.printer = printer
    page = selling.payment_page
    pay_golf_card_by_check(keys, qtbot)
    qtbot.waitUntil(lambda: page.receipt_dialog is not None)
    dialog = page.receipt_dialog
    assert dialog is not None

    receipt = stored_receipt(desk, "W01-000001")
    assert receipt.status == "posted"
    assert [(t.kind, t.amount_cents) for t in receipt.tenders] == [("check", 40_00)]
    assert printer.endorsed == [] and printer.printed  # the receipt printed, no endorsement
    notice = (
        "Stamp the back of Check 1001 $40.00 (receipt W01-000001) by hand: this printer "
        "cannot print on checks."
    )
    assert dialog.endorse.isVisible() and dialog.endorse.text() == notice
    assert not dialog.view.problems.isVisible()  # not a printing problem

    keys.press(F.Key_P, Qt.KeyboardModifier.ControlModifier)  # a reprint keeps the notice
    qtbot.waitUntil(lambda: dialog.view.printed.text() == "Printed.")
    assert dialog.endorse.isVisible() and dialog.endorse.text() == notice


def test_a_slip_station_endorses_and_no_notice_shows(
    selling: MainWindow, keys: Keyboard, desk: Cashdesk, qtbot: QtBot
) -> None:
    printer = desk.ctx.devices.printer
    assert isinstance(printer, SimulatedPrinter) and printer.slip_station
    page = selling.payment_page
    pay_golf_card_by_check(keys, qtbot)
    qtbot.waitUntil(lambda: page.receipt_dialog is not None)
    dialog = page.receipt_dialog
    assert dialog is not None
    assert len(printer.endorsed) == 1
    assert not dialog.endorse.isVisible() and dialog.endorse.text() == ""
