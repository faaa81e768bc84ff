"""Transient occupancy tax, RULES.md section 5. Every expected figure is worked by hand."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cashdesk.domain.money import Money
from cashdesk.domain.tot import quote_tot, tot_due_date
from cashdesk.errors import ValidationError

D = Decimal


def usd(text: str) -> Money:
    return Money.parse(text)


@pytest.mark.parametrize(
    ("year", "month", "due"),
    [
        (2025, 1, date(2025, 2, 28)),
        (2024, 1, date(2024, 2, 29)),  # leap year
        (2025, 2, date(2025, 3, 31)),
        (2025, 3, date(2025, 4, 30)),
        (2025, 11, date(2025, 12, 31)),
        (2025, 12, date(2026, 1, 31)),  # across the year end
    ],
)
def test_due_on_last_day_of_following_month(year: int, month: int, due: date) -> None:
    assert tot_due_date(year=year, month=month) == due


@pytest.mark.parametrize(
    ("gross", "exempt", "tax"),
    [
        ("10000.00", "0", "1200.00"),  # 10,000 x 12%
        ("25000.00", "4321.09", "2481.47"),  # 20,678.91 x 12% = 2,481.4692
        ("10.04", "0", "1.20"),  # 1.2048 rounds down
        ("10.05", "0", "1.21"),  # 1.206 rounds up
        ("0.71", "0", "0.09"),  # 0.0852: just over half a cent, up
        ("0.04", "0", "0.00"),  # 0.0048: just under half a cent, down
        # (12% of whole cents is never exactly half a cent: 12 x cents is never 50 mod 100)
        ("5000.00", "5000.00", "0.00"),  # all exempt
        ("0", "0", "0.00"),  # no rents: the return still files
    ],
)
def test_tax_on_time(gross: str, exempt: str, tax: str) -> None:
    # March's return is due April 30; paid that day, it is on time
    quote = quote_tot(
        year=2025, month=3, gross_rents=D(gross), exempt_rents=D(exempt), paid_on=date(2025, 4, 30)
    )
    (line,) = quote.lines
    assert (line.code, line.amount, line.gl_account) == ("TOT", usd(tax), "101-130-31300")
    assert quote.total == usd(tax)
    assert quote.notes == ()


def test_tax_line_describes_the_return() -> None:
    quote = quote_tot(
        year=2025,
        month=3,
        gross_rents=D("25000"),
        exempt_rents=D("4321.09"),
        paid_on=date(2025, 4, 1),
    )
    assert quote.lines[0].description == (
        "Transient occupancy tax, March 2025 (12% of $20,678.91 taxable rents)"
    )
    assert quote.expires is None


# March 2025 return, due April 30, 2025. Gross 10,288.00 x 12% = tax 1,234.56.
# One penalty: 1,234.56 x 10% = 123.456 -> 123.46 (each penalty is rounded on its own, so two
# are 246.92, not 246.912 -> 246.91). Interest: 1,234.56 x 0.5% x months, rounded once.
@pytest.mark.parametrize(
    ("paid_on", "penalties", "interest", "total"),
    [
        (date(2025, 4, 30), [], None, "1234.56"),  # the due date
        # day 1: 1 month, 6.1728 -> 6.17; 1,234.56 + 123.46 + 6.17
        (date(2025, 5, 1), ["123.46"], "6.17", "1364.19"),
        # day 30: still 1 month and one penalty
        (date(2025, 5, 30), ["123.46"], "6.17", "1364.19"),
        # day 31: second penalty; 2 months, 12.3456 -> 12.35; 1,234.56 + 246.92 + 12.35
        (date(2025, 5, 31), ["123.46", "123.46"], "12.35", "1493.83"),
        # day 60: 2 months still
        (date(2025, 6, 29), ["123.46", "123.46"], "12.35", "1493.83"),
        # day 61: 3 months, 18.5184 -> 18.52 (rounded once; 3 x 6.17 would be 18.51)
        (date(2025, 6, 30), ["123.46", "123.46"], "18.52", "1500.00"),
        # day 365: 365 / 30 = 12.17 -> 13 months, 6.5% = 80.2464 -> 80.25
        (date(2026, 4, 30), ["123.46", "123.46"], "80.25", "1561.73"),
    ],
)
def test_penalties_and_interest(
    paid_on: date, penalties: list[str], interest: str | None, total: str
) -> None:
    quote = quote_tot(year=2025, month=3, gross_rents=D("10288.00"), paid_on=paid_on)
    expected = ["1234.56", *penalties] + ([interest] if interest else [])
    assert [line.amount for line in quote.lines] == [usd(amount) for amount in expected]
    assert [line.gl_account for line in quote.lines[1:]] == ["101-130-31310"] * (len(expected) - 1)
    assert quote.total == usd(total)


def test_late_lines_say_what_they_are() -> None:
    quote = quote_tot(year=2025, month=3, gross_rents=D("10288.00"), paid_on=date(2025, 5, 31))
    assert [line.description for line in quote.lines[1:]] == [
        "Late penalty: 10% of the tax, March 2025",
        "Second late penalty, over 30 days late: 10% of the tax, March 2025",
        "Interest: 2 months x 0.5% of the tax, March 2025",
    ]
    assert quote.notes == ("Paid 31 days after the due date April 30, 2025.",)


# December 2024 return, due January 31, 2025: 28 days to Feb 28, so Mar 2 is day 30.
# Gross 10,000 -> tax 1,200.00; penalty 120.00; interest 0.5% = 6.00 per month.
@pytest.mark.parametrize(
    ("paid_on", "total"),
    [
        (date(2025, 1, 31), "1200.00"),
        (date(2025, 2, 1), "1326.00"),  # day 1: 1,200 + 120 + 6
        (date(2025, 3, 2), "1326.00"),  # day 30
        (date(2025, 3, 3), "1452.00"),  # day 31: 1,200 + 120 + 120 + 12
    ],
)
def test_across_year_end(paid_on: date, total: str) -> None:
    quote = quote_tot(year=2024, month=12, gross_rents=D("10000"), paid_on=paid_on)
    assert quote.total == usd(total)


@pytest.mark.parametrize(
    ("paid_on", "total"),
    [
        (date(2024, 2, 29), "1200.00"),  # January 2024 is due on the leap day
        (date(2024, 3, 1), "1326.00"),  # day 1 late: 1,200 + 120 + 6
    ],
)
def test_leap_year_due_date(paid_on: date, total: str) -> None:
    assert quote_tot(year=2024, month=1, gross_rents=D("10000"), paid_on=paid_on).total == usd(
        total
    )


def test_zero_penalty_and_interest_lines_are_left_out() -> None:
    # tax 0.09 (0.71 x 12%); day 1: penalty 0.009 -> 0.01, interest 0.00045 -> 0.00 (no line)
    quote = quote_tot(year=2025, month=3, gross_rents=D("0.71"), paid_on=date(2025, 5, 1))
    assert [line.amount for line in quote.lines] == [usd("0.09"), usd("0.01")]
    # no tax at all: nothing to penalize, only the $0.00 return line
    nothing = quote_tot(year=2025, month=3, gross_rents=D("0"), paid_on=date(2025, 12, 1))
    assert [line.amount for line in nothing.lines] == [Money.zero()]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"gross_rents": D("5000.00"), "exempt_rents": D("5000.01")},
            "Exempt rents ($5,000.01) cannot be more than gross rents ($5,000.00).",
        ),
        ({"gross_rents": D("-1")}, "Gross rents cannot be negative."),
        ({"exempt_rents": D("-0.01")}, "Exempt rents cannot be negative."),
        ({"gross_rents": D("100.001")}, "Gross rents cannot have fractions of a cent"),
        ({"gross_rents": D("Infinity")}, "Gross rents must be a number."),
        ({"month": 13}, "The return month must be 1 to 12, not 13."),
        ({"month": 0}, "The return month must be 1 to 12, not 0."),
        (
            {"month": 5, "paid_on": date(2025, 4, 30)},
            "The return for May 2025 cannot be paid before May 2025 begins; check the period.",
        ),
    ],
)
def test_refusals(kwargs: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {
        "year": 2025,
        "month": 3,
        "gross_rents": D("1000"),
        "paid_on": date(2025, 4, 1),
    }
    arguments.update(kwargs)
    with pytest.raises(ValidationError, match=re.escape(message)):
        quote_tot(**arguments)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"gross_rents": 1000.0},
        {"exempt_rents": 0.0},
        {"gross_rents": 1000},
        {"gross_rents": "1000"},
        {"month": "3"},
        {"year": True},
        {"paid_on": "2025-04-01"},
    ],
)
def test_wrong_types_are_programming_errors(kwargs: dict[str, object]) -> None:
    arguments: dict[str, object] = {
        "year": 2025,
        "month": 3,
        "gross_rents": D("1000"),
        "paid_on": date(2025, 4, 1),
    }
    arguments.update(kwargs)
    with pytest.raises(TypeError):
        quote_tot(**arguments)  # type: ignore[arg-type]


rents = st.decimals(min_value=0, max_value=10_000_000, places=2)


@given(
    gross=rents,
    exempt_share=st.integers(min_value=0, max_value=100),
    days_after_due=st.integers(min_value=-60, max_value=800),
    extra_days=st.integers(min_value=0, max_value=400),
)
def test_total_is_sum_of_lines_and_paying_later_never_costs_less(
    gross: Decimal, exempt_share: int, days_after_due: int, extra_days: int
) -> None:
    exempt = (gross * exempt_share / 100).quantize(D("0.01"), rounding="ROUND_DOWN")
    due = date(2025, 4, 30)

    def quote_on(paid_on: date) -> Money:
        quote = quote_tot(
            year=2025, month=3, gross_rents=gross, exempt_rents=exempt, paid_on=paid_on
        )
        assert quote.total == sum((line.amount for line in quote.lines), Money.zero())
        return quote.total

    earlier = due + timedelta(days=days_after_due)
    assert quote_on(earlier) <= quote_on(earlier + timedelta(days=extra_days))
