"""Business license tax, RULES.md section 1. Every expected figure is worked by hand."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cashdesk.domain.business_license import (
    LicenseClass,
    annual_tax,
    gross_receipts_tax,
    new_license_penalty_months,
    quote_business_license,
    renewal_penalty_months,
)
from cashdesk.domain.money import Money
from cashdesk.errors import ValidationError

D = Decimal


def usd(text: str) -> Money:
    return Money.parse(text)


# -- the GR schedule ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("gross", "expected"),
    [
        ("0", "75.00"),  # base only
        ("49999.99", "75.00"),
        ("50000.00", "75.00"),  # nothing above $50,000 yet
        ("50000.01", "76.20"),  # 1 cent above starts a thousand: 75 + 1 x 1.20
        ("51000.00", "76.20"),  # exactly one thousand above: 75 + 1 x 1.20
        ("51000.01", "77.40"),  # a second thousand started: 75 + 2 x 1.20
        ("123456.78", "163.80"),  # 73,456.78 above -> 74 started: 75 + 74 x 1.20 = 75 + 88.80
        ("999999.99", "1215.00"),  # 949,999.99 above -> 950: 75 + 950 x 1.20 = 75 + 1,140
        ("1000000.00", "1215.00"),  # 950 thousands, nothing in the top band
        ("1000000.01", "1215.60"),  # 1,215 + 1 x 0.60
        ("1001000.00", "1215.60"),  # exactly one top thousand: 1,215 + 0.60
        ("2500000.00", "2115.00"),  # 1,500 top thousands: 1,215 + 1,500 x 0.60 = 1,215 + 900
        ("11474000.00", "7499.40"),  # 10,474 top: 1,215 + 6,284.40 (just under the cap)
        ("11474000.01", "7500.00"),  # 10,475 top: 1,215 + 6,285.00 = the cap exactly
        ("11475000.00", "7500.00"),  # 10,475 top: the cap exactly
        ("11475000.01", "7500.00"),  # 10,476 top: 7,500.60, capped at 7,500.00
        ("50000000.00", "7500.00"),  # far above: capped
    ],
)
def test_gross_receipts_schedule(gross: str, expected: str) -> None:
    assert gross_receipts_tax(D(gross)) == usd(expected)


@pytest.mark.parametrize(
    ("license_class", "machines", "expected"),
    [
        ("HB", None, "60.00"),
        ("CT", None, "150.00"),
        ("NP", None, "0.00"),
        ("VM", 1, "25.00"),  # 1 x 25
        ("VM", 12, "300.00"),  # 12 x 25
    ],
)
def test_flat_and_per_machine_tax(license_class: str, machines: int | None, expected: str) -> None:
    assert annual_tax(license_class, machines=machines) == usd(expected)


# -- penalty months -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("license_year", "paid_on", "months"),
    [
        (2025, date(2024, 12, 15), 0),  # renewed before the license year began
        (2025, date(2025, 1, 1), 0),  # due date
        (2025, date(2025, 2, 28), 0),  # last day of February: not yet delinquent
        (2025, date(2025, 3, 1), 1),  # March = 1
        (2025, date(2025, 3, 31), 1),
        (2025, date(2025, 4, 1), 2),  # April = 2
        (2025, date(2025, 6, 30), 4),  # June = 4
        (2025, date(2025, 7, 1), 5),  # July = 5, the cap
        (2025, date(2025, 8, 1), 5),  # August would be 6: capped
        (2025, date(2026, 1, 10), 5),  # following January = 11: capped
        (2024, date(2024, 2, 29), 0),  # leap year: February 29 is still on time
        (2024, date(2024, 3, 1), 1),
    ],
)
def test_renewal_penalty_months(license_year: int, paid_on: date, months: int) -> None:
    assert renewal_penalty_months(license_year=license_year, paid_on=paid_on) == months


@pytest.mark.parametrize(
    ("start_date", "paid_on", "months"),
    [
        (date(2025, 7, 1), date(2025, 6, 20), 0),  # paid before opening
        (date(2025, 7, 1), date(2025, 7, 1), 0),  # day 0
        (date(2025, 7, 1), date(2025, 7, 31), 0),  # day 30: still within 30 days
        (date(2025, 7, 1), date(2025, 8, 1), 1),  # day 31: 1 day after the 30th -> 1
        (date(2025, 7, 1), date(2025, 8, 30), 1),  # day 60: 30 days after -> 1
        (date(2025, 7, 1), date(2025, 8, 31), 2),  # day 61: 31 days after -> 2
        (date(2025, 3, 1), date(2025, 8, 28), 5),  # day 180: 150 after -> 5
        (date(2025, 3, 1), date(2025, 8, 29), 5),  # day 181: 151 after -> 6, capped at 5
    ],
)
def test_new_license_penalty_months(start_date: date, paid_on: date, months: int) -> None:
    assert new_license_penalty_months(start_date=start_date, paid_on=paid_on) == months


# -- whole quotes: renewals ---------------------------------------------------------------
STATE_FEE_LINES = [
    ("State disability access fee (city share)", "3.60", "101-120-34110"),
    ("State disability access fee (state share)", "0.40", "101-000-22100"),
]


@pytest.mark.parametrize(
    ("kwargs", "tax", "penalty", "total"),
    [
        # HB paid on February 28: 60.00 + state fee 4.00, no penalty line
        ({"license_class": "HB", "paid_on": date(2025, 2, 28)}, "60.00", None, "64.00"),
        # HB paid on March 1: 1 month, 60.00 x 10% = 6.00; 60 + 6 + 4 = 70
        ({"license_class": "HB", "paid_on": date(2025, 3, 1)}, "60.00", "6.00", "70.00"),
        # CT in May: 3 months, 150.00 x 30% = 45.00; 150 + 45 + 4 = 199
        ({"license_class": "CT", "paid_on": date(2025, 5, 15)}, "150.00", "45.00", "199.00"),
        # VM x 3 in April: 75.00 x 20% = 15.00; 75 + 15 + 4 = 94
        (
            {"license_class": "VM", "machines": 3, "paid_on": date(2025, 4, 30)},
            "75.00",
            "15.00",
            "94.00",
        ),
        # GR 2.5M in December: 10 months capped at 5, 2,115.00 x 50% = 1,057.50;
        # 2,115 + 1,057.50 + 4 = 3,176.50
        (
            {"license_class": "GR", "gross_receipts": D("2500000"), "paid_on": date(2025, 12, 1)},
            "2115.00",
            "1057.50",
            "3176.50",
        ),
        # GR at the tax cap, paid the next February: 7,500 x 50% = 3,750; 7,500 + 3,750 + 4
        (
            {"license_class": "GR", "gross_receipts": D("20000000"), "paid_on": date(2026, 2, 1)},
            "7500.00",
            "3750.00",
            "11254.00",
        ),
        # NP late: tax 0.00, penalty 0.00 x 50% = 0.00 (no line); only the state fee, 4.00
        ({"license_class": "NP", "paid_on": date(2025, 9, 1)}, "0.00", None, "4.00"),
    ],
)
def test_renewal_quotes(
    kwargs: dict[str, object], tax: str, penalty: str | None, total: str
) -> None:
    quote = quote_business_license(license_year=2025, **kwargs)  # type: ignore[arg-type]
    assert all(line.code == "BLT-REN" for line in quote.lines)
    tax_line, *rest = quote.lines
    assert (tax_line.amount, tax_line.gl_account) == (usd(tax), "101-120-31410")
    if penalty is not None:
        penalty_line, *rest = rest
        assert (penalty_line.amount, penalty_line.gl_account) == (usd(penalty), "101-120-31420")
    assert [(line.description, line.amount, line.gl_account) for line in rest] == [
        (description, usd(amount), gl) for description, amount, gl in STATE_FEE_LINES
    ]
    assert quote.total == usd(total)
    assert quote.expires == date(2025, 12, 31)


def test_renewal_lines_describe_the_license() -> None:
    quote = quote_business_license(
        license_class=LicenseClass.GR,
        license_year=2025,
        paid_on=date(2025, 3, 2),
        gross_receipts=D("123456.78"),
    )
    assert quote.lines[0].description == (
        "Business license tax 2025 (GR general business, gross receipts $123,456.78)"
    )
    # 163.80 x 10% x 1 = 16.38
    assert quote.lines[1].description == "Late penalty 2025: 1 month x 10% of $163.80"
    assert quote.lines[1].amount == usd("16.38")


def test_capped_penalty_and_exemption_are_noted() -> None:
    capped = quote_business_license(license_class="HB", license_year=2025, paid_on=date(2025, 7, 1))
    assert "Late penalty is at its maximum of 5 months (50% of the tax)." in capped.notes
    exempt = quote_business_license(license_class="np", license_year=2025, paid_on=date(2025, 1, 5))
    assert exempt.notes == ("Nonprofit: no tax; the state disability access fee still applies.",)
    assert exempt.lines[0].amount == Money.zero()  # kept: it names the license issued


# -- whole quotes: new businesses ---------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "tax", "penalty", "total"),
    [
        # start June 30: full year. 80,000 -> 30 thousands above: 75 + 36 = 111; day 15
        (
            {
                "license_class": "GR",
                "gross_receipts": D("80000"),
                "start_date": date(2025, 6, 30),
                "paid_on": date(2025, 7, 15),
            },
            "111.00",
            None,
            "115.00",
        ),
        # start July 1: half, 111.00 / 2 = 55.50; 55.50 + 4 = 59.50
        (
            {
                "license_class": "GR",
                "gross_receipts": D("80000"),
                "start_date": date(2025, 7, 1),
                "paid_on": date(2025, 7, 15),
            },
            "55.50",
            None,
            "59.50",
        ),
        # HB half = 30.00, paid day 30 (Jul 1 -> Jul 31): no penalty; 30 + 4
        (
            {"license_class": "HB", "start_date": date(2025, 7, 1), "paid_on": date(2025, 7, 31)},
            "30.00",
            None,
            "34.00",
        ),
        # day 31: 1 month on the half tax, 30.00 x 10% = 3.00; 30 + 3 + 4
        (
            {"license_class": "HB", "start_date": date(2025, 7, 1), "paid_on": date(2025, 8, 1)},
            "30.00",
            "3.00",
            "37.00",
        ),
        # day 61: 2 months, 30.00 x 20% = 6.00; 30 + 6 + 4
        (
            {"license_class": "HB", "start_date": date(2025, 7, 1), "paid_on": date(2025, 8, 31)},
            "30.00",
            "6.00",
            "40.00",
        ),
        # CT started March 1, day 181: capped 5 months, 150 x 50% = 75; 150 + 75 + 4
        (
            {"license_class": "CT", "start_date": date(2025, 3, 1), "paid_on": date(2025, 8, 29)},
            "150.00",
            "75.00",
            "229.00",
        ),
        # paid before opening (Sep 15 start, half of 150 = 75): no penalty; 75 + 4
        (
            {"license_class": "CT", "start_date": date(2025, 9, 15), "paid_on": date(2025, 9, 1)},
            "75.00",
            None,
            "79.00",
        ),
        # started Nov 1 of the year before, paid Jan 15: full year; days 30 + 31 + 14 = 75,
        # 45 after the 30th -> 2 months, 60 x 20% = 12; 60 + 12 + 4
        (
            {"license_class": "HB", "start_date": date(2024, 11, 1), "paid_on": date(2025, 1, 15)},
            "60.00",
            "12.00",
            "76.00",
        ),
        # GR estimate 123,456.78 -> 163.80, started July 1: half = 81.90; paid Sep 15 is day
        # 31 + 31 + 14 = 76, 46 after -> 2 months: 81.90 x 20% = 16.38; 81.90 + 16.38 + 4
        (
            {
                "license_class": "GR",
                "gross_receipts": D("123456.78"),
                "start_date": date(2025, 7, 1),
                "paid_on": date(2025, 9, 15),
            },
            "81.90",
            "16.38",
            "102.28",
        ),
        # at the cap, started October 1: half of 7,500 = 3,750; 3,750 + 4
        (
            {
                "license_class": "GR",
                "gross_receipts": D("30000000"),
                "start_date": date(2025, 10, 1),
                "paid_on": date(2025, 10, 1),
            },
            "3750.00",
            None,
            "3754.00",
        ),
        # nonprofit: only the state fee
        (
            {"license_class": "NP", "start_date": date(2025, 8, 1), "paid_on": date(2025, 12, 1)},
            "0.00",
            None,
            "4.00",
        ),
    ],
)
def test_new_license_quotes(
    kwargs: dict[str, object], tax: str, penalty: str | None, total: str
) -> None:
    quote = quote_business_license(license_year=2025, new_business=True, **kwargs)  # type: ignore[arg-type]
    assert all(line.code == "BLT-NEW" for line in quote.lines)
    amounts = [line.amount for line in quote.lines]
    expected = [usd(tax)] + ([usd(penalty)] if penalty else []) + [usd("3.60"), usd("0.40")]
    assert amounts == expected
    assert quote.total == usd(total)


def test_half_year_is_described_and_noted() -> None:
    quote = quote_business_license(
        license_class="CT",
        license_year=2025,
        paid_on=date(2025, 7, 2),
        new_business=True,
        start_date=date(2025, 7, 1),
    )
    assert quote.lines[0].description == "Business license tax 2025 (CT contractor), half year"
    assert quote.notes == ("Started July 1, 2025, on or after July 1: half the annual tax.",)


# -- refusals -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"license_class": "GR"}, "A GR license needs the gross receipts of the prior year"),
        ({"license_class": "VM"}, "A VM license needs the number of vending machines."),
        ({"license_class": "VM", "machines": 0}, "A VM license needs at least 1 machine, not 0."),
        ({"license_class": "VM", "machines": -2}, "at least 1 machine, not -2"),
        ({"license_class": "HB", "gross_receipts": D("10")}, "Gross receipts apply only to GR"),
        (
            {"license_class": "GR", "gross_receipts": D("10"), "machines": 2},
            "A machine count applies only to VM licenses",
        ),
        ({"license_class": "ZZ"}, "'ZZ' is not a business license class; choose one of GR, HB"),
        ({"license_class": "GR", "gross_receipts": D("-1")}, "Gross receipts cannot be negative."),
        ({"license_class": "GR", "gross_receipts": D("NaN")}, "Gross receipts must be a number."),
        ({"license_class": "GR", "gross_receipts": D("1.005")}, "fractions of a cent"),
        ({"license_class": "HB", "new_business": True}, "needs the business start date"),
        (
            {"license_class": "HB", "start_date": date(2025, 1, 1)},
            "A start date applies only to a new business license, not a renewal.",
        ),
        (
            {"license_class": "HB", "new_business": True, "start_date": date(2026, 1, 2)},
            "The start date January 2, 2026 is after license year 2025; "
            "issue the new license for 2026.",
        ),
    ],
)
def test_refusals(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(message)):
        quote_business_license(license_year=2025, paid_on=date(2025, 3, 1), **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"license_class": "GR", "gross_receipts": 50000.0},  # float money
        {"license_class": "GR", "gross_receipts": 50000},  # not a Decimal
        {"license_class": "VM", "machines": True},
        {"license_class": "VM", "machines": "3"},
        {"license_class": "HB", "paid_on": datetime(2025, 3, 1, 9, 0)},
        {"license_class": "HB", "license_year": "2025"},
        {"license_class": 7},
        {"license_class": "HB", "new_business": "yes", "start_date": date(2025, 1, 1)},
    ],
)
def test_wrong_types_are_programming_errors(kwargs: dict[str, object]) -> None:
    arguments: dict[str, object] = {"license_year": 2025, "paid_on": date(2025, 3, 1)}
    arguments.update(kwargs)
    with pytest.raises(TypeError):
        quote_business_license(**arguments)  # type: ignore[arg-type]


# -- properties ---------------------------------------------------------------------------
receipts = st.decimals(min_value=0, max_value=100_000_000, places=2)


@given(receipts, receipts)
def test_gr_tax_is_monotonic_and_bounded(a: Decimal, b: Decimal) -> None:
    low, high = sorted((a, b))
    assert usd("75.00") <= gross_receipts_tax(low) <= gross_receipts_tax(high) <= usd("7500.00")


@given(
    license_class=st.sampled_from(["GR", "HB", "CT", "VM", "NP"]),
    gross=receipts,
    machines=st.integers(min_value=1, max_value=500),
    new_business=st.booleans(),
    start_date=st.dates(min_value=date(2024, 1, 1), max_value=date(2025, 12, 31)),
    paid_on=st.dates(min_value=date(2024, 6, 1), max_value=date(2027, 12, 31)),
)
def test_total_is_the_sum_of_lines_and_penalty_at_most_half(
    license_class: str,
    gross: Decimal,
    machines: int,
    new_business: bool,
    start_date: date,
    paid_on: date,
) -> None:
    quote = quote_business_license(
        license_class=license_class,
        license_year=2025,
        paid_on=paid_on,
        gross_receipts=gross if license_class == "GR" else None,
        machines=machines if license_class == "VM" else None,
        new_business=new_business,
        start_date=start_date if new_business else None,
    )
    assert quote.total == sum((line.amount for line in quote.lines), Money.zero())
    by_account = {line.gl_account: line.amount for line in quote.lines}
    assert by_account["101-120-34110"] + by_account["101-000-22100"] == usd("4.00")
    penalty = by_account.get("101-120-31420", Money.zero())
    assert penalty * 2 <= by_account["101-120-31410"]
