"""Costs follow the day, not the history: no statement a counter day issues scans a table that
grows with every receipt.

Every statement the services send while a representative day runs (posting, a void, a
reprint, lookups, drawer status, pickups, handoff, counts, day close, the reports, the sync
queue's reads, the incremental store check) is captured with a ``before_cursor_execute``
listener, then asked for its ``EXPLAIN QUERY PLAN``. A plan that reads one of those tables
whole (``SCAN receipts``) fails the test and names the statement. ``SCAN … USING INDEX`` on an
index that narrows by the day or the parent still passes; a covering-index walk of a whole
table does not.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from drawer_helpers import DAY, Pay, simulate_day
from sqlalchemy import event, text

from cashdesk.app import Cashdesk
from cashdesk.clock import FixedClock
from cashdesk.domain.roles import Operator
from cashdesk.store.integrity import Marks, run_checks, stored_marks

# Tables that gain rows with every receipt: never read whole, nor walked along an index
# narrowed only by something the whole history shares (the workstation, a kind, a status).
PER_RECEIPT = {
    "receipts",
    "receipt_lines",
    "tenders",
    "journal_entries",
    "journal_lines",
    "audit_log",
    "outbox",
    "record_postings",
    "issued_licenses",
}
# Tables that gain a few rows a day (drawers, closed days, deposits, refusals): never read
# whole; a walk of one workstation's rows of them costs ten years' days, not receipts.
PER_DAY = {
    "drawer_sessions",
    "drawer_counts",
    "drawer_pickups",
    "deposits",
    "business_days",
    "sync_exceptions",
    "approvals",
}
# "SCAN receipts", "SCAN r" (an alias), "SCAN receipts USING COVERING INDEX …": a whole-table read.
_SCAN = re.compile(r"^SCAN (\S+)(?: USING (?:COVERING )?INDEX (\S+))?")
# "SEARCH receipts USING INDEX uq_receipts_workstation_seq (workstation_id=?)": an index walk
# narrowed only by a column that a whole history shares (the workstation, a kind, a status)
# reads the history all the same.
_SEARCH = re.compile(r"^SEARCH (\S+) USING (?:COVERING )?INDEX \S+ \((.*)\)$")
SHARED_BY_HISTORY = {"workstation_id", "kind", "status", "action"}


def _aliases(sql: str) -> dict[str, str]:
    """alias -> table for ``FROM receipts r`` / ``JOIN receipts AS r`` in one statement."""
    found = {}
    for table, alias in re.findall(
        r"(?:FROM|JOIN)\s+\"?(\w+)\"?(?:\s+AS)?\s+\"?(\w+)\"?", sql, flags=re.IGNORECASE
    ):
        found[alias] = table
        found[table] = table
    return found


def full_scans(conn: Any, statements: dict[str, Any]) -> list[str]:
    """Each statement whose plan reads a growing table whole, with the plan line."""
    found: list[str] = []
    for sql, params in statements.items():
        plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params).all()
        aliases = _aliases(sql)
        for row in plan:
            detail = str(row[-1])
            if match := _SCAN.match(detail):
                table = aliases.get(match.group(1), match.group(1))
            elif match := _SEARCH.match(detail):
                table = aliases.get(match.group(1), match.group(1))
                columns = {
                    term.split("=")[0].split(">")[0].split("<")[0].strip()
                    for term in match.group(2).split(" AND ")
                }
                if not columns <= SHARED_BY_HISTORY or table not in PER_RECEIPT:
                    continue
            else:
                continue
            if table in PER_RECEIPT | PER_DAY:
                found.append(f"{detail}\n    in: {' '.join(sql.split())}")
    return found


@pytest.fixture
def captured(desk: Cashdesk) -> dict[str, Any]:
    """Every distinct statement (with one set of its parameters) sent to the store."""
    statements: dict[str, Any] = {}
    engine = desk.engine

    def capture(conn: Any, cursor: Any, sql: str, params: Any, context: Any, many: bool) -> None:
        head = sql.lstrip().split(None, 1)[0].upper()
        if head in {"SELECT", "UPDATE", "DELETE", "WITH"} and not many:
            statements.setdefault(sql, params)

    event.listen(engine, "before_cursor_execute", capture)
    yield statements
    event.remove(engine, "before_cursor_execute", capture)


def test_a_day_reads_no_growing_table_whole(
    desk: Cashdesk,
    people: dict[str, Operator],
    pay: Pay,
    clock: FixedClock,
    captured: dict[str, Any],
) -> None:
    lead, maria = people["lead"], people["maria"]
    closed = simulate_day(desk, people, pay, clock)
    assert closed is not None and closed.report.receipts == 10

    # The rest of what a counter does with its history.
    desk.payments.reprint(lead, "W01-000001")
    desk.payments.receipt_detail(lead, "W01-000002")
    assert len(desk.payments.todays_receipts(lead)) == 11
    desk.day_reports.daily(lead, DAY)
    desk.day_reports.journal(lead, DAY)
    desk.day_reports.deposit_slips(lead, DAY)
    desk.lookup.search(maria, "nunez", on=DAY)
    desk.balancing.dashboard(lead, DAY)
    desk.sync.status()
    desk.sync.unsynced_keys()
    desk.sync._next_batch(0)
    with desk.ctx.sessions() as s:
        assert run_checks(s, since=stored_marks(s) or Marks({})).ok
    assert maria is not None

    assert captured, "no statement was captured"
    with desk.engine.connect() as conn:
        scans = full_scans(conn, captured)
    assert not scans, "full scans of tables that grow with history:\n" + "\n".join(scans)


def test_the_detector_sees_a_scan(desk: Cashdesk) -> None:
    """The check above can fail: a query on an unindexed column is reported."""
    with desk.engine.connect() as conn:
        scans = full_scans(conn, {"SELECT id FROM receipts WHERE payer = ?": ("x",)})
        walks = full_scans(
            conn, {"SELECT id FROM receipts WHERE workstation_id = ? ORDER BY seq": ("W01",)}
        )
        clean = full_scans(conn, {"SELECT id FROM receipts WHERE number = ?": ("x",)})
    assert len(scans) == 1 and "SCAN receipts" in scans[0]
    assert len(walks) == 1 and "(workstation_id=?)" in walks[0]
    assert clean == []
    with desk.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM receipts")).scalar_one() == 0
