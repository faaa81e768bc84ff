"""The central ledger's schema, roles and reports, on a real PostgreSQL server."""

from __future__ import annotations

import datetime as dt
import uuid

import psycopg
import pytest
from ledger_helpers import scalar
from psycopg.types.json import Jsonb

from cashdesk.ledger.central import (
    double_payments,
    head_revision,
    init_central,
    receipt_gaps,
)
from cashdesk.resources import city_dir

pytestmark = pytest.mark.postgres

# Posted an hour ago by the real clock (received_at is the server's real now()).
NOW = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)


def insert_receipt(
    cur: psycopg.Cursor[tuple[object, ...]],
    *,
    workstation: str,
    seq: int,
    posted_at: dt.datetime = NOW,
    code: str = "MISC",
    reference: str = "",
    cents: int = 1000,
) -> str:
    event, receipt = str(uuid.uuid4()), str(uuid.uuid4())
    cur.execute(
        "INSERT INTO ledger_events (uuid, workstation, outbox_id, kind, subject_id, payload,"
        " created_at) VALUES (%s, %s, %s, 'receipt', %s, %s, %s)",
        (event, workstation, seq, receipt, Jsonb({}), posted_at),
    )
    cur.execute(
        "INSERT INTO receipts (id, event_uuid, workstation, number, seq, business_date,"
        " posted_at, total_cents, change_cents) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 0)",
        (
            receipt,
            event,
            workstation,
            f"{workstation}-{seq:06d}",
            seq,
            NOW.date(),
            posted_at,
            cents,
        ),
    )
    cur.execute(
        "INSERT INTO receipt_lines (receipt_id, line_no, code, reference, amount_cents,"
        " gl_account) VALUES (%s, 1, %s, %s, %s, '101-150-36900')",
        (receipt, code, reference, cents),
    )
    return receipt


def test_init_is_repeatable_and_loads_reference_data_once(central: str) -> None:
    report = init_central(central, city_dir())
    assert report[0] == f"schema at {head_revision()}"
    assert "utility_bill_items: 0 of 12847 rows added" in report
    assert scalar(central, "SELECT count(*) FROM utility_bill_items") == 12847
    assert scalar(central, "SELECT count(*) FROM citations") == 2000
    assert scalar(central, "SELECT version_num FROM central_alembic_version") == head_revision()
    # A change made centrally survives another init.
    with psycopg.connect(central) as conn:
        conn.execute("UPDATE citations SET status = 'dismissed' WHERE citation_no = 'RB2600000'")
    init_central(central, city_dir())
    assert (
        scalar(central, "SELECT status FROM citations WHERE citation_no = 'RB2600000'")
        == "dismissed"
    )


def test_workstation_role_inserts_but_never_updates_or_deletes(central: str, ws_url: str) -> None:
    with psycopg.connect(central) as conn, conn.cursor() as cur:
        insert_receipt(cur, workstation="W01", seq=1)
    with psycopg.connect(ws_url, autocommit=True) as conn:
        assert conn.execute("SELECT current_user").fetchone() == ("counter_login",)
        with conn.cursor() as cur:
            insert_receipt(cur, workstation="W01", seq=2)  # INSERT is allowed
            assert cur.execute("SELECT count(*) FROM citations").fetchone() == (2000,)
        for statement in (
            "UPDATE receipts SET total_cents = 1",
            "DELETE FROM receipts",
            "DELETE FROM receipt_lines",
            "UPDATE ledger_events SET payload = '{}'",
            "DELETE FROM ledger_events",
            "TRUNCATE journal_lines",
            "UPDATE citations SET status = 'paid'",
            "DELETE FROM utility_bill_items",
            "SELECT total_cents FROM receipts",  # other counters' takings are not its business
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
    assert scalar(central, "SELECT count(*) FROM receipts") == 2
    assert scalar(central, "SELECT sum(total_cents) FROM receipts") == 2000


def test_receipt_numbers_are_unique_per_workstation_and_gaps_are_reported(central: str) -> None:
    with psycopg.connect(central) as conn:
        with conn.cursor() as cur:
            for ws, seqs in {"W01": [1, 2, 5, 6, 9], "W02": [2, 3]}.items():
                for seq in seqs:
                    insert_receipt(cur, workstation=ws, seq=seq)
        conn.commit()
        with pytest.raises(psycopg.errors.UniqueViolation), conn.cursor() as cur:
            insert_receipt(cur, workstation="W01", seq=5)  # same number, another uuid
        conn.rollback()
        gaps = [(g.workstation, g.first_missing, g.last_missing) for g in receipt_gaps(conn)]
    assert gaps == [("W01", 3, 4), ("W01", 7, 8), ("W02", 1, 1)]


def test_payments_at_two_counters_while_offline_are_flagged(central: str) -> None:
    t = NOW
    with psycopg.connect(central) as conn:
        with conn.cursor() as cur:
            # Citation paid at W01 and W02 before either reached the ledger (received now()).
            insert_receipt(
                cur, workstation="W01", seq=1, code="CIT", reference="RB2600000", posted_at=t
            )
            insert_receipt(
                cur,
                workstation="W02",
                seq=1,
                code="CIT",
                reference="RB2600000",
                posted_at=t + dt.timedelta(minutes=5),
            )
            # An account paid twice at the same counter: that counter knew (its own cache).
            insert_receipt(
                cur, workstation="W01", seq=2, code="UTIL", reference="100007", posted_at=t
            )
            insert_receipt(
                cur, workstation="W01", seq=3, code="UTIL", reference="100007", posted_at=t
            )
        conn.commit()
        # A payment at W03 posted after W01's account payment had reached the ledger: W03
        # was online and could see it, so it is not an offline double payment.
        with conn.cursor() as cur:
            insert_receipt(
                cur,
                workstation="W03",
                seq=1,
                code="UTIL",
                reference="100007",
                posted_at=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1),
            )
        conn.commit()
        flagged = double_payments(conn)
    assert [(d.code, d.reference, d.first_receipt, d.second_receipt) for d in flagged] == [
        ("CIT", "RB2600000", "W01-000001", "W02-000001")
    ]


def test_central_init_command_creates_the_schema_roles_and_a_login(
    pg_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from ledger_helpers import admin, with_database

    from cashdesk.cli import main

    name = f"cli_{uuid.uuid4().hex[:10]}"
    with admin(pg_url) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    url = with_database(pg_url, name)
    try:
        monkeypatch.setenv("CASHDESK_CENTRAL_LOGIN_PASSWORD", "s3cret-for-w09")
        args = ["central", "init", "--url", url, "--login", "w09_counter", "--workstation", "W09"]
        assert main(args) == 0
        out = capsys.readouterr().out
        assert f"schema upgraded from None to {head_revision()}" in out
        assert "citations: 2000 of 2000 rows added" in out
        assert "login w09_counter created (member of cashdesk_workstation, writes for W09" in out
        assert (
            scalar(url, "SELECT pg_has_role('w09_counter', 'cashdesk_workstation', 'MEMBER')")
            is True
        )
        assert main(["central", "report", "--url", url]) == 0
        assert capsys.readouterr().out == (
            "receipt number gaps: 0\npaid at two counters while offline: 0\n"
        )
    finally:
        with admin(pg_url) as conn:
            conn.execute(f"DROP DATABASE {name} WITH (FORCE)")
            conn.execute("DROP ROLE IF EXISTS w09_counter")
