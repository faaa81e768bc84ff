"""The shared terminal on screen: idle lock, PIN unlock, another cashier parking the sale."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from ui_keyboard import Keyboard

from cashdesk.app import DEMO_PASSWORD, Cashdesk
from cashdesk.clock import FixedClock
from cashdesk.store.models import AuditEntry, User
from cashdesk.ui.window import MainWindow

F = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


def audited(desk: Cashdesk, action: str) -> list[AuditEntry]:
    with desk.ctx.sessions() as s:
        entries = list(s.scalars(select(AuditEntry).where(AuditEntry.action == action)))
        s.expunge_all()
        return entries


def key_a_sale(keys: Keyboard) -> None:
    keys.type("GOLF-R")
    keys.enter()


def locked(window: MainWindow, qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.lock_page)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.lock_page.secret)


def test_idle_time_locks_the_screen_and_the_pin_brings_the_sale_back(
    selling: MainWindow, keys: Keyboard, desk: Cashdesk, clock: FixedClock, qtbot: QtBot
) -> None:
    page = selling.payment_page
    key_a_sale(keys)
    sale = page.draft
    assert sale is desk.terminal.draft and len(sale.lines) == 1
    selling.idle_timer.setInterval(10)  # the clock is the test's: only time passing locks

    clock.advance(seconds=119)
    qtbot.wait(50)
    assert selling.pages.currentWidget() is page  # not yet
    keys.type("x")  # a key restarts the wait
    keys.press(F.Key_Backspace)
    clock.advance(seconds=119)
    qtbot.wait(50)
    assert not desk.terminal.locked

    clock.advance(seconds=1)
    locked(selling, qtbot)
    assert desk.terminal.locked
    lock_page = selling.lock_page
    assert lock_page.title.text() == "Locked — Maria Hernández"
    assert lock_page.username.text() == "maria"
    assert "Kept for Maria Hernández: 1 line, $40.00" in lock_page.parked.text()
    assert selling.cashier_status.text() == "Locked: Maria Hernández"
    assert [e.details["reason"] for e in audited(desk, "terminal_locked")] == ["idle"]
    keys.press(F.Key_F9)  # nothing of the session works behind the lock
    assert selling.receipts_dialog is None

    keys.type("1111")
    keys.enter()
    qtbot.waitUntil(lambda: selling.pages.currentWidget() is page)
    assert not desk.terminal.locked
    assert page.draft is sale and page.lines_model.rowCount() == 1
    assert page.totals.value("total") == "$40.00"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.line_entry.code)
    assert desk.terminal.parked_sales() == []


def test_ctrl_k_locks_at_once_and_closes_open_dialogs(
    selling: MainWindow, keys: Keyboard, qtbot: QtBot
) -> None:
    keys.press(F.Key_F9)
    qtbot.waitUntil(lambda: selling.receipts_dialog is not None)
    keys.press(F.Key_Escape)
    qtbot.waitUntil(lambda: selling.receipts_dialog is None)
    keys.press(F.Key_F2)  # a tender dialog open when the lead walks off
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None)
    selling.lock()
    locked(selling, qtbot)
    assert QApplication.activeModalWidget() is None
    assert selling.payment_page.draft.tenders == []


def test_a_wrong_pin_is_explained_and_five_lock_the_account(
    selling: MainWindow, keys: Keyboard, desk: Cashdesk, qtbot: QtBot
) -> None:
    key_a_sale(keys)
    keys.press(F.Key_K, CTRL)
    locked(selling, qtbot)
    error = selling.lock_page.error
    for attempt in range(1, 6):
        keys.type("9999")
        keys.enter()
        qtbot.waitUntil(lambda: selling.lock_page.unlock_button.isEnabled())
        qtbot.waitUntil(error.isVisible)
        if attempt < 5:
            assert error.text() == "User name or PIN is not right."
    assert error.text() == (
        "That was the 5th failed attempt: the account is now locked; a lead "
        "cashier or administrator must unlock it."
    )
    keys.type("1111")  # the right PIN no longer helps
    keys.enter()
    qtbot.waitUntil(lambda: "is locked after 5 failed attempts" in error.text())
    assert selling.pages.currentWidget() is selling.lock_page
    assert selling.lock_page.secret.text() == ""
    with desk.ctx.sessions() as s:
        maria = s.scalars(select(User).where(User.username == "maria")).one()
        assert (maria.locked, maria.failed_attempts) == (True, 5)
    assert len(audited(desk, "terminal_unlock_failed")) == 6
    # Her sale is still kept for her.
    assert [p.username for p in desk.terminal.parked_sales()] == ["maria"]


def test_another_cashier_parks_the_sale_and_the_first_resumes_it(
    selling: MainWindow,
    keys: Keyboard,
    desk: Cashdesk,
    sign_in: Callable[[str], None],
    qtbot: QtBot,
) -> None:
    key_a_sale(keys)
    maria_sale = selling.payment_page.draft
    keys.press(F.Key_Pause)
    locked(selling, qtbot)

    keys.press(F.Key_U, ALT)  # to the user name, selected: the lead types hers
    keys.type("lead")
    keys.enter()
    keys.type(DEMO_PASSWORD)
    keys.enter()
    qtbot.waitUntil(lambda: selling.pages.currentWidget() is selling.drawer_page)
    assert desk.terminal.active_operator().username == "lead"
    assert selling.operator is not None and selling.operator.username == "lead"
    assert selling.cashier_status.text() == "Lead cashier: Zoë Müller"
    assert "Maria Hernández's sale is parked" in selling.statusBar().currentMessage()
    [parked] = desk.terminal.parked_sales()
    assert (parked.username, str(parked.total)) == ("maria", "$40.00")
    [switch] = [e for e in audited(desk, "sign_in") if e.details.get("terminal_switch_from")]
    assert switch.details["terminal_switch_from"] == "maria"

    # What the lead does now is hers: today's receipts open under her name.
    keys.press(F.Key_F9)
    qtbot.waitUntil(lambda: selling.receipts_dialog is not None)
    assert selling.receipts_dialog is not None
    assert selling.receipts_dialog.operator.username == "lead"
    keys.press(F.Key_Escape)
    qtbot.waitUntil(lambda: selling.receipts_dialog is None)

    keys.press(F.Key_L, CTRL)  # the lead signs out; Maria comes back
    qtbot.waitUntil(lambda: QApplication.focusWidget() is selling.sign_in_page.username)
    sign_in("maria")
    page = selling.payment_page
    assert selling.pages.currentWidget() is page
    assert page.draft is maria_sale and page.lines_model.rowCount() == 1
    assert desk.terminal.parked_sales() == []
