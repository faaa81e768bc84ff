"""The window's last line of defence: an exception nobody caught (in a slot, an event handler,
a timer, a worker thread) is logged with its traceback and shown as one plain message, and
the window goes on with the sale in progress as it was.

Modelled on Anki's ``aqt/errors.py``: Python hands every exception that escapes a Qt callback
to ``sys.excepthook`` (``threading.excepthook`` for other threads); the hook writes the log,
then a signal carries the message to the GUI thread, where bursts within ``COALESCE_MS``
become one non-modal box (a failing timer cannot pile up dialogs on the counter). Nothing in
the store or the sale is touched: the exception ended one callback, not the session.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

log = logging.getLogger(__name__)

MESSAGE = "Something went wrong; the sale is kept; details are in the log."
COALESCE_MS = 100

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


class ErrorHandler(QObject):
    """Install with ``ErrorHandler(window)``; ``unload()`` puts the previous hooks back."""

    reported = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.window = parent
        self.box: QMessageBox | None = None
        self.count = 0  # unexpected exceptions seen (the soak test and support read it)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(COALESCE_MS)
        self._timer.timeout.connect(self._show)
        # Queued: the hook may run on a worker thread, the box is shown on the GUI thread.
        self.reported.connect(self._timer.start, Qt.ConnectionType.QueuedConnection)
        self._previous: ExceptHook = sys.excepthook
        self._previous_thread = threading.excepthook
        sys.excepthook = self.excepthook
        threading.excepthook = self._thread_hook

    def unload(self) -> None:
        if sys.excepthook == self.excepthook:
            sys.excepthook = self._previous
        if threading.excepthook == self._thread_hook:
            threading.excepthook = self._previous_thread

    def excepthook(
        self, kind: type[BaseException], error: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt | SystemExit):
            self._previous(kind, error, tb)
            return
        self.count += 1
        log.error("unexpected error in the window", exc_info=(kind, error, tb))
        self.reported.emit()
        if self._previous is not sys.__excepthook__:
            # A hook installed before ours (a debugger, pytest-qt's capture) still hears of
            # it; Python's default one would only print the traceback the log already has.
            self._previous(kind, error, tb)

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        self.excepthook(args.exc_type, args.exc_value, args.exc_traceback)

    def _show(self) -> None:
        if self.box is not None and self.box.isVisible():
            return  # one message at a time; every error is in the log
        box = QMessageBox(QMessageBox.Icon.Warning, "cashdesk", MESSAGE, parent=self.window)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setAccessibleName("Something went wrong")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.destroyed.connect(self._forget_box)
        self.box = box
        box.open()

    def _forget_box(self) -> None:
        self.box = None
