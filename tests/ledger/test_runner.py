"""The background sync worker and its backoff."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ledger_helpers import pay, scalar

from cashdesk import events
from cashdesk.app import Cashdesk
from cashdesk.domain.roles import Operator
from cashdesk.services.sync import SyncRunner, SyncStatus, backoff_delay


@given(failures=st.integers(min_value=1, max_value=60), base=st.sampled_from([0.5, 1.0, 2.0]))
def test_backoff_doubles_up_to_the_cap_with_jitter(failures: int, base: float) -> None:
    ceiling = min(300.0, base * 2 ** (failures - 1))
    delay = backoff_delay(failures, base=base, cap=300.0)
    assert ceiling / 2 <= delay <= ceiling
    assert backoff_delay(0) == 0.0


class StateWatch:
    """Collects 'sync_state' events; ``wait_for`` blocks until one matches."""

    def __init__(self, desk: Cashdesk) -> None:
        self.seen: list[SyncStatus] = []
        self._cond = threading.Condition()
        desk.ctx.events.subscribe(events.SYNC_STATE, self._on_state)

    def _on_state(self, status: SyncStatus) -> None:
        with self._cond:
            self.seen.append(status)
            self._cond.notify_all()

    def wait_for(self, predicate: Callable[[list[SyncStatus]], bool], timeout: float = 30) -> None:
        with self._cond:
            ok = self._cond.wait_for(lambda: predicate(self.seen), timeout)
            assert ok, f"no matching sync_state in {self.seen}"


@pytest.mark.postgres
def test_runner_syncs_at_once_when_a_receipt_is_posted(
    synced_desk: Cashdesk, open_drawer: Operator, central: str
) -> None:
    desk = synced_desk
    watch = StateWatch(desk)
    # A long interval: only the 'receipt_posted' wake can explain a prompt second pass.
    runner = SyncRunner(desk.sync, interval=3600, pull_every=None)
    runner.start()
    try:
        # The first pass sends the drawer session.
        watch.wait_for(lambda seen: any(s.state == "synced" for s in seen))
        before = len(watch.seen)
        number = pay(desk, open_drawer, 2500)
        watch.wait_for(lambda seen: len(seen) > before and seen[-1].state == "synced")
    finally:
        runner.stop()
    assert not runner.running
    assert scalar(central, "SELECT number FROM receipts") == number


def test_runner_backs_off_while_offline(desk: Cashdesk, open_drawer: Operator) -> None:
    desk.sync.url = "postgresql://nobody@127.0.0.1:9/none"
    pay(desk, open_drawer, 100)
    watch = StateWatch(desk)
    runner = SyncRunner(desk.sync, interval=3600, pull_every=None, backoff_base=0.01)
    runner.start()
    try:
        watch.wait_for(lambda seen: len(seen) >= 3)
    finally:
        runner.stop()
    assert runner.failures >= 3
    assert all(s.state == "offline" and s.waiting == 2 for s in watch.seen)
    assert watch.seen[0].offline_since == watch.seen[-1].offline_since  # since the first failure
