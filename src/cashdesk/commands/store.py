"""``cashdesk init``: create or upgrade the workstation store and load reference data."""

from __future__ import annotations

import argparse
from typing import Any

from cashdesk.commands.common import opened_desk


def register(sub: Any) -> None:
    init = sub.add_parser("init", help="create or upgrade the store and load reference data")
    init.add_argument("--demo", action="store_true", help="also create the demo users")
    init.set_defaults(handler=_init)


def _init(args: argparse.Namespace) -> int:
    from cashdesk.app import initialise, load_demo_tag_stock

    with opened_desk(args) as desk:
        lines = initialise(desk, demo=args.demo)
        if args.demo:
            lines += load_demo_tag_stock(desk)
        for line in lines:
            print(line)
    return 0
