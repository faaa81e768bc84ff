from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cashdesk.domain import tender as T
from cashdesk.domain.catalog import Catalog, Pricing, parse_pricing, revenue_code_from_row
from cashdesk.domain.gl import (
    JournalLine,
    check_balanced,
    check_balanced_cents,
    distribute,
    fund_balances,
    reverse,
)
from cashdesk.domain.lines import ChargeLine
from cashdesk.domain.money import Money, total
from cashdesk.domain.receipt import ReceiptDraft
from cashdesk.errors import NotFound, ValidationError
from cashdesk.resources import city_dir


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    with (city_dir() / "revenue_codes.csv").open(encoding="utf-8") as f:
        return Catalog(revenue_code_from_row(r) for r in csv.DictReader(f))


def m(text: str) -> Money:
    return Money.parse(text)


@pytest.mark.parametrize(
    ("words", "pricing", "price", "alt"),
    [
        ("40.00", Pricing.FIXED, "40.00", None),
        ("20.00 (10.00 senior/disabled)", Pricing.FIXED, "20.00", "10.00"),
        ("25.00 first / 35.00 later", Pricing.FIXED, "25.00", "35.00"),
        ("as keyed", Pricing.KEYED, None, None),
        ("as invoiced", Pricing.KEYED, None, None),
        ("as received", Pricing.KEYED, None, None),
        ("100.00 (renters)", Pricing.FIXED, "100.00", None),
        ("schedule (RULES.md section 1)", Pricing.SCHEDULE, None, None),
        ("open bill items", Pricing.SCHEDULE, None, None),
    ],
)
def test_pricing_words(words: str, pricing: Pricing, price: str | None, alt: str | None) -> None:
    got = parse_pricing(words)
    assert got[0] is pricing
    assert got[1] == (m(price) if price else None)
    assert got[2] == (m(alt) if alt else None)


def test_catalog_lines_follow_the_city_prices(catalog: Catalog) -> None:
    assert catalog.line("golf-r").amount == m("40.00")
    assert catalog.line("DAR-10", alternate=True).amount == m("10.00")
    assert catalog.line("DAR-20", alternate=True).amount == m("19.00")
    assert catalog.line("NSF").amount == m("25.00")
    assert catalog.line("NSF", alternate=True).amount == m("35.00")
    dep = catalog.line("FAC-DEP", amount=m("150"), reference="INV-77")
    assert (dep.gl_account, dep.fund) == ("101-000-21500", "101")
    assert catalog.line("USET").amount == m("25.00")
    assert catalog.line("UDEP").gl_account == "501-000-21600"
    assert catalog.line("UDEP").amount == m("100.00")
    assert catalog.line("SUSP", amount=m("12.34")).gl_account == "101-000-21700"
    misc = catalog.line("MISC", amount=m("3.25"), description="Copies")
    assert misc.gl_account == "101-150-36900"
    assert misc.description == "Miscellaneous receipt: Copies"


@pytest.mark.parametrize(
    ("code", "kwargs", "message"),
    [
        ("XYZ", {}, "Unknown revenue code"),
        ("UTIL", {}, "computed from the city's records"),
        ("ANT", {}, "sold with its license"),
        ("GOLF-R", {"amount": Money(cents=100)}, "priced at"),
        ("GOLF-R", {"alternate": True}, "no alternate price"),
        ("MISC", {"amount": Money(cents=100)}, "needs a description"),
        ("MISC", {"description": "x"}, "Key the amount"),
        ("DUI", {"amount": Money(cents=100)}, "invoice number"),
        ("FAC-FEE", {"amount": Money(cents=0), "reference": "I1"}, "more than zero"),
    ],
)
def test_catalog_refusals(catalog: Catalog, code: str, kwargs: dict, message: str) -> None:
    with pytest.raises((ValidationError, NotFound), match=message):
        catalog.line(code, **kwargs)


def test_distribution_debits_each_funds_pooled_cash(catalog: Catalog) -> None:
    lines = [
        catalog.line("GOLF-R"),  # 520
        catalog.line("DAR-10"),  # 230
        catalog.line("MISC", amount=m("5.00"), description="map"),  # 101
        catalog.line("NSF"),  # 101
    ]
    entry = distribute(lines)
    debits = {j.account: j.debit for j in entry if j.debit}
    credits = {j.account: j.credit for j in entry if j.credit}
    assert debits == {
        "101-000-10100": m("30.00"),
        "230-000-10100": m("20.00"),
        "520-000-10100": m("40.00"),
    }
    assert credits == {
        "520-700-34720": m("40.00"),
        "230-600-34610": m("20.00"),
        "101-150-36900": m("5.00"),
        "101-150-36910": m("25.00"),
    }
    assert all(not v for v in fund_balances(entry).values())


def test_reversal_swaps_sides_and_balances(catalog: Catalog) -> None:
    entry = distribute([catalog.line("GOLF-R")])
    rev = reverse(entry)
    assert [(j.account, j.debit, j.credit) for j in rev] == [
        ("520-000-10100", Money.zero(), m("40")),
        ("520-700-34720", m("40"), Money.zero()),
    ]
    check_balanced(entry + rev)


def test_unbalanced_fund_is_detected() -> None:
    z = Money.zero()
    entry = [
        JournalLine(account="101-000-10100", debit=m("10"), credit=z),
        JournalLine(account="520-700-34720", debit=z, credit=m("10")),
    ]
    with pytest.raises(ValidationError, match="fund 101, 520"):
        check_balanced(entry)


def _as_cents(entry: Iterable[JournalLine]) -> list[tuple[str, int, int]]:
    return [(j.account, j.debit.cents, j.credit.cents) for j in entry]


def test_cents_balance_check_accepts_what_the_money_check_accepts(catalog: Catalog) -> None:
    entry = distribute([catalog.line("GOLF-R"), catalog.line("DAR-10", alternate=True)])
    check_balanced_cents(_as_cents(entry))
    check_balanced_cents(_as_cents(entry + reverse(entry)))


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([("101-000-10100", 1000, 0), ("520-700-34720", 0, 1000)], "fund 101, 520"),
        ([("101-000-10100", 1000, 0), ("101-150-36900", 0, 999)], "does not balance"),
        ([("101-000-10100", -5, 0), ("101-150-36900", 0, -5)], "never negative"),
        ([("101-000-10100", 5, 5)], "either a debit or a credit"),
        ([("101-000-10100", 0, 0)], "either a debit or a credit"),
        ([("GOLF", 5, 0), ("101-150-36900", 0, 5)], "not a GL account"),
    ],
)
def test_cents_balance_check_refuses_what_the_money_check_refuses(
    lines: list[tuple[str, int, int]], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        check_balanced_cents(lines)
    with pytest.raises(ValidationError, match=message):
        check_balanced(
            JournalLine(account=a, debit=Money(cents=d), credit=Money(cents=c)) for a, d, c in lines
        )


def test_draft_flow_and_change(catalog: Catalog) -> None:
    draft = ReceiptDraft(payer="Zoë Müller")
    draft.add_line(catalog.line("GOLF-R"))
    draft.add_line(catalog.line("FAC-FEE", amount=m("22.34"), reference="F-9"))
    draft.add_tender(T.card(m("50"), last4="1111", approval="AB12"))
    assert draft.remaining == m("12.34")
    with pytest.raises(ValidationError, match="exact amount"):
        draft.add_tender(T.card(m("20"), last4="1111", approval="AB12"))
    draft.add_tender(T.cash(m("20")))
    assert draft.change_due == m("7.66")
    with pytest.raises(ValidationError, match="already paid"):
        draft.add_tender(T.cash(m("1")))
    with pytest.raises(ValidationError, match="Remove the tenders"):
        draft.add_line(catalog.line("GOLF-S"))
    final = draft.freeze()
    assert final.total == m("62.34")
    assert final.change == m("7.66")


def test_empty_draft_cannot_take_tenders_or_freeze() -> None:
    draft = ReceiptDraft()
    with pytest.raises(ValidationError, match="before taking a tender"):
        draft.add_tender(T.cash(m("1")))
    with pytest.raises(ValidationError, match="no lines"):
        draft.freeze()


ACCOUNTS = [
    "101-150-36900",
    "101-000-21500",
    "101-000-22200",
    "230-600-34610",
    "501-000-12100",
    "502-000-12100",
    "501-000-21400",
    "520-700-34720",
]

line_strategy = st.builds(
    lambda account, cents: ChargeLine(
        code="MISC", description="x", amount=Money(cents=cents), gl_account=account
    ),
    st.sampled_from(ACCOUNTS),
    st.integers(min_value=1, max_value=10_000_000),
)


@settings(max_examples=300)
@given(st.lists(line_strategy, min_size=1, max_size=30))
def test_any_receipt_distribution_balances_per_fund(lines: list[ChargeLine]) -> None:
    entry = distribute(lines)
    assert all(not bal for bal in fund_balances(entry).values())
    # Each fund's pooled-cash debit equals that fund's lines.
    per_fund: dict[str, Money] = defaultdict(Money.zero)
    for line in lines:
        per_fund[line.fund] += line.amount
    debits = {j.fund: j.debit for j in entry if j.account.endswith("-000-10100")}
    assert debits == dict(per_fund)
    assert total(j.debit for j in entry) == total(line.amount for line in lines)


@settings(max_examples=200)
@given(
    due=st.integers(min_value=1, max_value=1_000_000),
    parts=st.lists(
        st.tuples(st.sampled_from(list(T.TenderKind)), st.integers(min_value=1, max_value=500_000)),
        min_size=1,
        max_size=5,
    ),
)
def test_settlement_rules_hold_for_any_tenders(
    due: int, parts: list[tuple[T.TenderKind, int]]
) -> None:
    tenders = [T.Tender(kind=kind, amount=Money(cents=c)) for kind, c in parts]
    try:
        s = T.settle(Money(cents=due), tenders)
    except ValidationError:
        return
    cash = total(t.amount for t in tenders if t.kind is T.TenderKind.CASH)
    assert s.tendered - s.change == Money(cents=due)
    assert Money.zero() <= s.change <= cash
    assert total(t.amount for t in tenders if t.kind is not T.TenderKind.CASH) <= Money(cents=due)


def test_a_draft_survives_its_json_form(catalog: Catalog) -> None:
    from cashdesk.domain.receipt import draft_from_json, draft_to_json

    draft = ReceiptDraft(payer="Zoë Müller")
    draft.add_line(catalog.line("FAC-FEE", amount=m("22.34"), reference="F-9"))
    draft.add_tender(T.check(m("20"), routing="021000021", account="123456789", number="77"))
    draft.add_tender(T.card(m("2.34"), last4="1111", approval="AB12"))
    again = draft_from_json(draft_to_json(draft))
    assert (again.payer, again.lines, again.tenders) == (draft.payer, draft.lines, draft.tenders)
