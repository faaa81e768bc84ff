"""ABA routing numbers: check digit through python-stdnum, plus the Federal Reserve prefixes."""

from __future__ import annotations

from stdnum.exceptions import ValidationError as StdnumError
from stdnum.us import rtn

from cashdesk.errors import ValidationError


def _valid_prefix(first_two: int) -> bool:
    # 00-12 Federal Reserve banks, 21-32 thrifts, 61-72 electronic, 80 traveller's checks.
    return first_two <= 12 or 21 <= first_two <= 32 or 61 <= first_two <= 72 or first_two == 80


def validate_routing_number(text: str) -> str:
    """The routing number as 9 digits, or ValidationError saying what is wrong."""
    digits = "".join(text.split())
    if len(digits) != 9 or not digits.isdigit():
        raise ValidationError(f"Routing number must be 9 digits, not {text!r}.")
    try:
        rtn.validate(digits)
    except StdnumError:
        raise ValidationError(f"Routing number {digits} fails its check digit.") from None
    if not _valid_prefix(int(digits[:2])):
        raise ValidationError(f"Routing number {digits} does not start like a US bank's.")
    return digits
