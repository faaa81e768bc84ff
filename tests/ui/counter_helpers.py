"""Helpers for the counter screens' tests (imported by the test modules)."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from ui_keyboard import Keyboard

from cashdesk.app import Cashdesk
from cashdesk.store.models import Receipt
from cashdesk.ui.lookup import LookupDialog
from cashdesk.ui.window import MainWindow

D = TypeVar("D", bound=QDialog)
F = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier


def counter_dialog(window: MainWindow, qtbot: QtBot, kind: type[D]) -> D:
    """The counter dialog of ``kind`` once it is open and has the keyboard."""
    qtbot.waitUntil(
        lambda: (
            isinstance(window.counter.dialog, kind)
            and QApplication.activeModalWidget() is window.counter.dialog
        )
    )
    dialog = window.counter.dialog
    assert isinstance(dialog, kind)
    return dialog


def no_dialog(window: MainWindow, qtbot: QtBot) -> None:
    qtbot.waitUntil(
        lambda: window.counter.dialog is None and QApplication.activeModalWidget() is None
    )


def find(window: MainWindow, keys: Keyboard, qtbot: QtBot, text: str) -> LookupDialog:
    """F6, then ``text`` typed key by key; returns once the results for it are shown."""
    keys.press(F.Key_F6)
    lookup = counter_dialog(window, qtbot, LookupDialog)
    keys.type(text)
    qtbot.waitUntil(lambda: lookup.answered)
    return lookup


def pay_cash_and_complete(window: MainWindow, keys: Keyboard, qtbot: QtBot) -> str:
    """F2 (the amount due, as offered), F12; returns the receipt number shown."""
    page = window.payment_page
    keys.press(F.Key_F2)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None)
    keys.enter()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    assert page.totals.value("remaining") == "$0.00"
    keys.press(F.Key_F12)
    qtbot.waitUntil(lambda: page.receipt_dialog is not None)
    dialog = page.receipt_dialog
    assert dialog is not None
    return dialog.posted.number


def stored(desk: Cashdesk, number: str) -> Receipt:
    with desk.ctx.sessions() as s:
        receipt = s.scalar(
            select(Receipt)
            .where(Receipt.number == number)
            .options(selectinload(Receipt.lines), selectinload(Receipt.tenders))
        )
        assert receipt is not None
        return receipt


def receipt_count(desk: Cashdesk) -> int:
    with desk.ctx.sessions() as s:
        return len(s.scalars(select(Receipt.id)).all())
