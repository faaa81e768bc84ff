"""Finding 2 of issue 16 on the real PostgreSQL server: a workstation login writes only its
own workstation's rows, whatever the INSERT looks like; the other workstation's real rows
still go through and the gap report shows no false gap. And finding 6: a login's password is
sent as a SCRAM verifier computed on the client, never in clear."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import urlsplit

import psycopg
import pytest
from ledger_helpers import WS_LOGIN, admin, scalar, with_database
from psycopg import sql
from psycopg.types.json import Jsonb
from test_central_schema import NOW, insert_receipt

from cashdesk.ledger.central import ensure_login, receipt_gaps


@pytest.fixture
def w02_url(central: str) -> Iterator[str]:
    """A second workstation login, bound to W02."""
    name = f"w02_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(central) as conn:
        ensure_login(conn, name, None, workstation="W02")
    yield with_database(central, urlsplit(central).path.lstrip("/"), user=name)
    with admin(central) as conn:
        conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))


def test_a_login_cannot_write_another_workstations_receipts(
    central: str, ws_url: str, w02_url: str
) -> None:
    """The attack: signed in as W01's login, insert W02-000003 and W02-000999."""
    with psycopg.connect(ws_url) as conn:
        assert conn.execute("SELECT current_user").fetchone() == (WS_LOGIN,)
        for seq in (3, 999):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="only its own"):
                insert_receipt(conn.cursor(), workstation="W02", seq=seq)
            conn.rollback()
        # A multi-row INSERT … ON CONFLICT DO NOTHING, one good row and one forged: refused.
        rows = [(str(uuid.uuid4()), ws, 1, "receipt", "x", Jsonb({}), NOW) for ws in ("W01", "W02")]
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO ledger_events (uuid, workstation, outbox_id, kind, subject_id, "
                "payload, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s), "
                "(%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (uuid) DO NOTHING",
                [v for row in rows for v in row],
            )
        conn.rollback()
    assert scalar(central, "SELECT count(*) FROM receipts") == 0
    assert scalar(central, "SELECT count(*) FROM ledger_events") == 0
    # W02's real receipts go through, and the gap report shows no false gap.
    with psycopg.connect(w02_url) as conn:
        for seq in (1, 2, 3):
            insert_receipt(conn.cursor(), workstation="W02", seq=seq)
    with psycopg.connect(central) as conn:
        assert receipt_gaps(conn) == []
    assert scalar(central, "SELECT count(*) FROM receipts WHERE workstation = 'W02'") == 3


def test_lines_tenders_and_voids_are_bound_through_their_receipt(
    central: str, ws_url: str, w02_url: str
) -> None:
    with psycopg.connect(w02_url) as conn:
        w02_receipt = insert_receipt(conn.cursor(), workstation="W02", seq=1)
    statements: list[tuple[str, tuple[Any, ...]]] = [
        (
            "INSERT INTO receipt_lines (receipt_id, line_no, code, amount_cents, gl_account) "
            "VALUES (%s, 2, 'MISC', 100000, '101-150-36900')",
            (w02_receipt,),
        ),
        (
            "INSERT INTO tenders (receipt_id, seq, kind, amount_cents) "
            "VALUES (%s, 9, 'cash', 100000)",
            (w02_receipt,),
        ),
    ]
    with psycopg.connect(ws_url) as conn:
        for statement, params in statements:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement, params)
            conn.rollback()
    assert scalar(central, "SELECT count(*) FROM receipt_lines") == 1
    assert scalar(central, "SELECT count(*) FROM tenders") == 0


def test_a_login_with_no_workstation_writes_nothing(central: str) -> None:
    name = f"stray_{uuid.uuid4().hex[:8]}"
    with admin(central) as conn:
        conn.execute(
            sql.SQL("CREATE ROLE {} LOGIN IN ROLE cashdesk_workstation").format(
                sql.Identifier(name)
            )
        )
    try:
        url = with_database(central, urlsplit(central).path.lstrip("/"), user=name)
        with psycopg.connect(url) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
            insert_receipt(conn.cursor(), workstation="W01", seq=1)
    finally:
        with admin(central) as conn:
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))


class _Recording(psycopg.Cursor[Any]):
    seen: ClassVar[list[str]] = []

    def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
        text = query.as_string(self.connection) if isinstance(query, sql.Composable) else query
        _Recording.seen.append(str(text))
        return super().execute(query, params, **kwargs)


def test_a_logins_password_is_sent_as_a_scram_verifier(central: str) -> None:
    name, password = f"w07_{uuid.uuid4().hex[:8]}", "Clear-Text-Never-7"
    _Recording.seen = []
    try:
        with psycopg.connect(central, cursor_factory=_Recording) as conn:
            ensure_login(conn, name, password, workstation="W07")
        assert _Recording.seen and not any(password in s for s in _Recording.seen)
        assert any("SCRAM-SHA-256$" in s for s in _Recording.seen)
        stored = scalar(central, "SELECT rolpassword FROM pg_authid WHERE rolname = %s", name)
        assert isinstance(stored, str) and stored.startswith("SCRAM-SHA-256$")
        assert (
            scalar(central, "SELECT workstation FROM workstation_logins WHERE login = %s", name)
            == "W07"
        )
    finally:
        with admin(central) as conn:
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))
