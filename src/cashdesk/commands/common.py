"""Helpers shared by the sub-commands."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cashdesk.app import Cashdesk


@contextmanager
def opened_desk(args: argparse.Namespace) -> Iterator[Cashdesk]:
    """The workstation named by --config/--db, upgraded to the current schema."""
    from cashdesk.app import open_cashdesk
    from cashdesk.config import load_config

    desk = open_cashdesk(load_config(args.config), args.db)
    try:
        yield desk
    finally:
        desk.close()
