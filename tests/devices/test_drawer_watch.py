"""The drawer's open/closed model (UnifiedPOS): failed opens and a drawer left open."""

from __future__ import annotations

from cashdesk.devices.drawer import CLOSED, FAILED_OPEN, LEFT_OPEN, OPENED, DrawerWatch


def kinds(events: list) -> list[str]:  # type: ignore[type-arg]
    return [e.kind for e in events]


def test_a_kick_followed_by_open_counts_as_a_good_open() -> None:
    w = DrawerWatch(open_within=2, alert_after=60)
    assert kinds(w.observe(False, 0)) == []
    w.kicked(1)
    assert kinds(w.observe(True, 1.5)) == [OPENED]
    assert (w.good_opens, w.failed_opens) == (1, 0)
    assert kinds(w.observe(True, 30)) == []
    assert kinds(w.observe(False, 31)) == [CLOSED]
    assert w.summary() == (True, "Closed")


def test_a_kick_with_no_open_within_the_time_is_a_failed_open() -> None:
    w = DrawerWatch(open_within=2, alert_after=60)
    w.observe(False, 0)
    w.kicked(10)
    assert kinds(w.observe(False, 11)) == []
    assert kinds(w.observe(False, 12.1)) == [FAILED_OPEN]
    assert w.failed_opens == 1
    ok, message = w.summary()
    assert not ok and "did not open" in message
    assert kinds(w.observe(False, 20)) == []  # reported once
    w.kicked(30)
    w.observe(True, 30.5)
    assert w.summary() == (True, "Open")  # a good open clears the problem


def test_a_drawer_left_open_alerts_once_per_opening() -> None:
    w = DrawerWatch(open_within=2, alert_after=120)
    w.kicked(0)
    w.observe(True, 0.5)
    assert kinds(w.observe(True, 100)) == []
    assert kinds(w.observe(True, 121)) == [LEFT_OPEN]
    assert kinds(w.observe(True, 200)) == []
    ok, message = w.summary()
    assert not ok and "open for more than 120 s" in message
    assert kinds(w.observe(False, 201)) == [CLOSED]
    assert w.summary() == (True, "Closed")
    w.observe(True, 300)
    assert kinds(w.observe(True, 421)) == [LEFT_OPEN]


def test_no_sensor_reading_changes_nothing_but_a_kick_still_times_out() -> None:
    w = DrawerWatch(open_within=2, alert_after=120)
    w.kicked(0)
    assert kinds(w.observe(None, 1)) == []
    assert w.is_open is None
    assert kinds(w.observe(None, 3)) == [FAILED_OPEN]
