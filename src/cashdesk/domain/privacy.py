"""What personal and payment data may be shown, and a detector for card numbers (PANs).

- A card number never enters cashdesk beyond its last four digits (tender.card refuses more);
  ``find_pans`` is the safety net that scans text (logs, the database file, exports) for
  anything that looks like one: 13 to 19 consecutive digits that pass the Luhn check.
- A check account number is shown whole only to a lead cashier, who works returned checks;
  everyone else (and every printed receipt) sees the last four.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from stdnum import luhn

from cashdesk.domain.roles import Operator, Permission
from cashdesk.domain.tender import mask_account

PAN_LENGTHS = range(13, 20)
# A run of digits not preceded or followed by another digit. Runs longer than 19 digits are
# searched too (a PAN may sit inside a longer number), window by window.
_DIGIT_RUN = re.compile(rb"(?<![0-9])[0-9]{13,}(?![0-9])")
_DIGIT_RUN_TEXT = re.compile(r"(?<![0-9])[0-9]{13,}(?![0-9])", re.ASCII)


def _candidates(run: str) -> Iterator[str]:
    if len(run) <= max(PAN_LENGTHS):
        if luhn.is_valid(run):
            yield run
        return
    for size in PAN_LENGTHS:
        for start in range(len(run) - size + 1):
            piece = run[start : start + size]
            if luhn.is_valid(piece):
                yield piece


def find_pans(data: str | bytes) -> list[str]:
    """Every 13–19 digit Luhn-valid number in ``data`` (text or raw file bytes).

    Only standalone digit runs are considered; a longer run yields each Luhn-valid window,
    which errs on the side of reporting."""
    if isinstance(data, bytes):
        runs = [m.group().decode("ascii") for m in _DIGIT_RUN.finditer(data)]
    else:
        runs = [m.group() for m in _DIGIT_RUN_TEXT.finditer(data)]
    found: list[str] = []
    for run in runs:
        found.extend(_candidates(run))
    return found


def redact_pans(text: str) -> str:
    """``text`` with every PAN-like run replaced by its last four digits behind asterisks."""

    def replace(match: re.Match[str]) -> str:
        run = match.group()
        if any(True for _ in _candidates(run)):
            return "*" * (len(run) - 4) + run[-4:]
        return run

    return _DIGIT_RUN_TEXT.sub(replace, text)


def shown_account(operator: Operator, account: str) -> str:
    """A check account number as a screen may show it to ``operator``."""
    if operator.may(Permission.SEE_CHECK_ACCOUNTS):
        return account
    return mask_account(account)
