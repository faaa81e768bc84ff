"""ABA routing numbers: the check digit (python-stdnum) plus the Federal Reserve prefixes.

RULES.md section 7 refuses a check whose routing number fails its check digit; the prefix
test catches misreads that happen to pass it (a transposed first pair, an all-nines line).
"""

from __future__ import annotations

import re

from stdnum.us import rtn

from cashdesk.errors import ValidationError

# ASCII digits only: str.isdigit() also accepts superscripts and other scripts' digits.
_NINE_DIGITS = re.compile(r"[0-9]{9}")


def _valid_prefix(first_two: int) -> bool:
    # 00-12 Federal Reserve banks, 21-32 thrift institutions, 61-72 electronic transactions,
    # 80 traveller's checks.
    return first_two <= 12 or 21 <= first_two <= 32 or 61 <= first_two <= 72 or first_two == 80


def validate_routing_number(text: str) -> str:
    """The routing number as 9 digits, or a ValidationError saying what is wrong.

    Surrounding and inner spaces are forgiven (a keyed "021 000 021"); anything else that is
    not a digit is not.
    """
    digits = "".join(text.split())
    if not _NINE_DIGITS.fullmatch(digits):
        raise ValidationError(f"Routing number must be 9 digits, not {text!r}.")
    if not rtn.is_valid(digits):
        raise ValidationError(f"Routing number {digits} fails its check digit.")
    if not _valid_prefix(int(digits[:2])):
        raise ValidationError(
            f"Routing number {digits} does not start like a US bank's "
            "(the first two digits must be 00-12, 21-32, 61-72 or 80)."
        )
    return digits
