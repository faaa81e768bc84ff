"""Helpers shared by the sub-commands."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from cashdesk.app import Cashdesk


@contextmanager
def opened_desk(args: argparse.Namespace, *, shared: bool = False) -> Iterator[Cashdesk]:
    """The workstation named by --config/--db.

    By default a command takes the store's single-instance lock, as the window does, and
    brings the store to the current schema: it changes what the counter holds (postings,
    users, tag stock, a sync). A ``shared`` command reads (a quote, a lookup, a report, the
    audit trail; at most it appends an audit entry, in its own BEGIN IMMEDIATE transaction
    like every write): it is a plain SQLite WAL reader that runs beside the window and beside
    other shared commands, takes no lock and creates nothing. A missing store is refused;
    one behind the schema is opened as a locking command would (upgraded under the lock)."""
    from cashdesk.app import open_cashdesk
    from cashdesk.config import default_db_path, load_config
    from cashdesk.store.engine import StoreError

    config = load_config(args.config)
    path = args.db or config.db_path or default_db_path()
    if shared:
        if not path.exists():
            raise StoreError(
                f"There is no store at {path}; create it with `cashdesk --db {path} init`.",
                reason="missing",
            )
        if _is_current(path):
            desk = open_cashdesk(config, path, upgrade=False, single_instance=False)
            try:
                yield desk
            finally:
                desk.close()
            return
    desk = open_cashdesk(config, path)
    try:
        yield desk
    finally:
        desk.close()


def _is_current(path: Path) -> bool:
    from cashdesk.store import migrate
    from cashdesk.store.engine import make_engine

    engine = make_engine(path)
    try:
        return migrate.current_revision(engine) == migrate.head_revision()
    finally:
        engine.dispose()
