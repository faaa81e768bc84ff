"""FeeQuote: the lines, their total, and the checks that keep the two in step."""

from __future__ import annotations

from datetime import date

import pytest

from cashdesk.domain.lines import ChargeLine
from cashdesk.domain.money import Money
from cashdesk.domain.quote import FeeQuote


def line(cents: int) -> ChargeLine:
    return ChargeLine(
        code="MISC", description="x", amount=Money(cents=cents), gl_account="101-150-36900"
    )


def test_of_totals_the_lines() -> None:
    quote = FeeQuote.of([line(1000), line(250)], expires=date(2025, 12, 31), notes=["n"])
    assert quote.total == Money(cents=1250)
    assert quote.lines == (line(1000), line(250))
    assert (quote.expires, quote.notes) == (date(2025, 12, 31), ("n",))


def test_empty_quote_is_zero() -> None:
    assert FeeQuote.of([]).total == Money.zero()


def test_a_total_that_is_not_the_sum_is_refused() -> None:
    with pytest.raises(ValueError, match="sum of its lines"):
        FeeQuote(lines=(line(100),), total=Money(cents=101))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"lines": [line(100)], "total": Money(cents=100)},  # a list, not a tuple
        {"lines": ("not a line",), "total": Money.zero()},
        {"lines": (), "total": Money.zero(), "notes": ["a list"]},
    ],
)
def test_wrong_types_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(TypeError):
        FeeQuote(**kwargs)  # type: ignore[arg-type]


def test_is_frozen_and_keyword_only() -> None:
    quote = FeeQuote.of([line(100)])
    with pytest.raises(AttributeError):
        quote.total = Money.zero()  # type: ignore[misc]
    with pytest.raises(TypeError):
        FeeQuote((), Money.zero())  # type: ignore[call-arg]
