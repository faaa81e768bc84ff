"""The returned-check list (RULES.md section 7) and the NSF fee (section 6)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cashdesk.domain.micr import MAGTEK_0000, read_micr
from cashdesk.domain.money import Money
from cashdesk.domain.returned_checks import (
    ReturnedCheck,
    ReturnedCheckList,
    normalise_account,
    normalise_routing,
    returned_check_fee,
    returned_check_fee_amount,
)
from cashdesk.errors import ValidationError

# Rows of /work/shared/city/returned_checks.csv (routing, account, payer).
ROWS = [
    ("121042882", "65876275824", "Hana Kim"),
    ("111000025", "61640088680", "Kenji Ramírez"),
    ("322271627", "4382099762", "David Brown"),  # a 10-digit account
    ("021000021", "79932886293", "Zoë Núñez"),  # a routing number with a leading zero
    # the same name on two accounts: the list is matched on numbers, never on names
    ("111000025", "45710643355", "Luis Wilson"),
    ("111000025", "39391796682", "Luis Wilson"),
]
LIST = ReturnedCheckList(ROWS)


@pytest.mark.parametrize(
    ("routing", "account", "refused"),
    [
        ("111000025", "61640088680", True),
        ("121042882", "65876275824", True),
        ("322271627", "4382099762", True),
        ("021000021", "79932886293", True),
        ("111000025", "39391796682", True),
        # spaces and dashes, as keyed or read from the on-us field
        ("111-000-025", "6164-0088-680", True),
        (" 111 000 025 ", " 61640088680 ", True),
        ("111000025", "616\u201340088680", True),  # en dash from pasted text
        ("111000025", "616\u244940088680", True),  # E-13B dash symbol
        # leading zeros of an account are padding, not part of the number
        ("111000025", "0061640088680", True),
        ("322271627", "000004382099762", True),
        # near misses are not refused
        ("111000025", "61640088681", False),  # one digit off
        ("111000025", "616400886800", False),  # a trailing zero is significant
        ("021000021", "61640088680", False),  # the account at another bank
        ("111000025", "65876275824", False),  # Hana Kim's account at Kenji's bank
        ("011000015", "12345678", False),
    ],
)
def test_is_refused(routing: str, account: str, refused: bool) -> None:
    assert LIST.is_refused(routing, account) is refused


def test_routing_leading_zeros_are_significant() -> None:
    with pytest.raises(ValidationError, match="Routing number must be 9 digits"):
        LIST.is_refused("21000021", "79932886293")


@pytest.mark.parametrize(
    ("text", "digits"),
    [("0061640088680", "61640088680"), ("6164 0088-680", "61640088680"), ("0000", "0")],
)
def test_normalise_account(text: str, digits: str) -> None:
    assert normalise_account(text) == digits


@pytest.mark.parametrize("text", ["", "  ", "ABC123", "12.34", "１２３４"])
def test_account_must_be_digits(text: str) -> None:
    with pytest.raises(ValidationError, match="Check account number must be digits"):
        normalise_account(text)


def test_normalise_routing_keeps_leading_zeros() -> None:
    assert normalise_routing("021-000-021") == "021000021"


def test_entries_name_the_payer() -> None:
    assert LIST.entries_for("111000025", "061640088680") == (
        ReturnedCheck(routing="111000025", account="61640088680", payer="Kenji Ramírez"),
    )
    assert LIST.entries_for("111000025", "1234") == ()
    assert len(LIST) == 6


def test_a_malformed_row_is_refused_by_number() -> None:
    with pytest.raises(ValidationError, match="Returned-check list row 2: Routing number must be"):
        ReturnedCheckList([ROWS[0], ("12345", "678", "Someone")])


def test_empty_list_refuses_nothing() -> None:
    assert not ReturnedCheckList([]).is_refused("111000025", "61640088680")


def test_a_scanned_check_is_looked_up_by_its_micr_numbers() -> None:
    line = read_micr("T111000025T 616-40088680U 1234", MAGTEK_0000)
    assert LIST.is_refused(line.routing, line.account)


def test_ensure_check_accepted() -> None:
    assert LIST.ensure_check_accepted("011000015", "12345678") == "011000015"
    with pytest.raises(ValidationError) as caught:
        LIST.ensure_check_accepted("111000025", "0061640088680")
    message = str(caught.value)
    assert "account ending 8680 at routing 111000025 is on the returned-check list" in message
    assert "61640088680" not in message  # only the last four digits are shown
    assert "Kenji" not in message
    with pytest.raises(ValidationError, match="Routing number 111000024 fails its check digit"):
        LIST.ensure_check_accepted("111000024", "12345678")


@given(
    row=st.sampled_from(ROWS),
    zeros=st.integers(min_value=0, max_value=4),
    cuts=st.lists(
        st.tuples(st.integers(min_value=0, max_value=11), st.sampled_from(" -")), max_size=4
    ),
)
def test_separators_and_padding_never_hide_a_listed_account(
    row: tuple[str, str, str], zeros: int, cuts: list[tuple[int, str]]
) -> None:
    routing, account, _ = row
    keyed = "0" * zeros + account
    for position, separator in sorted(cuts, reverse=True):
        keyed = keyed[:position] + separator + keyed[position:]
    assert LIST.is_refused(routing, keyed)


# -- the returned-check fee -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("earlier", "amount", "which"),
    [
        (0, "25.00", "first"),
        (1, "35.00", "subsequent"),
        (2, "35.00", "subsequent"),
        (10, "35.00", "subsequent"),
    ],
)
def test_returned_check_fee(earlier: int, amount: str, which: str) -> None:
    line = returned_check_fee(earlier_returned_checks=earlier, reference="W03-000123")
    assert line.amount == Money.parse(amount)
    assert returned_check_fee_amount(earlier_returned_checks=earlier) == Money.parse(amount)
    assert line.code == "NSF"
    assert line.gl_account == "101-150-36910"
    assert line.reference == "W03-000123"
    assert line.description == f"Returned check fee ({which})"


def test_returned_check_fee_refuses_a_negative_count() -> None:
    with pytest.raises(ValidationError, match="cannot be negative"):
        returned_check_fee(earlier_returned_checks=-1)


@pytest.mark.parametrize("bad", [True, "1"])
def test_returned_check_fee_count_must_be_an_int(bad: object) -> None:
    with pytest.raises(TypeError):
        returned_check_fee_amount(earlier_returned_checks=bad)  # type: ignore[arg-type]
