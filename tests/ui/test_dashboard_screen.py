"""The lead's drawers dashboard (Ctrl+Shift+D), driven with the keyboard alone."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select
from test_drawer_screens import cash_sale
from ui_keyboard import Keyboard

from cashdesk.app import Cashdesk
from cashdesk.store.models import Receipt
from cashdesk.ui.dashboard import THIS_WORKSTATION_ONLY, DashboardDialog
from cashdesk.ui.window import MainWindow

F = Qt.Key
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def test_a_lead_sees_each_drawer_with_its_cash_against_the_pickup_limit(
    selling: MainWindow,
    keys: Keyboard,
    qtbot: QtBot,
    desk: Cashdesk,
    sign_in: Callable[[str], None],
) -> None:
    screens = selling.drawer_screens
    # A cashier is not offered it: the key is off the bar and does nothing.
    assert not screens.dashboard_action.isEnabled()
    keys.press(F.Key_D, CTRL_SHIFT)
    assert QApplication.activeModalWidget() is None and screens.dashboard is None

    cash_sale(selling, keys, qtbot, "1900.00")
    keys.press(F.Key_L, Qt.KeyboardModifier.ControlModifier)  # Maria signs out
    qtbot.waitUntil(lambda: selling.pages.currentWidget() is selling.sign_in_page)
    sign_in("lead")
    assert screens.dashboard_action.isEnabled()
    keys.press(F.Key_D, CTRL_SHIFT)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), DashboardDialog))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, DashboardDialog)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
    drawer, cashier, state, _opened, cash, limit, over_short, signoff = dialog.model.row(0)
    with desk.ctx.sessions() as s:
        taken = s.scalar(select(func.sum(Receipt.total_cents)).where(Receipt.status == "posted"))
    assert taken == 1900_00  # the store holds what the dashboard adds to the $200.00 bank
    assert (drawer, cashier, state) == ("1", "Maria Hernández", "open")
    assert (cash, limit) == ("$2,100.00", "over: call for a pickup")
    assert (over_short, signoff) == ("", "")
    assert "Pickup limit $2,000.00" in dialog.scope.text()
    assert "1 over the pickup limit" in dialog.summary.text()
    assert not dialog.only_here.isVisible()  # a standalone counter: nothing else to show

    keys.press(F.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    assert screens.dashboard is None


def test_with_a_central_ledger_it_says_it_shows_this_workstation_only(
    window: MainWindow,
    keys: Keyboard,
    qtbot: QtBot,
    desk: Cashdesk,
    sign_in: Callable[[str], None],
) -> None:
    desk.ctx.config = dataclasses.replace(desk.ctx.config, ledger_url="postgresql://x@l/r")
    sign_in("lead")
    screens = window.drawer_screens
    keys.press(F.Key_D, CTRL_SHIFT)
    qtbot.waitUntil(lambda: screens.dashboard is not None)
    dialog = screens.dashboard
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.board is not None)
    assert dialog.only_here.isVisible() and dialog.only_here.text() == THIS_WORKSTATION_ONLY
    assert "No drawer has been opened" in dialog.summary.text()
