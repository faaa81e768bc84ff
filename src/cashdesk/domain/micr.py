"""E-13B MICR lines: one parser for every check reader.

Each reader spells the four E-13B symbols its own way; :func:`normalise` turns a reader's
text into the Unicode symbols (transit ⑆ U+2446, amount ⑇ U+2447, on-us ⑈ U+2448, dash ⑉
U+2449) with that reader's :class:`ReaderMapping`, and :func:`parse_micr` reads the result.

Field layout, left to right (hardware.md counts the positions right to left):

    [⑈ auxiliary on-us ⑈] [EPC] ⑆ routing ⑆ [on-us: account ⑈ serial] [⑇ amount ⑇]

The serial (check) number is the number between the on-us symbols of the auxiliary on-us
field (business checks), else the 2-6 digit number right of the rightmost on-us symbol
(personal checks). Readers put spaces where the check has blank space, so spaces next to a
symbol mean nothing, and spaces inside the account field are dropped (the account is keyed
without them) -- but only when the serial number stands in one of those two places.

An account field holding several numbers and no serial elsewhere is refused: the readers'
"3-5 digits right of the transit symbol is the serial" guess turns ``⑆011000015⑆ 001045
12345678⑈`` into a made-up account and ``⑆121000358⑆ 123 456789⑈`` into check 123 of
account 456789, and either may be a check number or part of the account. Anything the
parser is not sure of is refused with a :class:`MicrError` asking the cashier to re-scan or
key the check: a wrong account number taken silently is worse than a second scan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cashdesk.domain.money import Money
from cashdesk.domain.routing import validate_routing_number
from cashdesk.errors import ValidationError

TRANSIT = "\u2446"  # ⑆
AMOUNT = "\u2447"  # ⑇
ON_US = "\u2448"  # ⑈ (its Unicode name says otherwise; this is the on-us symbol)
DASH = "\u2449"  # ⑉
UNREADABLE = "?"

_RETRY = "Re-scan or key the check."
# ACH's account number field is 17 characters; fewer than 4 digits is a partial read.
_ACCOUNT_DIGITS = range(4, 18)

_ALLOWED = re.compile(rf"[0-9 {TRANSIT}{AMOUNT}{ON_US}{DASH}]*")
_AUX_AND_EPC = re.compile(rf"(?:{ON_US}(?P<aux>[0-9 {DASH}]*){ON_US})? *(?P<epc>[0-9])?")
_ROUTING = re.compile(r"[0-9]{9}")
_AMOUNT_FIELD = re.compile(rf"(?P<on_us>.*){AMOUNT}(?P<digits>[0-9]{{10}}){AMOUNT} *")
_DIGITS = re.compile(r"[0-9]*")
_SEPARATORS = re.compile(rf"[ {DASH}]+")
_AROUND_SYMBOLS = re.compile(rf" *([{TRANSIT}{AMOUNT}{ON_US}]) *")
_SERIAL_DIGITS = range(2, 7)  # check numbers on personal checks: 2 to 6 digits


class MicrError(ValidationError):
    """A MICR line that cannot be trusted; the message ends by telling the cashier what to do."""


def _fail(reason: str) -> MicrError:
    return MicrError(f"{reason} {_RETRY}")


@dataclass(frozen=True, slots=True, kw_only=True)
class ReaderMapping:
    """How one reader sends the E-13B symbols (and the character it sends for a misread)."""

    name: str
    transit: str
    on_us: str
    amount: str
    dash: str
    unreadable: str = UNREADABLE

    def __post_init__(self) -> None:
        symbols = (self.transit, self.on_us, self.amount, self.dash, self.unreadable)
        if any(len(s) != 1 or s.isspace() or s in "0123456789" for s in symbols):
            raise ValueError(f"reader mapping {self.name}: each symbol must be one character")
        if len(set(symbols)) != len(symbols):
            raise ValueError(f"reader mapping {self.name}: symbols must differ")


MAGTEK_0000 = ReaderMapping(name="MagTek format 0000", transit="T", on_us="U", amount="$", dash="-")
MAGTEK_0001 = ReaderMapping(name="MagTek format 0001", transit="t", on_us="o", amount="a", dash="d")
MAGTEK_0002 = ReaderMapping(name="MagTek format 0002", transit="T", on_us="O", amount="A", dash="D")
UNIFIEDPOS = ReaderMapping(name="UnifiedPOS RawData", transit="t", on_us="o", amount="a", dash="-")
# Axiohm/CognitiveTPG: the device layer strips the leading status byte and the CR first.
AXIOHM = ReaderMapping(name="Axiohm/CognitiveTPG", transit=")", on_us="(", amount="&", dash="'")
# The "TOAD" spelling image-exchange software stores (X9.100-187 style): "!" for a misread.
TOAD = ReaderMapping(name="TOAD", transit="T", on_us="O", amount="A", dash="D", unreadable="!")

READER_MAPPINGS: dict[str, ReaderMapping] = {
    "magtek-0000": MAGTEK_0000,
    "magtek-0001": MAGTEK_0001,
    "magtek-0002": MAGTEK_0002,
    "unifiedpos": UNIFIEDPOS,
    "axiohm": AXIOHM,
    "toad": TOAD,
}


def normalise(raw: str, mapping: ReaderMapping) -> str:
    """A reader's MICR text with its symbols replaced by the Unicode E-13B symbols.

    Line endings and padding around the line go; characters the mapping does not know are
    left for :func:`parse_micr` to refuse, so nothing unexpected is quietly dropped.
    """
    table = str.maketrans(
        {
            mapping.transit: TRANSIT,
            mapping.on_us: ON_US,
            mapping.amount: AMOUNT,
            mapping.dash: DASH,
            mapping.unreadable: UNREADABLE,
        }
    )
    return raw.strip().strip("\x00").strip().translate(table)


@dataclass(frozen=True, slots=True, kw_only=True)
class MicrLine:
    """The fields of one check's MICR line."""

    routing: str
    account: str  # digits only: spaces and dash symbols are not part of the account number
    serial: str | None  # None when the check carries no serial number
    amount: Money | None  # present once a bank has encoded the amount
    auxiliary_on_us: str  # digits between the auxiliary on-us symbols, "" when absent
    external_processing_code: str  # position 44, "" when absent
    on_us: str  # the on-us field as read, symbols included (for the audit trail)

    @property
    def masked_account(self) -> str:
        """The account as a receipt may show it: only the last four digits."""
        return "*" * (len(self.account) - 4) + self.account[-4:]


def read_micr(raw: str, mapping: ReaderMapping) -> MicrLine:
    """Normalise one reader's text and parse it."""
    return parse_micr(normalise(raw, mapping))


def parse_micr(line: str) -> MicrLine:
    """Parse a MICR line already normalised to the Unicode E-13B symbols."""
    text = _AROUND_SYMBOLS.sub(r"\1", " ".join(line.split()))
    if not text:
        raise _fail("No MICR line was read.")
    if UNREADABLE in text:
        raise _fail("The reader could not read every character of the MICR line.")
    if not _ALLOWED.fullmatch(text):
        raise _fail("The MICR line holds characters a check cannot carry.")

    # -- transit field: exactly one, ⑆ + 9 digits + ⑆ -----------------------------------
    if text.count(TRANSIT) != 2:
        raise _fail("The MICR line has no complete routing field.")
    left, routing, right = text.split(TRANSIT)
    if not _ROUTING.fullmatch(routing):
        raise _fail("The routing field of the MICR line is not 9 digits.")
    try:
        routing = validate_routing_number(routing)
    except ValidationError as err:
        raise _fail(str(err)) from None

    # -- amount field: optional, rightmost, ⑇ + 10 digits + ⑇ --------------------------
    amount: Money | None = None
    amounts = right.count(AMOUNT)
    if text.count(AMOUNT) != amounts or amounts not in (0, 2):
        raise _fail("The amount field of the MICR line is incomplete or misplaced.")
    on_us_text = right
    if amounts:
        match = _AMOUNT_FIELD.fullmatch(right)
        if match is None:
            raise _fail("The amount field of the MICR line is not 10 digits at the right end.")
        on_us_text = match["on_us"]
        amount = Money(cents=int(match["digits"]))

    # -- auxiliary on-us and external processing code, left of the transit field -------------
    left_match = _AUX_AND_EPC.fullmatch(left.strip())
    if left_match is None:
        raise _fail("The MICR line left of the routing number is not a check serial number.")
    auxiliary = ""
    if left_match["aux"] is not None:
        auxiliary = _SEPARATORS.sub("", left_match["aux"])
        if not auxiliary:
            raise _fail("The serial field of the MICR line is empty.")
    epc = left_match["epc"] or ""

    account, serial = _read_on_us(on_us_text.strip(), aux_serial=auxiliary or None)
    return MicrLine(
        routing=routing,
        account=account,
        serial=serial,
        amount=amount,
        auxiliary_on_us=auxiliary,
        external_processing_code=epc,
        on_us=on_us_text.strip(),
    )


def _read_on_us(on_us: str, *, aux_serial: str | None) -> tuple[str, str | None]:
    """The account and serial number from the on-us field (``aux_serial`` wins if given)."""
    if ON_US not in on_us:
        raise _fail("The MICR line has no on-us symbol after the account number.")
    head, _, tail = on_us.rpartition(ON_US)
    tail = tail.strip()
    if not _DIGITS.fullmatch(tail):
        raise _fail("The MICR line right of the account number is not a serial number.")

    # An on-us symbol may also open the field ("⑈123456789⑈ 1234"); more than one number
    # between on-us symbols leaves the account ambiguous.
    segments = [s.strip(f" {DASH}") for s in head.split(ON_US)]
    numbers = [s for s in segments if s]
    if len(numbers) != 1:
        raise _fail("The MICR line's account number is missing or ambiguous.")
    groups = _SEPARATORS.split(numbers[0])
    spaced = len(numbers[0].split(" ")) > 1

    serial = aux_serial
    if serial is None and tail:
        # With an auxiliary on-us serial, digits here are a transaction code, not a serial.
        if len(tail) not in _SERIAL_DIGITS:
            raise _fail(
                f"The number right of the account ({len(tail)} digits) is not a check number."
            )
        serial = tail
    if serial is None and spaced:
        raise _fail(
            "The MICR line's account field holds separate numbers and no check number "
            "stands after it: which is the account is not certain."
        )

    account = "".join(groups)
    if len(account) not in _ACCOUNT_DIGITS:
        raise _fail(f"The MICR line's account number has {len(account)} digits.")
    return account, serial
