"""The drawer status after each receipt (the pickup prompt) and the expected figures read the
open session's receipts through an index: no statement scans a table that grows with the
history (issue 22: 3.3 s a receipt on a store of 1,000,000 receipts)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from drawer_helpers import Pay, bank, check, m
from sqlalchemy import event

from cashdesk.app import Cashdesk
from cashdesk.domain import tender as T
from cashdesk.domain.roles import Operator

GROWING = ("receipts", "tenders", "receipt_lines", "journal_entries", "journal_lines", "outbox")


@contextmanager
def statements(desk: Cashdesk) -> Iterator[list[tuple[str, Any]]]:
    engine = desk.ctx.sessions.kw["bind"]
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, params))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def full_scans(desk: Cashdesk, seen: list[tuple[str, Any]]) -> list[str]:
    scans = []
    with desk.ctx.sessions.kw["bind"].connect() as conn:
        for statement, params in seen:
            raw = conn.connection.driver_connection
            assert raw is not None
            for row in raw.execute(f"EXPLAIN QUERY PLAN {statement}", params):
                detail = str(row[-1])
                for table in GROWING:
                    if detail.startswith(f"SCAN {table}") and "USING" not in detail:
                        scans.append(f"{detail}: {statement}")
    return scans


def test_status_and_expected_figures_use_the_drawer_session_index(
    desk: Cashdesk, people: dict[str, Operator], pay: Pay
) -> None:
    maria, lead = people["maria"], people["lead"]
    desk.drawers.open_drawer(maria, count=bank())
    pay(maria, "MISC", "50.00", T.cash(m("60")))
    pay(maria, "MISC", "40.00", check("40.00", "1001"))
    with statements(desk) as seen:
        status = desk.balancing.status(maria)
        assert status is not None and status.receipts == 2
        assert status.cashiers == ("Maria Hernández",) and not status.needs_pickup
        assert desk.drawers.expected_cash(lead, status.session.id) == m("250.00")
    assert seen, "the listener saw the status's statements"
    assert full_scans(desk, seen) == []
