"""The malloc arena cap the window sets at start (ui/memory.py, issue 14's soak)."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt is Linux-only")
def test_the_arena_cap_takes_effect_and_threads_still_allocate() -> None:
    # A child process: the cap is process-wide and must come before threads start.
    code = (
        "import threading\n"
        "from cashdesk.ui.memory import limit_malloc_arenas\n"
        "assert limit_malloc_arenas() is True\n"
        "out = []\n"
        "ts = [threading.Thread(target=lambda: out.append(bytearray(1 << 20))) for _ in range(8)]\n"
        "[t.start() for t in ts]; [t.join() for t in ts]\n"
        "print(len(out))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert (result.returncode, result.stdout.strip()) == (0, "8"), result.stderr
