"""Other counter items, RULES.md section 6. Every expected figure is read off the table."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cashdesk.domain.money import Money
from cashdesk.domain.programs import (
    dial_a_ride_card,
    golf_card,
    invoiced_charge,
    misc_receipt,
)
from cashdesk.errors import ValidationError

SOLD = date(2025, 4, 1)


def usd(text: str) -> Money:
    return Money.parse(text)


# -- golf ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "code", "amount", "description"),
    [
        ({}, "GOLF-R", "40.00", "Resident golf card 2025"),
        (
            {"holder_born_on": date(1963, 4, 1)},
            "GOLF-S",
            "25.00",
            "Senior golf card 2025",
        ),  # 62 today
        ({"holder_born_on": date(1963, 4, 2)}, "GOLF-R", "40.00", "Resident golf card 2025"),
        ({"holder_born_on": date(1940, 1, 1)}, "GOLF-S", "25.00", "Senior golf card 2025"),
        ({"holder_born_on": date(1990, 1, 1)}, "GOLF-R", "40.00", "Resident golf card 2025"),
        # born Feb 29, 1960: 62 on March 1, 2022
        (
            {"holder_born_on": date(1960, 2, 29), "sold_on": date(2022, 2, 28)},
            "GOLF-R",
            "40.00",
            "Resident golf card 2022",
        ),
        (
            {"holder_born_on": date(1960, 2, 29), "sold_on": date(2022, 3, 1)},
            "GOLF-S",
            "25.00",
            "Senior golf card 2022",
        ),
        # next year's card sold in December
        (
            {"sold_on": date(2025, 12, 15), "year": 2026},
            "GOLF-R",
            "40.00",
            "Resident golf card 2026",
        ),
    ],
)
def test_golf_card(kwargs: dict[str, object], code: str, amount: str, description: str) -> None:
    arguments: dict[str, object] = {"sold_on": SOLD}
    arguments.update(kwargs)
    line = golf_card(**arguments)  # type: ignore[arg-type]
    assert (line.code, line.amount, line.description, line.gl_account) == (
        code,
        usd(amount),
        description,
        "520-700-34720",
    )


# -- Dial-a-Ride --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "code", "amount"),
    [
        ({"rides": 10}, "DAR-10", "20.00"),
        ({"rides": 10, "disabled": True}, "DAR-10", "10.00"),
        ({"rides": 10, "rider_born_on": date(1963, 4, 1)}, "DAR-10", "10.00"),  # 62 today
        ({"rides": 10, "rider_born_on": date(1963, 4, 2)}, "DAR-10", "20.00"),  # 62 tomorrow
        ({"rides": 20}, "DAR-20", "38.00"),
        ({"rides": 20, "disabled": True}, "DAR-20", "19.00"),
        ({"rides": 20, "rider_born_on": date(1950, 7, 4)}, "DAR-20", "19.00"),
        # senior and disabled: the reduced fare once, not halved twice
        ({"rides": 20, "rider_born_on": date(1950, 7, 4), "disabled": True}, "DAR-20", "19.00"),
    ],
)
def test_dial_a_ride_card(kwargs: dict[str, object], code: str, amount: str) -> None:
    line = dial_a_ride_card(sold_on=SOLD, **kwargs)  # type: ignore[arg-type]
    assert (line.code, line.amount, line.gl_account) == (code, usd(amount), "230-600-34610")
    reduced = amount in {"10.00", "19.00"}
    assert line.description.endswith(", senior/disabled") is reduced


# -- invoiced items -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "amount", "gl_account", "description"),
    [
        ("FAC-FEE", "350.00", "101-310-34710", "Facility rental fee, invoice INV-1001"),
        (
            "FAC-DEP",
            "500.00",
            "101-000-21500",
            "Facility rental deposit (refundable), invoice INV-1001",
        ),
        (
            "DUI",
            "1234.56",
            "101-140-34190",
            "DUI emergency response cost recovery, invoice INV-1001",
        ),
        (" fac-fee ", "0.01", "101-310-34710", "Facility rental fee, invoice INV-1001"),
    ],
)
def test_invoiced_charge(code: str, amount: str, gl_account: str, description: str) -> None:
    line = invoiced_charge(code=code, amount=usd(amount), invoice=" INV-1001 ")
    assert (line.code, line.amount, line.gl_account, line.description, line.reference) == (
        code.strip().upper(),
        usd(amount),
        gl_account,
        description,
        "INV-1001",
    )


# -- miscellaneous ------------------------------------------------------------------------
def test_misc_receipt() -> None:
    line = misc_receipt(amount=usd("12.34"), description="  Copies of council minutes ")
    assert (line.code, line.amount, line.description, line.gl_account, line.reference) == (
        "MISC",
        usd("12.34"),
        "Copies of council minutes",
        "101-150-36900",
        "",
    )


# -- refusals -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: golf_card(sold_on=date(2025, 1, 5), year=2024),
            "The 2024 golf card year is over; sell a 2025 card.",
        ),
        (
            lambda: golf_card(sold_on=SOLD, holder_born_on=date(2025, 4, 2)),
            "The holder's birth date April 2, 2025 is after the sale date, April 1, 2025.",
        ),
        (
            lambda: dial_a_ride_card(rides=15, sold_on=SOLD),
            "Dial-a-Ride cards are for 10 or 20 rides, not 15.",
        ),
        (
            lambda: dial_a_ride_card(rides=10, sold_on=SOLD, rider_born_on=date(2026, 1, 1)),
            "The rider's birth date January 1, 2026 is after the sale date, April 1, 2025.",
        ),
        (
            lambda: invoiced_charge(code="FAC-FEE", amount=Money.zero(), invoice="INV-1"),
            "Facility rental fee amount must be more than $0.00.",
        ),
        (
            lambda: invoiced_charge(code="DUI", amount=usd("5.00") * -1, invoice="INV-1"),
            "DUI emergency response cost recovery amount must be more than $0.00.",
        ),
        (
            lambda: invoiced_charge(
                code="FAC-DEP", amount=Money(cents=10_000_000_01), invoice="INV-1"
            ),
            "Facility rental deposit (refundable) amount is over the limit of $10,000,000.00.",
        ),
        (
            lambda: invoiced_charge(code="FAC-FEE", amount=usd("10.00"), invoice="   "),
            "Enter the invoice number.",
        ),
        (
            lambda: invoiced_charge(code="GOLF-R", amount=usd("10.00"), invoice="INV-1"),
            "'GOLF-R' is not an invoiced item; choose one of FAC-FEE, FAC-DEP, DUI.",
        ),
        (
            lambda: misc_receipt(amount=usd("5.00"), description=" "),
            "Enter the description of the miscellaneous receipt.",
        ),
        (
            lambda: misc_receipt(amount=Money.zero(), description="Refund of nothing"),
            "Miscellaneous amount must be more than $0.00.",
        ),
    ],
)
def test_refusals(make: object, message: str) -> None:
    assert callable(make)
    with pytest.raises(ValidationError, match=f"^{re.escape(message)}$"):
        make()


@pytest.mark.parametrize(
    "make",
    [
        lambda: golf_card(sold_on="2025-04-01"),  # type: ignore[arg-type]
        lambda: golf_card(sold_on=SOLD, year="2025"),  # type: ignore[arg-type]
        lambda: dial_a_ride_card(rides=10, sold_on=SOLD, disabled=1),  # type: ignore[arg-type]
        lambda: dial_a_ride_card(rides=10.0, sold_on=SOLD),  # type: ignore[arg-type]
        lambda: invoiced_charge(code="DUI", amount=Decimal("5"), invoice="I"),  # type: ignore[arg-type]
        lambda: invoiced_charge(code="DUI", amount=5.0, invoice="I"),  # type: ignore[arg-type]
        lambda: invoiced_charge(code=None, amount=usd("5"), invoice="I"),  # type: ignore[arg-type]
        lambda: invoiced_charge(code="DUI", amount=usd("5"), invoice=7),  # type: ignore[arg-type]
        lambda: misc_receipt(amount=12.34, description="x"),  # type: ignore[arg-type]
    ],
)
def test_wrong_types_are_programming_errors(make: object) -> None:
    assert callable(make)
    with pytest.raises(TypeError):
        make()


# -- properties ---------------------------------------------------------------------------
@given(
    born_on=st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31)),
    sold_on=st.dates(min_value=date(2021, 1, 1), max_value=date(2080, 12, 31)),
)
def test_senior_prices_agree_and_are_the_reduced_ones(born_on: date, sold_on: date) -> None:
    golf = golf_card(sold_on=sold_on, holder_born_on=born_on)
    ride = dial_a_ride_card(rides=20, sold_on=sold_on, rider_born_on=born_on)
    # one idea of "senior" for both items, and each reduced price is the table's
    assert (golf.amount == usd("25.00")) is (ride.amount == usd("19.00"))
    assert golf.amount in {usd("25.00"), usd("40.00")}
    # whatever the birthday: after the year someone turns 62 they are senior, and before
    # that year they are not
    if sold_on.year - born_on.year > 62:
        assert golf.code == "GOLF-S"
    if sold_on.year - born_on.year < 62:
        assert golf.code == "GOLF-R"
