from cashdesk.domain.cash_keys import cash_presets, next_multiple
from cashdesk.domain.money import Money


def m(text: str) -> Money:
    return Money.parse(text)


def test_exact_then_the_next_round_bills() -> None:
    assert cash_presets(m("12.34")) == (m("12.34"), m("15.00"), m("20.00"))
    assert cash_presets(m("23.10")) == (m("23.10"), m("25.00"), m("30.00"), m("40.00"))


def test_a_round_amount_has_only_the_keys_above_it() -> None:
    assert cash_presets(m("20.00")) == (m("20.00"),)
    assert cash_presets(m("15.00")) == (m("15.00"), m("20.00"))


def test_nothing_due_no_keys() -> None:
    assert cash_presets(Money.zero()) == ()
    assert cash_presets(-m("5.00")) == ()


def test_next_multiple_rounds_up_to_whole_bills() -> None:
    assert next_multiple(m("0.01"), 5) == m("5.00")
    assert next_multiple(m("10.00"), 10) == m("10.00")
