"""RULES.md section 3 (parking citations) through RecordsService, on the city's citations."""

from __future__ import annotations

import datetime as dt

import pytest
from records_helpers import TODAY, city, clerk, first, m, post, shape
from sqlalchemy import select

from cashdesk.app import Cashdesk
from cashdesk.domain.roles import Operator
from cashdesk.errors import StateError, ValidationError
from cashdesk.store.records_models import RecordPosting

BASE_FINES = {
    "RMC 10.16.010": "55.00",
    "RMC 10.16.020": "45.00",
    "RMC 10.16.030": "70.00",
    "RMC 10.16.040": "50.00",
    "RMC 10.16.050": "65.00",
    "CVC 22507.8": "350.00",
}


def open_citation(code: str) -> dict[str, str]:
    return first("citations", lambda r: r["violation_code"] == code and r["status"] == "open")


def days(row: dict[str, str], n: int) -> dt.date:
    return dt.date.fromisoformat(row["issue_date"]) + dt.timedelta(days=n)


# (days after issue, late penalty?, hold fee?): the boundaries of "more than 21 / 51 days".
AGES = [
    (0, False, False),
    (21, False, False),
    (22, True, False),
    (51, True, False),
    (52, True, True),
    (200, True, True),
]


@pytest.mark.parametrize("code", sorted(BASE_FINES))
@pytest.mark.parametrize(("age", "late", "hold"), AGES)
def test_amount_due_by_violation_and_age(
    desk: Cashdesk, code: str, age: int, late: bool, hold: bool
) -> None:
    row = open_citation(code)
    base = m(BASE_FINES[code])
    lines = desk.records.citation_lines(row["citation_no"], paid_on=days(row, age))
    expected = [
        (f"{base - m('12.50')}", "101-210-35110"),
        ("$12.50", "101-000-22200"),  # the surcharge goes to the county liability
    ]
    if late:
        expected.append((f"{base}", "101-210-35120"))
    if hold:
        expected.append(("$25.00", "101-210-35130"))
    assert [(str(x.amount), x.gl_account) for x in lines] == expected
    assert all(x.code == "CIT" and x.reference == row["citation_no"] for x in lines)


def test_contested_citation_is_frozen_at_its_contest_date(desk: Cashdesk) -> None:
    row = first(
        "citations",
        lambda r: (
            r["status"] == "contested"
            and r["contest_date"]
            and (
                dt.date.fromisoformat(r["contest_date"]) - dt.date.fromisoformat(r["issue_date"])
            ).days
            <= 21
        ),
    )
    contest = dt.date.fromisoformat(row["contest_date"])
    at_contest = desk.records.citation_lines(row["citation_no"], paid_on=contest)
    much_later = desk.records.citation_lines(
        row["citation_no"], paid_on=days(row, 120)
    )  # would owe penalty + hold fee if it were not contested
    assert shape(at_contest) == shape(much_later)
    assert len(much_later) == 2


@pytest.mark.parametrize(
    ("status", "message"), [("paid", "already paid"), ("dismissed", "dismissed")]
)
def test_paid_and_dismissed_citations_take_no_payment(
    desk: Cashdesk, status: str, message: str
) -> None:
    row = first("citations", lambda r: r["status"] == status)
    with pytest.raises(ValidationError, match=message):
        desk.records.citation_lines(row["citation_no"])
    view = desk.records.citation(row["citation_no"])
    assert view.amount_due is None and message in view.refusal


def test_a_posted_payment_marks_the_citation_paid_and_a_void_reopens_it(
    desk: Cashdesk, open_drawer: Operator, lead: Operator
) -> None:
    row = first(
        "citations",
        lambda r: r["status"] == "open" and dt.date.fromisoformat(r["issue_date"]) <= TODAY,
    )
    number = row["citation_no"]
    lines = desk.records.citation_lines(number)
    posted = post(desk, open_drawer, lines)
    assert desk.records.citation(number).status == "paid"
    with pytest.raises(ValidationError, match="already paid"):
        desk.records.citation_lines(number)
    # The same lines posted again (a second screen, a stale draft) are refused in the posting.
    with pytest.raises(ValidationError, match="already paid"):
        post(desk, open_drawer, lines)
    [hit] = desk.lookup.search(clerk(desk), number)
    assert hit.status == "paid" and hit.amount_due is None
    desk.payments.void_receipt(lead, posted.number, reason="wrong citation")
    assert desk.records.citation(number).status == "open"
    with desk.ctx.sessions() as s:
        posting = s.scalar(select(RecordPosting).where(RecordPosting.reference == number))
        assert posting is None  # the void took the posting away: the citation is as before


def test_a_contested_citation_paid_here_keeps_its_contest(
    desk: Cashdesk, open_drawer: Operator
) -> None:
    row = first(
        "citations",
        lambda r: r["status"] == "contested" and dt.date.fromisoformat(r["contest_date"]) <= TODAY,
    )
    post(desk, open_drawer, desk.records.citation_lines(row["citation_no"]))
    assert desk.records.citation(row["citation_no"]).status == "paid, contest pending"


def test_a_citation_is_paid_in_full_or_not_at_all(desk: Cashdesk, open_drawer: Operator) -> None:
    row = first("citations", lambda r: r["status"] == "open")
    lines = desk.records.citation_lines(row["citation_no"])
    with pytest.raises(ValidationError, match="paid in full"):
        post(desk, open_drawer, lines[:1])  # the fine without its surcharge


def test_paying_a_citation_twice_on_one_receipt_is_refused(
    desk: Cashdesk, open_drawer: Operator
) -> None:
    row = first("citations", lambda r: r["status"] == "open")
    lines = desk.records.citation_lines(row["citation_no"])
    with pytest.raises((ValidationError, StateError)):
        post(desk, open_drawer, [*lines, *lines])


def test_every_open_citation_in_the_city_data_quotes(desk: Cashdesk) -> None:
    """No citation of the city's file breaks the rule module (unknown code, bad dates)."""
    quoted = 0
    for row in city("citations"):
        view = desk.records.citation(row["citation_no"], paid_on=TODAY)
        if (
            row["status"] in {"open", "contested"}
            and dt.date.fromisoformat(row["issue_date"]) <= TODAY
        ):
            assert view.amount_due is not None, view.refusal
            quoted += 1
    assert quoted > 1000
