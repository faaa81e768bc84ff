"""Run slow service calls off the GUI thread (after Anki's QueryOp).

``Background.run(op, on_success=..., on_failure=...)`` runs ``op`` on a thread pool and
calls one of the callbacks on the GUI thread with its result or its exception. Operations
run one at a time, in the order they were asked for: a till is one writer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar, cast

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

from cashdesk.errors import CashdeskError

log = logging.getLogger(__name__)

T = TypeVar("T")
Failure = Callable[[Exception], None]


class _Relay(QObject):
    """Lives on the GUI thread; the worker emits ``done`` and Qt queues the delivery here."""

    done = Signal(object, object)  # (result, exception or None)

    def __init__(
        self, owner: Background, on_success: Callable[[Any], None], on_failure: Failure
    ) -> None:
        super().__init__(owner)
        self._owner = owner
        self._on_success = on_success
        self._on_failure = on_failure
        self.done.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @Slot(object, object)
    def _deliver(self, result: object, error: object) -> None:
        self._owner._finished()
        try:
            if isinstance(error, Exception):
                if not isinstance(error, CashdeskError):
                    log.error("background operation failed", exc_info=error)
                self._on_failure(error)
            else:
                self._on_success(result)
        finally:
            self.deleteLater()


class _Job(QRunnable):
    def __init__(self, op: Callable[[], object], relay: _Relay) -> None:
        super().__init__()
        self._op = op
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._op()
        except Exception as err:
            self._relay.done.emit(None, err)
        else:
            self._relay.done.emit(result, None)


class Background(QObject):
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, *, on_failure: Failure) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._pending = 0
        self._default_failure = on_failure

    @property
    def busy(self) -> bool:
        return self._pending > 0

    def run(
        self,
        op: Callable[[], T],
        *,
        on_success: Callable[[T], None],
        on_failure: Failure | None = None,
    ) -> None:
        relay = _Relay(
            self, cast(Callable[[Any], None], on_success), on_failure or self._default_failure
        )
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)
        self._pool.start(_Job(op, relay))

    def wait(self, msecs: int = -1) -> bool:
        """Block until running operations end (shutdown only; their callbacks still queue)."""
        return self._pool.waitForDone(msecs)

    def _finished(self) -> None:
        self._pending -= 1
        if self._pending == 0:
            self.busy_changed.emit(False)
