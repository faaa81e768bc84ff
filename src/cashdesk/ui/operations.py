"""Run slow service calls off the GUI thread (after Anki's QueryOp).

``Background.run(op, on_success=..., on_failure=...)`` runs ``op`` on a thread pool and
calls one of the callbacks on the GUI thread with its result or its exception. Operations
run one at a time, in the order they were asked for: a till is one writer.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from concurrent import futures
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar, cast

from PySide6.QtCore import QObject, Qt, Signal, Slot

from cashdesk.errors import CashdeskError

log = logging.getLogger(__name__)

T = TypeVar("T")
Failure = Callable[[Exception], None]


class _Relay(QObject):
    """Lives on the GUI thread; a worker emits ``done`` and Qt queues the delivery here.

    One relay serves every operation of its ``Background`` (the callbacks wait in a table,
    by ticket): a relay per operation, freed by ``deleteLater``, piled up whenever the
    deferred deletes lagged, and each kept its callbacks (and what they hold) alive.
    """

    done = Signal(int, object, object)  # (ticket, result, exception or None)

    def __init__(self, owner: Background) -> None:
        super().__init__(owner)
        self._owner = owner
        self.done.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @Slot(int, object, object)
    def _deliver(self, ticket: int, result: object, error: object) -> None:
        on_success, on_failure = self._owner._finished(ticket)
        if isinstance(error, Exception):
            if not isinstance(error, CashdeskError):
                log.error("background operation failed", exc_info=error)
            on_failure(error)
        else:
            on_success(result)


def _job(op: Callable[[], object], relay: _Relay, ticket: int) -> None:
    """Runs on the worker thread; the result goes back through the relay's queued signal."""
    try:
        result = op()
    except Exception as err:
        relay.done.emit(ticket, None, err)
    else:
        relay.done.emit(ticket, result, None)


class Background(QObject):
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, *, on_failure: Failure) -> None:
        super().__init__(parent)
        # A plain one-thread executor, not a QThreadPool: PySide6's QThreadPool.start() keeps
        # the Python wrapper of every runnable it was given (with the operation's closure: the
        # operator, the sale) for as long as the pool lives, a few KiB a sale and a device poll.
        self._pool = pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cashdesk-op")
        # Its thread ends with this object (after what is queued: shutdown does not wait).
        self.destroyed.connect(lambda: pool.shutdown(wait=False))
        self._relay = _Relay(self)
        self._waiting: dict[int, tuple[Callable[[Any], None], Failure]] = {}
        self._tickets = itertools.count(1)
        self._default_failure = on_failure

    @property
    def busy(self) -> bool:
        return bool(self._waiting)

    @property
    def waiting(self) -> int:
        """Operations asked for whose callback has not run yet."""
        return len(self._waiting)

    def run(
        self,
        op: Callable[[], T],
        *,
        on_success: Callable[[T], None],
        on_failure: Failure | None = None,
    ) -> None:
        ticket = next(self._tickets)
        self._waiting[ticket] = (
            cast(Callable[[Any], None], on_success),
            on_failure or self._default_failure,
        )
        if len(self._waiting) == 1:
            self.busy_changed.emit(True)
        self._pool.submit(_job, op, self._relay, ticket)

    def wait(self, msecs: int = -1) -> bool:
        """Block until running operations end (shutdown only; their callbacks still queue)."""
        # One worker runs the operations in order: when a marker asked for now has run,
        # every operation asked for before it has.
        marker = self._pool.submit(lambda: None)
        done, _ = futures.wait([marker], timeout=None if msecs < 0 else msecs / 1000)
        return bool(done)

    def _finished(self, ticket: int) -> tuple[Callable[[Any], None], Failure]:
        callbacks = self._waiting.pop(ticket)
        if not self._waiting:
            self.busy_changed.emit(False)
        return callbacks
