"""Fixtures for the Qt front end: the main window on the ``desk`` fixture, signed in or
not, and a keyboard that types wherever the focus is, as a cashier does."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from ui_keyboard import Keyboard

from cashdesk.app import DEMO_PASSWORD, Cashdesk
from cashdesk.ui import theme
from cashdesk.ui.pyside_fixes import guard_refcounts
from cashdesk.ui.window import MainWindow


@pytest.fixture(scope="session", autouse=True)
def _as_launched(qapp: QApplication) -> None:
    """The application set up as ``run`` sets it up: the PySide6 guard, fonts and style."""
    guard_refcounts()
    theme.apply(qapp)


@pytest.fixture
def keys(qtbot: QtBot) -> Keyboard:
    return Keyboard(qtbot)


@pytest.fixture
def window(desk: Cashdesk, qtbot: QtBot) -> Iterator[MainWindow]:
    window = MainWindow(desk, demo=True)
    # Shut down (sync worker, timers, sign-out) before pytest-qt closes the window, so the
    # close asks nothing (a kept sale, unsent records) and leaves no box behind.
    qtbot.addWidget(window, before_close_func=MainWindow.shutdown)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.sign_in_page.username)
    yield window
    qtbot.waitUntil(lambda: not window.background.busy)
    # pytest-qt has closed it and asked for its deletion: done now, so the next test does
    # not start with a dead window still the active one.
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def sign_in(window: MainWindow, keys: Keyboard, qtbot: QtBot) -> Callable[[str], None]:
    """Sign a demo user in with the keyboard; then the drawer or the payment page shows."""

    def sign_in(username: str) -> None:
        keys.type(username)
        keys.enter()
        keys.type(DEMO_PASSWORD)
        keys.enter()
        qtbot.waitUntil(lambda: window.pages.currentWidget() is not window.sign_in_page)

    return sign_in


@pytest.fixture
def selling(
    window: MainWindow, keys: Keyboard, sign_in: Callable[[str], None], qtbot: QtBot
) -> MainWindow:
    """Maria signed in with her drawer open: the payment page, focus on the code field."""
    sign_in("maria")
    keys.enter()  # the starting bank as configured (opened on the background helper)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.payment_page)
    return window
