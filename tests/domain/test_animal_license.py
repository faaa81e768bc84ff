"""Animal licenses and tags, RULES.md section 2. Every expected figure is worked by hand."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cashdesk.domain.animal_license import (
    Species,
    license_expiry,
    quote_animal_license,
    quote_replacement_tag,
)
from cashdesk.domain.money import Money
from cashdesk.domain.quote import FeeQuote
from cashdesk.errors import ValidationError

ISSUED = date(2025, 3, 15)
RABIES_OK = date(2030, 1, 1)  # outlasts every term issued in these tests


def usd(text: str) -> Money:
    return Money.parse(text)


def quote(**overrides: object) -> FeeQuote:
    """A dog license issued on time with current rabies proof, changed by ``overrides``."""
    arguments: dict[str, object] = {
        "species": "dog",
        "altered": True,
        "issued_on": ISSUED,
        "due_on": ISSUED,
        "rabies_expires": RABIES_OK,
    }
    arguments.update(overrides)
    return quote_animal_license(**arguments)  # type: ignore[arg-type]


# -- fees ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("species", "altered", "years", "fee"),
    [
        ("dog", True, 1, "20.00"),
        ("dog", True, 2, "40.00"),  # 2 x 20
        ("dog", True, 3, "60.00"),  # 3 x 20
        ("dog", False, 1, "60.00"),
        ("cat", True, 1, "10.00"),
        ("cat", True, 3, "30.00"),  # 3 x 10
        ("cat", False, 1, "30.00"),
        (Species.CAT, False, 1, "30.00"),
    ],
)
def test_fee_schedule(species: str, altered: bool, years: int, fee: str) -> None:
    result = quote(species=species, altered=altered, term_years=years)
    (line,) = result.lines
    assert (line.code, line.amount, line.gl_account) == ("ANL", usd(fee), "101-220-32210")
    assert result.total == usd(fee)


def test_license_line_describes_the_term() -> None:
    (line,) = quote(term_years=2).lines
    assert line.description == "Dog license, altered, 2 years (March 15, 2025 to March 14, 2027)"


# -- terms --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("issued_on", "years", "expires"),
    [
        (date(2025, 3, 15), 1, date(2026, 3, 14)),
        (date(2025, 3, 15), 3, date(2028, 3, 14)),
        (date(2025, 1, 1), 1, date(2025, 12, 31)),
        (date(2024, 2, 29), 1, date(2025, 2, 28)),  # Feb 29 -> Mar 1 2025, day before
        (date(2024, 2, 29), 2, date(2026, 2, 28)),
        (date(2024, 2, 29), 3, date(2027, 2, 28)),
        (date(2023, 3, 1), 1, date(2024, 2, 29)),  # runs to the leap day
        (date(2023, 2, 28), 1, date(2024, 2, 27)),  # same date next year is Feb 28
    ],
)
def test_license_runs_to_the_day_before_the_anniversary(
    issued_on: date, years: int, expires: date
) -> None:
    assert license_expiry(issued_on=issued_on, term_years=years) == expires
    result = quote(species="cat", issued_on=issued_on, due_on=issued_on, term_years=years)
    assert result.expires == expires


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"term_years": 0}, "A license term is 1, 2 or 3 years, not 0."),
        ({"term_years": 4}, "A license term is 1, 2 or 3 years, not 4."),
        (
            {"altered": False, "term_years": 2},
            "Terms over 1 year are only for spayed or neutered animals; choose a 1-year term.",
        ),
        (
            {"species": "cat", "altered": False, "term_years": 3},
            "Terms over 1 year are only for spayed or neutered animals",
        ),
        ({"species": "bird"}, "'bird' cannot be licensed here; choose dog or cat."),
        (
            {"owner_born_on": date(2025, 3, 16)},
            "The owner's birth date March 16, 2025 is after the issue date, March 15, 2025.",
        ),
    ],
)
def test_refusals(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(message)):
        quote(**overrides)


# -- rabies -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("years", "rabies", "message"),
    [
        (
            3,  # runs to March 14, 2028; the 2-year term (to March 14, 2027) would fit
            date(2028, 3, 13),
            "A 3-year license would run to March 14, 2028, past the rabies vaccination expiry "
            "on March 13, 2028. Choose a term of at most 2 years.",
        ),
        (
            3,  # only the 1-year term (to March 14, 2026) fits
            date(2026, 3, 14),
            "A 3-year license would run to March 14, 2028, past the rabies vaccination expiry "
            "on March 14, 2026. Choose a term of at most 1 year.",
        ),
        (
            1,  # runs to March 14, 2026
            date(2026, 1, 1),
            "A 1-year license would run to March 14, 2026, past the rabies vaccination expiry "
            "on January 1, 2026. The dog needs a new rabies vaccination first.",
        ),
        (
            1,  # the vaccination runs out on the issue date itself
            ISSUED,
            "A 1-year license would run to March 14, 2026, past the rabies vaccination expiry "
            "on March 15, 2025. The dog needs a new rabies vaccination first.",
        ),
        (
            1,
            date(2025, 3, 14),
            "The dog's rabies vaccination expired on March 14, 2025; it needs a current "
            "vaccination before it can be licensed.",
        ),
    ],
)
def test_term_past_rabies_expiry_is_refused_naming_the_date(
    years: int, rabies: date, message: str
) -> None:
    with pytest.raises(ValidationError, match=f"^{re.escape(message)}$"):
        quote(term_years=years, rabies_expires=rabies)


@pytest.mark.parametrize(
    ("years", "rabies"),
    [
        (3, date(2028, 3, 14)),  # ends the very day the vaccination does
        (1, date(2026, 3, 14)),
    ],
)
def test_term_ending_on_rabies_expiry_is_accepted(years: int, rabies: date) -> None:
    assert quote(term_years=years, rabies_expires=rabies).expires == rabies


def test_dog_without_rabies_proof_is_refused() -> None:
    with pytest.raises(
        ValidationError,
        match=re.escape(
            "A dog license needs proof of rabies vaccination: enter the vaccination's expiry date."
        ),
    ):
        quote(rabies_expires=None)


def test_cats_need_no_rabies_proof() -> None:
    assert quote(species="cat", rabies_expires=None).total == usd("10.00")
    # a cat's rabies date, if keyed, does not limit the term
    assert quote(species="cat", term_years=3, rabies_expires=date(2025, 4, 1)).total == usd("30.00")


# -- senior discount ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("overrides", "fee", "senior"),
    [
        # turns 62 on the issue date: half of 20.00 = 10.00
        ({"owner_born_on": date(1963, 3, 15)}, "10.00", True),
        # turns 62 the day after: full 20.00
        ({"owner_born_on": date(1963, 3, 16)}, "20.00", False),
        # 70 years old, 3-year altered dog: (3 x 20.00) / 2 = 30.00
        ({"owner_born_on": date(1955, 1, 1), "term_years": 3}, "30.00", True),
        # altered cat: 10.00 / 2 = 5.00
        ({"owner_born_on": date(1950, 6, 1), "species": "cat"}, "5.00", True),
        # unaltered dog: no discount, 60.00
        ({"owner_born_on": date(1950, 6, 1), "altered": False}, "60.00", False),
        # no birth date keyed: no discount
        ({}, "20.00", False),
        # born Feb 29, 1960: 62 on March 1, 2022 (2022 has no Feb 29)
        (
            {"owner_born_on": date(1960, 2, 29), "issued_on": date(2022, 2, 28)},
            "20.00",
            False,
        ),
        ({"owner_born_on": date(1960, 2, 29), "issued_on": date(2022, 3, 1)}, "10.00", True),
    ],
)
def test_senior_discount(overrides: dict[str, object], fee: str, senior: bool) -> None:
    overrides.setdefault("due_on", overrides.get("issued_on", ISSUED))
    result = quote(**overrides)
    assert result.lines[0].amount == usd(fee)
    assert ("Owner is 62 or over: half the license fee." in result.notes) is senior
    assert result.lines[0].description.endswith(", senior half fee") is senior


# -- late fee and service animals ---------------------------------------------------------
DUE = date(2025, 3, 1)


@pytest.mark.parametrize(
    ("overrides", "amounts", "total"),
    [
        ({"issued_on": date(2025, 2, 1)}, ["20.00"], "20.00"),  # renewed early
        ({"issued_on": date(2025, 3, 31)}, ["20.00"], "20.00"),  # day 30: on time
        ({"issued_on": date(2025, 4, 1)}, ["20.00", "15.00"], "35.00"),  # day 31: 20 + 15
        # senior and late: 20 / 2 = 10, plus the full late fee 15
        (
            {"issued_on": date(2025, 6, 1), "owner_born_on": date(1950, 1, 1)},
            ["10.00", "15.00"],
            "25.00",
        ),
        # unaltered cat, a year late: 30 + 15
        (
            {"issued_on": date(2026, 3, 1), "species": "cat", "altered": False},
            ["30.00", "15.00"],
            "45.00",
        ),
        # service animal, day 31: no license fee, no late fee
        ({"issued_on": date(2025, 4, 1), "service_animal": True}, ["0.00"], "0.00"),
        # service animal, unaltered, owned by a senior: still nothing
        (
            {
                "issued_on": date(2025, 3, 1),
                "service_animal": True,
                "altered": False,
                "owner_born_on": date(1950, 1, 1),
            },
            ["0.00"],
            "0.00",
        ),
    ],
)
def test_late_fee_and_service_animals(
    overrides: dict[str, object], amounts: list[str], total: str
) -> None:
    result = quote(due_on=DUE, **overrides)
    assert [line.amount for line in result.lines] == [usd(amount) for amount in amounts]
    assert [line.gl_account for line in result.lines] == [
        "101-220-32210",
        "101-220-32220",
    ][: len(amounts)]
    assert all(line.code == "ANL" for line in result.lines)
    assert result.total == usd(total)


def test_late_fee_line_says_why() -> None:
    late = quote(due_on=DUE, issued_on=date(2025, 4, 1)).lines[1]
    assert late.description == "Late fee: paid 31 days after the due date March 1, 2025"


def test_service_animal_is_noted_and_still_needs_rabies_proof() -> None:
    result = quote(service_animal=True)
    assert result.notes == ("Service or assistance animal: no license fee and no late fee.",)
    assert result.lines[0].description.endswith(", service animal")
    with pytest.raises(ValidationError, match="rabies"):
        quote(service_animal=True, rabies_expires=None)


def test_replacement_tag() -> None:
    result = quote_replacement_tag()
    (line,) = result.lines
    assert (line.code, line.amount, line.gl_account) == ("ANT", usd("5.00"), "101-220-32230")
    assert result.total == usd("5.00")
    assert result.expires is None


@pytest.mark.parametrize(
    "overrides",
    [
        {"altered": "yes"},
        {"term_years": True},
        {"term_years": "2"},
        {"issued_on": datetime(2025, 3, 15, 10, 0)},
        {"due_on": "2025-03-01"},
        {"rabies_expires": "2030-01-01"},
        {"species": "cat", "rabies_expires": "2030-01-01"},
        {"owner_born_on": 1960},
        {"service_animal": 1},
        {"species": 3},
    ],
)
def test_wrong_types_are_programming_errors(overrides: dict[str, object]) -> None:
    with pytest.raises(TypeError):
        quote(**overrides)


# -- properties ---------------------------------------------------------------------------
@given(
    issued_on=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
    years=st.sampled_from([1, 2, 3]),
)
def test_term_covers_whole_years(issued_on: date, years: int) -> None:
    expires = license_expiry(issued_on=issued_on, term_years=years)
    # every term is 365 or 366 days per year, minus none: expiry + 1 day is the anniversary
    assert 365 * years <= (expires - issued_on).days + 1 <= 365 * years + 1
    # the day after expiry has the issue date's month and day (or March 1 for Feb 29)
    after = expires + timedelta(days=1)
    assert (after.month, after.day) in {(issued_on.month, issued_on.day), (3, 1)}


@given(
    species=st.sampled_from(["dog", "cat"]),
    altered=st.booleans(),
    years=st.sampled_from([1, 2, 3]),
    issued_on=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    days_since_due=st.integers(min_value=-60, max_value=400),
    born_on=st.none() | st.dates(min_value=date(1920, 1, 1), max_value=date(2000, 1, 1)),
    service=st.booleans(),
)
def test_total_is_the_sum_of_lines(
    species: str,
    altered: bool,
    years: int,
    issued_on: date,
    days_since_due: int,
    born_on: date | None,
    service: bool,
) -> None:
    result = quote_animal_license(
        species=species,
        altered=altered,
        issued_on=issued_on,
        due_on=issued_on - timedelta(days=days_since_due),
        term_years=years if altered else 1,
        rabies_expires=date(2040, 1, 1),
        owner_born_on=born_on,
        service_animal=service,
    )
    assert result.total == sum((line.amount for line in result.lines), Money.zero())
    assert result.total <= usd("75.00")  # the dearest: an unaltered dog, 60 + 15 late
