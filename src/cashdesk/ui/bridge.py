"""Re-emit the core's events as Qt signals, delivered on the GUI thread.

The EventBus calls handlers on the thread that emitted (a background posting); a signal
emitted there reaches the bridge's receivers through Qt's queued connections.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from cashdesk import events
from cashdesk.events import EventBus


class EventBridge(QObject):
    receipt_posted = Signal(str)  # number
    receipt_voided = Signal(str)  # number
    receipt_printed = Signal(str, bool, str)  # number, ok, error ("" when ok)

    def __init__(self, bus: EventBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bus = bus
        self._handlers = {
            events.RECEIPT_POSTED: self._posted,
            events.RECEIPT_VOIDED: self._voided,
            events.RECEIPT_PRINTED: self._printed,
        }
        for name, handler in self._handlers.items():
            bus.subscribe(name, handler)

    def close(self) -> None:
        for name, handler in self._handlers.items():
            self._bus.unsubscribe(name, handler)

    def _posted(self, *, number: str, **_: Any) -> None:
        self.receipt_posted.emit(number)

    def _voided(self, *, number: str, **_: Any) -> None:
        self.receipt_voided.emit(number)

    def _printed(self, *, number: str, ok: bool, error: str | None = None, **_: Any) -> None:
        self.receipt_printed.emit(number, ok, error or "")
