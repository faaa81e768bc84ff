"""The revenue-code picker (F1 on the payment page), driven with the keyboard alone."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from test_payment_page import stored_receipt, tender_dialog
from ui_keyboard import Keyboard

from cashdesk.app import Cashdesk
from cashdesk.ui.code_picker import CodePickerDialog
from cashdesk.ui.window import MainWindow

F = Qt.Key


def picker(qtbot: QtBot) -> CodePickerDialog:
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), CodePickerDialog))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, CodePickerDialog)
    return dialog


def test_f1_finds_a_code_by_its_description_and_enter_puts_it_in_the_line(
    selling: MainWindow, keys: Keyboard, desk: Cashdesk, qtbot: QtBot
) -> None:
    page = selling.payment_page
    qtbot.waitUntil(lambda: "FAC-FEE" in page.line_entry.catalog)
    keys.press(F.Key_F1)
    dialog = picker(qtbot)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.query)
    everything = dialog.model.rowCount()
    keys.type("rental fee")
    assert [row[0] for row in (dialog.model.row(i) for i in range(dialog.model.rowCount()))] == [
        "FAC-FEE"
    ]
    assert everything > 1
    keys.enter()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    entry = page.line_entry
    assert entry.code.text() == "FAC-FEE"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is entry.amount)  # keyed next
    keys.type("150.00")
    keys.enter()
    keys.type("INV-7")
    keys.enter()
    assert page.totals.value("total") == "$150.00"

    keys.press(F.Key_F2)
    tender_dialog(qtbot)
    keys.enter()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    keys.press(F.Key_F12)
    qtbot.waitUntil(lambda: page.receipt_dialog is not None)
    receipt = stored_receipt(desk, "W01-000001")
    assert [(line.code, line.amount_cents, line.reference) for line in receipt.lines] == [
        ("FAC-FEE", 150_00, "INV-7")
    ]


def test_arrows_move_through_the_matches_and_escape_changes_nothing(
    selling: MainWindow, keys: Keyboard, qtbot: QtBot
) -> None:
    page = selling.payment_page
    qtbot.waitUntil(lambda: "GOLF-R" in page.line_entry.catalog)
    keys.type("G")  # an unknown start: the picker opens with it as the search
    keys.press(F.Key_F1)
    dialog = picker(qtbot)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.query)
    assert dialog.query.text() == "G"
    assert all("g" in f"{c.code} {c.description}".lower() for c in dialog.codes)
    keys.press(F.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    assert page.line_entry.code.text() == "G"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.line_entry.code)
    assert page.draft.is_empty

    keys.press(F.Key_F1)
    dialog = picker(qtbot)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.query)
    keys.type("card")
    codes = [c.code for c in dialog.codes]
    assert len(codes) >= 2
    keys.press(F.Key_Down)
    keys.enter()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    assert page.line_entry.code.text() == codes[1]
    assert page.draft.is_empty  # the line is added only by the cashier's own Enter
