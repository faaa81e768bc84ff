"""Date arithmetic shared by the fee rules.

Kept deliberately small: each helper is named for exactly what it counts, so a rule reads like
RULES.md ("paid more than 21 days after its issue date").
"""

from __future__ import annotations

from datetime import date


def days_between(start: date, end: date) -> int:
    """Whole calendar days from ``start`` to ``end`` (negative when ``end`` is earlier).

    A citation issued on March 1 and paid on March 22 is 21 days after issue: the issue day
    itself counts as day 0, which is how "paid more than 21 days after" is read.
    """
    return (end - start).days
