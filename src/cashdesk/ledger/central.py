"""Setting up the central ledger (``cashdesk central init``) and its reports.

``init_central`` brings the schema to head with the central Alembic migrations (their own
script location and version table), loads the city's reference records (rows already there
are left alone, so running it again never undoes a change made centrally), and sets up the
roles:

- ``cashdesk_workstation`` (NOLOGIN group): INSERT into the ledger tables, SELECT on the
  reference tables (and on ``ledger_events.uuid``, which ``RETURNING`` needs); no UPDATE,
  DELETE or TRUNCATE on anything. Each counter logs in as its own member of this group.
- ``cashdesk_auditor`` (NOLOGIN group): SELECT on every table and report view.

The person running init connects as the database owner (or a superuser); the URL comes from
the command line and the password from libpq's usual sources, never from code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from psycopg import sql
from sqlalchemy import create_engine, pool
from sqlalchemy.exc import OperationalError

from cashdesk.ledger.connection import (
    CONNECT_TIMEOUT_S,
    connect,
    sqlalchemy_url,
    unreachable,
)
from cashdesk.store.reference import _city_record_rows

MIGRATIONS = Path(__file__).with_name("central_migrations")
VERSION_TABLE = "central_alembic_version"
WORKSTATION_ROLE = "cashdesk_workstation"
AUDITOR_ROLE = "cashdesk_auditor"

LEDGER_TABLES = (
    "ledger_events",
    "receipts",
    "receipt_lines",
    "tenders",
    "journal_entries",
    "journal_lines",
    "voids",
    "drawer_sessions",
    "petty_cash_vouchers",
    "petty_cash_replenishments",
    "petty_cash_replenishment_vouchers",
    "petty_cash_checks_received",
    "petty_cash_counts",
    "housing_application_events",
    "audit_chain_heads",
)
REFERENCE_TABLES = (
    "utility_accounts",
    "utility_bill_items",
    "citations",
    "business_licenses",
    "animal_licenses",
    "returned_checks",
)
# Tables whose key is a surrogate id the city's CSV does not carry: numbered in file order
# (the same numbering a workstation's first load from the same file gives).
_NUMBERED = {"utility_bill_items", "returned_checks"}


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def upgrade_schema(url: str, revision: str = "head") -> tuple[str | None, str | None]:
    """Run the central migrations; returns the revision before and after."""
    engine = create_engine(
        sqlalchemy_url(url),
        poolclass=pool.NullPool,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S},
    )
    try:
        try:
            first = engine.connect()
        except OperationalError as err:
            raise unreachable(url, err.orig or err) from err
        with first as conn:
            before = MigrationContext.configure(
                conn, opts={"version_table": VERSION_TABLE}
            ).get_current_revision()
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
            conn.commit()
            after = MigrationContext.configure(
                conn, opts={"version_table": VERSION_TABLE}
            ).get_current_revision()
    finally:
        engine.dispose()
    return before, after


def _ensure_role(cur: psycopg.Cursor[Any], role: str) -> bool:
    cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,))
    if cur.fetchone():
        return False
    cur.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
    return True


def setup_roles(conn: psycopg.Connection[Any]) -> list[str]:
    report: list[str] = []
    with conn.transaction(), conn.cursor() as cur:
        for role in (WORKSTATION_ROLE, AUDITOR_ROLE):
            if _ensure_role(cur, role):
                report.append(f"role {role} created")
        ws, auditor = sql.Identifier(WORKSTATION_ROLE), sql.Identifier(AUDITOR_ROLE)
        cur.execute("SELECT current_database()")
        row = cur.fetchone()
        assert row is not None
        database = sql.Identifier(row[0])
        cur.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}, {}").format(database, ws, auditor))
        cur.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}, {}").format(ws, auditor))
        ledger = sql.SQL(", ").join(map(sql.Identifier, LEDGER_TABLES))
        reference = sql.SQL(", ").join(map(sql.Identifier, REFERENCE_TABLES))
        # Start from nothing each time, so a privilege granted by hand cannot linger.
        cur.execute(sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC, {}").format(ws))
        cur.execute(sql.SQL("GRANT INSERT ON {} TO {}").format(ledger, ws))
        cur.execute(sql.SQL("GRANT SELECT (uuid) ON ledger_events TO {}").format(ws))
        # ON CONFLICT (workstation, last_id) needs to read its target columns; the heads
        # themselves are read through anchored_heads(), its own workstation's only.
        cur.execute(
            sql.SQL("GRANT SELECT (workstation, last_id) ON audit_chain_heads TO {}").format(ws)
        )
        cur.execute(sql.SQL("GRANT SELECT ON {} TO {}").format(reference, ws))
        cur.execute(sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA public TO {}").format(auditor))
        cur.execute(
            sql.SQL("GRANT EXECUTE ON FUNCTION anchored_heads(text) TO {}, {}").format(ws, auditor)
        )
    report.append(
        f"{WORKSTATION_ROLE}: INSERT on {len(LEDGER_TABLES)} ledger tables, SELECT on "
        f"{len(REFERENCE_TABLES)} reference tables; no UPDATE or DELETE"
    )
    return report


def scram_verifier(conn: psycopg.Connection[Any], name: str, password: str) -> str:
    """The SCRAM-SHA-256 verifier of ``password`` for role ``name``, computed here by libpq
    (PQencryptPasswordConn): the server stores it as given, and the clear password never
    travels nor appears in a statement a server log could keep (log_statement=ddl)."""
    verifier = conn.pgconn.encrypt_password(password.encode(), name.encode(), b"scram-sha-256")
    return verifier.decode("ascii")


def ensure_login(
    conn: psycopg.Connection[Any], name: str, password: str | None, *, workstation: str
) -> str:
    """A login role for one workstation, member of the workstation group, bound to
    ``workstation``: the central ledger refuses rows it inserts for any other."""
    login = sql.Identifier(name)
    workstation = workstation.strip().upper()
    if not workstation:
        raise ValueError("a workstation login needs its workstation id")
    with conn.transaction(), conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,))
        exists = cur.fetchone() is not None
        verb = "ALTER" if exists else "CREATE"
        if password:
            verifier = scram_verifier(conn, name, password)
            cur.execute(
                sql.SQL(verb + " ROLE {} LOGIN PASSWORD {}").format(login, sql.Literal(verifier))
            )
        else:
            cur.execute(sql.SQL(verb + " ROLE {} LOGIN").format(login))
        cur.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(WORKSTATION_ROLE), login))
        cur.execute(
            "INSERT INTO workstation_logins (login, workstation) VALUES (%s, %s) "
            "ON CONFLICT (login) DO UPDATE SET workstation = excluded.workstation",
            (name, workstation),
        )
    return (
        f"login {name} {'updated' if exists else 'created'} (member of {WORKSTATION_ROLE}, "
        f"writes for {workstation} only)"
    )


def load_reference(conn: psycopg.Connection[Any], city: Path) -> list[str]:
    """Load the city's CSVs into the central reference tables, adding only missing rows."""
    report: list[str] = []
    with conn.transaction(), conn.cursor() as cur:
        for model, rows in _city_record_rows(city):
            table = model.__tablename__
            if table in _NUMBERED:
                rows = [{"id": i, **r} for i, r in enumerate(rows, start=1)]
            if not rows:
                continue
            columns = list(rows[0])
            stage = sql.Identifier(f"stage_{table}")
            cur.execute(
                sql.SQL("CREATE TEMP TABLE {} (LIKE {} INCLUDING DEFAULTS) ON COMMIT DROP").format(
                    stage, sql.Identifier(table)
                )
            )
            cols = sql.SQL(", ").join(map(sql.Identifier, columns))
            with cur.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(stage, cols)) as copy:
                for r in rows:
                    copy.write_row([r[c] for c in columns])
            cur.execute(
                sql.SQL("INSERT INTO {} ({}) SELECT {} FROM {} ON CONFLICT DO NOTHING").format(
                    sql.Identifier(table), cols, cols, stage
                )
            )
            report.append(f"{table}: {cur.rowcount} of {len(rows)} rows added")
    return report


def init_central(
    url: str,
    city: Path,
    *,
    login: str | None = None,
    password: str | None = None,
    workstation: str | None = None,
) -> list[str]:
    if login and not workstation:
        raise ValueError("a workstation login needs its workstation id (--workstation)")
    before, after = upgrade_schema(url)
    report = [
        f"schema at {after}" if before == after else f"schema upgraded from {before} to {after}"
    ]
    with connect(url, application_name="cashdesk central init") as conn:
        report += load_reference(conn, city)
        report += setup_roles(conn)
        if login:
            report.append(ensure_login(conn, login, password, workstation=workstation or ""))
    return report


# -- reports ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ReceiptGap:
    workstation: str
    first_missing: int
    last_missing: int
    missing: int


@dataclass(frozen=True, slots=True)
class DoublePayment:
    code: str
    reference: str
    first_receipt: str
    first_workstation: str
    first_posted_at: dt.datetime
    first_amount_cents: int
    second_receipt: str
    second_workstation: str
    second_posted_at: dt.datetime
    second_amount_cents: int


def receipt_gaps(conn: psycopg.Connection[Any]) -> list[ReceiptGap]:
    with conn.cursor() as cur:
        cur.execute(
            "SELECT workstation, first_missing, last_missing, missing FROM receipt_number_gaps "
            "ORDER BY workstation, first_missing"
        )
        return [ReceiptGap(*row) for row in cur.fetchall()]


def double_payments(conn: psycopg.Connection[Any]) -> list[DoublePayment]:
    with conn.cursor() as cur:
        cur.execute(
            "SELECT code, reference, first_receipt, first_workstation, first_posted_at, "
            "first_amount_cents, second_receipt, second_workstation, second_posted_at, "
            "second_amount_cents FROM offline_double_payments "
            "ORDER BY code, reference, first_posted_at"
        )
        return [DoublePayment(*row) for row in cur.fetchall()]
