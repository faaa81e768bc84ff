"""Pure drawer rules: denominations, counts, matching, over/short, states, the day's journal."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cashdesk.domain.drawer import (
    DENOMINATION,
    DENOMINATIONS,
    CashCount,
    ChangeFundMovement,
    DrawerCount,
    Expected,
    ListedItem,
    SessionOverShort,
    SessionState,
    Step,
    TakenItem,
    advance,
    change_fund_returned,
    check_recount,
    check_signoff,
    day_journal,
    match_items,
    number_gaps,
    pickup_due,
    reconcile,
    refuse_paid_out,
)
from cashdesk.domain.gl import fund_balances
from cashdesk.domain.lines import ChargeLine
from cashdesk.domain.money import Money, total
from cashdesk.domain.tender import TenderKind
from cashdesk.errors import StateError, ValidationError

FIVE = Money(cents=5_00)


def m(text: str) -> Money:
    return Money.parse(text)


def test_denominations_and_roll_values() -> None:
    bills = [d.unit.plain() for d in DENOMINATIONS if d.kind == "bill"]
    coins = [d.unit.plain() for d in DENOMINATIONS if d.kind == "coin"]
    assert bills == ["100.00", "50.00", "20.00", "10.00", "5.00", "2.00", "1.00"]
    assert coins == ["1.00", "0.50", "0.25", "0.10", "0.05", "0.01"]
    rolls = {
        code: DENOMINATION[code].unit.plain() for code in ("R1", "R5", "R10", "R25", "R50", "R100")
    }
    assert rolls == {
        "R1": "0.50",
        "R5": "2.00",
        "R10": "5.00",
        "R25": "10.00",
        "R50": "10.00",
        "R100": "25.00",
    }


def test_cash_count_totals_currency_and_coin() -> None:
    count = CashCount.of({"B20": 5, "B1": 3, "C25": 4, "R25": 2, "R1": 1, "C1": 0})
    assert count.total == m("124.50")
    assert count.currency == m("103.00")
    assert count.coin == m("21.50")  # $1.00 loose quarters, two $10.00 rolls, a $0.50 roll
    assert count.as_dict() == {"B20": 5, "B1": 3, "C25": 4, "R25": 2, "R1": 1}
    assert [ln.denomination.code for ln in count.lines()] == ["B20", "B1", "C25", "R25", "R1"]


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ({"B3": 1}, "not a denomination"),
        ({"B20": -1}, "negative"),
        ({"B20": True}, "whole pieces"),
        ({"C1": 1_000_000}, "not plausible"),
    ],
)
def test_bad_counts_are_refused(counts: dict[str, int], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        CashCount.of(counts)


@given(
    st.dictionaries(
        st.sampled_from([d.code for d in DENOMINATIONS]), st.integers(0, 3), max_size=5
    ),
    st.integers(0, 300_00),
)
def test_change_fund_split_is_exact_or_refused_only_when_impossible(
    counts: dict[str, int], cents: int
) -> None:
    cash = CashCount.of(counts)
    amount = Money(cents=cents)
    units = [(ln.denomination.unit.cents, ln.pieces) for ln in cash.lines()]
    possible = any(
        sum(u * n for (u, _), n in zip(units, ns, strict=True)) == cents
        for ns in itertools.product(*(range(p + 1) for _, p in units))
    )
    if not possible:
        with pytest.raises(ValidationError):
            cash.take_smallest_first(amount)
        return
    kept = cash.take_smallest_first(amount)
    assert kept.total == amount
    assert cash.minus(kept).total + amount == cash.total  # only pieces that were there


def test_change_fund_prefers_small_pieces() -> None:
    cash = CashCount.of({"B100": 2, "B20": 10, "B1": 12, "C25": 8})
    kept = cash.take_smallest_first(m("200"))
    assert kept.total == m("200") and kept.count("B100") == 0  # the hundreds go to the bank
    assert CashCount.of({"B100": 2, "B20": 1}).take_smallest_first(m("200")).count("B100") == 2
    with pytest.raises(ValidationError, match="count the bag"):
        CashCount.of({"B100": 3}).take_smallest_first(m("150"))


def test_items_match_by_number_then_by_amount() -> None:
    taken = (
        TakenItem(kind=TenderKind.CHECK, amount=m("40"), number="1001", receipt_number="R1"),
        TakenItem(kind=TenderKind.CHECK, amount=m("40"), number="1002", receipt_number="R2"),
        TakenItem(kind=TenderKind.MONEY_ORDER, amount=m("33.33"), number="", receipt_number="R3"),
    )
    listed = (
        ListedItem(kind=TenderKind.CHECK, amount=m("40"), number="01002"),
        ListedItem(kind=TenderKind.MONEY_ORDER, amount=m("33.33")),
        ListedItem(kind=TenderKind.CHECK, amount=m("12"), number="9"),
    )
    result = match_items(listed, taken)
    assert [(li.number, t.receipt_number) for li, t in result.matched] == [
        ("01002", "R2"),
        ("", "R3"),
    ]
    assert [t.number for t in result.missing] == ["1001"]
    assert [li.number for li in result.unexpected] == ["9"]
    assert not result.clean
    with pytest.raises(ValidationError):
        ListedItem(kind=TenderKind.CARD, amount=m("1"))


def expected(cash_in: str = "100", card: str = "0", items: tuple[TakenItem, ...] = ()) -> Expected:
    return Expected(
        opening_bank=m("200"), cash_in=m(cash_in), pickups=m("50"), items=items, card=m(card)
    )


def test_over_short_per_tender_and_signoff_threshold() -> None:
    within = reconcile(
        expected(), DrawerCount(cash=CashCount.of({"B100": 2, "B20": 2, "B5": 1, "B1": 0})), FIVE
    )
    assert within.variance(TenderKind.CASH).difference == Money.zero() - m("5")
    assert within.over_short == -m("5") and not within.needs_signoff  # exactly $5.00: no
    over = reconcile(
        expected(), DrawerCount(cash=CashCount.of({"B100": 2, "B50": 1, "C1": 501})), FIVE
    )
    assert over.over_short == m("5.01") and over.needs_signoff
    # An over in one tender cannot hide a short in another.
    mixed = reconcile(
        expected(card="20"),
        DrawerCount(cash=CashCount.of({"B100": 2, "B50": 1, "B10": 1}), card_batch=m("10")),
        FIVE,
    )
    assert mixed.over_short == Money.zero() and mixed.gross_difference == m("20")
    assert mixed.needs_signoff


def test_an_unmatched_check_needs_signoff_even_when_amounts_agree() -> None:
    taken = (TakenItem(kind=TenderKind.CHECK, amount=m("40"), number="1001", receipt_number="R"),)
    count = DrawerCount(
        cash=CashCount.of({"B100": 2, "B50": 1}),
        items=(ListedItem(kind=TenderKind.CHECK, amount=m("40"), number="7777"),),
    )
    rec = reconcile(expected(items=taken), count, FIVE)
    assert rec.over_short == Money.zero() and rec.needs_signoff


def test_state_machine() -> None:
    assert advance(SessionState.OPEN, Step.COUNT) is SessionState.COUNTED
    assert advance(SessionState.COUNTED, Step.APPROVE) is SessionState.APPROVED
    assert advance(SessionState.APPROVED, Step.DEPOSIT) is SessionState.DEPOSITED
    assert advance(SessionState.APPROVED, Step.REOPEN) is SessionState.OPEN
    for state, step in [
        (SessionState.OPEN, Step.APPROVE),
        (SessionState.OPEN, Step.DEPOSIT),
        (SessionState.COUNTED, Step.DEPOSIT),
        (SessionState.DEPOSITED, Step.REOPEN),
        (SessionState.APPROVED, Step.COUNT),
    ]:
        with pytest.raises(StateError):
            advance(state, step)


def test_recount_once_and_signoff_rules() -> None:
    check_recount(attempt=1, handoff=False)
    with pytest.raises(StateError, match="once already"):
        check_recount(attempt=2, handoff=False)
    with pytest.raises(StateError, match="handoff"):
        check_recount(attempt=1, handoff=True)
    with pytest.raises(StateError, match="cannot sign off"):
        check_signoff(needs_signoff=True, reason="fine", approver_id=3, involved={3, 1})
    with pytest.raises(ValidationError, match="reason"):
        check_signoff(needs_signoff=True, reason="  ", approver_id=3, involved={1})
    assert (
        check_signoff(needs_signoff=True, reason=" miscount  ", approver_id=3, involved={1})
        == "miscount"
    )


def test_pickup_prompt_and_paid_outs() -> None:
    limit = m("2000")
    assert not pickup_due(m("2000.00"), limit) and pickup_due(m("2000.01"), limit)
    with pytest.raises(StateError, match="Paid-outs"):
        refuse_paid_out()


def test_number_gaps() -> None:
    assert number_gaps([3, 4, 5], previous_last=2) == ()
    assert number_gaps([3, 5, 6], previous_last=1) == (2, 4)
    assert number_gaps([]) == ()


lines_strategy = st.lists(
    st.tuples(
        st.sampled_from(
            ["101-150-36900", "520-700-34720", "230-600-34610", "501-000-12100", "101-000-22100"]
        ),
        st.integers(1, 500_000),
    ),
    max_size=30,
)


@given(
    lines_strategy,
    st.lists(st.integers(-10_000, 10_000), max_size=4),
    st.lists(st.tuples(st.integers(0, 50_000), st.integers(0, 50_000)), max_size=3),
)
def test_day_journal_balances_in_total_and_per_fund(
    lines: list[tuple[str, int]], over_short: list[int], funds: list[tuple[int, int]]
) -> None:
    charges = [
        ChargeLine(code="X", description="x", amount=Money(cents=c), gl_account=a) for a, c in lines
    ]
    moves = [
        ChangeFundMovement(
            label=f"d{i}",
            issued=Money(cents=max(a, b)),
            returned=change_fund_returned(Money(cents=max(a, b)), Money(cents=min(a, b))),
        )
        for i, (a, b) in enumerate(funds)
    ]
    journal = day_journal(
        charges,
        [SessionOverShort(label=str(i), amount=Money(cents=c)) for i, c in enumerate(over_short)],
        moves,
    )
    assert journal.debits == journal.credits
    assert set(fund_balances(journal.lines).values()) <= {Money.zero()}
    credited = total(
        j.credit - j.debit
        for j in journal.lines
        if not j.account.endswith(("-10100", "-10150")) and j.account != "101-150-36990"
    )
    assert credited == total(c.amount for c in charges)
    assert total(
        j.credit - j.debit for j in journal.lines if j.account == "101-150-36990"
    ) == Money(cents=sum(over_short))
    change_fund = total(j.net for j in journal.lines if j.account == "101-000-10150")
    assert change_fund == total(mv.returned - mv.issued for mv in moves)


def test_handoff_terms_say_which_tenders_stay_with_whom() -> None:
    from cashdesk.domain.drawer import HandoffTerms

    count = DrawerCount(
        cash=CashCount.of({"B100": 4, "B20": 1, "C1": 3}),
        items=(
            ListedItem(kind=TenderKind.CHECK, amount=Money.parse("500"), number="1001"),
            ListedItem(kind=TenderKind.CHECK, amount=Money.parse("674"), number="1002"),
        ),
        card_batch=Money.parse("64.50"),
    )
    terms = HandoffTerms.of(count, outgoing="Ann", incoming="Bo")
    assert terms.statement() == (
        "Stays in the drawer with Bo: the cash, $420.03, as Bo's starting bank.",
        "Goes with Ann's count to the safe: 2 checks ($1,174.00), the card batch ($64.50). "
        "Bo does not count or list them at the close.",
    )
    empty = HandoffTerms.of(DrawerCount(cash=CashCount.empty()), outgoing="Ann", incoming="Bo")
    assert "no checks, money orders or card batch" in empty.statement()[1]


def test_a_check_handed_over_is_refused_at_a_later_count_unless_it_is_a_new_tender() -> None:
    from cashdesk.domain.drawer import item_handed_over, match_items, refuse_handed_over

    handed = ListedItem(kind=TenderKind.CHECK, amount=Money.parse("500"), number="1001")
    again = ListedItem(kind=TenderKind.CHECK, amount=Money.parse("500"), number="001001")
    unnumbered = ListedItem(kind=TenderKind.MONEY_ORDER, amount=Money.parse("20"))
    assert item_handed_over(again, (handed,)) is handed
    assert item_handed_over(unnumbered, (handed,)) is None
    with pytest.raises(ValidationError, match="handed over in Ann's count"):
        refuse_handed_over(match_items((again,), ()), (("Ann", handed),))
    # The same number and amount taken again on this session (a new tender) counts here.
    taken = TakenItem(
        kind=TenderKind.CHECK, amount=Money.parse("500"), number="1001", receipt_number="W-1"
    )
    refuse_handed_over(match_items((again,), (taken,)), (("Ann", handed),))


def test_expected_of_is_bank_plus_cash_less_change_and_pickups_with_checks_listed() -> None:
    from cashdesk.domain.drawer import SessionTender, expected_of

    def tender(kind: TenderKind, amount: str, number: str = "", receipt: str = "") -> SessionTender:
        return SessionTender(
            kind=kind, amount=Money.parse(amount), number=number, receipt_number=receipt
        )

    expected = expected_of(
        opening_bank=Money.parse("200"),
        tenders=(
            tender(TenderKind.CASH, "20"),
            tender(TenderKind.CHECK, "30", "1001", "W01-1"),
            tender(TenderKind.CARD, "64.50"),
            tender(TenderKind.CASH, "7"),
            tender(TenderKind.MONEY_ORDER, "33.33", "MO-7", "W01-3"),
        ),
        change_given=Money.parse("5"),
        pickups=Money.parse("10"),
    )
    assert expected.cash == Money.parse("212.00")  # 200 + 20 + 7 - 5 - 10
    assert expected.card == Money.parse("64.50")
    assert [(i.kind, i.number, i.receipt_number) for i in expected.items] == [
        (TenderKind.CHECK, "1001", "W01-1"),
        (TenderKind.MONEY_ORDER, "MO-7", "W01-3"),
    ]
