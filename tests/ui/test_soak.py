"""A short soak of the real main window (bench/soak.py runs the 72-hour one): the idle
check every simulated second, the device poll every 5, sales with the keyboard, idle locks
and PIN unlocks, on a hand-moved clock; counts of None/True/False stable, nothing raised."""

from __future__ import annotations

import gc
import importlib.util
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication
from sqlalchemy import func, select

from cashdesk.app import Cashdesk
from cashdesk.clock import FixedClock
from cashdesk.store.models import Receipt
from cashdesk.ui.window import MainWindow

SOAK = Path(__file__).resolve().parents[2] / "bench" / "soak.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("cashdesk_bench_soak", SOAK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_half_an_hour_of_counter_life_leaves_the_window_whole(
    window: MainWindow, desk: Cashdesk, clock: FixedClock
) -> None:
    bench = _bench()
    result = bench.soak(window, clock, hours=0.5, sales=12, locks=2)
    assert (result.seconds_simulated, result.sales) == (1800, 12)
    assert result.device_polls == 1800 // 5
    # Twelve sales 150 s apart: each of the 11 gaps passes the 120 s idle lock once (the two
    # walks away take theirs inside a gap), and the cashier unlocks with her PIN each time.
    assert result.locks == 11
    assert result.errors == 0
    assert result.counts_stable(), result.drained()
    with desk.ctx.sessions() as s:
        assert s.scalar(select(func.count(Receipt.id))) == 12
    # The last 150 s are idle too: the window ends as a left counter should, locked.
    assert window.pages.currentWidget() is window.lock_page


def _census() -> Counter[str]:
    """Live Python objects of the app's and Qt's classes, and live widgets, by class."""
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    census: Counter[str] = Counter()
    for obj in gc.get_objects():
        module = getattr(type(obj), "__module__", "")
        if isinstance(module, str) and module.startswith(("cashdesk", "PySide6")):
            census[f"{module}.{type(obj).__qualname__}"] += 1
    census.update(f"widget {type(w).__name__}" for w in QApplication.allWidgets())
    return census


def test_sales_and_device_polls_leave_no_objects_behind(
    window: MainWindow, desk: Cashdesk, clock: FixedClock
) -> None:
    # What grew in the 72-hour soak's RSS: every sale and every 5-second device poll left
    # objects behind. Counted by class after 5 sales and again after 25 more (with their
    # polls): no class may grow with the number of sales.
    bench = _bench()
    counter = bench.Counter(window, clock, bench.SoakResult())
    counter.sign_in_and_open_drawer()

    def sales(n: int) -> None:
        for _ in range(n):
            for _ in range(30):  # 30 simulated seconds: 6 device polls
                counter.second()
            counter.sale()

    sales(5)
    before = _census()
    sales(25)
    after = _census()
    grown = {k: (before[k], after[k]) for k in after if after[k] - before[k] > 2}
    assert grown == {}, grown
    assert counter.result.sales == 30 and window.errors.count == 0
