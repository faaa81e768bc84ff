"""The workstation binding (c0080) covers the petty cash and housing tables (c0150) on the
real PostgreSQL server: W01's login may not insert vouchers, counts, replenishments, checks
or housing events in W02's name, while each workstation's own rows go through."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable

import psycopg
import pytest
from ledger_helpers import WS_LOGIN, login_url, scalar
from psycopg.types.json import Jsonb
from test_central_schema import NOW

pytestmark = pytest.mark.postgres

Cursor = psycopg.Cursor[tuple[object, ...]]
_outbox = itertools.count(1)


def event(cur: Cursor, workstation: str, kind: str) -> str:
    """A raw event in ``workstation``'s name (its own login's, so the binding lets it in)."""
    uid = str(uuid.uuid4())
    cur.execute(
        "INSERT INTO ledger_events (uuid, workstation, outbox_id, kind, subject_id, payload,"
        " created_at) VALUES (%s, %s, %s, %s, %s, %s, %s)",
        (uid, workstation, next(_outbox), kind, uid, Jsonb({}), NOW),
    )
    return uid


def voucher(cur: Cursor, own: str, workstation: str) -> str:
    vid, seq = str(uuid.uuid4()), next(_outbox)
    cur.execute(
        "INSERT INTO petty_cash_vouchers (id, event_uuid, workstation, number, seq, paid_on,"
        " paid_at, custodian, payee, purpose, expense_account, amount_cents, receipt_attached)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, 'lead', 'Riverbend Stationers', 'Supplies',"
        " '101-150-52100', 1200, true)",
        (vid, event(cur, own, "pc_voucher"), workstation, f"PC-{seq:06d}", seq, NOW.date(), NOW),
    )
    return vid


def count(cur: Cursor, own: str, workstation: str) -> None:
    cur.execute(
        "INSERT INTO petty_cash_counts (id, event_uuid, workstation, counted_on, counted_at,"
        " counted_by, cash_cents, open_vouchers_cents, difference_cents)"
        " VALUES (%s, %s, %s, %s, %s, 'lead', 28800, 1200, 0)",
        (str(uuid.uuid4()), event(cur, own, "pc_count"), workstation, NOW.date(), NOW),
    )


def replenishment(cur: Cursor, own: str, workstation: str) -> str:
    """A replenishment request with its journal entry (the entry in ``own``'s name)."""
    uid, entry, rid = event(cur, own, "pc_replenishment"), str(uuid.uuid4()), str(uuid.uuid4())
    cur.execute(
        "INSERT INTO journal_entries (id, event_uuid, kind, workstation, business_date,"
        " posted_at) VALUES (%s, %s, 'petty_cash', %s, %s, %s)",
        (entry, uid, own, NOW.date(), NOW),
    )
    cur.execute(
        "INSERT INTO petty_cash_replenishments (id, event_uuid, workstation, number,"
        " requested_on, requested_at, requested_by, total_cents, journal_entry_id)"
        " VALUES (%s, %s, %s, %s, %s, %s, 'lead', 1200, %s)",
        (rid, uid, workstation, f"PCR-{next(_outbox):06d}", NOW.date(), NOW, entry),
    )
    return rid


def replenished_voucher(cur: Cursor, replenishment_id: str, voucher_id: str) -> None:
    cur.execute(
        "INSERT INTO petty_cash_replenishment_vouchers (replenishment_id, voucher_id)"
        " VALUES (%s, %s)",
        (replenishment_id, voucher_id),
    )


def check_received(cur: Cursor, own: str, replenishment_id: str) -> None:
    cur.execute(
        "INSERT INTO petty_cash_checks_received (event_uuid, replenishment_id, received_at,"
        " received_by, check_number, amount_cents) VALUES (%s, %s, %s, 'lead', '20417', 1200)",
        (event(cur, own, "pc_replenished"), replenishment_id, NOW),
    )


def housing(cur: Cursor, own: str, workstation: str) -> None:
    cur.execute(
        "INSERT INTO housing_application_events (event_uuid, application_id, number,"
        " workstation, event, status, at, by_user, household_size, annual_income_cents,"
        " limit_cents, eligible) VALUES (%s, %s, 'HA-000001', %s, 'received', 'under_review',"
        " %s, 'staff', 1, 2400000, 5000000, true)",
        (event(cur, own, "housing"), str(uuid.uuid4()), workstation, NOW),
    )


def refused(
    conn: psycopg.Connection[tuple[object, ...]], insert: Callable[[Cursor], object]
) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="only its own"):
        insert(conn.cursor())
    conn.rollback()


def test_a_login_cannot_write_another_workstations_petty_cash_or_housing_rows(
    central: str, ws_url: str
) -> None:
    # W02's real replenishment, sent by W02's own login.
    with psycopg.connect(login_url(central, "W02")) as conn:
        cur = conn.cursor()
        w02_voucher = voucher(cur, "W02", "W02")
        w02_replenishment = replenishment(cur, "W02", "W02")
    with psycopg.connect(ws_url) as conn:
        assert conn.execute("SELECT current_user").fetchone() == (WS_LOGIN,)
        # The raw event is W01's own; the row claims W02.
        refused(conn, lambda cur: voucher(cur, "W01", "W02"))
        refused(conn, lambda cur: count(cur, "W01", "W02"))
        refused(conn, lambda cur: replenishment(cur, "W01", "W02"))
        refused(conn, lambda cur: housing(cur, "W01", "W02"))
        # Through the parent replenishment: W01 may not close or check W02's request.
        refused(
            conn,
            lambda cur: replenished_voucher(cur, w02_replenishment, voucher(cur, "W01", "W01")),
        )
        refused(conn, lambda cur: check_received(cur, "W01", w02_replenishment))

        # W01's own rows go through, through-parent ones included.
        cur = conn.cursor()
        own_voucher = voucher(cur, "W01", "W01")
        count(cur, "W01", "W01")
        own_replenishment = replenishment(cur, "W01", "W01")
        replenished_voucher(cur, own_replenishment, own_voucher)
        check_received(cur, "W01", own_replenishment)
        housing(cur, "W01", "W01")
    # W02's own login closes its own request.
    with psycopg.connect(login_url(central, "W02")) as conn:
        cur = conn.cursor()
        replenished_voucher(cur, w02_replenishment, w02_voucher)
        check_received(cur, "W02", w02_replenishment)

    def rows(table: str, where: str) -> object:
        return scalar(central, f"SELECT count(*) FROM {table} WHERE {where}")

    assert rows("petty_cash_vouchers", "workstation = 'W02'") == 1
    assert rows("petty_cash_vouchers", "workstation = 'W01'") == 1
    assert rows("petty_cash_counts", "true") == 1
    assert rows("petty_cash_replenishments", "workstation = 'W01'") == 1
    assert rows("housing_application_events", "workstation = 'W02'") == 0
    assert rows("housing_application_events", "workstation = 'W01'") == 1
    assert (
        rows("petty_cash_replenishment_vouchers", f"replenishment_id = '{w02_replenishment}'") == 1
    )
    assert rows("petty_cash_checks_received", "true") == 2
