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
from typing import Any

from stdnum import luhn

from cashdesk.domain.receipt import FinalReceipt
from cashdesk.domain.roles import Operator, Permission
from cashdesk.domain.tender import mask_account
from cashdesk.errors import ValidationError

PAN_LENGTHS = range(13, 20)
# A run of digits not preceded or followed by another digit. Runs longer than 19 digits are
# searched too (a PAN may sit inside a longer number), window by window.
_DIGIT_RUN = re.compile(rb"(?<![0-9])[0-9]{13,}(?![0-9])")
_DIGIT_RUN_TEXT = re.compile(r"(?<![0-9])[0-9]{13,}(?![0-9])", re.ASCII)


def _candidates(run: str, *, windows: bool = True) -> Iterator[str]:
    if len(run) <= max(PAN_LENGTHS):
        if luhn.is_valid(run):
            yield run
        return
    if not windows:
        return
    for size in PAN_LENGTHS:
        for start in range(len(run) - size + 1):
            piece = run[start : start + size]
            if luhn.is_valid(piece):
                yield piece


_HEX = frozenset(b"0123456789abcdefABCDEF")
HEX_DIGEST_MIN = 32  # a run of hex this long is a hash or key, not a number someone typed


def _inside_hex_digest(data: str | bytes, start: int, end: int) -> bool:
    """True when the digit run at start..end is part of a long hexadecimal token (a SHA-256
    in the audit chain, say), whose digits are no card number."""

    def is_hex(i: int) -> bool:
        ch = data[i]
        return (ch if isinstance(ch, int) else ord(ch)) in _HEX

    left, right = start, end
    while left > 0 and is_hex(left - 1):
        left -= 1
    while right < len(data) and is_hex(right):
        right += 1
    return right - left >= HEX_DIGEST_MIN


def find_pans(data: str | bytes, *, within_longer_runs: bool = True) -> list[str]:
    """Every 13–19 digit Luhn-valid number in ``data`` (text or raw file bytes).

    Digit runs inside long hex tokens (hashes) are skipped. A run longer than 19 digits is
    searched window by window unless ``within_longer_runs`` is False: raw SQLite pages put
    adjacent text columns (a routing, account and check number) side by side, and their
    windows would be false alarms there; the stored values are scanned one by one instead.
    """
    found: list[str] = []
    if isinstance(data, bytes):
        for m in _DIGIT_RUN.finditer(data):
            if not _inside_hex_digest(data, m.start(), m.end()):
                run = m.group().decode("ascii")
                found.extend(_candidates(run, windows=within_longer_runs))
    else:
        for t in _DIGIT_RUN_TEXT.finditer(data):
            if not _inside_hex_digest(data, t.start(), t.end()):
                found.extend(_candidates(t.group(), windows=within_longer_runs))
    return found


def redact_pans(text: str) -> str:
    """``text`` with every PAN-like run replaced by its last four digits behind asterisks."""

    def replace(match: re.Match[str]) -> str:
        run = match.group()
        if any(True for _ in _candidates(run)):
            return "*" * (len(run) - 4) + run[-4:]
        return run

    return _DIGIT_RUN_TEXT.sub(replace, text)


def redact_pans_in(value: Any) -> Any:
    """``redact_pans`` applied to every string inside plain JSON data."""
    if isinstance(value, str):
        return redact_pans(value) if len(value) >= min(PAN_LENGTHS) else value
    if isinstance(value, list):
        return [redact_pans_in(v) for v in value]
    if isinstance(value, dict):
        return {k: redact_pans_in(v) for k, v in value.items()}
    return value


_UUID = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", re.ASCII
)
# A card number as people type it: whole, or as printed on the card, a group of four and
# then groups of three to six, with one kind of separator (4-4-4-4, 4-6-5, 4-4-4-4-3). Other
# digit groups side by side (a date, a receipt number, a phone number) are not joined.
_TYPED_NUMBER = re.compile(
    r"(?<![0-9])(?:[0-9]{13,}|[0-9]{4}(?P<sep>[ -])[0-9]{3,6}(?:(?P=sep)[0-9]{3,6})+)(?![0-9])",
    re.ASCII,
)


def typed_card_number(text: str) -> str | None:
    """The card number typed somewhere in ``text`` (13 to 19 digits passing the Luhn check,
    written whole or in groups with spaces or dashes), or None. A longer run of digits is a
    different kind of number (a MICR line, an account and a check number side by side) and is
    not searched window by window, which would find false card numbers in it."""
    if len(text) < min(PAN_LENGTHS):
        return None
    text = _UUID.sub(" ", text)  # a UUID's digit groups (…-5678-9012-3456-7890…) are no card
    for match in _TYPED_NUMBER.finditer(text):
        if _inside_hex_digest(text, match.start(), match.end()):
            continue
        digits = match.group().replace(" ", "").replace("-", "")
        if len(digits) in PAN_LENGTHS and luhn.is_valid(digits):
            return digits
    return None


def refuse_card_number(field: str, text: str) -> None:
    """ValidationError (for the cashier) when ``text``, typed into ``field``, holds a card
    number. The one guard every free-text value passes before it is written (the store's
    before-flush listener, store/card_guard.py)."""
    if typed_card_number(text) is not None:
        raise ValidationError(
            f"The {field} looks like a card number. Never type a card number into cashdesk "
            "(only a card's last four digits, in the card tender); nothing was saved."
        )


def refuse_card_numbers(final: FinalReceipt) -> None:
    """Refuse a receipt whose free text (payer, line descriptions and references) holds
    something that looks like a card number: it would be stored, printed and sent on."""
    texts = [("payer", final.payer)]
    for line in final.lines:
        texts += [("description", line.description), ("reference", line.reference)]
    for name, text in texts:
        if find_pans(text):
            raise ValidationError(
                f"The {name} looks like a card number; never type a card number into cashdesk "
                "(only a card's last four digits, in the card tender)."
            )


def shown_account(operator: Operator, account: str) -> str:
    """A check account number as a screen may show it to ``operator``."""
    if operator.may(Permission.SEE_CHECK_ACCOUNTS):
        return account
    return mask_account(account)
