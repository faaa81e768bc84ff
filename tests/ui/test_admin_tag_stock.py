"""Administration, Tag stock (Alt+4): the ranges and what is left, and loading a new range
with the keyboard; the licenses service's refusals are shown under the form."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select
from ui_keyboard import Keyboard

from cashdesk.app import Cashdesk
from cashdesk.services.licenses import TagRange
from cashdesk.store.models import AuditEntry
from cashdesk.ui.admin import AdminDialog
from cashdesk.ui.tag_stock import TagStockTab
from cashdesk.ui.window import MainWindow

F = Qt.Key
ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def tag_stock_tab(window: MainWindow, keys: Keyboard, qtbot: QtBot) -> TagStockTab:
    keys.press(F.Key_A, CTRL_SHIFT)
    qtbot.waitUntil(lambda: isinstance(window.panel, AdminDialog))
    dialog = window.panel
    assert isinstance(dialog, AdminDialog)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is dialog)
    keys.press(F.Key_4, ALT)
    tab = dialog.tag_stock_tab
    assert dialog.tabs.currentWidget() is tab
    qtbot.waitUntil(lambda: QApplication.focusWidget() is tab.prefix)
    return tab


def loaded(desk: Cashdesk) -> int:
    with desk.ctx.sessions() as s:
        return (
            s.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "tag_stock_loaded")
            )
            or 0
        )


def load(keys: Keyboard, prefix: str, first: str, last: str) -> None:
    for text in (prefix, first, last):
        keys.type(text)
        keys.enter()


def test_an_administrator_loads_a_tag_range_and_an_overlap_is_refused(
    window: MainWindow,
    keys: Keyboard,
    sign_in: Callable[[str], None],
    desk: Cashdesk,
    qtbot: QtBot,
) -> None:
    sign_in("admin")
    tab = tag_stock_tab(window, keys, qtbot)
    qtbot.waitUntil(lambda: tab.summary.text() != "")
    assert tab.summary.text() == "No tags loaded: animal licenses cannot be issued."
    assert tab.model.rowCount() == 0

    load(keys, "t", "30000", "30999")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    assert tab.model.row(0) == ("T30000-T30999", "30000", "30999", "T30000", "1000")
    assert tab.outcome.text() == "Loaded tags T30000-T30999 (1000 tags)."
    assert tab.summary.text() == "1000 tags left in 1 range."
    assert not tab.error.isVisible()
    stock = [TagRange(prefix="T", first_no=30000, last_no=30999, next_no=30000)]
    assert desk.licenses.tag_stock() == stock
    assert [r.remaining for r in stock] == [1000]
    assert loaded(desk) == 1
    # The form is empty again and the keyboard is back on its first field.
    assert (tab.prefix.text(), tab.first.text(), tab.last.text()) == ("", "", "")
    assert QApplication.focusWidget() is tab.prefix

    # Overlapping: the service refuses, the form keeps what was typed, nothing changes.
    load(keys, "T", "30500", "31499")
    qtbot.waitUntil(tab.error.isVisible)
    assert tab.error.text() == (
        "Tags T30500-T31499 overlap the range T30000-T30999 already loaded."
    )
    assert tab.outcome.text() == ""
    assert (tab.prefix.text(), tab.first.text(), tab.last.text()) == ("T", "30500", "31499")
    assert QApplication.focusWidget() is tab.first
    assert desk.licenses.tag_stock() == stock
    assert loaded(desk) == 1
    qtbot.waitUntil(lambda: tab.load_action.isEnabled())
    assert tab.model.rowCount() == 1

    # A tag already on an animal license (the demo store's T25990) is refused too.
    keys.press(F.Key_P, ALT)
    keys.type("T")
    keys.enter()
    keys.type("25990")
    keys.enter()
    keys.type("25990")
    keys.press(F.Key_N, CTRL)  # Load range, its key
    qtbot.waitUntil(lambda: "already on an animal license" in tab.error.text())
    assert tab.error.text() == "Tag T25990 is already on an animal license; check the range."
    assert desk.licenses.tag_stock() == stock

    # A number that is not a number is said under the form before the service is asked.
    keys.press(F.Key_N, ALT)
    keys.type("3x")
    keys.enter()
    keys.enter()
    assert tab.error.text() == "First number: type the tag's number, like 30000."
    assert desk.licenses.tag_stock() == stock

    keys.press(F.Key_Escape)
    qtbot.waitUntil(lambda: window.panel is None)
    assert desk.licenses.tag_stock() == stock


def test_an_auditor_sees_the_stock_and_is_not_offered_loading(
    window: MainWindow,
    keys: Keyboard,
    sign_in: Callable[[str], None],
    desk: Cashdesk,
    qtbot: QtBot,
) -> None:
    sign_in("auditor")
    keys.press(F.Key_A, CTRL_SHIFT)
    qtbot.waitUntil(lambda: isinstance(window.panel, AdminDialog))
    dialog = window.panel
    assert isinstance(dialog, AdminDialog)
    keys.press(F.Key_4, ALT)
    tab = dialog.tag_stock_tab
    assert dialog.tabs.currentWidget() is tab
    qtbot.waitUntil(lambda: tab.summary.text() != "")
    # The form is not offered, and the screen says why before anything is typed.
    reason = "Ana Thomas (Auditor) may not load animal tag stock."
    assert not tab.load_action.isEnabled()
    assert tab.load_action.toolTip() == reason
    assert tab.outcome.text() == reason
    assert not tab.prefix.isEnabled()
    assert not tab.error.isVisible()
    keys.type("T")
    keys.press(F.Key_N, CTRL)
    assert desk.licenses.tag_stock() == []
    assert loaded(desk) == 0
