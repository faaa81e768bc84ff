"""Helpers for the ledger tests (imported by name: tests/ledger is on sys.path)."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg

from cashdesk.app import Cashdesk, initialise, open_cashdesk
from cashdesk.clock import FixedClock
from cashdesk.config import Config
from cashdesk.domain import tender as T
from cashdesk.domain.lines import ChargeLine
from cashdesk.domain.money import Money
from cashdesk.domain.receipt import ReceiptDraft
from cashdesk.domain.roles import Operator
from cashdesk.services.auth import make_hasher

WS_LOGIN = "counter_login"
WS_PASSWORD = "not-a-real-secret"


def with_database(url: str, database: str, *, user: str | None = None) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc
    if user is not None:
        netloc = f"{user}@{netloc.split('@', 1)[1]}" if "@" in netloc else f"{user}@{netloc}"
    return urlunsplit((parts.scheme, netloc, f"/{database}", parts.query, parts.fragment))


def login_url(central: str, workstation: str) -> str:
    """The URL of a login bound to ``workstation`` (made if missing; roles are per server,
    so the name is fixed and reused: ``counter_w02``)."""
    from cashdesk.ledger.central import ensure_login

    name = f"counter_{workstation.lower()}"
    with psycopg.connect(central) as conn:
        ensure_login(conn, name, None, workstation=workstation)
    return with_database(central, urlsplit(central).path.lstrip("/"), user=name)


def admin(url: str) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(url, autocommit=True)


def scalar(url: str, query: str, *params: object) -> object:
    with psycopg.connect(url) as conn:
        row = conn.execute(query, params).fetchone()
        assert row is not None
        return row[0]


def counter(
    tmp_path: Path, demo_template: Path, workstation: str, ledger_url: str, clock: FixedClock
) -> Cashdesk:
    """Another workstation: its own SQLite file (a copy of the demo store), its own id."""
    path = tmp_path / f"{workstation}.db"
    shutil.copyfile(demo_template, path)
    config = Config(workstation_id=workstation, ledger_url=ledger_url)
    desk = open_cashdesk(config, path, clock=clock, hasher=make_hasher(fast=True))
    initialise(desk, demo=False)  # adds the workstation row
    return desk


def pay(
    desk: Cashdesk,
    operator: Operator,
    cents: int,
    *,
    code: str = "MISC",
    reference: str = "",
    gl_account: str = "101-150-36900",
) -> str:
    """Post a one-line cash receipt; returns its number."""
    draft = ReceiptDraft(payer="Test Payer")
    draft.add_line(
        ChargeLine(
            code=code,
            description=f"{code} {reference}".strip(),
            amount=Money(cents=cents),
            gl_account=gl_account,
            reference=reference,
        )
    )
    draft.add_tender(T.cash(Money(cents=cents)))
    return desk.payments.post_payment(operator, draft).number


class CuttingProxy:
    """A loopback TCP proxy to the server's Unix socket that drops a connection after a set
    number of bytes in one direction (``cut_up``: worker to server, ``cut_down``: server to
    worker), or (``cut_at_commit``) just as the server answers a COMMIT, so the transaction
    is committed but the worker never hears so. Each cut applies to the next connection only;
    later connections pass untouched."""

    def __init__(self, socket_path: str) -> None:
        import socket
        import threading

        self.socket_path = socket_path
        self.cut_up: int | None = None
        self.cut_down: int | None = None
        self.cut_at_commit = False
        self.cuts = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._stopped = False
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def url(self, user: str, database: str) -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def _accept(self) -> None:
        import socket
        import threading

        while not self._stopped:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            server.connect(self.socket_path)
            up, down, at_commit = self.cut_up, self.cut_down, self.cut_at_commit
            self.cut_up = self.cut_down = None
            self.cut_at_commit = False
            pair = (client, server)
            for src, dst, limit, commit in (
                (client, server, up, False),
                (server, client, down, at_commit),
            ):
                threading.Thread(
                    target=self._pump, args=(src, dst, limit, commit, pair), daemon=True
                ).start()

    def _pump(
        self, src: Any, dst: Any, limit: int | None, at_commit: bool, pair: tuple[Any, Any]
    ) -> None:
        import socket

        passed = 0
        try:
            while data := src.recv(65536):
                if at_commit and b"COMMIT\x00" in data:  # CommandComplete of a COMMIT
                    self.cuts += 1
                    break
                if limit is not None and passed + len(data) > limit:
                    dst.sendall(data[: limit - passed])
                    self.cuts += 1
                    break
                dst.sendall(data)
                passed += len(data)
        except OSError:
            pass
        for sock in pair:  # one side gone: drop both, as a dead link does
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def close(self) -> None:
        self._stopped = True
        self._listener.close()


def server_socket(url: str) -> str:
    """The Unix socket path of a pgserver URL (``?host=/dir``, default port)."""
    from urllib.parse import parse_qs

    parts = urlsplit(url)
    folder = parse_qs(parts.query)["host"][0]
    return f"{folder}/.s.PGSQL.{parts.port or 5432}"


def restart_server(admin_url: str) -> None:
    """pg_ctl restart (fast mode: open connections are cut), as the server's own user."""
    import os
    import pwd

    from pgserver._commands import pg_ctl

    with psycopg.connect(admin_url) as conn:
        row = conn.execute("SHOW data_directory").fetchone()
        assert row is not None
        data = Path(str(row[0]))
    owner = pwd.getpwuid(data.stat().st_uid).pw_name
    user = owner if os.geteuid() == 0 and owner != "root" else None
    pg_ctl(["-w", "-m", "fast", "restart"], pgdata=data, user=user, timeout=60)
