"""A short soak of the real main window (bench/soak.py runs the 72-hour one): the idle
check every simulated second, the device poll every 5, sales with the keyboard, idle locks
and PIN unlocks, on a hand-moved clock; counts of None/True/False stable, nothing raised."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

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
