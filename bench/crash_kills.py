"""Hundreds of SIGKILLs at random moments on a posting cashdesk (the CI test does 100).

Runs tests/reliability/crash_harness.py for several seeds (each a fresh demo store) and
prints, per seed and in all: kills survived, restarts that found the unclean shutdown and
checked the store, receipts posted under fire, receipts committed but killed before they were
acknowledged (found whole), and failures (expected: 0). Exit status 1 on any failure.

    PYTHONPATH=src .venv/bin/python bench/crash_kills.py [--seeds 11 12] [--kills 150]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "reliability"))

from crash_harness import crash_run, scratch_folder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, nargs="+", default=[11, 12])
    parser.add_argument("--kills", type=int, default=150, help="kills per seed")
    args = parser.parse_args()
    totals = {"kills": 0, "restarts": 0, "receipts": 0, "in_flight": 0, "failures": 0}
    started = time.perf_counter()
    for seed in args.seeds:
        with tempfile.TemporaryDirectory(dir=scratch_folder()) as tmp:
            run = crash_run(Path(tmp), kills=args.kills, seed=seed)
        print(
            f"seed {seed}: {run.kills} kills survived, {run.restarts_checked} unclean restarts "
            f"checked, {run.receipts} receipts ({run.voids} voided, {run.in_flight} committed "
            f"in flight), {len(run.failures)} failures"
        )
        for failure in run.failures:
            print(f"  {failure}")
        totals["kills"] += run.kills
        totals["restarts"] += run.restarts_checked
        totals["receipts"] += run.receipts
        totals["in_flight"] += run.in_flight
        totals["failures"] += len(run.failures)
    print(
        f"in all: {totals['kills']} kills survived, {totals['restarts']} unclean restarts "
        f"checked, {totals['receipts']} receipts, {totals['in_flight']} committed in flight, "
        f"{totals['failures']} failures, {time.perf_counter() - started:.0f} s"
    )
    return 1 if totals["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
