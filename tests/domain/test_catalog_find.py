"""Catalog.find: the revenue-code picker's type-ahead over code and description."""

from __future__ import annotations

from cashdesk.domain.catalog import Catalog, Pricing, RevenueCode
from cashdesk.domain.money import Money


def code(c: str, description: str, category: str = "misc") -> RevenueCode:
    return RevenueCode(
        code=c,
        description=description,
        category=category,
        pricing=Pricing.FIXED,
        gl_account="101",
        price=Money(cents=100),
    )


CATALOG = Catalog(
    [
        code("PARK-P", "Parking permit"),
        code("CAFE", "Café permit"),
        code("PAPA", "Other"),
        code("ANT", "Replacement tag", category="license"),
    ]
)


def test_every_word_typed_must_match_code_or_description_in_any_case_or_accent() -> None:
    assert [c.code for c in CATALOG.find("permit")] == ["CAFE", "PARK-P"]
    assert [c.code for c in CATALOG.find("cafe PERMIT")] == ["CAFE"]
    assert [c.code for c in CATALOG.find("park PERM")] == ["PARK-P"]
    assert CATALOG.find("nothing like it") == []


def test_a_code_that_starts_with_the_text_comes_first() -> None:
    assert [c.code for c in CATALOG.find("pa")] == ["PAPA", "PARK-P"]
    assert [c.code for c in CATALOG.find("it")] == ["CAFE", "PARK-P"]


def test_codes_not_sold_as_a_plain_line_are_not_offered() -> None:
    assert CATALOG.find("tag") == []
    assert [c.code for c in CATALOG.find("")] == ["CAFE", "PAPA", "PARK-P"]
