"""Soak: the real main window, offscreen, through 72 hours of counter life, time-compressed.

A counter's window stays open over a long weekend. This runs the equivalent on a demo store
with simulated devices and a hand-moved clock (``FixedClock``): the window's own timers are
stopped and their slots driven directly, one simulated second at a time — the idle check
every second, the device poll every 5 seconds (each poll waited for: every one really runs
on its worker thread and comes back through the event bridge) — while the cashier rings up
sales with the keyboard (GOLF-R, F2 cash, F12, Enter) spread evenly over the time, and now
and then walks away long enough for the idle lock, then comes back with her PIN.

Checked at the end: every sale posted, no exception reached the window's error hook, and
the reference counts of ``None``, ``True`` and ``False`` are stable (PySide6 6.12 on Python
3.11 drains ``None`` and ``True``: ui/pyside_fixes.py; without its guard the run aborts).
Printed: the resident memory (RSS) at the start (after the first sale, caches warm) and at
the end, which must not have grown by more than 10%.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/soak.py                # 72 h, 5,000 sales
    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/soak.py --hours 2 --sales 50

tests/ui/test_soak.py runs a short version of the same code.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from cashdesk.app import DEMO_PASSWORD, Cashdesk, initialise, open_cashdesk
from cashdesk.clock import FixedClock
from cashdesk.config import Config
from cashdesk.services.auth import make_hasher
from cashdesk.ui import theme
from cashdesk.ui.memory import limit_malloc_arenas
from cashdesk.ui.pyside_fixes import guard_refcounts
from cashdesk.ui.window import DEVICE_POLL_MS, MainWindow

# Friday 08:00 in Riverbend (UTC-8): the window opens for a long weekend.
START = dt.datetime(2026, 11, 27, 16, 0, tzinfo=dt.UTC)
PIN = "1111"  # maria's demo PIN
RSS_GROWTH_LIMIT = 0.10
WATCHED = {"None": None, "True": True, "False": False}


def rss_kib() -> int:
    """This process's resident set now (Linux: /proc; elsewhere the peak, as the OS gives)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak


def refcounts() -> dict[str, int]:
    return {name: sys.getrefcount(obj) for name, obj in WATCHED.items()}


@dataclass
class SoakResult:
    seconds_simulated: int = 0
    idle_checks: int = 0
    device_polls: int = 0
    sales: int = 0
    locks: int = 0
    errors: int = 0  # exceptions that reached the window's error hook
    counts_before: dict[str, int] = field(default_factory=dict)
    counts_after: dict[str, int] = field(default_factory=dict)
    rss_start_kib: int = 0
    rss_end_kib: int = 0

    def drained(self) -> dict[str, int]:
        return {k: self.counts_before[k] - self.counts_after[k] for k in self.counts_before}

    def counts_stable(self) -> bool:
        """No watched count fell by more than 1% of where it started: true on Python 3.12+
        (immortal), and on 3.11 with the guard (counts lifted by 2**48); an unguarded 3.11
        interpreter (tens of thousands) loses more than that, or aborts."""
        return all(
            self.counts_before[k] - self.counts_after[k] <= self.counts_before[k] // 100
            for k in self.counts_before
        )

    def rss_growth(self) -> float:
        return (self.rss_end_kib - self.rss_start_kib) / self.rss_start_kib


class Counter:
    """The cashier and the clock, driving one MainWindow."""

    def __init__(self, window: MainWindow, clock: FixedClock, result: SoakResult) -> None:
        self.window = window
        self.clock = clock
        self.result = result
        self.poll_every = DEVICE_POLL_MS // 1000
        self.progress = False  # print the RSS every simulated hour
        # The window's timers are driven by hand from here on (one simulated second a step).
        window.idle_timer.stop()
        window.device_timer.stop()

    # -- waiting and typing, as a person would ------------------------------------------
    @staticmethod
    def wait_until(condition: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"soak: gave up waiting for {what}")
            QApplication.processEvents()
            # What the running event loop (app.exec() in the app) does for deleteLater():
            # processEvents() alone never deletes, and the closed dialogs would pile up.
            QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            time.sleep(0.0005)

    def target(self) -> QWidget:
        def settled() -> bool:
            modal, active = QApplication.activeModalWidget(), QApplication.activeWindow()
            return active is not None and (modal is None or modal is active)

        if QApplication.activePopupWidget() is None:
            self.wait_until(settled, "the window to take the keyboard")
        widget = (
            QApplication.activePopupWidget()
            or QApplication.focusWidget()
            or QApplication.activeWindow()
        )
        assert widget is not None
        return widget

    def type(self, text: str) -> None:
        for char in text:
            QTest.keyClick(self.target(), char)

    def press(self, key: Qt.Key) -> None:
        QTest.keyClick(self.target(), key)

    # -- the counter's life ------------------------------------------------------------
    def sign_in_and_open_drawer(self) -> None:
        w = self.window
        self.wait_until(lambda: QApplication.focusWidget() is w.sign_in_page.username, "sign-in")
        self.type("maria")
        self.press(Qt.Key.Key_Return)
        self.type(DEMO_PASSWORD)
        self.press(Qt.Key.Key_Return)
        self.wait_until(lambda: w.pages.currentWidget() is w.drawer_page, "the drawer page")
        self.press(Qt.Key.Key_Return)  # the starting bank as configured
        self.wait_until(lambda: w.pages.currentWidget() is w.payment_page, "the payment page")

    def second(self) -> None:
        """One simulated second: the idle check, and every 5 s the device poll."""
        self.clock.advance(seconds=1)
        self.result.seconds_simulated += 1
        if self.progress and self.result.seconds_simulated % 3600 == 0:
            print(
                f"  {self.result.seconds_simulated // 3600:>3} h: {self.result.sales} sales, "
                f"RSS {rss_kib() / 1024:.1f} MiB",
                flush=True,
            )
        self.window.check_idle()
        self.result.idle_checks += 1
        if self.result.seconds_simulated % self.poll_every == 0:
            self.window.poll_devices()
            self.result.device_polls += 1
            self.wait_until(lambda: not self.window.monitor.busy, "the device poll")

    def sale(self) -> None:
        page = self.window.payment_page
        if self.window.pages.currentWidget() is self.window.lock_page:
            self.unlock()  # idle longer than idle_lock_seconds since the last sale
        self.type("GOLF-R")
        self.press(Qt.Key.Key_Return)
        self.wait_until(lambda: not page.draft.is_empty, "the sale's line")
        self.press(Qt.Key.Key_F2)
        self.wait_until(lambda: QApplication.activeModalWidget() is not None, "the tender")
        self.press(Qt.Key.Key_Return)
        self.wait_until(lambda: QApplication.activeModalWidget() is None, "the tender to close")
        self.press(Qt.Key.Key_F12)
        self.wait_until(lambda: page.receipt_dialog is not None, "the receipt")
        self.press(Qt.Key.Key_Return)  # next sale
        self.wait_until(lambda: page.receipt_dialog is None and page.draft.is_empty, "next")
        self.result.sales += 1

    def walk_away_and_back(self) -> None:
        """Idle past idle_lock_seconds (the idle check locks), then unlock with the PIN."""
        w = self.window
        for _ in range(w.desk.terminal.idle_lock_seconds + 5):
            self.second()
        self.unlock()

    def unlock(self) -> None:
        w = self.window
        self.wait_until(lambda: w.pages.currentWidget() is w.lock_page, "the idle lock")
        self.wait_until(lambda: QApplication.focusWidget() is w.lock_page.secret, "the PIN")
        self.type(PIN)
        self.press(Qt.Key.Key_Return)
        self.wait_until(lambda: w.pages.currentWidget() is w.payment_page, "the unlock")
        self.result.locks += 1


def soak(
    window: MainWindow,
    clock: FixedClock,
    *,
    hours: float,
    sales: int,
    locks: int,
    progress: bool = False,
) -> SoakResult:
    """Run the window through ``hours`` simulated hours with ``sales`` sales and ``locks``
    idle locks spread evenly; the result has the counts, the RSS and what was done."""
    result = SoakResult()
    counter = Counter(window, clock, result)
    counter.progress = progress
    counter.sign_in_and_open_drawer()
    counter.sale()  # the first sale warms every cache; the measured run starts after it
    total = int(hours * 3600)
    lock_at = {round((i + 1) * sales / (locks + 1)) for i in range(locks)}
    gc_collect()
    result.rss_start_kib = rss_kib()
    result.counts_before = refcounts()
    for n in range(1, sales):
        due = total * n // sales
        while result.seconds_simulated < due:
            counter.second()
        counter.sale()
        if n in lock_at:
            counter.walk_away_and_back()
    while result.seconds_simulated < total:
        counter.second()
    QApplication.processEvents()
    gc_collect()
    result.counts_after = refcounts()
    result.rss_end_kib = rss_kib()
    result.errors = window.errors.count
    return result


def gc_collect() -> None:
    import gc

    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


def demo_store(folder: Path) -> Path:
    path = folder / "soak.db"
    desk = open_cashdesk(Config(), path, clock=FixedClock(START), hasher=make_hasher(fast=True))
    initialise(desk, demo=True)
    desk.close()
    return path


def open_window(path: Path, clock: FixedClock) -> tuple[Cashdesk, MainWindow]:
    desk = open_cashdesk(Config(), path, clock=clock, hasher=make_hasher(fast=True))
    window = MainWindow(desk, demo=True)
    window.resize(1280, 800)
    window.show()
    return desk, window


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hours", type=float, default=72.0)
    parser.add_argument("--sales", type=int, default=5000)
    parser.add_argument("--locks", type=int, default=60, help="idle locks and unlocks")
    args = parser.parse_args()
    print(f"malloc arenas capped (as the app does): {limit_malloc_arenas()}")
    app = QApplication.instance() or QApplication(sys.argv)
    guard_refcounts()
    theme.apply(app)  # type: ignore[arg-type]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="cashdesk-soak-") as tmp:
        clock = FixedClock(START)
        desk, window = open_window(demo_store(Path(tmp)), clock)
        try:
            result = soak(
                window, clock, hours=args.hours, sales=args.sales, locks=args.locks, progress=True
            )
        finally:
            window.shutdown()
            window.deleteLater()
            QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            desk.close()
        shutil.rmtree(tmp, ignore_errors=True)
    wall = time.perf_counter() - started
    print(
        f"soak: {result.seconds_simulated / 3600:.0f} h simulated in {wall:.0f} s: "
        f"{result.sales} sales, {result.idle_checks} idle checks, "
        f"{result.device_polls} device polls, {result.locks} idle locks and unlocks, "
        f"{result.errors} errors"
    )
    print(f"refcounts before {result.counts_before}")
    print(f"refcounts after  {result.counts_after} (drained {result.drained()})")
    print(
        f"RSS start {result.rss_start_kib / 1024:.1f} MiB, end {result.rss_end_kib / 1024:.1f} "
        f"MiB ({result.rss_growth():+.1%}; limit +{RSS_GROWTH_LIMIT:.0%})"
    )
    ok = result.counts_stable() and result.errors == 0 and result.rss_growth() <= RSS_GROWTH_LIMIT
    print("soak: ok" if ok else "soak: FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
