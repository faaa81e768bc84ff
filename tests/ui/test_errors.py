"""An exception nobody caught in the window: logged with its traceback, one plain message,
and the sale in progress still there (ui/errors.py)."""

from __future__ import annotations

import logging
import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from ui_keyboard import Keyboard

from cashdesk.ui import window as window_module
from cashdesk.ui.errors import MESSAGE
from cashdesk.ui.window import MainWindow


class Broken(RuntimeError):
    pass


def _explode(*_args: object, **_kwargs: object) -> None:
    raise Broken("the receipts list could not be built")


def _message_box(qtbot: QtBot) -> QMessageBox:
    def shown() -> QMessageBox | None:
        boxes = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.isVisible()
        ]
        return boxes[0] if boxes else None

    qtbot.waitUntil(lambda: shown() is not None)
    box = shown()
    assert box is not None
    return box


# pytest-qt would turn the exception into a test failure: here the window's own hook is
# what is under test.
@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_key_handler_is_logged_shown_and_the_sale_is_kept(
    selling: MainWindow,
    keys: Keyboard,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    page = selling.payment_page
    keys.type("GOLF-R")
    keys.enter()
    assert len(page.draft.lines) == 1
    monkeypatch.setattr(window_module, "TodaysReceiptsDialog", _explode)
    with caplog.at_level(logging.ERROR, logger="cashdesk.ui.errors"):
        keys.press(Qt.Key.Key_F9)  # today's receipts: its handler raises
        box = _message_box(qtbot)
    assert box.text() == MESSAGE
    assert box.textFormat() == Qt.TextFormat.PlainText
    [record] = [r for r in caplog.records if r.name == "cashdesk.ui.errors"]
    assert record.exc_info is not None and record.exc_info[0] is Broken
    assert "_explode" in caplog.text  # the traceback, not only the message
    box.accept()
    # Back on the window once the message has gone (the window system's activation comes a
    # moment later; on a loaded machine a long moment).
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=10_000)
    selling.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is selling, timeout=10_000)
    # The sale is where it was, and the counter goes on with it.
    assert selling.pages.currentWidget() is page
    assert len(page.draft.lines) == 1
    keys.type("GOLF-R")
    keys.enter()
    assert len(page.draft.lines) == 2


@pytest.mark.qt_no_exception_capture
def test_a_burst_of_errors_on_a_worker_thread_is_one_message(
    window: MainWindow, qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="cashdesk.ui.errors"):
        threads = [threading.Thread(target=_explode) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        box = _message_box(qtbot)
        qtbot.wait(3 * 100)  # longer than the coalescing pause: no second box comes
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]
    assert [b for b in boxes if b.isVisible()] == [box]
    assert window.errors.count == 3
    assert len([r for r in caplog.records if r.name == "cashdesk.ui.errors"]) == 3
    box.accept()
