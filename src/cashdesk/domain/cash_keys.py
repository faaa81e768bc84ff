"""The preset cash keys of the cash tender: the exact amount due and the next round bills."""

from __future__ import annotations

from cashdesk.domain.money import Money

BILLS = (5, 10, 20)  # "next $5, next $10, next $20", as a retail till offers them


def next_multiple(amount: Money, dollars: int) -> Money:
    """The smallest multiple of ``dollars`` that is at least ``amount``."""
    step = dollars * 100
    return Money(cents=-(-amount.cents // step) * step)


def cash_presets(due: Money) -> tuple[Money, ...]:
    """Exact first, then the next $5, $10 and $20 above it, each once and only if it is more
    than what is due (an amount already round has fewer keys). Nothing due, no keys."""
    if not due.is_positive:
        return ()
    keys = [due]
    for dollars in BILLS:
        amount = next_multiple(due, dollars)
        if amount not in keys:
            keys.append(amount)
    return tuple(keys)
