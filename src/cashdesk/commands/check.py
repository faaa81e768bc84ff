"""``cashdesk check``: run the store's integrity checks and report what is wrong.

By default only what changed since the last clean check is read (a clean check records how
far it read); ``--full`` reads the whole store, page-level ``PRAGMA integrity_check``
included. Exit status 0 when the store is whole, 1 when a check found a problem, 2 when the store
cannot be read at all (the message says why). Read-only: it takes no lock, so it can run
beside an open cashdesk window.
"""

from __future__ import annotations

import argparse
import json
from typing import Any


def register(sub: Any) -> None:
    check = sub.add_parser("check", help="check the store's integrity (exit 1 on any problem)")
    # Also accepted after the command (``cashdesk check --db PATH``); SUPPRESS keeps the
    # global ``cashdesk --db PATH check`` from being overwritten by this default.
    check.add_argument("--db", type=_path, default=argparse.SUPPRESS, help="the store to check")
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    check.add_argument(
        "--full",
        action="store_true",
        help="check the whole store (by default: what changed since the last clean check)",
    )
    check.set_defaults(handler=_check)


def _path(text: str) -> Any:
    from pathlib import Path

    return Path(text)


def _check(args: argparse.Namespace) -> int:
    from cashdesk.config import default_db_path, load_config
    from cashdesk.store.integrity import check_database

    path = args.db or load_config(args.config).db_path or default_db_path()
    report = check_database(path, full=args.full)
    if args.json:
        print(
            json.dumps(
                {
                    "database": str(path),
                    "ok": report.ok,
                    "incremental": report.incremental,
                    "checks": list(report.checks_run),
                    "counts": report.counts,
                    "problems": [
                        {"check": p.check, "subject": p.subject, "message": p.message}
                        for p in report.problems
                    ],
                },
                indent=2,
            )
        )
    else:
        print(f"{path}: {report.summary()}")
        for problem in report.problems:
            print(f"  {problem}")
    return 0 if report.ok else 1
