"""The ``cashdesk`` command. Qt is imported only when a window opens, so headless commands
start fast and run on machines with no display."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from pathlib import Path

from cashdesk import __version__
from cashdesk.errors import CashdeskError


def build_parser() -> argparse.ArgumentParser:
    from cashdesk.commands import MODULES

    parser = argparse.ArgumentParser(
        prog="cashdesk", description="Cashiering for the City of Riverbend finance counter."
    )
    parser.add_argument("--version", action="version", version=f"cashdesk {__version__}")
    parser.add_argument("--db", type=Path, help="the workstation database (SQLite file)")
    parser.add_argument("--config", type=Path, help="the workstation config (TOML)")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="launch on a demo store (created and loaded if it does not exist)",
    )
    sub = parser.add_subparsers(dest="command")
    launch = sub.add_parser("launch", help="open the cashdesk window (the default)")
    launch.set_defaults(handler=_launch)
    for module in MODULES:
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    handler: Callable[[argparse.Namespace], int] = getattr(args, "handler", _launch)
    try:
        return handler(args)
    except CashdeskError as err:
        print(f"cashdesk: {err}", file=sys.stderr)
        return 2


def _launch(args: argparse.Namespace) -> int:
    from cashdesk.ui.main import run

    return int(run(db_path=args.db, config_path=args.config, demo=args.demo))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
