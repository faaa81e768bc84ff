"""Housing assistance rules (RULES.md sections 12 and 13), to the cent."""

from __future__ import annotations

import datetime as dt

import pytest

from cashdesk.domain.housing import (
    Cycle,
    Frequency,
    IncomeSource,
    Member,
    Status,
    check_decision,
    check_reregistration,
    destroy_after,
    effective_status,
    income_limit,
    inquiry_worksheet,
    missing_documents,
    next_anniversary,
    parse_income,
    refuse_identifiers,
    ssn_last_four,
    status_after_documents,
    worksheet,
)
from cashdesk.domain.money import Money
from cashdesk.errors import StateError, ValidationError

ON = dt.date(2026, 11, 26)
LIMITS_IN_DOLLARS = {
    1: 41_300,
    2: 47_200,
    3: 53_100,
    4: 58_950,
    5: 63_700,
    6: 68_400,
    7: 73_100,
    8: 77_850,
    9: 82_550,
    10: 87_250,
    12: 96_650,
}


@pytest.mark.parametrize(("size", "dollars"), sorted(LIMITS_IN_DOLLARS.items()))
def test_each_household_size_at_one_cent_under_and_over_its_limit(size: int, dollars: int) -> None:
    limit = Money(cents=dollars * 100)
    assert income_limit(size) == limit
    for cents, eligible in ((limit.cents - 1, True), (limit.cents, True), (limit.cents + 1, False)):
        source = IncomeSource(
            member=0, description="", amount=Money(cents=cents), frequency=Frequency.YEARLY
        )
        sheet = inquiry_worksheet(size, [source], on=ON)
        assert sheet.annual_income == Money(cents=cents)
        assert sheet.limit == limit
        assert sheet.eligible is eligible


@pytest.mark.parametrize("size", [0, -1, 31])
def test_implausible_household_sizes_are_refused(size: int) -> None:
    with pytest.raises(ValidationError):
        income_limit(size)


@pytest.mark.parametrize(
    ("frequency", "per_year"),
    [("weekly", 52), ("biweekly", 26), ("semimonthly", 24), ("monthly", 12), ("yearly", 1)],
)
def test_each_frequency_annualises_exactly(frequency: str, per_year: int) -> None:
    source = parse_income(f"1,234.57:{frequency}")
    assert source.frequency.per_year == per_year
    assert source.annual == Money(cents=123_457 * per_year)


def test_a_household_of_four_at_its_limit_with_mixed_frequencies() -> None:
    # 58,950.00 = 750.00 biweekly (19,500) + 1,643.75 monthly (19,725) + 19,725.00 yearly
    sources = [
        parse_income("750:biweekly"),
        parse_income("1643.75:monthly"),
        parse_income("19725.00:YEARLY"),
    ]
    sheet = inquiry_worksheet(4, sources, on=ON)
    assert sheet.annual_income == Money(cents=58_950_00) and sheet.eligible
    assert sheet.as_json()["annual_income"] == "58950.00"
    assert sheet.as_json()["eligible"] is True


@pytest.mark.parametrize(
    "text", ["100", "abc:weekly", "100:fortnightly", "-5:weekly", "1.005:weekly"]
)
def test_bad_income_text_is_refused(text: str) -> None:
    with pytest.raises(ValidationError):
        parse_income(text)


def _household(child_born: dt.date) -> list[Member]:
    return [
        Member(name="Rosa Peña", born_on=dt.date(1980, 5, 1), relationship="applicant"),
        Member(name="Luis Peña", born_on=child_born, relationship="child"),
    ]


def _sources() -> list[IncomeSource]:
    return [
        IncomeSource(
            member=0,
            description="wages",
            amount=Money(cents=1_000_00),
            frequency=Frequency.MONTHLY,
            proof_received=True,
        ),
        IncomeSource(
            member=1,
            description="part-time job",
            amount=Money(cents=200_00),
            frequency=Frequency.WEEKLY,
            proof_received=False,
        ),
    ]


def test_a_member_turning_18_on_the_worksheet_date_counts_as_an_adult() -> None:
    turning_today = worksheet(_household(dt.date(2008, 11, 26)), _sources(), on=ON)
    assert turning_today.adults == 2
    assert turning_today.annual_income == Money(cents=12_000_00 + 10_400_00)
    day_before = worksheet(_household(dt.date(2008, 11, 27)), _sources(), on=ON)
    assert day_before.adults == 1
    assert day_before.annual_income == Money(cents=12_000_00)
    assert [line.counted for line in day_before.lines] == [True, False]
    assert day_before.limit == Money(cents=47_200_00)


def test_a_leap_day_birth_turns_18_on_march_1_in_a_common_year() -> None:
    born = dt.date(2008, 2, 29)
    assert worksheet(_household(born), _sources(), on=dt.date(2026, 2, 28)).adults == 1
    assert worksheet(_household(born), _sources(), on=dt.date(2026, 3, 1)).adults == 2


def test_a_household_needs_an_adult() -> None:
    with pytest.raises(ValidationError, match="adult"):
        worksheet(
            [Member(name="Kid", born_on=dt.date(2015, 1, 1), relationship="child")], [], on=ON
        )


def test_the_checklist_drives_the_state_before_a_decision() -> None:
    members = _household(dt.date(2012, 1, 1))  # child: their income needs no proof
    sources = _sources()
    missing = missing_documents(sources, members, residence_proof=False, on=ON)
    assert missing == ("residence",)
    assert status_after_documents(Status.RECEIVED, missing) is Status.DOCUMENTS_PENDING
    done = missing_documents(sources, members, residence_proof=True, on=ON)
    assert done == ()
    assert status_after_documents(Status.DOCUMENTS_PENDING, done) is Status.UNDER_REVIEW
    adult_child = _household(dt.date(2000, 1, 1))
    assert missing_documents(sources, adult_child, residence_proof=True, on=ON) == ("income:2",)
    with pytest.raises(StateError):
        status_after_documents(Status.APPROVED, ())


def test_decisions_need_review_eligibility_and_a_denial_reason() -> None:
    sheet = worksheet(_household(dt.date(2012, 1, 1)), _sources(), on=ON)
    assert check_decision(Status.UNDER_REVIEW, approve=True, sheet=sheet, reason="") == ""
    with pytest.raises(ValidationError, match="reason"):
        check_decision(Status.UNDER_REVIEW, approve=False, sheet=sheet, reason=" ")
    with pytest.raises(StateError):
        check_decision(Status.DOCUMENTS_PENDING, approve=True, sheet=sheet, reason="")
    rich = [
        IncomeSource(
            member=0, description="", amount=Money(cents=47_200_01), frequency=Frequency.YEARLY
        )
    ]
    over = worksheet(_household(dt.date(2012, 1, 1)), rich, on=ON)
    with pytest.raises(ValidationError, match="over the limit"):
        check_decision(Status.UNDER_REVIEW, approve=True, sheet=over, reason="")


@pytest.mark.parametrize(
    ("approved", "anniversary", "due", "lapses"),
    [
        (dt.date(2026, 3, 1), dt.date(2027, 3, 1), dt.date(2026, 12, 31), dt.date(2027, 3, 31)),
        (dt.date(2028, 2, 29), dt.date(2029, 3, 1), dt.date(2028, 12, 31), dt.date(2029, 3, 31)),
        (dt.date(2027, 2, 28), dt.date(2028, 2, 28), dt.date(2027, 12, 30), dt.date(2028, 3, 29)),
        (dt.date(2026, 1, 31), dt.date(2027, 1, 31), dt.date(2026, 12, 2), dt.date(2027, 3, 2)),
        (dt.date(2027, 4, 30), dt.date(2028, 4, 30), dt.date(2028, 3, 1), dt.date(2028, 5, 30)),
    ],
)
def test_reregistration_dates_around_month_ends_and_leap_days(
    approved: dt.date, anniversary: dt.date, due: dt.date, lapses: dt.date
) -> None:
    assert next_anniversary(approved) == anniversary
    cycle = Cycle(anniversary=anniversary)
    assert cycle.reregistration_due == due
    assert cycle.lapses_on == lapses
    one = dt.timedelta(days=1)
    assert effective_status(Status.APPROVED, anniversary=anniversary, today=due - one) is (
        Status.APPROVED
    )
    assert effective_status(Status.APPROVED, anniversary=anniversary, today=due) is (
        Status.REREGISTRATION_DUE
    )
    assert effective_status(Status.RENEWED, anniversary=anniversary, today=lapses - one) is (
        Status.REREGISTRATION_DUE
    )
    assert effective_status(Status.APPROVED, anniversary=anniversary, today=lapses) is (
        Status.LAPSED
    )
    assert effective_status(Status.DENIED, anniversary=anniversary, today=lapses) is (Status.DENIED)


def test_reregistration_window_keeps_the_cycle() -> None:
    anniversary = dt.date(2027, 3, 1)
    with pytest.raises(StateError, match="opens on 2026-12-31"):
        check_reregistration(Status.APPROVED, anniversary=anniversary, today=dt.date(2026, 12, 30))
    assert check_reregistration(
        Status.APPROVED, anniversary=anniversary, today=dt.date(2026, 12, 31)
    ) == dt.date(2028, 3, 1)
    assert check_reregistration(
        Status.RENEWED, anniversary=anniversary, today=dt.date(2027, 3, 30)
    ) == dt.date(2028, 3, 1)
    with pytest.raises(StateError, match="lapsed"):
        check_reregistration(Status.APPROVED, anniversary=anniversary, today=dt.date(2027, 3, 31))
    with pytest.raises(StateError):
        check_reregistration(Status.DENIED, anniversary=anniversary, today=dt.date(2027, 1, 5))


def test_only_the_last_four_ssn_digits_are_ever_taken() -> None:
    assert ssn_last_four(" 6789 ") == "6789"
    assert ssn_last_four("") == ""
    for whole in ("123-45-6789", "123456789", "123 45 6789"):
        with pytest.raises(ValidationError, match="social security"):
            ssn_last_four(whole)
        with pytest.raises(ValidationError, match="social security"):
            refuse_identifiers(f"landlord note {whole}", field="note")
    with pytest.raises(ValidationError):
        ssn_last_four("67a9")
    with pytest.raises(ValidationError, match="card"):
        refuse_identifiers("4111111111111111", field="note")
    # a phone number or a ZIP+4 is not an SSN
    assert refuse_identifiers("call 555-123-4567, 95814-1234", field="note")


def test_retention_is_five_years_after_closing_or_lapsing() -> None:
    assert destroy_after(dt.date(2027, 3, 31)) == dt.date(2032, 3, 31)
    assert destroy_after(dt.date(2028, 2, 29)) == dt.date(2033, 3, 1)
