"""The workstation's SQLite engine: WAL, durable commits, foreign keys, immediate writes."""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from cashdesk.errors import CashdeskError

log = logging.getLogger(__name__)


class StoreError(CashdeskError):
    """The store could not be opened or written.

    ``reason`` lets a front end pick an icon or a help page: "disk_full", "locked",
    "read_only", "io", "cannot_open", "corrupt", "missing", "in_use", "upgrade_failed" or
    "other".
    """

    def __init__(self, message: str, *, reason: str = "other") -> None:
        super().__init__(message)
        self.reason = reason


# SQLite's own words (sqlite3 error messages) -> why, and what the person at the counter does.
# ``{outcome}`` is what did not happen ("the payment was not saved"), ``{path}`` the database.
_SQLITE_MESSAGES: tuple[tuple[str, str, str], ...] = (
    (
        "database or disk is full",
        "disk_full",
        "The disk is full: {outcome}. Free space on the disk that holds {path} "
        "(or call IT), then try again.",
    ),
    (
        "database is locked",
        "locked",
        "The database {path} is busy (another cashdesk window or program is writing to it): "
        "{outcome}. Close the other program and try again.",
    ),
    (
        "database table is locked",
        "locked",
        "The database {path} is busy (another cashdesk window or program is writing to it): "
        "{outcome}. Close the other program and try again.",
    ),
    (
        "readonly database",
        "read_only",
        "The database {path} is read-only: {outcome}. Ask IT to let cashdesk write to that "
        "file and its folder.",
    ),
    (
        "disk i/o error",
        "io",
        "The disk that holds {path} reported an error: {outcome}. Check the disk or call IT "
        "before taking more payments.",
    ),
    (
        "unable to open database file",
        "cannot_open",
        "The database {path} cannot be opened: {outcome}. Check that its folder exists and that "
        "cashdesk may write to it.",
    ),
    (
        "file is not a database",
        "corrupt",
        "The database {path} is damaged or is not a cashdesk database: {outcome}. Call IT to "
        "restore it from the backup (`cashdesk check --db {path}` lists the problems).",
    ),
    (
        "database disk image is malformed",
        "corrupt",
        "The database {path} is damaged: {outcome}. Call IT to restore it from the backup "
        "(`cashdesk check --db {path}` lists the problems).",
    ),
)


def store_error(err: BaseException, *, path: object, outcome: str) -> StoreError | None:
    """The StoreError a cashier is shown for a driver error, or None when ``err`` is not a
    storage failure (a constraint violation is the caller's business, not the disk's)."""
    orig = err.orig if isinstance(err, DBAPIError) else err
    if not isinstance(orig, sqlite3.DatabaseError) or isinstance(orig, sqlite3.IntegrityError):
        return None
    text = str(orig).lower()
    for needle, reason, template in _SQLITE_MESSAGES:
        if needle in text:
            return StoreError(template.format(outcome=outcome, path=path), reason=reason)
    return StoreError(
        f"The database {path} failed ({orig}): {outcome}. Call IT if it happens again.",
        reason="other",
    )


# What a failure means for the person at the counter, set by the unit of work that is running
# ("the payment was not saved"); read by the engine's error hook below.
_outcome: ContextVar[str] = ContextVar("cashdesk_store_outcome", default="nothing was saved")


def _on_error(context: ExceptionContext) -> None:
    """The one place where SQLite's failures become messages for the counter (an engine
    hook, so reads, writes, commits and migrations all go through it): a StoreError naming
    the file and what to do; the log keeps the driver's detail."""
    engine = context.engine
    path = engine.url.database if engine is not None else "(the workstation database)"
    mapped = store_error(context.original_exception, path=path, outcome=_outcome.get())
    if mapped is not None:
        log.error(
            "store failure on %s (%s): %s",
            path,
            mapped.reason,
            context.original_exception,
            exc_info=context.original_exception,
        )
        raise mapped from context.sqlalchemy_exception or context.original_exception


@contextmanager
def store_errors(path: object, *, outcome: str = "nothing was saved") -> Iterator[None]:
    """Run a block with ``outcome`` as what a store failure means; a raw sqlite3 error that
    escapes the engine's hook (there should be none) is mapped the same way."""
    token = _outcome.set(outcome)
    try:
        yield
    except (DBAPIError, sqlite3.DatabaseError) as err:
        mapped = store_error(err, path=path, outcome=outcome)
        if mapped is None:
            raise
        log.exception("store failure on %s (%s): %s", path, mapped.reason, err)
        raise mapped from err
    finally:
        _outcome.reset(token)


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
    # receipt counter and then collide at commit (SQLite's deferred default would). A reader
    # that says so (``execution_options(cashdesk_read_only=True)``: the integrity check) takes
    # no write lock, so it neither waits for the counter nor holds it up, and works on a
    # read-only file.
    read_only = conn.get_execution_options().get("cashdesk_read_only", False)
    conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


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
    # hide_parameters: a failed statement's values (payer names, check accounts) never reach
    # an exception message, and so never the log file or a support bundle.
    engine = create_engine(
        sqlite_url(path), connect_args={"check_same_thread": False}, hide_parameters=True
    )
    event.listen(engine, "connect", _on_connect)
    # Runs after _on_connect has switched to WAL (which creates -wal and -shm).
    event.listen(engine, "connect", lambda *_: make_private(path))
    event.listen(engine, "begin", _on_begin)
    event.listen(engine, "handle_error", _on_error)
    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    from cashdesk.store import card_guard, sealing

    factory = sessionmaker(engine, expire_on_commit=False)
    card_guard.install(factory)  # no card number is ever written (store/card_guard.py)
    sealing.install()  # rows of record carry an HMAC (store/sealing.py)
    return factory


def database_path(factory: sessionmaker[Session]) -> str:
    bind = factory.kw.get("bind")
    if isinstance(bind, Engine) and bind.url.database:
        return bind.url.database
    return "(the workstation database)"


@contextmanager
def transaction(
    factory: sessionmaker[Session], *, outcome: str = "nothing was saved"
) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error.

    A full disk, a locked or read-only file, an I/O error or a damaged file raise a
    StoreError saying ``outcome`` ("the payment was not saved") and what to do; the rollback
    has happened by then, so nothing is half-written.
    """
    with (
        store_errors(database_path(factory), outcome=outcome),
        factory() as session,
        session.begin(),
    ):
        yield session
