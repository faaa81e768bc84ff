"""The returned-check list and the returned-check (NSF) fee.

RULES.md section 7 refuses a check whose routing and account number are on the list of checks
that came back unpaid; section 6 prices the fee the city charges for each returned check.

Matching is on the routing number and the account number, never on the payer's name (names
repeat across different accounts on the list). Both numbers are compared after removing spaces
and dashes, because the same account is keyed "555-666777" from a check and "555666777" from a
bank letter. Leading zeros of the account number are NOT significant: MICR on-us fields and
bank systems pad account numbers with zeros to a field width, so "0061640088680" and
"61640088680" are treated as the same account. The cost of that choice is at most a refused
check that a cashier resolves with another tender; the other choice would take a check from an
account known to bounce. Routing numbers are always exactly nine digits, so their leading
zeros are kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from cashdesk.domain.lines import ChargeLine
from cashdesk.domain.money import Money
from cashdesk.domain.routing import validate_routing_number
from cashdesk.errors import ValidationError

REVENUE_CODE = "NSF"
GL_RETURNED_CHECK_FEE = "101-150-36910"
FIRST_RETURNED_CHECK_FEE = Money(cents=25_00)
LATER_RETURNED_CHECK_FEE = Money(cents=35_00)  # California Civil Code 1719

# The number a returned check gets when it is processed (NSF-W01-0001): a fee line that
# names one collects that returned check's open fee.
FEE_REFERENCE_PREFIX = "NSF-"


def collects_fee_of(line: ChargeLine) -> str | None:
    """The returned check whose open fee ``line`` collects, if it is such a line."""
    if line.code == REVENUE_CODE and line.reference.startswith(FEE_REFERENCE_PREFIX):
        return line.reference
    return None


# Spaces, ASCII and typographic dashes, and the E-13B dash symbol.
_SEPARATORS = re.compile("[\\s\\-\u2010-\u2015\u2212\u2449]+")
_DIGITS = re.compile(r"[0-9]+")


def normalise_routing(text: str) -> str:
    """Routing number digits with spaces and dashes removed (leading zeros kept)."""
    digits = _SEPARATORS.sub("", text)
    if not _DIGITS.fullmatch(digits) or len(digits) != 9:
        raise ValidationError(f"Routing number must be 9 digits, not {text!r}.")
    return digits


def normalise_account(text: str) -> str:
    """Account number digits with spaces, dashes and leading zeros removed."""
    digits = _SEPARATORS.sub("", text)
    if not _DIGITS.fullmatch(digits):
        raise ValidationError(f"Check account number must be digits, not {text!r}.")
    return digits.lstrip("0") or "0"


def _last_four(account: str) -> str:
    return account[-4:]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReturnedCheck:
    """One entry of the returned-check list, numbers as the list gives them."""

    routing: str
    account: str
    payer: str


class ReturnedCheckList:
    """The checks refused at the counter, looked up by routing and account number."""

    def __init__(self, rows: Iterable[tuple[str, str, str]]) -> None:
        """Build from (routing, account, payer) rows; a malformed row is refused by number."""
        self._entries: dict[tuple[str, str], list[ReturnedCheck]] = {}
        count = 0
        for row_no, (routing, account, payer) in enumerate(rows, start=1):
            try:
                key = (normalise_routing(routing), normalise_account(account))
            except ValidationError as err:
                raise ValidationError(f"Returned-check list row {row_no}: {err}") from None
            entry = ReturnedCheck(routing=routing, account=account, payer=payer)
            self._entries.setdefault(key, []).append(entry)
            count += 1
        self._count = count

    def __len__(self) -> int:
        return self._count

    def entries_for(self, routing: str, account: str) -> tuple[ReturnedCheck, ...]:
        """The list's entries for this routing and account number (empty when none)."""
        key = (normalise_routing(routing), normalise_account(account))
        return tuple(self._entries.get(key, ()))

    def is_refused(self, routing: str, account: str) -> bool:
        """Whether a check on this routing and account number is on the list."""
        return bool(self.entries_for(routing, account))

    def ensure_check_accepted(self, routing: str, account: str) -> str:
        """Everything section 7 checks about a check's numbers; returns the routing number.

        Refuses a routing number that fails its check digit or prefix, and an account on the
        list. The message shows only the account's last four digits (it may be read aloud).
        """
        routing_digits = validate_routing_number(routing)
        if self.is_refused(routing_digits, account):
            account_digits = normalise_account(account)
            raise ValidationError(
                f"This check cannot be accepted: account ending {_last_four(account_digits)} "
                f"at routing {routing_digits} is on the returned-check list. "
                "Ask for another form of payment."
            )
        return routing_digits


def returned_check_fee_amount(*, earlier_returned_checks: int) -> Money:
    """$25.00 for a payer's first returned check, $35.00 for each later one."""
    if isinstance(earlier_returned_checks, bool) or not isinstance(earlier_returned_checks, int):
        raise TypeError("earlier_returned_checks must be an int")
    if earlier_returned_checks < 0:
        raise ValidationError("The number of earlier returned checks cannot be negative.")
    if earlier_returned_checks == 0:
        return FIRST_RETURNED_CHECK_FEE
    return LATER_RETURNED_CHECK_FEE


def returned_check_fee(*, earlier_returned_checks: int, reference: str = "") -> ChargeLine:
    """The NSF charge line for a returned check.

    ``earlier_returned_checks`` counts the same payer's returned checks before this one; it
    comes from the city's fee history, not from the returned-check list, which is a refusal
    list and may hold the returned check being charged for.
    """
    amount = returned_check_fee_amount(earlier_returned_checks=earlier_returned_checks)
    which = "first" if earlier_returned_checks == 0 else "subsequent"
    return ChargeLine(
        code=REVENUE_CODE,
        description=f"Returned check fee ({which})",
        amount=amount,
        gl_account=GL_RETURNED_CHECK_FEE,
        reference=reference,
    )
