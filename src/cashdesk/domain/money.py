"""The one money type.

Amounts are integer cents. ``Money`` is built with a keyword (``Money(cents=1250)``) or parsed
from text (``Money.parse("12.50")``); it refuses floats everywhere, so a binary fraction can
never reach a total. Formatting goes through babel in one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import total_ordering
from typing import Any

from cashdesk.errors import ValidationError

_CENT = Decimal("0.01")
# What a cashier may type: optional $ and thousands separators, at most two decimals.
_AMOUNT_TEXT = re.compile(
    r"^\$?\s*(?P<int>\d{1,3}(?:,\d{3})+|\d*)(?:\.(?P<frac>\d{0,2}))?$", re.ASCII
)
# Largest amount one receipt line or tender may carry: $10,000,000.00. It bounds typing slips
# (an extra zero or two) and keeps every sum far inside a signed 64-bit column.
MAX_CENTS = 10_000_000_00


def _refuse_floating_point(value: object) -> None:
    if isinstance(value, float):
        raise TypeError("money is never a float: pass integer cents, a Decimal or text")


@total_ordering
@dataclass(frozen=True, slots=True)
class Money:
    """An amount of US dollars held as integer cents."""

    cents: int

    def __init__(self, *, cents: int) -> None:
        _refuse_floating_point(cents)
        if isinstance(cents, bool) or not isinstance(cents, int):
            raise TypeError(f"Money(cents=...) needs an int, not {type(cents).__name__}")
        object.__setattr__(self, "cents", cents)

    # -- construction -------------------------------------------------------------------
    @classmethod
    def zero(cls) -> Money:
        return cls(cents=0)

    @classmethod
    def from_decimal(cls, value: Decimal) -> Money:
        """The one Decimal -> Money conversion: exact, a fraction of a cent is refused, never
        rounded (rounding is ``round_half_up``, named where a rule rounds). It goes through
        the Decimal's exact integer ratio, so no figure is too large for the decimal context's
        precision (``quantize`` would fail on one)."""
        _refuse_floating_point(value)
        if not isinstance(value, Decimal):
            raise TypeError("Money.from_decimal needs a Decimal")
        if not value.is_finite():
            raise ValidationError("An amount must be a number.")
        numerator, denominator = value.as_integer_ratio()
        if (numerator * 100) % denominator:
            raise ValidationError(f"{value} has fractions of a cent.")
        return cls(cents=numerator * 100 // denominator)

    @classmethod
    def round_half_up(cls, value: Decimal) -> Money:
        """RULES.md's "round": half up to the cent."""
        _refuse_floating_point(value)
        return cls(cents=int(value.quantize(_CENT, rounding=ROUND_HALF_UP) * 100))

    @classmethod
    def parse(cls, text: str, *, field: str = "Amount") -> Money:
        """Parse what a cashier typed ("12", "12.5", "$1,234.50"). Negative and junk refused."""
        if not isinstance(text, str):
            _refuse_floating_point(text)
            raise TypeError("Money.parse needs text")
        cleaned = text.strip()
        if cleaned.startswith("-"):
            raise ValidationError(f"{field} cannot be negative.")
        match = _AMOUNT_TEXT.match(cleaned)
        if not cleaned or match is None or (not match["int"] and not match["frac"]):
            raise ValidationError(f"{field} must be a dollar amount like 12.50, not {text!r}.")
        whole = match["int"].replace(",", "") or "0"
        frac = (match["frac"] or "").ljust(2, "0")
        cents = int(whole) * 100 + int(frac)
        if cents > MAX_CENTS:
            raise ValidationError(f"{field} is over the limit of {cls(cents=MAX_CENTS)}.")
        return cls(cents=cents)

    # -- arithmetic ---------------------------------------------------------------------
    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(cents=self.cents + other.cents)

    def __radd__(self, other: Any) -> Money:
        # lets sum() start from 0
        if other == 0 and not isinstance(other, float):
            return self
        return NotImplemented

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(cents=self.cents - other.cents)

    def __neg__(self) -> Money:
        return Money(cents=-self.cents)

    def __mul__(self, factor: int) -> Money:
        if isinstance(factor, bool) or not isinstance(factor, int):
            return NotImplemented
        return Money(cents=self.cents * factor)

    __rmul__ = __mul__

    def times(self, rate: Decimal) -> Money:
        """This amount times a rate, rounded half up to the cent (one rounding)."""
        _refuse_floating_point(rate)
        return Money.round_half_up(self.as_decimal() * rate)

    def __lt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return self.cents < other.cents

    def __bool__(self) -> bool:
        return self.cents != 0

    @property
    def is_negative(self) -> bool:
        return self.cents < 0

    @property
    def is_positive(self) -> bool:
        return self.cents > 0

    def min(self, other: Money) -> Money:
        return self if self <= other else other

    # -- output -------------------------------------------------------------------------
    def as_decimal(self) -> Decimal:
        return Decimal(self.cents) / 100

    def plain(self) -> str:
        """ "1234.50": for files, JSON and machine-readable output."""
        sign = "-" if self.cents < 0 else ""
        whole, frac = divmod(abs(self.cents), 100)
        return f"{sign}{whole}.{frac:02d}"

    def __str__(self) -> str:
        """ "$1,234.50" / "-$3.00": for people (screens, receipts, reports)."""
        return format_money(self)

    def __repr__(self) -> str:
        return f"Money(cents={self.cents})"


def format_money(amount: Money, *, locale: str = "en_US", currency: str = "USD") -> str:
    """Locale-aware display through babel (CLDR): the one place money becomes display text.

    The counter's own locale, en_US dollars, is written out here: loading babel's locale data
    cost a headless command more than its work (tests/domain/test_money.py holds this to
    babel's output)."""
    if locale == "en_US" and currency == "USD":
        return _en_us_dollars(amount)
    try:
        from babel.numbers import format_currency
    except ImportError:  # pragma: no cover - babel is a declared dependency
        return _en_us_dollars(amount)
    return str(format_currency(amount.as_decimal(), currency, locale=locale))


def _en_us_dollars(amount: Money) -> str:
    sign = "-" if amount.is_negative else ""
    whole, frac = divmod(abs(amount.cents), 100)
    return f"{sign}${whole:,}.{frac:02d}"


def total(amounts: Any) -> Money:
    """Sum an iterable of Money (an empty one is zero)."""
    result = Money.zero()
    for amount in amounts:
        result = result + amount
    return result


def parse_decimal_text(text: str, *, field: str) -> Decimal:
    """A non-negative decimal number typed by a person (gross receipts, rents)."""
    try:
        value = Decimal(text.replace(",", "").strip())
    except (InvalidOperation, AttributeError):
        raise ValidationError(f"{field} must be a number, not {text!r}.") from None
    if not value.is_finite() or value < 0:
        raise ValidationError(f"{field} must be zero or more, not {text!r}.")
    return value
