"""Look-up: accents and apostrophes fold, numbers, plates, tags, scanned bill stubs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from records_helpers import city, clerk, first

from cashdesk.app import Cashdesk
from cashdesk.domain.search_text import fold
from cashdesk.errors import NotFound, ValidationError
from cashdesk.services.lookup import bill_stub_text, parse_bill_stub
from cashdesk.store.records_search import RecordKind


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Nunez", "Núñez"),
        ("nunez", "Núñez"),
        ("OBrien", "O'Brien"),
        ("o'brien", "O'Brien"),
        ("O’Brien", "O'Brien"),
        ("zoe", "Zoë"),
        ("muller", "Müller"),
        ("soren", "Søren"),
    ],
)
def test_accents_and_apostrophes_fold(desk: Cashdesk, typed: str, stored: str) -> None:
    results = desk.lookup.search(clerk(desk), typed, limit=50)
    assert results, typed
    assert all(stored.casefold() in f"{r.title} {r.subtitle}".casefold() for r in results[:10]), [
        r.title for r in results[:10]
    ]


def test_a_name_and_street_narrow_to_the_account(desk: Cashdesk) -> None:
    row = first("utility_accounts", lambda r: "O'Brien" in r["name"])
    number, street = row["service_address"].split(" ", 1)
    results = desk.lookup.search(
        clerk(desk), f"obrien {number} {street[:3]}", kinds=[RecordKind.UTILITY]
    )
    assert [r.key for r in results] == [row["account_no"]]
    assert results[0].kind == "utility" and results[0].title == row["name"]


def test_account_number_prefix_and_exact_number_first(desk: Cashdesk) -> None:
    row = city("utility_accounts")[10]
    results = desk.lookup.search(clerk(desk), row["account_no"])
    assert results[0].key == row["account_no"]
    prefix = row["account_no"][:3]
    hits = desk.lookup.search(clerk(desk), prefix, kinds=[RecordKind.UTILITY])
    assert len(hits) == 20  # the limit: thousands of account numbers start so
    # Every hit has a word (its number or its street number) that starts with what was typed.
    assert all(
        any(word.startswith(prefix) for word in f"{r.key} {r.subtitle}".split()) for r in hits
    )


def test_citations_by_number_or_plate(desk: Cashdesk) -> None:
    row = first("citations", lambda r: r["status"] == "open")
    by_plate = desk.lookup.search(clerk(desk), row["plate"], kinds=[RecordKind.CITATION])
    assert row["citation_no"] in [r.key for r in by_plate]
    [by_number] = desk.lookup.search(clerk(desk), row["citation_no"])
    assert by_number.kind == "citation" and by_number.amount_due is not None


def test_licenses_by_number_name_or_tag(desk: Cashdesk) -> None:
    animal = city("animal_licenses")[3]
    assert desk.lookup.search(clerk(desk), animal["tag_no"])[0].key == animal["license_no"]
    business = city("business_licenses")[1]
    hits = desk.lookup.search(
        clerk(desk), business["business_name"], kinds=[RecordKind.BUSINESS_LICENSE]
    )
    assert business["license_no"] in [r.key for r in hits]
    assert all(r.kind == "business_license" for r in hits)


def test_a_scanned_bill_stub_finds_its_account(desk: Cashdesk) -> None:
    item = city("utility_bill_items")[0]
    stub = bill_stub_text(item["account_no"], item["bill_no"])
    assert parse_bill_stub(stub) is not None
    [hit] = desk.lookup.search(clerk(desk), stub)
    assert hit.key == item["account_no"] and hit.kind == "utility"
    other = next(i for i in city("utility_bill_items") if i["account_no"] != item["account_no"])
    with pytest.raises(ValidationError, match="not a bill of account"):
        desk.lookup.search(clerk(desk), bill_stub_text(item["account_no"], other["bill_no"]))
    with pytest.raises(NotFound):
        desk.lookup.search(clerk(desk), "UB/999999/B999999-2610")


@pytest.mark.parametrize("junk", ["", "   ", "'", '"*', "NEAR(", "-", "AND OR NOT"])
def test_junk_queries_never_break_the_match_syntax(desk: Cashdesk, junk: str) -> None:
    desk.lookup.search(clerk(desk), junk)  # no exception; results may be empty


@given(st.text(max_size=30))
def test_fold_is_idempotent_and_has_no_accents_or_apostrophes(text: str) -> None:
    once = fold(text)
    assert fold(once) == once
    assert "'" not in once and "\u2019" not in once
