"""A small publish/subscribe bus: the core emits, front ends subscribe.

Handlers run on the emitting thread; the Qt front end re-emits them as signals on the GUI
thread (see ui/bridge.py). A failing handler is logged, never allowed to undo the work that
emitted the event.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

Handler = Callable[..., None]

RECEIPT_POSTED = "receipt_posted"
RECEIPT_VOIDED = "receipt_voided"
RECEIPT_PRINTED = "receipt_printed"
DRAWER_STATUS = "drawer_status"
DEVICE_STATUS = "device_status"
SYNC_STATE = "sync_state"  # payload: status=cashdesk.services.sync.SyncStatus


class EventBus:
    def __init__(self) -> None:
        self._handlers: dict[str, list[Handler]] = defaultdict(list)
        self._lock = threading.Lock()

    def subscribe(self, event: str, handler: Handler) -> None:
        with self._lock:
            self._handlers[event].append(handler)

    def unsubscribe(self, event: str, handler: Handler) -> None:
        with self._lock:
            if handler in self._handlers[event]:
                self._handlers[event].remove(handler)

    def emit(self, event: str, **payload: Any) -> None:
        with self._lock:
            handlers = list(self._handlers[event])
        for handler in handlers:
            try:
                handler(**payload)
            except Exception:
                log.exception("event handler for %s failed", event)
