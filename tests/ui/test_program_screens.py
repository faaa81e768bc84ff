"""Petty cash (Ctrl+Shift+P) and housing assistance (Ctrl+Shift+H) with the keyboard alone."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from ui_keyboard import Keyboard

from cashdesk.app import Cashdesk
from cashdesk.domain.money import Money
from cashdesk.domain.roles import Role
from cashdesk.ui.housing_panel import HousingDialog
from cashdesk.ui.petty_cash_panel import PettyCashDialog
from cashdesk.ui.window import MainWindow

F = Qt.Key
ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def open_panel(window: MainWindow, keys: Keyboard, qtbot: QtBot, key: Qt.Key, kind: type) -> object:
    keys.press(key, CTRL_SHIFT)
    qtbot.waitUntil(lambda: isinstance(window.panel, kind))
    dialog = window.panel
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is dialog)
    return dialog


def test_a_lead_pays_vouchers_with_an_inline_approval_and_counts_the_fund(
    window: MainWindow,
    keys: Keyboard,
    sign_in: Callable[[str], None],
    desk: Cashdesk,
    qtbot: QtBot,
) -> None:
    desk.auth.create_user(
        username="lead2", full_name="Tomás Ortiz", role=Role.LEAD, password="riverbend1", pin="7531"
    )
    sign_in("lead")
    dialog = open_panel(window, keys, qtbot, F.Key_P, PettyCashDialog)
    assert isinstance(dialog, PettyCashDialog)
    qtbot.waitUntil(lambda: "Cash in the fund $300.00" in dialog.cash.text())
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.payee)

    def voucher(payee: str, amount: str) -> None:
        keys.type(payee)
        keys.enter()
        keys.type("Printer paper")
        keys.enter()
        keys.press(F.Key_M, ALT)  # A&mount
        keys.type(amount)
        keys.enter()  # to the receipt box
        keys.press(F.Key_Space)
        keys.press(F.Key_N, CTRL)

    voucher("Office Depot", "12.50")
    qtbot.waitUntil(lambda: "PC-000001" in dialog.voucher_outcome.text())
    assert dialog.voucher_outcome.text().startswith("PC-000001: $12.50 to Office Depot. The slip")
    assert dialog.voucher_outcome.text().endswith("PC-000001.pdf.")
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
    assert QApplication.focusWidget() is dialog.payee

    voucher("Staples", "30.00")
    qtbot.waitUntil(dialog.voucher_error.isVisible)
    assert "another lead types their user name and PIN" in dialog.voucher_error.text()
    # what was typed stays; another lead adds their name and PIN, Enter records it
    keys.press(F.Key_V, ALT)
    keys.type("lead2")
    keys.enter()
    keys.type("7531")
    keys.enter()
    qtbot.waitUntil(lambda: "PC-000002" in dialog.voucher_outcome.text())
    assert "approved by Tomás Ortiz" in dialog.voucher_outcome.text()
    qtbot.waitUntil(lambda: "Cash in the fund $257.50" in dialog.cash.text())

    keys.press(F.Key_2, ALT)  # the count, on the drawer's grid
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.grid.first_edit())
    dialog.grid.set_count(dialog.grid.count().of({"B100": 2, "B50": 1, "B5": 1, "C25": 10}))
    keys.press(F.Key_S, CTRL)
    qtbot.waitUntil(lambda: dialog.count_outcome.text() != "")
    assert dialog.count_outcome.text() == (
        "Cash $257.50 + open vouchers $42.50 = $300.00: the fund balances."
    )
    assert desk.petty_cash.status(desk.auth.sign_in("lead", "riverbend1")).cash == Money(
        cents=257_50
    )
    keys.press(F.Key_Escape)
    qtbot.waitUntil(lambda: window.panel is None)


def test_a_cashier_cannot_open_petty_cash_or_housing(
    window: MainWindow, keys: Keyboard, sign_in: Callable[[str], None], qtbot: QtBot
) -> None:
    sign_in("maria")
    keys.press(F.Key_P, CTRL_SHIFT)
    qtbot.waitUntil(lambda: "may not open petty cash" in window.statusBar().currentMessage())
    keys.press(F.Key_H, CTRL_SHIFT)
    qtbot.waitUntil(lambda: "may not open housing" in window.statusBar().currentMessage())
    assert window.panel is None


def test_program_staff_checks_takes_and_approves_an_application(
    window: MainWindow,
    keys: Keyboard,
    sign_in: Callable[[str], None],
    desk: Cashdesk,
    qtbot: QtBot,
) -> None:
    desk.auth.create_user(
        username="hannah",
        full_name="Hannah O'Brien",
        role=Role.PROGRAM_STAFF,
        password="riverbend1",
        pin="8642",
    )
    sign_in("hannah")
    dialog = open_panel(window, keys, qtbot, F.Key_H, HousingDialog)
    assert isinstance(dialog, HousingDialog)

    keys.press(F.Key_3, ALT)  # a phone inquiry: nothing saved
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.household)
    keys.type("4")
    keys.enter()
    keys.type("2267.31:biweekly")
    keys.press(F.Key_Return, CTRL)
    assert "Annual income $58,950.06" in dialog.sheet.text()
    assert dialog.sheet.text().endswith("NOT ELIGIBLE (over the limit)")

    keys.press(F.Key_2, ALT)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.members)
    keys.type("Rosa Pena; 1980-05-01; applicant")
    keys.press(F.Key_Tab)
    keys.type("1; 1250.00; biweekly; wages")
    keys.press(F.Key_D, ALT)
    keys.type("12 Alder St, Riverbend")
    keys.press(F.Key_L, ALT)
    keys.type("123-45-6789")
    keys.press(F.Key_S, CTRL)
    qtbot.waitUntil(dialog.new_error.isVisible)
    assert "last four" in dialog.new_error.text()
    assert dialog.ssn.text() == ""  # never kept on screen
    keys.press(F.Key_L, ALT)
    keys.type("6789")
    keys.press(F.Key_R, ALT)
    keys.press(F.Key_Space)
    keys.press(F.Key_I, ALT)
    keys.press(F.Key_Space)
    keys.press(F.Key_S, CTRL)
    qtbot.waitUntil(lambda: "HA-000001 saved" in dialog.new_outcome.text())
    assert dialog.new_outcome.text() == (
        "HA-000001 saved: under review; annual income $32,500.00, limit $41,300.00."
    )

    keys.press(F.Key_1, ALT)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.search)
    keys.type("pena")
    keys.enter()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.table)
    keys.enter()
    qtbot.waitUntil(lambda: dialog.current is not None)
    assert "HA-000001 · Rosa Pena" in dialog.detail.text()
    keys.press(F.Key_F7)
    qtbot.waitUntil(lambda: "approved" in dialog.app_outcome.text())
    assert dialog.current is not None and dialog.current.status.value == "approved"
    keys.press(F.Key_L, CTRL)
    qtbot.waitUntil(lambda: "The letter is" in dialog.app_outcome.text())
    keys.press(F.Key_Escape)
    qtbot.waitUntil(lambda: window.panel is None)
