"""One worker thread per physical port.

python-escpos (and a serial port) is not thread-safe, and a drawer that pops minutes late is
worse than one that does not pop at all. So every job for a port (a receipt, a drawer kick, a
status read) goes through that port's worker, which runs them one at a time under the port's
lock. Each job carries an id: a job whose id was seen already is dropped (the caller gets the
first job's outcome), and a job may carry a maximum age: when it reaches the head of the queue
older than that, it is refused with an error instead of being run.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from itertools import count
from typing import Any

from cashdesk.errors import DeviceError

log = logging.getLogger(__name__)

REMEMBERED_JOBS = 1024  # job ids kept for dedupe: far more than a counter posts in a day's hour


class StaleJob(DeviceError):
    """A job waited in the queue longer than its maximum age and was not run."""


StaleMessage = Callable[[float], DeviceError]


def _default_stale(age: float) -> DeviceError:
    return StaleJob(f"The device was busy for {age:.1f} s; the request was dropped, not sent.")


@dataclass(slots=True)
class _Job:
    job_id: str
    fn: Callable[[], Any]
    submitted: float
    max_age: float | None
    stale: StaleMessage
    future: Future[Any] = field(default_factory=Future)


class PortWorker:
    """Runs jobs for one port, in order, on its own thread (started on the first job)."""

    def __init__(self, name: str, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.name = name
        self.lock = threading.Lock()  # held while a job runs; also taken by close()
        self._clock = clock
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._seen: OrderedDict[str, Future[Any]] = OrderedDict()
        self._seen_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._closed = False
        self._anonymous = count(1)
        self.dropped_duplicates = 0
        self.expired = 0

    def submit(
        self,
        job_id: str,
        fn: Callable[[], Any],
        *,
        max_age: float | None = None,
        stale: StaleMessage = _default_stale,
    ) -> Future[Any]:
        """Queue ``fn``; a repeated ``job_id`` returns the first job's future, runs nothing."""
        with self._seen_lock:
            if self._closed:
                raise DeviceError(f"{self.name} is closed.")
            earlier = self._seen.get(job_id)
            if earlier is not None:
                self.dropped_duplicates += 1
                log.info("%s: duplicate job %s dropped", self.name, job_id)
                return earlier
            job = _Job(job_id, fn, self._clock(), max_age, stale)
            self._seen[job_id] = job.future
            while len(self._seen) > REMEMBERED_JOBS:
                self._seen.popitem(last=False)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name=f"port:{self.name}", daemon=True
                )
                self._thread.start()
        self._queue.put(job)
        return job.future

    def call(self, fn: Callable[[], Any], *, timeout: float) -> Any:
        """Run ``fn`` on the worker and wait for it (status reads: never deduplicated)."""
        future = self.submit(f"call:{next(self._anonymous)}", fn, max_age=timeout)
        return future.result(timeout=timeout)

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            if not job.future.set_running_or_notify_cancel():
                continue  # the caller gave up and cancelled it before it started
            age = self._clock() - job.submitted
            if job.max_age is not None and age > job.max_age:
                self.expired += 1
                log.warning("%s: job %s expired after %.1f s", self.name, job.job_id, age)
                job.future.set_exception(job.stale(age))
                continue
            try:
                with self.lock:
                    result = job.fn()
            except BaseException as err:  # handed to the caller, who decides what it means
                job.future.set_exception(err)
            else:
                job.future.set_result(result)

    def close(self, *, timeout: float = 2.0) -> None:
        with self._seen_lock:
            self._closed = True
            thread = self._thread
        if thread is not None:
            self._queue.put(None)
            thread.join(timeout)
