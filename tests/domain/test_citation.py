"""Parking citations, RULES.md section 3. Expected figures are worked out by hand below."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from cashdesk.domain.calendar import days_between
from cashdesk.domain.citation import (
    VIOLATIONS,
    Citation,
    CitationStatus,
    citation_amount_due,
    citation_due,
    violation,
)
from cashdesk.domain.lines import ChargeLine
from cashdesk.domain.money import Money
from cashdesk.errors import ValidationError

ISSUED = date(2026, 10, 1)


def m(text: str) -> Money:
    return Money.parse(text)


def cite(
    code: str = "RMC 10.16.010",
    *,
    status: str = "open",
    issued: date = ISSUED,
    contest: date | None = None,
    number: str = "RB2699999",
) -> Citation:
    return Citation(
        citation_no=number,
        plate="7ABC123",
        plate_state="CA",
        issue_date=issued,
        violation_code=code,
        status=CitationStatus(status),
        contest_date=contest,
    )


def split(lines: tuple[ChargeLine, ...]) -> list[tuple[str, str]]:
    """(GL account, amount) pairs: what the ledger will see."""
    return [(line.gl_account, line.amount.plain()) for line in lines]


# -- days_between ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (date(2026, 10, 1), date(2026, 10, 1), 0),
        (date(2026, 10, 1), date(2026, 10, 22), 21),
        (date(2026, 10, 1), date(2026, 11, 21), 51),  # 30 days left in October + 21
        (date(2026, 12, 31), date(2027, 1, 1), 1),
        (date(2028, 2, 28), date(2028, 3, 1), 2),  # leap year
        (date(2026, 10, 2), date(2026, 10, 1), -1),
    ],
)
def test_days_between(start: date, end: date, days: int) -> None:
    assert days_between(start, end) == days


# -- each violation's split ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "description", "fine_rest"),
    [
        # base fine - 12.50 surcharge = the city's fine revenue
        ("RMC 10.16.010", "street sweeping", "42.50"),  # 55.00 - 12.50
        ("RMC 10.16.020", "expired meter", "32.50"),  # 45.00 - 12.50
        ("RMC 10.16.030", "red zone", "57.50"),  # 70.00 - 12.50
        ("RMC 10.16.040", "overtime parking", "37.50"),  # 50.00 - 12.50
        ("RMC 10.16.050", "blocking a driveway", "52.50"),  # 65.00 - 12.50
        ("CVC 22507.8", "disabled parking space", "337.50"),  # 350.00 - 12.50
    ],
)
def test_each_violation_splits_surcharge_from_fine(
    code: str, description: str, fine_rest: str
) -> None:
    lines = citation_due(cite(code), paid_on=ISSUED)
    assert split(lines) == [("101-210-35110", fine_rest), ("101-000-22200", "12.50")]
    assert description in lines[0].description
    assert code in lines[0].description
    assert all(line.code == "CIT" and line.reference == "RB2699999" for line in lines)


def test_schedule_is_exactly_the_rules_table() -> None:
    assert {code: v.base_fine.plain() for code, v in VIOLATIONS.items()} == {
        "RMC 10.16.010": "55.00",
        "RMC 10.16.020": "45.00",
        "RMC 10.16.030": "70.00",
        "RMC 10.16.040": "50.00",
        "RMC 10.16.050": "65.00",
        "CVC 22507.8": "350.00",
    }


# -- late penalty and registration hold boundaries ----------------------------------------


@pytest.mark.parametrize(
    ("days_after_issue", "expected"),
    [
        # street sweeping, base 55.00: split 42.50 + 12.50
        (0, [("101-210-35110", "42.50"), ("101-000-22200", "12.50")]),
        (21, [("101-210-35110", "42.50"), ("101-000-22200", "12.50")]),  # not MORE than 21
        # day 22: + penalty equal to the base fine (55.00)
        (22, [("101-210-35110", "42.50"), ("101-000-22200", "12.50"), ("101-210-35120", "55.00")]),
        (51, [("101-210-35110", "42.50"), ("101-000-22200", "12.50"), ("101-210-35120", "55.00")]),
        # day 52: + 25.00 registration hold fee
        (
            52,
            [
                ("101-210-35110", "42.50"),
                ("101-000-22200", "12.50"),
                ("101-210-35120", "55.00"),
                ("101-210-35130", "25.00"),
            ],
        ),
        (
            400,
            [
                ("101-210-35110", "42.50"),
                ("101-000-22200", "12.50"),
                ("101-210-35120", "55.00"),
                ("101-210-35130", "25.00"),
            ],
        ),
    ],
)
def test_penalty_and_hold_boundaries(
    days_after_issue: int, expected: list[tuple[str, str]]
) -> None:
    paid_on = ISSUED + timedelta(days=days_after_issue)
    assert split(citation_due(cite(), paid_on=paid_on)) == expected


@pytest.mark.parametrize(
    ("paid_on", "total"),
    [
        (date(2026, 10, 22), "55.00"),  # day 21
        (date(2026, 10, 23), "110.00"),  # day 22: 55 + 55
        (date(2026, 11, 21), "110.00"),  # day 51
        (date(2026, 11, 22), "135.00"),  # day 52: 55 + 55 + 25
    ],
)
def test_amount_due_totals(paid_on: date, total: str) -> None:
    assert citation_amount_due(cite(), paid_on=paid_on) == m(total)


def test_disabled_space_late_and_held() -> None:
    # 350.00 base + 350.00 penalty + 25.00 hold = 725.00
    assert citation_amount_due(cite("CVC 22507.8"), paid_on=date(2026, 11, 22)) == m("725.00")


def test_line_descriptions_name_each_charge() -> None:
    lines = citation_due(cite(), paid_on=date(2026, 11, 22))
    assert [line.description for line in lines] == [
        "Parking fine: street sweeping (RMC 10.16.010)",
        "State and county surcharges",
        "Late payment penalty",
        "DMV registration hold fee",
    ]


# -- contested citations ------------------------------------------------------------------

LATE_PAYMENT = date(2027, 3, 1)  # far past every threshold


@pytest.mark.parametrize(
    ("contest", "total"),
    [
        (date(2026, 10, 1), "55.00"),  # contested on the issue day
        (date(2026, 10, 22), "55.00"),  # day 21: frozen before the penalty
        (date(2026, 10, 23), "110.00"),  # day 22: penalty already due, hold not yet
        (date(2026, 11, 21), "110.00"),  # day 51
        (date(2026, 11, 22), "135.00"),  # day 52: hold already due
    ],
)
def test_contest_freezes_amount_at_contest_date(contest: date, total: str) -> None:
    citation = cite(status="contested", contest=contest)
    assert citation_amount_due(citation, paid_on=LATE_PAYMENT) == m(total)


def test_contest_date_after_payment_date_cannot_raise_the_amount() -> None:
    # Contest recorded for Nov 30 but paid Oct 10 (day 9): only the base fine is due.
    citation = cite(status="contested", contest=date(2026, 11, 30))
    assert citation_amount_due(citation, paid_on=date(2026, 10, 10)) == m("55.00")


def test_contest_date_on_an_open_citation_is_ignored() -> None:
    # Only a pending contest freezes; an open citation is priced on the payment date.
    citation = cite(status="open", contest=date(2026, 10, 5))
    assert citation_amount_due(citation, paid_on=date(2026, 11, 22)) == m("135.00")


# -- refusals -------------------------------------------------------------------------------


def test_paid_citation_refused() -> None:
    with pytest.raises(ValidationError, match=r"^Citation RB2699999 is already paid\.$"):
        citation_due(cite(status="paid"), paid_on=ISSUED)


def test_dismissed_citation_refused() -> None:
    with pytest.raises(ValidationError, match="Citation RB2699999 was dismissed"):
        citation_due(cite(status="dismissed"), paid_on=ISSUED)


def test_unknown_violation_code_refused_when_paid_not_when_loaded() -> None:
    citation = cite("RMC 99.99.999")  # loads: the rest of the file must still load
    with pytest.raises(
        ValidationError, match=re.escape("'RMC 99.99.999' is not in the parking fine")
    ):
        citation_due(citation, paid_on=ISSUED)
    with pytest.raises(ValidationError, match="refer the citation to the parking office"):
        violation("rmc 10.16.010")  # codes are exact


def test_payment_before_issue_date_refused() -> None:
    with pytest.raises(ValidationError, match="after the payment date 09/30/2026"):
        citation_due(cite(), paid_on=date(2026, 9, 30))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"status": "closed"}, "unknown status 'closed'"),
        ({"status": "contested"}, "contested but has no contest date"),
        ({"status": "contested", "contest": date(2026, 9, 1)}, "contest date before its issue"),
        ({"number": "  "}, "needs a citation number"),
    ],
)
def test_bad_citation_records_refused(kwargs: dict[str, object], message: str) -> None:
    base: dict[str, object] = {
        "citation_no": "RB2699999",
        "plate": "7ABC123",
        "plate_state": "CA",
        "issue_date": ISSUED,
        "violation_code": "RMC 10.16.010",
        "status": "open",
        "contest_date": None,
    }
    renames = {"number": "citation_no", "contest": "contest_date"}
    base.update({renames.get(k, k): v for k, v in kwargs.items()})
    with pytest.raises(ValidationError, match=message):
        Citation(**base)  # type: ignore[arg-type]


def test_status_text_from_the_central_system_becomes_the_enum() -> None:
    citation = Citation(
        citation_no="RB1",
        plate="X",
        plate_state="CA",
        issue_date=ISSUED,
        violation_code="RMC 10.16.010",
        status="open",  # type: ignore[arg-type]
    )
    assert citation.status is CitationStatus.OPEN


# -- rows from /work/shared/city/citations.csv, worked out by hand -------------------------


def from_csv(row: str) -> Citation:
    number, plate, state, issued, code, status, contested = row.split(",")
    return Citation(
        citation_no=number,
        plate=plate,
        plate_state=state,
        issue_date=date.fromisoformat(issued),
        violation_code=code,
        status=CitationStatus(status),
        contest_date=date.fromisoformat(contested) if contested else None,
    )


@pytest.mark.parametrize(
    ("row", "paid_on", "expected"),
    [
        # red zone (70.00) issued Oct 24; Nov 14 is day 7 + 14 = 21: no penalty
        (
            "RB2600000,9JGM143,CA,2026-10-24,RMC 10.16.030,open,",
            date(2026, 11, 14),
            [("101-210-35110", "57.50"), ("101-000-22200", "12.50")],
        ),
        # ... and Nov 15 is day 22: + 70.00 penalty = 140.00
        (
            "RB2600000,9JGM143,CA,2026-10-24,RMC 10.16.030,open,",
            date(2026, 11, 15),
            [("101-210-35110", "57.50"), ("101-000-22200", "12.50"), ("101-210-35120", "70.00")],
        ),
        # overtime (50.00) issued Aug 3, paid Nov 30 = day 119: 50 + 50 + 25 = 125.00
        (
            "RB2600006,2XWK686,CA,2026-08-03,RMC 10.16.040,open,",
            date(2026, 11, 30),
            [
                ("101-210-35110", "37.50"),
                ("101-000-22200", "12.50"),
                ("101-210-35120", "50.00"),
                ("101-210-35130", "25.00"),
            ],
        ),
        # disabled space (350.00) issued Aug 22; Oct 12 is day 31 + 20 = 51: 700.00
        (
            "RB2600030,9YPX929,CA,2026-08-22,CVC 22507.8,open,",
            date(2026, 10, 12),
            [("101-210-35110", "337.50"), ("101-000-22200", "12.50"), ("101-210-35120", "350.00")],
        ),
        # ... and Oct 13 is day 52: 725.00
        (
            "RB2600030,9YPX929,CA,2026-08-22,CVC 22507.8,open,",
            date(2026, 10, 13),
            [
                ("101-210-35110", "337.50"),
                ("101-000-22200", "12.50"),
                ("101-210-35120", "350.00"),
                ("101-210-35130", "25.00"),
            ],
        ),
        # red zone issued Oct 9, contested Nov 17 = day 39 (22 left in Oct + 17):
        # frozen at 70 + 70 = 140.00 even when paid in 2027
        (
            "RB2600054,8YKP993,CA,2026-10-09,RMC 10.16.030,contested,2026-11-17",
            date(2027, 1, 15),
            [("101-210-35110", "57.50"), ("101-000-22200", "12.50"), ("101-210-35120", "70.00")],
        ),
        # expired meter issued Aug 21, contested Sep 2 = day 12: frozen at 45.00
        (
            "RB2600219,1ZXN325,OR,2026-08-21,RMC 10.16.020,contested,2026-09-02",
            date(2026, 12, 1),
            [("101-210-35110", "32.50"), ("101-000-22200", "12.50")],
        ),
    ],
)
def test_real_citations(row: str, paid_on: date, expected: list[tuple[str, str]]) -> None:
    citation = from_csv(row)
    lines = citation_due(citation, paid_on=paid_on)
    assert split(lines) == expected
    assert {line.reference for line in lines} == {citation.citation_no}


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "RB2600009,3RBU987,CA,2026-10-09,RMC 10.16.040,paid,",
            "Citation RB2600009 is already paid.",
        ),
        (
            "RB2600102,1WAG698,CA,2026-10-24,RMC 10.16.040,dismissed,",
            "Citation RB2600102 was dismissed",
        ),
    ],
)
def test_real_closed_citations_refused(row: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        citation_due(from_csv(row), paid_on=date(2026, 11, 30))
    assert str(caught.value).startswith(message)
