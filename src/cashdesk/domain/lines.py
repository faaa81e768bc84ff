"""A charge line: one amount owed for one thing, credited to one GL account.

Every fee rule (licenses, citations, utility bills, programs) returns a list of these; a
receipt is built from them. GL account numbers are fund-department-object ("101-120-31410"),
so the fund is the first three digits.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from cashdesk.domain.money import Money
from cashdesk.errors import ValidationError

_GL_ACCOUNT = re.compile(r"^\d{3}-\d{3}-\d{5}$")


def fund_of(gl_account: str) -> str:
    """The fund of a GL account: its first segment ("501-000-12100" -> "501")."""
    if not _GL_ACCOUNT.match(gl_account):
        raise ValidationError(f"{gl_account!r} is not a GL account (FFF-DDD-OOOOO).")
    return gl_account[:3]


@dataclass(frozen=True, slots=True, kw_only=True)
class ChargeLine:
    """One line of what a customer owes.

    ``code`` is the revenue code (UTIL, CIT, BLT-REN, MISC, ...); ``reference`` the account,
    citation, license or invoice number the line pays, if any.
    """

    code: str
    description: str
    amount: Money
    gl_account: str
    reference: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Money):
            raise TypeError("ChargeLine.amount must be Money")
        fund_of(self.gl_account)

    @property
    def fund(self) -> str:
        return self.gl_account[:3]


def added_twice(record_lines: Sequence[ChargeLine]) -> bool:
    """Are one record's lines (an account's, a citation's) on a sale twice? They then repeat
    as identical blocks: what paying the record produces, put on the sale a second time. A
    record is paid once per receipt; the second set would pay it twice or be refused with a
    message about the amount, not about the mistake."""
    n = len(record_lines)
    for size in range(1, n // 2 + 1):
        if n % size == 0 and list(record_lines) == list(record_lines[:size]) * (n // size):
            return True
    return False
