"""Find as you type on screen (F6): from a keystroke to the results shown, and how long the
GUI thread is busy per keystroke, beside the bare LookupService.search in the same run.

The find dialog waits DEBOUNCE_MS after the last key, runs the search on its background
worker and shows the answer; so "key to results" is the debounce plus the search plus the
table update, and the GUI thread only spends the table update on it.

    QT_QPA_PLATFORM=offscreen PYTHONPATH=src .venv/bin/python bench/ui_lookup.py
"""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from cashdesk.app import initialise, open_cashdesk
from cashdesk.config import Config
from cashdesk.errors import CashdeskError
from cashdesk.services.auth import make_hasher
from cashdesk.ui import theme
from cashdesk.ui.lookup import DEBOUNCE_MS, LookupDialog
from cashdesk.ui.pyside_fixes import guard_none_refcount

QUERIES = ("nunez", "obrien", "1427 bay", "RB26000", "BL-1000", "bella", "UB/100007/B100007-2610")


def prefixes() -> list[str]:
    return [q[:n] for q in QUERIES for n in range(1, len(q) + 1)]


def main() -> int:
    guard_none_refcount()
    app = QApplication(sys.argv)
    theme.apply(app)
    with tempfile.TemporaryDirectory() as tmp:
        desk = open_cashdesk(Config(), Path(tmp) / "bench.db", hasher=make_hasher(fast=True))
        try:
            initialise(desk, demo=True)
            service: list[float] = []
            for text in prefixes():
                start = time.perf_counter()
                with contextlib.suppress(CashdeskError):  # a partial stub is refused; timed
                    desk.lookup.search(text, limit=20)
                service.append((time.perf_counter() - start) * 1000)

            dialog = LookupDialog(desk, choose=lambda _r: None)
            dialog.show()
            shown: list[float] = []
            gui: list[float] = []
            original = dialog._show

            def timed_show(generation: int, found: list) -> None:  # type: ignore[type-arg]
                start = time.perf_counter()
                original(generation, found)
                gui.append((time.perf_counter() - start) * 1000)

            dialog._show = timed_show  # type: ignore[method-assign]
            for text in prefixes():
                start = time.perf_counter()
                dialog.query.setText(text)
                typed = (time.perf_counter() - start) * 1000
                while not dialog.answered:
                    QTest.qWait(1)
                shown.append((time.perf_counter() - start) * 1000)
                gui.append(typed)
            dialog.close()
        finally:
            desk.close()

    def median(values: list[float]) -> float:
        return round(statistics.median(values), 2)

    print(
        json.dumps(
            {
                "keystrokes": len(prefixes()),
                "debounce_ms": DEBOUNCE_MS,
                "service_search_median_ms": median(service),
                "key_to_results_median_ms": median(shown),
                "key_to_results_minus_debounce_median_ms": median([v - DEBOUNCE_MS for v in shown]),
                "gui_thread_per_step_median_ms": median(gui),
                "gui_thread_per_step_max_ms": round(max(gui), 2),
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    # PySide6 6.12 on Python 3.11 can abort while the interpreter finalises (see
    # ui/pyside_fixes.py); the figures are printed, so leave without finalising.
    os._exit(code)
