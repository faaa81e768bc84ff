"""What a fee rule hands back: the charge lines, their total, and what the cashier should know."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from cashdesk.domain.lines import ChargeLine
from cashdesk.domain.money import Money, total


@dataclass(frozen=True, slots=True, kw_only=True)
class FeeQuote:
    """Lines owed for one item, in receipt order.

    ``total`` is always the sum of the lines (checked), so build quotes with :meth:`of`.
    ``expires`` is the last day a license is valid, when the item is a license with a term;
    ``notes`` are short sentences for the cashier (a discount applied, a cap reached).
    ``penalties`` and ``interest`` are the parts of ``total`` that are late penalties and
    interest (a TOT return records them apart), zero when the rule has none.
    """

    lines: tuple[ChargeLine, ...]
    total: Money
    expires: date | None = None
    notes: tuple[str, ...] = ()
    penalties: Money = Money(cents=0)
    interest: Money = Money(cents=0)

    def __post_init__(self) -> None:
        if not isinstance(self.lines, tuple) or not all(
            isinstance(line, ChargeLine) for line in self.lines
        ):
            raise TypeError("FeeQuote.lines must be a tuple of ChargeLine")
        if not isinstance(self.notes, tuple):
            raise TypeError("FeeQuote.notes must be a tuple of str")
        if self.total != total(line.amount for line in self.lines):
            raise ValueError("FeeQuote.total must equal the sum of its lines")
        if self.penalties.is_negative or self.interest.is_negative:
            raise ValueError("FeeQuote.penalties and interest cannot be negative")
        if self.penalties + self.interest > self.total:
            raise ValueError("FeeQuote.penalties and interest are parts of its total")

    @classmethod
    def of(
        cls,
        lines: Iterable[ChargeLine],
        *,
        expires: date | None = None,
        notes: Iterable[str] = (),
        penalties: Money | None = None,
        interest: Money | None = None,
    ) -> FeeQuote:
        """A quote whose total is computed from ``lines``."""
        kept = tuple(lines)
        return cls(
            lines=kept,
            total=total(line.amount for line in kept),
            expires=expires,
            notes=tuple(notes),
            penalties=penalties or Money.zero(),
            interest=interest or Money.zero(),
        )
