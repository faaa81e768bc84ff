"""The shared date helpers the fee rules count with."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cashdesk.domain.calendar import (
    age_on,
    calendar_months_past,
    is_senior,
    last_day_of_month,
    long_date,
    long_month,
    months_or_fraction,
    same_date_years_later,
)


@pytest.mark.parametrize(
    ("days", "months"),
    [(-5, 0), (0, 0), (1, 1), (29, 1), (30, 1), (31, 2), (60, 2), (61, 3), (365, 13)],
)
def test_months_or_fraction(days: int, months: int) -> None:
    assert months_or_fraction(days) == months


@pytest.mark.parametrize(
    ("year", "month", "on", "months"),
    [
        (2025, 2, date(2025, 2, 28), 0),
        (2025, 2, date(2025, 3, 1), 1),
        (2025, 2, date(2025, 12, 31), 10),
        (2025, 2, date(2026, 1, 1), 11),  # counts on past December
        (2025, 2, date(2024, 12, 1), 0),  # before: none
    ],
)
def test_calendar_months_past(year: int, month: int, on: date, months: int) -> None:
    assert calendar_months_past(year=year, month=month, on=on) == months


@pytest.mark.parametrize(
    ("year", "month", "last"),
    [
        (2024, 2, date(2024, 2, 29)),
        (2025, 2, date(2025, 2, 28)),
        (2100, 2, date(2100, 2, 28)),  # not a leap year
        (2000, 2, date(2000, 2, 29)),
        (2025, 4, date(2025, 4, 30)),
        (2025, 12, date(2025, 12, 31)),
    ],
)
def test_last_day_of_month(year: int, month: int, last: date) -> None:
    assert last_day_of_month(year, month) == last


@pytest.mark.parametrize(
    ("start", "years", "later"),
    [
        (date(2024, 2, 29), 1, date(2025, 3, 1)),
        (date(2024, 2, 29), 4, date(2028, 2, 29)),
        (date(2025, 3, 15), 3, date(2028, 3, 15)),
    ],
)
def test_same_date_years_later(start: date, years: int, later: date) -> None:
    assert same_date_years_later(start, years) == later


@pytest.mark.parametrize(
    ("born_on", "on", "age", "senior"),
    [
        (date(1963, 3, 15), date(2025, 3, 14), 61, False),
        (date(1963, 3, 15), date(2025, 3, 15), 62, True),  # the birthday itself counts
        (date(1963, 3, 16), date(2025, 3, 15), 61, False),  # turns 62 the day after
        (date(1960, 2, 29), date(2022, 2, 28), 61, False),
        (date(1960, 2, 29), date(2022, 3, 1), 62, True),  # leap-day birthday -> March 1
        (date(1960, 2, 29), date(2024, 2, 29), 64, True),
    ],
)
def test_age_on(born_on: date, on: date, age: int, senior: bool) -> None:
    assert age_on(born_on=born_on, on=on) == age
    assert is_senior(born_on=born_on, on=on) is senior


def test_long_dates() -> None:
    assert long_date(date(2025, 3, 1)) == "March 1, 2025"
    assert long_month(2025, 12) == "December 2025"


@given(
    born_on=st.dates(min_value=date(1900, 1, 1), max_value=date(2000, 12, 31)),
    on=st.dates(min_value=date(2001, 1, 1), max_value=date(2100, 12, 30)),
)
def test_age_grows_by_at_most_one_a_day(born_on: date, on: date) -> None:
    today = age_on(born_on=born_on, on=on)
    assert today - age_on(born_on=born_on, on=on - timedelta(days=1)) in {0, 1}
    assert on.year - born_on.year - 1 <= today <= on.year - born_on.year
