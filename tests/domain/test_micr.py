"""E-13B MICR parsing (hardware.md, MICR section)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cashdesk.domain.micr import (
    AXIOHM,
    MAGTEK_0000,
    MAGTEK_0001,
    MAGTEK_0002,
    READER_MAPPINGS,
    UNIFIEDPOS,
    MicrError,
    MicrLine,
    ReaderMapping,
    normalise,
    parse_micr,
    read_micr,
)
from cashdesk.domain.money import Money
from cashdesk.errors import ValidationError

T, A, U, D = "\u2446", "\u2447", "\u2448", "\u2449"  # transit, amount, on-us, dash


def magtek(raw: str) -> MicrLine:
    return read_micr(raw, MAGTEK_0000)


# -- hardware.md's own examples, exactly as given -------------------------------------------


def test_example_personal_check() -> None:
    line = magtek("T021000021T 123456789U 1234")
    assert (line.routing, line.account, line.serial, line.amount) == (
        "021000021",
        "123456789",
        "1234",
        None,
    )
    assert line.auxiliary_on_us == ""


def test_example_business_check_serial_in_auxiliary_on_us() -> None:
    line = magtek("U001234U T111000025T 987654321U")
    assert (line.routing, line.account, line.serial, line.amount) == (
        "111000025",
        "987654321",
        "001234",  # leading zeros of a serial are kept
        None,
    )
    assert line.auxiliary_on_us == "001234"


def test_example_with_encoded_amount() -> None:
    line = magtek("T011000015T 555-666777U 7001 $0000012550$")
    assert line.routing == "011000015"
    assert line.account == "555666777"  # the dash symbol is not part of the account number
    assert line.serial == "7001"
    assert line.amount == Money(cents=125_50)
    assert line.on_us == f"555{D}666777{U}7001"


# -- every reader's spelling normalises to the same symbols ----------------------------------


@pytest.mark.parametrize(
    ("mapping", "raw"),
    [
        (MAGTEK_0000, "T011000015T 555-666777U 7001 $0000012550$"),
        (MAGTEK_0001, "t011000015t 555d666777o 7001 a0000012550a"),
        (MAGTEK_0002, "T011000015T 555D666777O 7001 A0000012550A"),
        (UNIFIEDPOS, "t011000015t 555-666777o 7001 a0000012550a"),
        (AXIOHM, ")011000015) 555'666777( 7001 &0000012550&"),
    ],
)
def test_reader_mappings(mapping: ReaderMapping, raw: str) -> None:
    expected = f"{T}011000015{T} 555{D}666777{U} 7001 {A}0000012550{A}"
    assert normalise(raw, mapping) == expected
    line = read_micr(raw, mapping)
    assert (line.routing, line.account, line.serial, line.amount) == (
        "011000015",
        "555666777",
        "7001",
        Money(cents=125_50),
    )


def test_reader_mappings_by_name() -> None:
    assert READER_MAPPINGS["magtek-0000"] is MAGTEK_0000
    assert set(READER_MAPPINGS) == {
        "magtek-0000",
        "magtek-0001",
        "magtek-0002",
        "unifiedpos",
        "axiohm",
        "toad",
    }


def test_normalise_strips_line_endings_and_keeps_unknown_characters() -> None:
    assert normalise("T021000021T 123456789U 1234\r\n", MAGTEK_0000) == (
        f"{T}021000021{T} 123456789{U} 1234"
    )
    # An uppercase T is not a symbol for MagTek 0001: it is left for the parser to refuse.
    assert normalise("T021000021t", MAGTEK_0001) == f"T021000021{T}"
    with pytest.raises(MicrError, match="characters a check cannot carry"):
        read_micr("T021000021t 123456789o 1234", MAGTEK_0001)


def test_normalise_passes_unicode_symbols_through() -> None:
    already = f"{T}021000021{T} 123456789{U} 1234"
    assert normalise(already, MAGTEK_0000) == already


@pytest.mark.parametrize(
    "symbols",
    [
        {"transit": "T", "on_us": "T", "amount": "$", "dash": "-"},  # two symbols alike
        {"transit": "TT", "on_us": "U", "amount": "$", "dash": "-"},  # not one character
        {"transit": "1", "on_us": "U", "amount": "$", "dash": "-"},  # a digit
        {"transit": " ", "on_us": "U", "amount": "$", "dash": "-"},  # a space
        {"transit": "?", "on_us": "U", "amount": "$", "dash": "-"},  # clashes with unreadable
    ],
)
def test_bad_reader_mapping_is_a_programming_error(symbols: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="reader mapping"):
        ReaderMapping(name="bad", **symbols)


# -- the serial number rules ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "account", "serial"),
    [
        # 1. auxiliary on-us wins, even over a number right of the on-us symbol
        ("U5001U T111000025T 987654321U 0123", "987654321", "5001"),
        ("U 00-1234 U T111000025T 987654321U", "987654321", "001234"),
        # 2. 2-6 digits right of the rightmost on-us symbol
        ("T021000021T 123456789U 101", "123456789", "101"),
        ("T021000021T 123456789U 45", "123456789", "45"),
        ("T021000021T 123456789U 000123", "123456789", "000123"),
        ("T021000021T U123456789U 1234", "123456789", "1234"),  # on-us symbol opens the field
        # ... and then a space inside the account field is a gap on the check, not a field
        ("T021000021T 1234 567890U 4321", "1234567890", "4321"),
        # the dash symbol is part of the account field, never a separator of a serial
        ("T021000021T 12345-67890123U", "1234567890123", None),
        ("T011000015T 555-666777U", "555666777", None),
        # spaces after (and before) symbols mean nothing
        ("T 021000021 T 123456789 U 1234", "123456789", "1234"),
        ("U 001234 U T 111000025 T 987654321 U", "987654321", "001234"),
        # no serial at all
        ("T021000021T 123456789U", "123456789", None),
    ],
)
def test_serial_rules(raw: str, account: str, serial: str | None) -> None:
    line = magtek(raw)
    assert (line.account, line.serial) == (account, serial)


def test_external_processing_code() -> None:
    assert magtek("5T021000021T 123456789U 1234").external_processing_code == "5"
    line = magtek("U001234U 6T111000025T 987654321U")
    assert (line.external_processing_code, line.serial) == ("6", "001234")
    assert magtek("T021000021T 123456789U 1234").external_processing_code == ""


def test_whitespace_is_forgiven() -> None:
    line = magtek("  T021000021T   123456789U \t 1234 \r\n")
    assert (line.routing, line.account, line.serial) == ("021000021", "123456789", "1234")


def test_amount_field() -> None:
    assert magtek("T021000021T 123456789U 1234 $0000000001$").amount == Money(cents=1)
    assert magtek("T021000021T 123456789U 1234 $9999999999$").amount == Money(cents=99_999_999_99)
    assert magtek("T021000021T 123456789U $0000012550$").serial is None


def test_masked_account() -> None:
    assert magtek("T021000021T 123456789U 1234").masked_account == "*****6789"
    assert magtek("T021000021T 1234U 101").masked_account == "1234"


# -- refusals: never a silently wrong account -------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "No MICR line was read."),
        ("  \r\n", "No MICR line was read."),
        ("T0210?0021T 123456789U 1234", "could not read every character"),
        ("T021000021T 1234?6789U 1234", "could not read every character"),
        ("T021000021T 123456789U 1234?", "could not read every character"),
        ("T021000021T 12345X789U 1234", "characters a check cannot carry"),
        ("T021000021T 123456789U 1234 #", "characters a check cannot carry"),
        # routing field
        ("021000021 123456789U 1234", "no complete routing field"),
        ("T021000021 123456789U 1234", "no complete routing field"),
        ("T021000021T T123456789U 1234", "no complete routing field"),
        ("T02100002T 123456789U 1234", "routing field of the MICR line is not 9 digits"),
        ("T0210000210T 123456789U 1234", "routing field of the MICR line is not 9 digits"),
        ("T021 000021T 123456789U 1234", "routing field of the MICR line is not 9 digits"),
        ("T021000022T 123456789U 1234", "Routing number 021000022 fails its check digit."),
        ("T123456789T 123456789U 1234", "Routing number 123456789 fails its check digit."),
        ("T130000006T 123456789U 1234", "Routing number 130000006 does not start like"),
        ("T990000000T 123456789U 1234", "Routing number 990000000 does not start like"),
        # amount field
        ("T011000015T 555666777U 7001 $00000125$", "not 10 digits at the right end"),
        ("T011000015T 555666777U 7001 $000001255000$", "not 10 digits at the right end"),
        ("T011000015T 555666777U 7001 $0000012550", "incomplete or misplaced"),
        ("T011000015T $0000012550$ 555666777U 7001", "not 10 digits at the right end"),
        ("$0000012550$ T011000015T 555666777U 7001", "incomplete or misplaced"),
        ("T011000015T 555666777U 7001 $0000012550$$", "incomplete or misplaced"),
        # left of the transit field
        ("001234 T111000025T 987654321U", "left of the routing number"),
        ("U001234 T111000025T 987654321U", "left of the routing number"),
        ("U001234U 56T111000025T 987654321U", "left of the routing number"),
        ("UU T111000025T 987654321U", "serial field of the MICR line is empty"),
        # on-us field
        ("T021000021T 123456789 1234", "no on-us symbol after the account number"),
        ("T021000021T", "no on-us symbol after the account number"),
        ("T021000021T U 1234", "account number is missing or ambiguous"),
        ("T021000021T 1234U567890U 101", "account number is missing or ambiguous"),
        ("T021000021T 123456789U 1", "(1 digits) is not a check number"),
        ("T021000021T 123456789U 0000123456", "(10 digits) is not a check number"),
        # several numbers in the account field and no serial after it: which is the account?
        ("T011000015T 001045 12345678U", "account field holds separate numbers"),
        ("T121000358T 123 456789U", "account field holds separate numbers"),
        ("T021000021T 1234 567890123U", "account field holds separate numbers"),
        ("T021000021T 12 34567890U", "account field holds separate numbers"),
        ("T021000021T 123456 7890U", "account field holds separate numbers"),
        ("T021000021T 123456789U 12 34", "right of the account number is not a serial"),
        ("T021000021T 123456789U 1234-5", "right of the account number is not a serial"),
        ("T021000021T 123U 1234", "account number has 3 digits"),
        ("T021000021T 123456789012345678U 1234", "account number has 18 digits"),
    ],
)
def test_refusals_ask_to_rescan(raw: str, reason: str) -> None:
    with pytest.raises(MicrError) as caught:
        magtek(raw)
    message = str(caught.value)
    assert reason in message
    assert message.endswith("Re-scan or key the check.")


def test_micr_error_is_a_validation_error() -> None:
    assert issubclass(MicrError, ValidationError)


# -- properties --------------------------------------------------------------------------------

MICR_ALPHABET = "0123456789 ?" + T + A + U + D
MAGTEK_ALPHABET = "0123456789 ?TU$-"


def _parses_or_refuses(text: str) -> None:
    try:
        line = parse_micr(text)
    except MicrError as err:
        assert str(err).endswith("Re-scan or key the check.")
    else:
        assert len(line.routing) == 9
        assert line.account.isascii() and line.account.isdigit()
        assert 4 <= len(line.account) <= 17


@given(st.text())
def test_arbitrary_text_never_crashes(text: str) -> None:
    _parses_or_refuses(text)


@given(st.text(alphabet=MICR_ALPHABET, max_size=70))
def test_arbitrary_symbol_soup_never_crashes(text: str) -> None:
    _parses_or_refuses(text)


@given(st.text(alphabet=MAGTEK_ALPHABET, max_size=70), st.sampled_from(list(READER_MAPPINGS)))
def test_arbitrary_reader_text_never_crashes(raw: str, reader: str) -> None:
    try:
        read_micr(raw, READER_MAPPINGS[reader])
    except MicrError as err:
        assert str(err).endswith("Re-scan or key the check.")


ROUTINGS = ["021000021", "111000025", "011000015", "121042882", "322271627", "026009593"]


@given(
    routing=st.sampled_from(ROUTINGS),
    account=st.from_regex(r"[1-9][0-9]{5,16}", fullmatch=True),
    serial=st.from_regex(r"[0-9]{2,6}", fullmatch=True),
    cents=st.none() | st.integers(min_value=0, max_value=9_999_999_999),
    business=st.booleans(),
)
def test_well_formed_lines_round_trip(
    routing: str, account: str, serial: str, cents: int | None, business: bool
) -> None:
    amount = "" if cents is None else f" {A}{cents:010d}{A}"
    if business:
        text = f"{U}{serial}{U} {T}{routing}{T} {account}{U}{amount}"
    else:
        text = f"{T}{routing}{T} {account}{U} {serial}{amount}"
    line = parse_micr(text)
    assert (line.routing, line.account, line.serial) == (routing, account, serial)
    assert line.amount == (None if cents is None else Money(cents=cents))
