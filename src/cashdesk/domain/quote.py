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
    """

    lines: tuple[ChargeLine, ...]
    total: Money
    expires: date | None = None
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.lines, tuple) or not all(
            isinstance(line, ChargeLine) for line in self.lines
        ):
            raise TypeError("FeeQuote.lines must be a tuple of ChargeLine")
        if not isinstance(self.notes, tuple):
            raise TypeError("FeeQuote.notes must be a tuple of str")
        if self.total != total(line.amount for line in self.lines):
            raise ValueError("FeeQuote.total must equal the sum of its lines")

    @classmethod
    def of(
        cls,
        lines: Iterable[ChargeLine],
        *,
        expires: date | None = None,
        notes: Iterable[str] = (),
    ) -> FeeQuote:
        """A quote whose total is computed from ``lines``."""
        kept = tuple(lines)
        return cls(
            lines=kept,
            total=total(line.amount for line in kept),
            expires=expires,
            notes=tuple(notes),
        )
