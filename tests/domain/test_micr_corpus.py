"""MICR lines in the layouts real checks carry, spelled the way each reader documents its
output, with the fields a teller would key from the check. Written from: MagTek's MICR reader
manuals (formats 0000 "T U $ -", 0001 "t o a d", 0002 "T O A D"), the Axiohm A758 programming
guide (")" transit, "(" on-us, "&" amount, "'" dash, "?" misread; its serial-number search
and example layouts), the "TOAD" spelling of image-exchange software ("!" for a misread),
UnifiedPOS RawData ("t o a -"), and the ANSI X9.13 / X9.100-160 field positions (auxiliary
on-us, external processing code, transit, on-us, amount). Routing numbers are public ones;
account and check numbers are made up.
"""

from __future__ import annotations

import pytest

from cashdesk.domain.micr import READER_MAPPINGS, MicrError, read_micr
from cashdesk.domain.money import Money

# (reader, raw line, routing, account, check number, amount in cents or None)
ACCEPTED = [
    # personal checks: account, on-us symbol, then the check number
    ("magtek-0000", "T021000021T 123456789U 1234", "021000021", "123456789", "1234", None),
    ("magtek-0001", "t011000015t 12345678o 45", "011000015", "12345678", "45", None),
    ("magtek-0001", "t011000015t 12345678o 101", "011000015", "12345678", "101", None),
    (
        "magtek-0002",
        "T121042882T 000123456789O 002871",
        "121042882",
        "000123456789",
        "002871",
        None,
    ),
    ("unifiedpos", "t322271627t 4400-12345o 1187", "322271627", "440012345", "1187", None),
    ("axiohm", ")026009593) 898033334( 0127", "026009593", "898033334", "0127", None),
    ("toad", "T111000025T 5544332211O 30211", "111000025", "5544332211", "30211", None),
    # ... with the amount a bank encoded (10 digits, cents last)
    (
        "magtek-0000",
        "T011000015T 555-666777U 7001 $0000012550$",
        "011000015",
        "555666777",
        "7001",
        12550,
    ),
    ("axiohm", ")021000021) 123456789( 1234 &0000004000&", "021000021", "123456789", "1234", 4000),
    ("toad", "T021000021T 123456789O 1234 A0001250000A", "021000021", "123456789", "1234", 1250000),
    # ... readers that leave a space after (or before) a symbol
    ("magtek-0001", "t 011000015 t 12345678 o 1001", "011000015", "12345678", "1001", None),
    ("magtek-0001", "t 011000015t12345678o1001", "011000015", "12345678", "1001", None),
    # ... a gap printed inside the account field, the check number after it (keyed without it)
    ("magtek-0000", "T021000021T 1234 567890U 4321", "021000021", "1234567890", "4321", None),
    # ... an on-us symbol opening the on-us field
    ("magtek-0002", "T021000021T O123456789O 1234", "021000021", "123456789", "1234", None),
    # business checks: the serial in the auxiliary on-us field, left of the transit
    ("magtek-0000", "U001234U T111000025T 987654321U", "111000025", "987654321", "001234", None),
    (
        "magtek-0001",
        "o0004518o t121000358t 1234567890o",
        "121000358",
        "1234567890",
        "0004518",
        None,
    ),
    ("axiohm", "(00105023( )026009593) 8980333345(", "026009593", "8980333345", "00105023", None),
    ("toad", "O 000987 O T021000021T 30D0011224O", "021000021", "300011224", "000987", None),
    # ... with an external processing code (position 44) and a transaction code after the account
    ("magtek-0000", "U001234U 6T111000025T 987654321U", "111000025", "987654321", "001234", None),
    ("magtek-0001", "o001234o t111000025t 987654321o 01", "111000025", "987654321", "001234", None),
    (
        "magtek-0002",
        "O00098712O T011000015T 10023344O A0000150000A",
        "011000015",
        "10023344",
        "00098712",
        150000,
    ),
    # no check number at all (a counter check)
    ("magtek-0000", "T021000021T 123456789U", "021000021", "123456789", None, None),
]

# Lines a reader may send that cannot be read one way only, or were misread: refused.
REFUSED = [
    # issue 21: a check number left of the account and no on-us symbol between them
    ("magtek-0001", "t011000015t 001045 12345678o", "separate numbers"),
    ("magtek-0001", "t121000358t 123 456789o", "separate numbers"),
    # the readers' "3-5 digits right of the transit" guess, in every spelling
    ("magtek-0000", "T021000021T 1234 567890123U", "separate numbers"),
    ("axiohm", ")021000021) 12345 6789012(", "separate numbers"),
    # two numbers between on-us symbols
    ("magtek-0000", "T021000021T 1234U567890U 101", "missing or ambiguous"),
    # misreads, in each reader's own misread character
    ("magtek-0000", "T021000021T 1234?6789U 1234", "could not read every character"),
    ("toad", "T021000021T 123456789O 12!4", "could not read every character"),
    ("axiohm", ")021000021) 1234567?9( 1234", "could not read every character"),
    # a one-digit or seven-digit "check number"
    ("magtek-0001", "t011000015t 12345678o 4", "is not a check number"),
    ("magtek-0001", "t011000015t 12345678o 4500123", "is not a check number"),
    # a routing number that fails its check digit, a short amount, no on-us symbol
    ("magtek-0000", "T021000022T 123456789U 1234", "fails its check digit"),
    ("magtek-0000", "T021000021T 123456789U 1234 $12550$", "not 10 digits"),
    ("unifiedpos", "t021000021t 123456789 1234", "no on-us symbol"),
]


@pytest.mark.parametrize(("reader", "raw", "routing", "account", "serial", "cents"), ACCEPTED)
def test_real_layouts_read_as_a_teller_would_key_them(
    reader: str, raw: str, routing: str, account: str, serial: str | None, cents: int | None
) -> None:
    line = read_micr(raw, READER_MAPPINGS[reader])
    assert (line.routing, line.account, line.serial) == (routing, account, serial)
    assert line.amount == (None if cents is None else Money(cents=cents))


@pytest.mark.parametrize(("reader", "raw", "reason"), REFUSED)
def test_lines_that_cannot_be_read_one_way_are_refused(reader: str, raw: str, reason: str) -> None:
    with pytest.raises(MicrError, match=reason):
        read_micr(raw, READER_MAPPINGS[reader])
