"""Issue 15/24: the window calls services through the background helper; the main flows
run no query on the GUI thread (find-as-you-type included)."""

from __future__ import annotations

from collections.abc import Callable

from counter_helpers import find, no_dialog, pay_cash_and_complete
from gui_thread import queries_on_the_gui_thread
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from ui_keyboard import Keyboard

from cashdesk.app import Cashdesk
from cashdesk.ui.window import MainWindow

F = Qt.Key


def test_a_payment_runs_no_query_on_the_gui_thread(
    window: MainWindow,
    keys: Keyboard,
    sign_in: Callable[[str], None],
    desk: Cashdesk,
    qtbot: QtBot,
) -> None:
    with queries_on_the_gui_thread(desk) as found:
        sign_in("maria")
        keys.enter()  # the drawer, at the configured bank
        qtbot.waitUntil(lambda: window.pages.currentWidget() is window.payment_page)
        keys.type("GOLF-R")
        keys.enter()
        lookup = find(window, keys, qtbot, "nunez")  # find as you type
        assert lookup.results
        keys.press(F.Key_Escape)
        no_dialog(window, qtbot)
        pay_cash_and_complete(window, keys, qtbot)
        keys.enter()
        qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
        qtbot.waitUntil(lambda: not window.background.busy)
    assert found == [], "\n".join(found)
