from __future__ import annotations

import pytest

from cashdesk.domain import tender as T
from cashdesk.domain.money import Money
from cashdesk.domain.routing import validate_routing_number
from cashdesk.errors import ValidationError


def m(text: str) -> Money:
    return Money.parse(text)


def test_cash_over_the_due_gives_change_from_cash() -> None:
    s = T.settle(m("62.34"), [T.cash(m("100"))])
    assert s.change == m("37.66")
    assert s.cash_in == m("62.34")


def test_split_tender_check_then_cash() -> None:
    tenders = [
        T.check(m("40"), routing="021000021", account="123456789", number="1001"),
        T.cash(m("30")),
    ]
    s = T.settle(m("62.34"), tenders)
    assert (s.tendered, s.change, s.cash_in) == (m("70"), m("7.66"), m("22.34"))


def test_check_may_not_exceed_the_amount_due() -> None:
    over = T.check(m("62.35"), routing="021000021", account="123456789", number="1")
    with pytest.raises(ValidationError, match="no cash back"):
        T.settle(m("62.34"), [over])


def test_check_after_cash_may_not_exceed_what_is_left() -> None:
    # $50 cash leaves $12.34 due: a $20 check would need $7.66 of cash back.
    with pytest.raises(ValidationError, match=r"\$12.34"):
        T.check_tender_fits(
            m("62.34"),
            [T.cash(m("50"))],
            T.money_order(m("20")),
        )


def test_card_is_for_an_exact_amount() -> None:
    with pytest.raises(ValidationError, match="exact amount"):
        T.settle(m("10"), [T.card(m("10.01"), last4="4242", approval="A1B2C3")])
    s = T.settle(m("10"), [T.card(m("10"), last4="4242", approval="a1b2c3")])
    assert s.change == Money.zero()


def test_short_payment_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"\$0.01 is still due"):
        T.settle(m("10"), [T.cash(m("9.99"))])


def test_no_tender_and_zero_due_are_refused() -> None:
    with pytest.raises(ValidationError, match="at least one tender"):
        T.settle(m("10"), [])
    with pytest.raises(ValidationError, match="nothing to pay"):
        T.settle(Money.zero(), [T.cash(m("1"))])


def test_zero_tender_refused() -> None:
    with pytest.raises(ValidationError, match="more than zero"):
        T.settle(m("10"), [T.cash(Money.zero()), T.cash(m("10"))])


@pytest.mark.parametrize(
    ("routing", "message"),
    [
        ("02100002", "9 digits"),
        ("0210000211", "9 digits"),
        ("02100002A", "9 digits"),
        ("021000022", "check digit"),
        ("131000025", "check digit|US bank"),
        ("500000005", "US bank"),
    ],
)
def test_bad_routing_numbers_are_refused(routing: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        T.check(m("1"), routing=routing, account="123456789", number="1")


@pytest.mark.parametrize("routing", ["021000021", "011000015", "111000025", "122000247"])
def test_good_routing_numbers(routing: str) -> None:
    assert validate_routing_number(routing) == routing


def test_card_keeps_last_four_only() -> None:
    with pytest.raises(ValidationError, match="last four"):
        T.card(m("1"), last4="4242424242424242", approval="123456")
    tender = T.card(m("1"), last4=" 4242 ", approval="ok12")
    assert (tender.card_last4, tender.card_approval) == ("4242", "OK12")


def test_check_account_is_masked() -> None:
    tender = T.check(m("1"), routing="021000021", account="1234-56789", number="77")
    assert tender.check_account == "123456789"
    assert tender.masked_account == "****6789"
