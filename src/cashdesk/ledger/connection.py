"""Reaching the central ledger: URLs, credentials and connections.

Credentials are never in code: the URL comes from the workstation config (``[ledger] url``)
or the command line, and the password from, in order, the URL itself, the OS keyring (when
the optional ``keyring`` package is installed; service ``cashdesk-ledger``, user name
``user@host``) or libpq's own sources (``PGPASSWORD``, ``~/.pgpass``, a service file).
"""

from __future__ import annotations

import importlib
import logging
from urllib.parse import urlsplit

import psycopg

from cashdesk.errors import ConfigError, SyncError

log = logging.getLogger(__name__)

KEYRING_SERVICE = "cashdesk-ledger"
CONNECT_TIMEOUT_S = 5
# A statement that hangs (a server stuck, a half-open connection) must not hold the worker
# forever; a push batch takes well under a second.
STATEMENT_TIMEOUT_MS = 60_000


def libpq_url(url: str) -> str:
    """A ``postgresql://`` URL for libpq (SQLAlchemy's ``+psycopg`` suffix removed)."""
    url = url.strip()
    if url.startswith("postgresql+psycopg://"):
        url = "postgresql://" + url.removeprefix("postgresql+psycopg://")
    if not url.startswith(("postgresql://", "postgres://")):
        raise ConfigError("The central ledger URL must start with postgresql://.")
    return url


def sqlalchemy_url(url: str) -> str:
    return "postgresql+psycopg://" + libpq_url(url).split("://", 1)[1]


def describe(url: str) -> str:
    """The URL without its password, fit for a message or a log."""
    parts = urlsplit(libpq_url(url))
    host = parts.hostname or "local socket"
    user = parts.username or "(default user)"
    return f"{user}@{host}{':' + str(parts.port) if parts.port else ''}{parts.path}"


def keyring_password(url: str) -> str | None:
    """The password the OS keyring holds for this URL's user and host, if keyring is there."""
    try:
        keyring = importlib.import_module("keyring")
    except ImportError:
        return None
    parts = urlsplit(libpq_url(url))
    try:
        secret = keyring.get_password(KEYRING_SERVICE, f"{parts.username}@{parts.hostname}")
    except Exception as err:  # a locked or missing keyring backend: fall back to libpq
        log.warning("keyring lookup failed: %s", err)
        return None
    return secret if isinstance(secret, str) else None


def connect(
    url: str, *, application_name: str = "cashdesk"
) -> psycopg.Connection[tuple[object, ...]]:
    """A connection to the central ledger; SyncError (for the status bar) when unreachable."""
    conninfo = libpq_url(url)
    extra: dict[str, object] = {}
    if urlsplit(conninfo).password is None and (secret := keyring_password(conninfo)):
        extra["password"] = secret
    try:
        return psycopg.connect(
            conninfo,
            connect_timeout=CONNECT_TIMEOUT_S,
            application_name=application_name,
            options=f"-c statement_timeout={STATEMENT_TIMEOUT_MS}",
            **extra,  # type: ignore[arg-type]
        )
    except psycopg.Error as err:
        raise unreachable(url, err) from err


def unreachable(url: str, err: BaseException) -> SyncError:
    """One sentence for the person at the terminal (libpq's text runs over several lines and
    hints; the first line names the cause)."""
    cause = next((line.strip() for line in str(err).splitlines() if line.strip()), "")
    cause = cause.removeprefix("connection failed: ").rstrip(".")
    return SyncError(f"The central ledger ({describe(url)}) cannot be reached: {cause}.")
