"""Every control is named for assistive technology, tall enough to hit, readable."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot
from ui_keyboard import Keyboard

from cashdesk.app import DEMO_PASSWORD
from cashdesk.domain.money import Money
from cashdesk.ui import theme
from cashdesk.ui.admin import AdminDialog
from cashdesk.ui.window import MainWindow

CONTROLS = (QAbstractButton, QLineEdit, QAbstractItemView, QPlainTextEdit)


def unnamed(root: QWidget) -> list[str]:
    found = []
    for widget in root.findChildren(QWidget):
        if widget.window() is not root.window() or widget.objectName().startswith("qt_"):
            continue  # another window's, or a part Qt builds inside a control
        if isinstance(widget, CONTROLS) and not widget.accessibleName():
            found.append(f"{type(widget).__name__} {widget.objectName()!r}")
        if isinstance(widget, QLabel) and widget.text() and not widget.accessibleName():
            found.append(f"QLabel {widget.text()!r}")
    return found


def short_buttons(root: QWidget) -> list[str]:
    return [
        button.text()
        for button in root.findChildren(QPushButton)
        if button.isVisible() and button.height() < theme.MIN_BUTTON_PX
    ]


def check(root: QWidget) -> None:
    assert unnamed(root) == []
    assert short_buttons(root) == []


def test_every_screen_names_its_controls_and_its_buttons_are_44px(
    window: MainWindow,
    keys: Keyboard,
    sign_in: Callable[[str], None],
    qtbot: QtBot,
) -> None:
    check(window)
    sign_in("maria")
    check(window)
    keys.enter()
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.payment_page)
    keys.type("DAR-10")
    keys.enter()
    check(window)
    for key in (Qt.Key.Key_F2, Qt.Key.Key_F3, Qt.Key.Key_F4, Qt.Key.Key_F5, Qt.Key.Key_F9):
        keys.press(key)
        qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None)
        dialog = QApplication.activeModalWidget()
        assert dialog is not None
        qtbot.waitUntil(dialog.isActiveWindow)
        check(dialog)
        keys.press(Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)


def test_type_is_readable(selling: MainWindow) -> None:
    assert QApplication.font().pointSize() >= 14
    assert QApplication.font().family() == theme.SANS
    totals = selling.payment_page.totals
    # The one large figure: what is still due while the sale is open (then the change).
    assert totals.dominant == "remaining"
    assert totals._values["remaining"].font().pointSize() >= 28
    assert totals._values["total"].font().pointSize() >= 14


def _check_picked(window: MainWindow, keys: Keyboard, qtbot: QtBot, record: str) -> None:
    keys.press(Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: window.counter.lookup is not None)
    lookup = window.counter.lookup
    assert lookup is not None
    qtbot.waitUntil(lookup.isActiveWindow)
    keys.type(record)
    qtbot.waitUntil(lambda: lookup.answered and bool(lookup.results))
    check(lookup)
    keys.enter()
    qtbot.waitUntil(
        lambda: window.counter.dialog is not None and window.counter.dialog is not lookup
    )
    dialog = window.counter.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isActiveWindow)
    check(dialog)
    keys.press(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)


def test_the_counter_screens_name_their_controls_and_their_buttons_are_44px(
    selling: MainWindow, keys: Keyboard, qtbot: QtBot
) -> None:
    lead = selling.desk.auth.sign_in("lead", DEMO_PASSWORD)  # tags, so Ctrl+D opens its form
    selling.desk.licenses.load_tag_stock(lead, prefix="T", first_no=30000, last_no=30009)
    """F6 find, Ctrl+B/D/T/G/Q/I, and the utility, license and certificate dialogs (the
    returned-check screen, Ctrl+N, is a lead's: a cashier is not offered it)."""
    ctrl = Qt.KeyboardModifier.ControlModifier
    opened = [(Qt.Key.Key_F6, Qt.KeyboardModifier.NoModifier)] + [
        (key, ctrl)
        for key in (
            Qt.Key.Key_B,
            Qt.Key.Key_D,
            Qt.Key.Key_T,
            Qt.Key.Key_G,
            Qt.Key.Key_Q,
            Qt.Key.Key_I,
        )
    ]
    for key, modifier in opened:
        keys.press(key, modifier)
        qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None)
        dialog = QApplication.activeModalWidget()
        assert dialog is not None
        qtbot.waitUntil(dialog.isActiveWindow)
        check(dialog)
        keys.press(Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    for record in ("100007", "BL-10003", "AL-50035"):  # a utility account, two licenses
        _check_picked(selling, keys, qtbot, record)
    from cashdesk.services.licenses import IssuedLicense
    from cashdesk.ui.license_dialogs import CertificatesDialog

    issued = IssuedLicense(
        license_no="BL-10003",
        kind="business",
        action="renewal",
        holder="Müller Brewery",
        term_start=dt.date(2027, 1, 1),
        term_end=dt.date(2027, 12, 31),
        tag_no="",
        receipt_number="W01-000001",
        total=Money.parse("29.00"),
        certificate=b"%PDF",
        certificate_path=None,
    )
    certificates = CertificatesDialog([issued], parent=selling)
    qtbot.addWidget(certificates)
    certificates.show()
    qtbot.waitExposed(certificates)
    check(certificates)


def test_the_drawer_screens_name_their_controls(
    window: MainWindow, keys: Keyboard, sign_in: Callable[[str], None], qtbot: QtBot
) -> None:
    # A lead at her own drawer: end of day (F11) and the reports are a lead's screens.
    sign_in("lead")
    keys.enter()
    selling = window
    qtbot.waitUntil(lambda: selling.pages.currentWidget() is selling.payment_page)
    ctrl = Qt.KeyboardModifier.ControlModifier
    for key, modifier in ((Qt.Key.Key_U, ctrl), (Qt.Key.Key_R, ctrl)):
        keys.press(key, modifier)
        qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None)
        dialog = QApplication.activeModalWidget()
        assert dialog is not None
        qtbot.waitUntil(dialog.isActiveWindow)
        check(dialog)
        keys.press(Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    for key in (Qt.Key.Key_F10, Qt.Key.Key_H, Qt.Key.Key_F11):
        keys.press(key, ctrl if key == Qt.Key.Key_H else Qt.KeyboardModifier.NoModifier)
        assert selling.pages.currentWidget() is not selling.payment_page
        check(selling)
        keys.press(Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: selling.pages.currentWidget() is selling.payment_page)
        qtbot.waitUntil(lambda: not selling.background.busy)


def test_the_operations_screens_name_their_controls_and_their_buttons_are_44px(
    window: MainWindow,
    keys: Keyboard,
    sign_in: Callable[[str], None],
    qtbot: QtBot,
) -> None:
    sign_in("lead")
    window.lock()
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.lock_page)
    check(window)
    keys.type("3333")
    keys.enter()
    qtbot.waitUntil(lambda: window.pages.currentWidget() is not window.lock_page)
    ctrl = Qt.KeyboardModifier.ControlModifier
    for key, modifier in (
        (Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier),
        (Qt.Key.Key_F11, Qt.KeyboardModifier.ShiftModifier),
        (Qt.Key.Key_N, ctrl | Qt.KeyboardModifier.ShiftModifier),
        (Qt.Key.Key_A, ctrl | Qt.KeyboardModifier.ShiftModifier),
    ):
        keys.press(key, modifier)
        qtbot.waitUntil(lambda: window.panel is not None)
        dialog = window.panel
        assert dialog is not None
        qtbot.waitUntil(dialog.isActiveWindow)
        check(dialog)
        if key == Qt.Key.Key_A:  # administration: its tag stock tab's buttons too
            keys.press(Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
            assert isinstance(dialog, AdminDialog)
            qtbot.waitUntil(dialog.tag_stock_tab.isVisible)
            check(dialog)
        keys.press(Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: window.panel is None)
