"""A keyed description too long for a receipt line is refused with the limit, never cut."""

from __future__ import annotations

import csv

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cashdesk.domain.catalog import (
    DESCRIPTION_LIMIT,
    REFERENCE_LIMIT,
    Catalog,
    revenue_code_from_row,
)
from cashdesk.domain.money import Money
from cashdesk.errors import ValidationError
from cashdesk.resources import city_dir

PREFIX = "Miscellaneous receipt: "


def catalog() -> Catalog:
    with (city_dir() / "revenue_codes.csv").open(encoding="utf-8") as f:
        return Catalog(revenue_code_from_row(r) for r in csv.DictReader(f))


def test_a_description_that_fits_is_kept_whole() -> None:
    text = "invoice 2026-0451, three officers, " + "x" * (DESCRIPTION_LIMIT - 58)
    line = catalog().line("MISC", amount=Money(cents=100), description=text)
    assert line.description == PREFIX + text
    assert len(line.description) == DESCRIPTION_LIMIT


def test_one_character_over_is_refused_with_the_room_shown() -> None:
    room = DESCRIPTION_LIMIT - len(PREFIX)
    with pytest.raises(ValidationError) as refused:
        catalog().line("MISC", amount=Money(cents=100), description="y" * (room + 1))
    assert str(refused.value) == (
        f"The description is {room + 1} characters; MISC leaves room for at most {room}. "
        "Shorten it."
    )


def test_a_long_reference_is_refused_not_cut() -> None:
    cat = catalog()
    invoiced = next(rc for rc in cat if rc.needs_reference and rc.counter_sale)
    amount = None if invoiced.price is None else invoiced.price
    keyed = Money(cents=500) if amount is None else None
    with pytest.raises(ValidationError, match=f"at most {REFERENCE_LIMIT} fit"):
        cat.line(invoiced.code, amount=keyed, reference="R" * (REFERENCE_LIMIT + 1))


@given(st.text(min_size=1, max_size=200).filter(lambda t: t.strip()))
def test_a_description_is_either_kept_whole_or_refused(text: str) -> None:
    try:
        line = catalog().line("MISC", amount=Money(cents=100), description=text)
    except ValidationError as err:
        assert f"at most {DESCRIPTION_LIMIT - len(PREFIX)}" in str(err)
        assert len(text.strip()) > DESCRIPTION_LIMIT - len(PREFIX)
    else:
        assert line.description == PREFIX + text.strip()
