"""Golden bytes of the ESC/POS rendering, through python-escpos's own Dummy."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cashdesk.devices.document import DocumentLine, ReceiptDocument, render_text
from cashdesk.devices.escpos_printer import kick_bytes, printable, render_receipt

GOLDEN = Path(__file__).parent / "golden"


def document(copy_label: str = "") -> ReceiptDocument:
    return ReceiptDocument(
        header=("City of Riverbend", "Finance Department", "Finance counter 1"),
        receipt_number="W01-000042",
        printed_time="2026-11-26 10:00",
        business_date="2026-11-26",
        workstation="W01",
        cashier="Zoë Müller",
        payer="José Núñez",
        lines=(
            DocumentLine(description="Golf round", amount="$40.00", reference="Tee 7:10"),
            DocumentLine(description="Copies", amount="$12.34"),
        ),
        total="$52.34",
        tenders=(
            DocumentLine(
                description="Check", amount="$40.00", reference="Check #1001 acct ****6789"
            ),
            DocumentLine(description="Cash", amount="$20.00"),
        ),
        change="$7.66",
        footer=("Thank you",),
        copy_label=copy_label,
    )


def test_receipt_bytes_match_the_golden_file() -> None:
    data = render_receipt(document())
    golden = GOLDEN / "receipt_tm_t88v_cp858_qr.bin"
    assert data == golden.read_bytes()


def test_receipt_starts_with_init_then_pins_cp858_and_ends_with_the_cut() -> None:
    data = render_receipt(document())
    assert data.startswith(b"\x1b@" + b"\x1bt\x13")  # ESC @, then ESC t 19 (CP858)
    assert data.count(b"\x1bt") == 1  # pinned: no automatic page switch later
    assert data.endswith(b"\x1bd\x06\x1dV\x01")  # feed 6, partial cut
    assert render_receipt(document(), cut="full").endswith(b"\x1bd\x06\x1dV\x00")


def test_accented_names_are_encoded_in_cp858() -> None:
    data = render_receipt(document())
    # é 0x82, ú 0xA3, ñ 0xA4 / ë 0x89, ü 0x81 in CP858
    assert b"Jos\x82 N\xa3\xa4ez\n" in data
    assert b"Zo\x89 M\x81ller\n" in data
    assert "José Núñez".encode("cp858") == b"Jos\x82 N\xa3\xa4ez"
    # The text is the preview's text, byte for byte once encoded.
    for line in render_text(document()).splitlines():
        assert line.encode("cp858") in data


def test_the_euro_sign_is_0xd5_in_cp858() -> None:
    doc = document()
    doc = ReceiptDocument(**{**_fields(doc), "payer": "€ account"})
    assert b"\xd5 account" in render_receipt(doc)


def _fields(doc: ReceiptDocument) -> dict[str, object]:
    return {name: getattr(doc, name) for name in doc.__dataclass_fields__}


def test_native_qr_code_of_the_receipt_number() -> None:
    data = render_receipt(document())
    number = b"W01-000042"
    # GS ( k: store the data (fn 80) with length low/high = len + 3, then print (fn 81)
    store = b"\x1d(k" + bytes([len(number) + 3, 0]) + b"1P0" + number
    assert store in data
    assert b"\x1d(k\x03\x001Q0" in data
    assert b"\x1d(k\x04\x001A2\x00" in data  # model 2
    assert b"\x1d(k\x03\x001C\x06" in data  # module size 6


def test_code128_with_the_b_prefix() -> None:
    data = render_receipt(document(), code="code128")
    assert b"\x1dkI\x0c{BW01-000042" in data  # GS k 73, length 12, {B + number
    assert b"\x1d(k" not in data
    assert b"\x1d(k" not in render_receipt(document(), code="none")


def test_reprint_label_is_large_and_bold_in_one_set_call() -> None:
    data = render_receipt(document("REPRINT"))
    # ESC ! clears bold: the size (ESC ! 0x30) comes first, then bold on, then centre.
    assert b"\x1b!0\x1bE\x01\x1ba\x01*** REPRINT ***\n" in data
    dup = render_receipt(document("DUPLICATE"))
    assert b"*** DUPLICATE ***\n" in dup
    assert b"REPRINT" not in render_receipt(document())


@pytest.mark.parametrize(
    ("pin", "on", "off", "expected"),
    [
        (2, 100, 100, "1b 70 00 32 32"),  # python-escpos's CD_KICK_2
        (5, 100, 100, "1b 70 01 32 32"),  # CD_KICK_5
        (2, 200, 50, "1b 70 00 64 19"),
        (5, 60, 120, "1b 70 01 1e 3c"),
    ],
)
def test_drawer_kick_bytes(pin: int, on: int, off: int, expected: str) -> None:
    assert kick_bytes(pin, on, off).hex(" ") == expected


def test_printable_keeps_what_cp858_has_and_transliterates_what_it_lacks() -> None:
    assert printable("José Núñez, Zoë Müller €5", "CP858") == "José Núñez, Zoë Müller €5"
    assert printable("Łukasz Wałęsa", "CP858") == "Lukasz Walesa"
    assert printable("Dvořák", "CP858") == "Dvorák"
    assert printable("long…", "CP858") == "long..."
    assert printable("Jose\u0301", "CP858") == "José"  # decomposed input is composed first
    assert printable("2026–0451 “paid”", "CP858") == '2026-0451 "paid"'
    assert printable("Nguyễn Thị Ánh", "CP858") == "Nguyen Thi Ánh"
    assert printable("a\x1bp\x00b\tc", "CP858") == "a p b c"  # no command gets through


@given(st.text(max_size=60))
def test_printable_output_always_encodes_and_never_holds_a_control_byte(text: str) -> None:
    out = printable(text, "CP858")
    data = out.encode("cp858")  # never raises
    assert not any(b < 0x20 or b == 0x7F for b in data)
