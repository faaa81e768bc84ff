"""ABA routing numbers: 9 digits, check digit, Federal Reserve prefix.

Check digit by hand: 3*(d1+d4+d7) + 7*(d2+d5+d8) + (d3+d6+d9) must end in 0.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cashdesk.domain.routing import validate_routing_number
from cashdesk.errors import ValidationError


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("021000021", "021000021"),  # 3*(0+0+0) + 7*(2+0+2) + (1+0+1) = 28+2 = 30
        ("111000025", "111000025"),  # 3*(1+0+0) + 7*(1+0+2) + (1+0+5) = 3+21+6 = 30
        ("011000015", "011000015"),
        ("121042882", "121042882"),
        ("122000247", "122000247"),
        ("322271627", "322271627"),
        ("026009593", "026009593"),
        ("121000358", "121000358"),
        (" 021000021\n", "021000021"),  # padding from a keyed field
        ("021 000 021", "021000021"),  # spaces inside are forgiven
        # prefix edges that are valid: 00, 12, 21, 32, 61, 72, 80
        ("000000000", "000000000"),  # all zero sums to 0; prefix 00 is in 00-12
        ("120000003", "120000003"),  # 3*1 + 7*2 = 17, + 3 = 20
        ("210000007", "210000007"),  # 3*2 + 7*1 = 13, + 7 = 20
        ("320000007", "320000007"),  # 3*3 + 7*2 = 23, + 7 = 30
        ("610000005", "610000005"),  # 3*6 + 7*1 = 25, + 5 = 30
        ("720000005", "720000005"),  # 3*7 + 7*2 = 35, + 5 = 40
        ("800000006", "800000006"),  # 3*8 = 24, + 6 = 30
    ],
)
def test_valid_routing_numbers(text: str, digits: str) -> None:
    assert validate_routing_number(text) == digits


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "12345678",
        "1234567890",
        "02100002A",
        "021-000-021",
        "０２１００００２１",
        "²21000021",
    ],
)
def test_must_be_nine_ascii_digits(text: str) -> None:
    with pytest.raises(ValidationError, match=r"^Routing number must be 9 digits"):
        validate_routing_number(text)


@pytest.mark.parametrize("text", ["123456789", "021000022", "111000024", "011000016"])
def test_check_digit(text: str) -> None:
    with pytest.raises(ValidationError, match=rf"^Routing number {text} fails its check digit\.$"):
        validate_routing_number(text)


@pytest.mark.parametrize(
    "text",
    [
        # every one passes its check digit (worked out) but starts with an unused prefix
        "130000006",  # 3*1 + 7*3 = 24, + 6 = 30
        "200000004",  # 3*2 = 6, + 4 = 10
        "330000000",  # 3*3 + 7*3 = 30
        "600000002",  # 3*6 = 18, + 2 = 20
        "730000008",  # 3*7 + 7*3 = 42, + 8 = 50
        "790000006",  # 3*7 + 7*9 = 84, + 6 = 90
        "810000009",  # 3*8 + 7*1 = 31, + 9 = 40
        "990000000",  # 3*9 + 7*9 = 90
    ],
)
def test_prefix(text: str) -> None:
    with pytest.raises(ValidationError, match=f"^Routing number {text} does not start like"):
        validate_routing_number(text)


@given(st.text(max_size=20))
def test_any_text_is_digits_or_a_clear_refusal(text: str) -> None:
    try:
        result = validate_routing_number(text)
    except ValidationError as err:
        assert str(err).startswith("Routing number")
    else:
        assert re.fullmatch(r"[0-9]{9}", result)


@given(st.from_regex(r"[0-9]{8}", fullmatch=True))
def test_exactly_one_check_digit_fits_every_eight_digits(first_eight: str) -> None:
    passing = []
    for last in "0123456789":
        try:
            validate_routing_number(first_eight + last)
        except ValidationError as err:
            if "check digit" not in str(err):
                passing.append(last)  # failed only on its prefix: the check digit was right
        else:
            passing.append(last)
    assert len(passing) == 1
