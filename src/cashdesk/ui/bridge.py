"""Re-emit the core's events as Qt signals, delivered on the GUI thread.

The EventBus calls handlers on the thread that emitted (a background posting); a signal
emitted there reaches the bridge's receivers through Qt's queued connections.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from cashdesk import events
from cashdesk.events import EventBus, Handler


class EventBridge(QObject):
    receipt_posted = Signal(str)  # number
    receipt_voided = Signal(str)  # number
    receipt_printed = Signal(str, bool, str)  # number, ok, error ("" when ok)
    device_status = Signal(object)  # list[cashdesk.services.devices.DeviceInfo]
    drawer_status = Signal(str, str)  # kind (opened, closed, not_opened, left_open), message
    sync_state = Signal(object)  # cashdesk.services.sync.SyncStatus

    def __init__(self, bus: EventBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bus = bus
        self._handlers: dict[str, Handler] = {
            events.RECEIPT_POSTED: self._posted,
            events.RECEIPT_VOIDED: self._voided,
            events.RECEIPT_PRINTED: self._printed,
            events.DEVICE_STATUS: self._devices,
            events.DRAWER_STATUS: self._drawer,
            events.SYNC_STATE: self._sync,
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

    def _devices(self, *, statuses: object, **_: Any) -> None:
        self.device_status.emit(statuses)

    def _drawer(self, *, kind: str = "", message: str = "", **_: Any) -> None:
        self.drawer_status.emit(kind, message)

    def _sync(self, *, status: object, **_: Any) -> None:
        self.sync_state.emit(status)
