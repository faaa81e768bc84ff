"""How much CPU does a headless command cost, whole process? (issue 22: <= 0.25 s)

Runs each command (``--version``, ``check``, ``lookup``, ``quote``) on a demo store in a fresh
interpreter ``--repeat`` times, taking user + system CPU of the child from ``getrusage``, and in
the same run ``python -c pass`` (the floor: the interpreter itself). Prints medians and ratios.
``python -X importtime`` on the same command line shows where the time goes.

    .venv/bin/python bench/headless.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

COMMANDS = {
    "--version": ["--version"],
    "check": ["check"],
    "lookup nunez": ["lookup", "nunez", "--user", "maria"],
    "quote utility": ["quote", "utility", "100000", "--amount", "10.00"],
}


def cpu_of(argv: list[str], env: dict[str, str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "HOME": tmp, "CASHDESK_PASSWORD": "riverbend1"}
        db = str(Path(tmp) / "demo.db")
        cli = [sys.executable, "-m", "cashdesk.cli"]
        subprocess.run(
            [*cli, "--db", db, "init", "--demo"], env=env, check=True, stdout=subprocess.DEVNULL
        )
        times: dict[str, list[float]] = {"python -c pass": []}
        times.update({name: [] for name in COMMANDS})
        for _ in range(args.repeat):  # taking turns, so the load hits all alike
            times["python -c pass"].append(cpu_of([sys.executable, "-c", "pass"], env))
            for name, command in COMMANDS.items():
                argv = [*cli, *command] if name == "--version" else [*cli, "--db", db, *command]
                times[name].append(cpu_of(argv, env))
    floor = statistics.median(times["python -c pass"])
    print(f"{'command':<18} {'median CPU':>11} {'x python -c pass':>17}")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:<18} {median:>9.3f} s {median / floor:>16.1f}x")


if __name__ == "__main__":
    main()
