"""The port worker: one job at a time, duplicates dropped, stale jobs never run."""

from __future__ import annotations

import threading

import pytest
from device_fakes import FakeMonotonic

from cashdesk.devices.base import DrawerError
from cashdesk.devices.worker import PortWorker, StaleJob


@pytest.fixture
def worker() -> PortWorker:
    w = PortWorker("test-port", clock=FakeMonotonic())
    yield w
    w.close()


def test_a_duplicate_job_id_is_dropped_and_shares_the_first_outcome(worker: PortWorker) -> None:
    runs: list[str] = []
    first = worker.submit("kick:R1", lambda: runs.append("a") or "done")
    again = worker.submit("kick:R1", lambda: runs.append("b") or "again")
    assert again is first
    assert first.result(timeout=2) == "done"
    assert runs == ["a"]
    assert worker.dropped_duplicates == 1


def test_a_job_queued_longer_than_its_max_age_is_never_run() -> None:
    clock = FakeMonotonic()
    worker = PortWorker("drawer-port", clock=clock)
    release = threading.Event()
    started = threading.Event()

    def long_print() -> str:
        started.set()
        release.wait(5)
        return "printed"

    kicked: list[bool] = []
    printing = worker.submit("print:R1", long_print)
    assert started.wait(2)
    kick = worker.submit(
        "kick:R1",
        lambda: kicked.append(True),
        max_age=3.0,
        stale=lambda age: DrawerError(f"stale after {age:.0f} s"),
    )
    fresh = worker.submit("kick:R2", lambda: kicked.append(True), max_age=30.0)
    clock.advance(10)  # the print held the port for ten seconds
    release.set()
    assert printing.result(timeout=2) == "printed"
    with pytest.raises(DrawerError, match="stale after 10 s"):
        kick.result(timeout=2)
    fresh.result(timeout=2)
    assert kicked == [True]  # only the kick that was still fresh
    assert worker.expired == 1
    worker.close()


def test_default_stale_error_is_a_device_error() -> None:
    clock = FakeMonotonic()
    worker = PortWorker("p", clock=clock)
    gate = threading.Event()
    worker.submit("block", lambda: gate.wait(5))
    late = worker.submit("late", lambda: None, max_age=1)
    clock.advance(2)
    gate.set()
    with pytest.raises(StaleJob, match="dropped, not sent"):
        late.result(timeout=2)
    worker.close()


def test_jobs_run_one_at_a_time_in_order_on_the_worker_thread(worker: PortWorker) -> None:
    active = 0
    peak = 0
    order: list[int] = []
    threads: set[str] = set()
    guard = threading.Lock()

    def job(i: int) -> None:
        nonlocal active, peak
        with guard:
            active += 1
            peak = max(peak, active)
        threads.add(threading.current_thread().name)
        order.append(i)
        with guard:
            active -= 1

    futures = [worker.submit(f"job:{i}", lambda i=i: job(i)) for i in range(50)]
    for f in futures:
        f.result(timeout=2)
    assert order == list(range(50))
    assert peak == 1
    assert threads == {"port:test-port"}


def test_an_error_in_a_job_reaches_its_caller_and_the_worker_goes_on(worker: PortWorker) -> None:
    def boom() -> None:
        raise OSError("cable pulled")

    with pytest.raises(OSError, match="cable pulled"):
        worker.submit("bad", boom).result(timeout=2)
    assert worker.call(lambda: 42, timeout=2) == 42
