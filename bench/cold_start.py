"""How long from launching cashdesk to the sign-in screen? (issue 10: cold start beside a bare
PySide6 window started in the same run.)

Builds a demo store once (``cashdesk --demo``), then alternates, ``--runs`` times each:

- cashdesk: ``python -m cashdesk.cli --db <demo db>`` offscreen with
  CASHDESK_EXIT_WHEN_READY=1, which quits as soon as the sign-in page is visible and prints
  the process's age at that moment ("ready N ms");
- baseline: a bare PySide6 process showing an empty QMainWindow, which prints its age the
  same way once the window is visible and quits.

Both print the time from process start (the kernel's start time in /proc, 10 ms ticks) to a
visible window, so the interpreter's start is counted in both; the wall time of the whole
child (spawn to exit, which for cashdesk includes stopping the sync worker and closing the
store) is reported too. Prints medians and the ratio cashdesk / bare window. Linux only.

    .venv/bin/python bench/cold_start.py [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE_WINDOW = r"""
import os, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

def process_age_s():  # the clock of cashdesk.ui.main.process_age_s, without importing cashdesk
    with open("/proc/self/stat", encoding="ascii") as stat:
        started_ticks = int(stat.read().rsplit(")", 1)[1].split()[19])
    with open("/proc/uptime", encoding="ascii") as uptime:
        since_boot = float(uptime.read().split()[0])
    return since_boot - started_ticks / os.sysconf("SC_CLK_TCK")

app = QApplication(sys.argv)
window = QMainWindow()
window.resize(1280, 800)
window.show()

def check():
    if window.isVisible():
        print(f"ready {process_age_s() * 1000:.1f} ms", flush=True)
        app.quit()
    else:
        QTimer.singleShot(5, check)

QTimer.singleShot(0, check)
sys.exit(app.exec())
"""


def child_env(home: Path) -> dict[str, str]:
    src = Path(__file__).resolve().parent.parent / "src"
    return {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "CASHDESK_EXIT_WHEN_READY": "1",
        # A private home: no user config, log folder or store of this machine is touched.
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_DATA_HOME": str(home / "data"),
        "PYTHONPATH": os.pathsep.join([str(src), os.environ.get("PYTHONPATH", "")]),
    }


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(ms from process start to a visible window, as the child printed it; wall ms to exit)"""
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    wall = (time.perf_counter() - started) * 1000
    if done.returncode != 0:
        raise SystemExit(f"{command} failed ({done.returncode}):\n{done.stderr}")
    lines = [line for line in done.stdout.splitlines() if line.startswith("ready ")]
    if not lines:
        raise SystemExit(f"{command} never said it was ready:\n{done.stdout}\n{done.stderr}")
    return float(lines[-1].split()[1]), wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="cashdesk-cold-") as tmp:
        home = Path(tmp)
        env = child_env(home)
        db = home / "demo.db"
        # A configured workstation (the defaults): without a config, the first start's
        # setup dialog would wait for someone to fill it in.
        config = home / "workstation.toml"
        config.write_text("", encoding="utf-8")
        cashdesk = [sys.executable, "-m", "cashdesk.cli", "--config", str(config), "--db", str(db)]
        bare = [sys.executable, "-c", BARE_WINDOW]
        timed([*cashdesk, "--demo"], env)  # builds the demo store (not measured)
        timed(cashdesk, env)  # one warm-up of each, so the file cache is the same for both
        timed(bare, env)
        results: dict[str, list[tuple[float, float]]] = {"cashdesk": [], "bare": []}
        for _ in range(args.runs):  # interleaved, so a busy moment hurts both alike
            results["cashdesk"].append(timed(cashdesk, env))
            results["bare"].append(timed(bare, env))

    figures = {
        name: {
            "ready_ms": statistics.median(r[0] for r in runs),
            "wall_ms": statistics.median(r[1] for r in runs),
        }
        for name, runs in results.items()
    }
    ratio = figures["cashdesk"]["ready_ms"] / figures["bare"]["ready_ms"]
    wall_ratio = figures["cashdesk"]["wall_ms"] / figures["bare"]["wall_ms"]
    if args.json:
        print(json.dumps({**figures, "ratio": ratio, "wall_ratio": wall_ratio, "runs": args.runs}))
        return 0
    print(f"cold start to a visible window, medians of {args.runs} runs each (offscreen)")
    for name, label in (("cashdesk", "cashdesk to sign-in"), ("bare", "bare PySide6 window")):
        f = figures[name]
        print(f"  {label:22} ready {f['ready_ms']:7.1f} ms   to exit {f['wall_ms']:7.1f} ms")
    print(f"  ratio cashdesk / bare: ready {ratio:.2f}x, to exit {wall_ratio:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
