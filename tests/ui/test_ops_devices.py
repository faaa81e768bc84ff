"""Devices on screen: the status bar, the devices panel (Shift+F10), no sale (Ctrl+Shift+N), and the
check reader in the check tender dialog (F3, F7)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from ui_keyboard import Keyboard

from cashdesk import events
from cashdesk.app import Cashdesk
from cashdesk.devices.simulated import SimulatedCheckReader, SimulatedDrawer, SimulatedPrinter
from cashdesk.store.models import AuditEntry
from cashdesk.ui.check_scan import CheckTenderDialog
from cashdesk.ui.devices_panel import DevicesDialog, NoSaleDialog
from cashdesk.ui.window import MainWindow

F = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
GOOD_CHECK = "⑆021000021⑆ 123456789⑈ 1234"
BAD_DIGIT = "⑆021000022⑆ 123456789⑈ 1234"


@pytest.fixture
def printer(desk: Cashdesk) -> SimulatedPrinter:
    device = desk.ctx.devices.printer
    assert isinstance(device, SimulatedPrinter)
    return device


@pytest.fixture
def drawer(desk: Cashdesk) -> SimulatedDrawer:
    device = desk.ctx.devices.drawer
    assert isinstance(device, SimulatedDrawer)
    return device


@pytest.fixture
def reader(desk: Cashdesk) -> SimulatedCheckReader:
    device = desk.ctx.devices.check_reader
    assert isinstance(device, SimulatedCheckReader)
    return device


def actions(desk: Cashdesk, action: str) -> list[AuditEntry]:
    with desk.ctx.sessions() as s:
        found = list(s.scalars(select(AuditEntry).where(AuditEntry.action == action)))
        s.expunge_all()
        return found


def panel(window: MainWindow, qtbot: QtBot, kind: type) -> object:
    qtbot.waitUntil(lambda: isinstance(window.panel, kind))
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is window.panel)
    return window.panel


def test_the_status_bar_shows_each_device_from_polls_and_events(
    window: MainWindow, desk: Cashdesk, printer: SimulatedPrinter, qtbot: QtBot
) -> None:
    qtbot.waitUntil(lambda: window.devices_status.text() == "Devices ready")
    assert window.printer_status.text() == "Printer: Ready"
    printer.fail_with = "Printer cover open."
    window.device_timer.setInterval(10)
    qtbot.waitUntil(lambda: window.printer_status.text() == "Printer: Printer cover open.")
    assert window.printer_status.property("role") == "error"
    # A drawer event from a device thread reaches the status bar on the GUI thread.
    thread = threading.Thread(
        target=desk.ctx.events.emit,
        args=(events.DRAWER_STATUS,),
        kwargs={"kind": "left_open", "message": "The drawer has been open for 60 seconds."},
    )
    thread.start()
    thread.join()
    qtbot.waitUntil(
        lambda: window.statusBar().currentMessage() == "The drawer has been open for 60 seconds."
    )


def test_the_devices_panel_prints_kicks_and_reads_a_check(
    selling: MainWindow,
    keys: Keyboard,
    desk: Cashdesk,
    printer: SimulatedPrinter,
    drawer: SimulatedDrawer,
    reader: SimulatedCheckReader,
    qtbot: QtBot,
) -> None:
    keys.press(F.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    dialog = panel(selling, qtbot, DevicesDialog)
    assert isinstance(dialog, DevicesDialog)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 4)
    assert [dialog.model.row(i)[0] for i in range(4)] == [
        "Receipt printer",
        "Cash drawer",
        "Check reader",
        "Customer display",
    ]
    assert dialog.model.row(0)[2] == "Ready"

    keys.press(F.Key_F6)
    qtbot.waitUntil(lambda: dialog.outcome.text() == "Test receipt printed.")
    assert "Printer test" in printer.last_text

    keys.press(F.Key_F8)
    qtbot.waitUntil(lambda: dialog.outcome.text() == "Drawer kicked.")
    assert [k.split(":")[0] for k in drawer.kicks] == ["test-kick"]
    assert len(actions(desk, "drawer_test_kick")) == 1

    reader.insert(GOOD_CHECK)
    keys.press(F.Key_F7)
    qtbot.waitUntil(lambda: dialog.outcome.text().startswith("Check read"))
    assert "routing 021000021" in dialog.outcome.text()
    assert "123456789" not in dialog.outcome.text()  # the account is masked
    reader.insert(BAD_DIGIT)
    keys.press(F.Key_F7)
    qtbot.waitUntil(dialog.error.isVisible)
    assert dialog.error.text().endswith("Re-scan or key the check.")

    printer.fail_with = "Printer out of paper."
    keys.press(F.Key_F6)
    qtbot.waitUntil(lambda: dialog.error.text() == "Printer out of paper.")
    keys.press(F.Key_F5)
    qtbot.waitUntil(lambda: dialog.model.row(0)[2] == "Printer out of paper.")
    keys.press(F.Key_Escape)
    qtbot.waitUntil(lambda: selling.panel is None)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is selling.payment_page.line_entry.code)


def test_no_sale_opens_the_drawer_with_a_reason(
    selling: MainWindow, keys: Keyboard, desk: Cashdesk, drawer: SimulatedDrawer, qtbot: QtBot
) -> None:
    keys.press(F.Key_N, CTRL | Qt.KeyboardModifier.ShiftModifier)
    dialog = panel(selling, qtbot, NoSaleDialog)
    assert isinstance(dialog, NoSaleDialog)
    keys.type("x")
    keys.enter()
    qtbot.waitUntil(lambda: dialog._errors["reason"].isVisible())
    assert dialog._errors["reason"].text() == "Give the reason for opening the drawer."
    assert drawer.kicks == []
    keys.type("Change for the parking meter")
    keys.enter()
    qtbot.waitUntil(lambda: selling.panel is None)
    assert selling.statusBar().currentMessage() == "Drawer opened (no sale)."
    [entry] = actions(desk, "drawer_no_sale")
    assert entry.details["reason"] == "Change for the parking meter"
    assert len(drawer.kicks) == 1


def test_no_sale_is_not_offered_to_a_role_without_the_permission(
    window: MainWindow,
    keys: Keyboard,
    sign_in: Callable[[str], None],
    drawer: SimulatedDrawer,
    qtbot: QtBot,
) -> None:
    """Issue 24, defect 6: not offered (the key does nothing; the reason is the tooltip)."""
    sign_in("auditor")
    assert not window.no_sale_action.isEnabled()
    assert window.no_sale_action.toolTip() == (
        "Ana Thomas (Auditor) may not open the cash drawer without a sale."
    )
    keys.press(F.Key_N, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert window.panel is None
    assert QApplication.activeModalWidget() is None
    assert drawer.kicks == []


def check_dialog(qtbot: QtBot) -> CheckTenderDialog:
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), CheckTenderDialog))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, CheckTenderDialog)
    return dialog


def test_f7_in_the_check_dialog_fills_the_check_from_the_reader(
    selling: MainWindow,
    keys: Keyboard,
    desk: Cashdesk,
    reader: SimulatedCheckReader,
    qtbot: QtBot,
) -> None:
    keys.type("GOLF-R")
    keys.enter()
    keys.press(F.Key_F3)
    dialog = check_dialog(qtbot)
    assert dialog.read_button.text() == "Read check   F7"

    keys.press(F.Key_F7)  # nothing in the reader
    qtbot.waitUntil(dialog.general_error.isVisible)
    assert dialog.general_error.text().startswith("No check in the reader")

    reader.insert(BAD_DIGIT)
    keys.press(F.Key_F7)
    qtbot.waitUntil(lambda: "Re-scan or key the check." in dialog._errors["routing"].text())
    assert dialog.inputs["routing"].text() == ""  # nothing filled from a doubtful read

    reader.insert(GOOD_CHECK)
    keys.press(F.Key_F7)
    qtbot.waitUntil(lambda: dialog.inputs["routing"].text() == "021000021")
    assert dialog.inputs["account"].text() == "123456789"
    assert dialog.inputs["number"].text() == "1234"
    assert QApplication.focusWidget() is dialog.inputs["amount"]
    keys.enter()  # every field filled: take the check
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    [check] = selling.payment_page.draft.tenders
    assert (check.check_routing, check.check_account, check.check_number) == (
        "021000021",
        "123456789",
        "1234",
    )
    assert str(check.amount) == "$40.00"
