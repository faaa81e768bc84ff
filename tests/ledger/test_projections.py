"""Projections of outbox payloads into central rows (pure: no database)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cashdesk.errors import ValidationError
from cashdesk.ledger.projections import OutboxEvent, ProjectionError, project, receipt_seq

AT = dt.datetime(2026, 11, 26, 18, 0, tzinfo=dt.UTC)


def receipt_event(amounts: list[int], **overrides: Any) -> OutboxEvent:
    total = sum(amounts)
    payload: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "number": "W02-000042",
        "workstation": "W02",
        "drawer_session": str(uuid.uuid4()),
        "cashier_id": 1,
        "business_date": "2026-11-26",
        "posted_at": AT.isoformat(),
        "payer": "Ana",
        "total_cents": total,
        "change_cents": 0,
        "lines": [
            {
                "code": "MISC",
                "description": "x",
                "reference": "",
                "amount_cents": a,
                "gl_account": "101-150-36900",
            }
            for a in amounts
        ],
        "tenders": [{"kind": "cash", "amount_cents": total}],
        "journal_entry": {
            "id": str(uuid.uuid4()),
            "kind": "receipt",
            "business_date": "2026-11-26",
            "lines": [
                {"account": "101-000-10100", "debit_cents": total, "credit_cents": 0},
                *(
                    {"account": "101-150-36900", "debit_cents": 0, "credit_cents": a}
                    for a in amounts
                ),
            ],
        },
    }
    payload.update(overrides)
    return OutboxEvent(
        outbox_id=1,
        uuid=str(uuid.uuid4()),
        kind="receipt",
        subject_id=payload["id"],
        payload=payload,
        created_at=AT,
        workstation="W02",
    )


@given(st.lists(st.integers(min_value=1, max_value=10_000_000_00), min_size=1, max_size=12))
def test_a_receipt_projects_to_balanced_rows(amounts: list[int]) -> None:
    rows = project(receipt_event(amounts))
    tables = [table for table, _ in rows]
    assert tables.count("receipts") == 1 and tables.count("journal_entries") == 1
    assert tables.count("receipt_lines") == len(amounts)
    lines = [r for t, r in rows if t == "journal_lines"]
    assert sum(r["debit_cents"] for r in lines) == sum(r["credit_cents"] for r in lines)
    [receipt] = [r for t, r in rows if t == "receipts"]
    assert (receipt["seq"], receipt["total_cents"]) == (42, sum(amounts))


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"total_cents": 999}, "do not add up"),
        ({"change_cents": 1.5}, "integer cents"),
        ({"workstation": "W01"}, "pushed by workstation W02"),
        ({"number": "W01-000042"}, "does not belong"),
        ({"posted_at": 5}, "must be text"),
    ],
)
def test_a_payload_the_ledger_cannot_accept_is_refused(
    overrides: dict[str, Any], error: str
) -> None:
    with pytest.raises(ProjectionError, match=error):
        project(receipt_event([500, 500], **overrides))


def test_an_unbalanced_journal_entry_is_refused() -> None:
    event = receipt_event([700])
    event.payload["journal_entry"]["lines"][0]["debit_cents"] = 699  # type: ignore[index]
    with pytest.raises(ValidationError, match="does not balance"):
        project(event)


def test_unknown_kinds_project_to_nothing() -> None:
    event = OutboxEvent(1, str(uuid.uuid4()), "day_journal", "x", {"any": "thing"}, AT, "W01")
    assert project(event) == []


def test_receipt_seq() -> None:
    assert receipt_seq("W03-000123", "W03") == 123
    with pytest.raises(ProjectionError):
        receipt_seq("W03-12A", "W03")
