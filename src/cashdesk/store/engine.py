"""The workstation's SQLite engine: WAL, durable commits, foreign keys, immediate writes."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from cashdesk.errors import CashdeskError


class StoreError(CashdeskError):
    """The store could not be opened or written."""


def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    # The driver's own transaction handling is off (isolation_level=None), so that the
    # "begin" hook below decides how a transaction starts.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    # FULL: a commit is on disk before it returns, so a power cut cannot lose a payment the
    # cashier was told is posted. NORMAL would be faster in WAL mode but is not durable.
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


def _on_begin(conn: Any) -> None:
    # BEGIN IMMEDIATE takes the write lock at the start, so two writers never both read the
    # receipt counter and then collide at commit (SQLite's deferred default would).
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def sqlite_url(path: Path | str) -> str:
    return f"sqlite+pysqlite:///{Path(path)}"


# The store holds personal data and check account numbers: only the workstation's own user
# may read it. SQLite gives the -wal and -shm files the main file's mode; they are chmod-ed
# as well in case an older version left them readable.
PRIVATE_FILE_MODE = 0o600
SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def make_private(path: Path) -> None:
    """Create ``path`` if missing, owner read/write only; tighten the store's companions."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE_MODE)
        os.close(fd)
        for suffix in SQLITE_COMPANIONS:
            companion = path.with_name(path.name + suffix)
            if companion.exists():
                os.chmod(companion, PRIVATE_FILE_MODE)
    except OSError as err:
        raise StoreError(f"The database {path} cannot be opened: {err.strerror}") from None


def make_engine(path: Path | str) -> Engine:
    path = Path(path)
    if not path.parent.exists():
        raise StoreError(f"The folder for the database does not exist: {path.parent}")
    make_private(path)
    engine = create_engine(sqlite_url(path), connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _on_connect)
    # Runs after _on_connect has switched to WAL (which creates -wal and -shm).
    event.listen(engine, "connect", lambda *_: make_private(path))
    event.listen(engine, "begin", _on_begin)
    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    with factory() as session, session.begin():
        yield session
