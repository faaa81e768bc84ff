"""Helpers for the ledger tests (imported by name: tests/ledger is on sys.path)."""

from __future__ import annotations

import shutil
from pathlib import Path
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
