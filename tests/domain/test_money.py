from __future__ import annotations

from decimal import Decimal

import pytest
from babel.numbers import format_currency
from hypothesis import given
from hypothesis import strategies as st

from cashdesk.domain.money import MAX_CENTS, Money, format_money, total
from cashdesk.errors import ValidationError


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("12", 1200),
        ("12.5", 1250),
        ("12.50", 1250),
        ("0.01", 1),
        (".75", 75),
        ("$1,234.56", 123456),
        ("  40.00 ", 4000),
        ("1000000", 100000000),
    ],
)
def test_parse_accepts_what_a_cashier_types(text: str, cents: int) -> None:
    assert Money.parse(text) == Money(cents=cents)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-5.00", "cannot be negative"),
        ("abc", "dollar amount"),
        ("", "dollar amount"),
        (".", "dollar amount"),
        ("1.234", "dollar amount"),
        ("1,23.00", "dollar amount"),
        ("12.3.4", "dollar amount"),
        ("1e3", "dollar amount"),
        ("NaN", "dollar amount"),
        ("100000000.01", "over the limit"),
        ("١٢", "dollar amount"),  # Arabic-Indic digits are not what a till takes
        ("²5", "dollar amount"),
    ],
)
def test_parse_refuses_bad_amounts_with_a_message(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Money.parse(text)


def test_floats_are_refused_everywhere() -> None:
    with pytest.raises(TypeError):
        Money(cents=12.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money.from_decimal(0.1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money.parse(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(cents=1).times(0.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(cents=100) * 1.5  # type: ignore[operator]


def test_construction_is_keyword_only() -> None:
    with pytest.raises(TypeError):
        Money(1250)  # type: ignore[misc]


def test_round_half_up_to_the_cent() -> None:
    assert Money.round_half_up(Decimal("2.005")) == Money(cents=201)
    assert Money.round_half_up(Decimal("2.0049")) == Money(cents=200)
    assert Money(cents=7500).times(Decimal("0.5")) == Money(cents=3750)
    assert Money(cents=1).times(Decimal("0.5")) == Money(cents=1)  # 0.005 rounds up


def test_from_decimal_is_exact() -> None:
    assert Money.from_decimal(Decimal("19.99")) == Money(cents=1999)
    assert Money.from_decimal(Decimal("19.990000")) == Money(cents=1999)  # trailing zeros
    assert Money.from_decimal(Decimal("1E+2")) == Money(cents=10000)
    assert Money.from_decimal(Decimal("-0.01")) == Money(cents=-1)
    for fraction in ("19.999", "0.005", "-0.001"):  # never rounded, whichever way
        with pytest.raises(ValidationError, match="fractions of a cent"):
            Money.from_decimal(Decimal(fraction))
    # Beyond the decimal context's 28 digits: quantize would fail, the ratio is exact.
    huge = Decimal("1234567890123456789012345678901.23")
    assert Money.from_decimal(huge).cents == 123456789012345678901234567890123


def test_the_one_converter_serves_typed_amounts() -> None:
    from cashdesk.domain.inputs import require_decimal_amount

    assert require_decimal_amount(Decimal("50000.01"), field="Gross") == Money(cents=5000001)
    with pytest.raises(ValidationError, match="Gross cannot have fractions of a cent"):
        require_decimal_amount(Decimal("0.001"), field="Gross")
    with pytest.raises(ValidationError, match="negative"):
        require_decimal_amount(Decimal("-1"), field="Gross")


def test_formatting() -> None:
    assert str(Money(cents=123456)) == "$1,234.56"
    assert str(Money(cents=-300)) == "-$3.00"
    assert Money(cents=-300).plain() == "-3.00"
    assert Money(cents=5).plain() == "0.05"


def test_sum_and_compare() -> None:
    amounts = [Money(cents=1), Money(cents=2), Money(cents=3)]
    assert total(amounts) == Money(cents=6)
    assert sum(amounts) == Money(cents=6)
    assert Money(cents=1) < Money(cents=2)
    assert max(amounts) == Money(cents=3)


@given(st.integers(min_value=0, max_value=MAX_CENTS))
def test_plain_text_round_trips(cents: int) -> None:
    amount = Money(cents=cents)
    assert Money.parse(amount.plain()) == amount
    assert Money.parse(str(amount)) == amount


@given(st.text(max_size=30))
def test_parse_never_crashes(text: str) -> None:
    try:
        amount = Money.parse(text)
    except ValidationError:
        return
    assert 0 <= amount.cents <= MAX_CENTS


# babel loads a locale's data on its first use (a few hundred ms on a loaded machine).
format_currency(0, "USD", locale="fr_FR")


@given(st.integers(min_value=-MAX_CENTS, max_value=MAX_CENTS))
def test_dollars_are_written_as_babel_writes_them(cents: int) -> None:
    """The en_US fast path (no locale data loaded) says exactly what babel's CLDR data says."""
    amount = Money(cents=cents)
    assert format_money(amount) == format_currency(amount.as_decimal(), "USD", locale="en_US")
    assert format_money(amount, locale="fr_FR") == format_currency(
        amount.as_decimal(), "USD", locale="fr_FR"
    )
