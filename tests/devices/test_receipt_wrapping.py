"""Long payers and descriptions on paper: wrapped on word boundaries under their label, never
over the printer's columns, nothing lost. The bytes are read back with escpos_decode, a
decoder written from Epson's command reference rather than from python-escpos."""

from __future__ import annotations

from collections.abc import Callable

from escpos_decode import decode
from hypothesis import given, settings
from hypothesis import strategies as st

from cashdesk.devices.document import DocumentLine, ReceiptDocument, render_text
from cashdesk.devices.escpos_printer import printable, render_receipt

PROFILES = {"TM-T88V": 42, "TM-T20II": 48}
LONG_PAYER = "Åsa Łukasiewicz-Ørsted de la Peña y Gómez"  # 41 characters (issue 21)
LONGER_PAYER = "Municipal Employees' Federal Credit Union of Riverbend County, Inc."


def receipt(payer: str, description: str = "Copies", copy_label: str = "") -> ReceiptDocument:
    return ReceiptDocument(
        header=("City of Riverbend", "Finance Department"),
        receipt_number="W01-000042",
        printed_time="2026-11-26 10:00",
        business_date="2026-11-26",
        workstation="W01",
        cashier="Zoë Müller",
        payer=payer,
        lines=(DocumentLine(description=description, amount="$1,234.50", reference="INV-7"),),
        total="$1,234.50",
        tenders=(DocumentLine(description="Cash", amount="$1,240.00"),),
        change="$5.50",
        copy_label=copy_label,
    )


def squash(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace())


def test_a_41_character_payer_wraps_under_its_label_at_42_columns() -> None:
    printed = decode(render_receipt(receipt(LONG_PAYER)))
    text = printed.text().splitlines()
    at = text.index("Received from")
    assert text[at + 1 : at + 3] == ["  Åsa Lukasiewicz-Ørsted de la Peña y", "  Gómez"]
    assert all(line.columns <= 42 for line in printed.lines)


def test_a_63_character_payer_keeps_its_label_at_48_columns() -> None:
    printed = decode(render_receipt(receipt(LONGER_PAYER), profile="TM-T20II"))
    text = printed.text().splitlines()
    at = text.index("Received from")
    assert text[at + 1 : at + 3] == [
        "  Municipal Employees' Federal Credit Union of",
        "  Riverbend County, Inc.",
    ]
    assert all(line.columns <= 48 for line in printed.lines)


def test_a_short_payer_stays_beside_its_label() -> None:
    text = render_text(receipt("José Núñez")).splitlines()
    assert "Received from                   José Núñez" in text


payers = st.text(min_size=1, max_size=90)
descriptions = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=120
)


@settings(max_examples=60, deadline=None)
@given(payer=payers, description=descriptions, profile=st.sampled_from(sorted(PROFILES)))
def test_random_unicode_payers_and_descriptions_fit_and_lose_nothing(
    payer: str, description: str, profile: str
) -> None:
    width = PROFILES[profile]
    printed = decode(render_receipt(receipt(payer, description, "DUPLICATE"), profile=profile))
    assert printed.code_pages == {"cp858"}
    for line in printed.lines:
        assert line.columns <= width, (line.text, line.scale)
    on_paper = squash(printed.text())
    # Every character the code page can carry is printed, in order, after its label.
    if squash(printable(payer, "CP858")):
        assert squash("Received from" + printable(payer, "CP858")) in on_paper
    assert squash(printable(description, "CP858") + "$1,234.50") in on_paper


@settings(max_examples=40, deadline=None)
@given(payer=payers, description=descriptions, width=st.sampled_from([42, 48]))
def test_the_plain_text_receipt_fits_and_keeps_every_character(
    payer: str, description: str, width: int
) -> None:
    from cashdesk.devices.document import clean, display_width

    text = render_text(receipt(payer, description), width)
    assert all(display_width(line) <= width for line in text.splitlines())
    if squash(clean(payer)):
        assert squash("Received from" + clean(payer)) in squash(text)
    assert squash(clean(description) + "$1,234.50") in squash(text)


@settings(max_examples=25, deadline=None)
@given(payer=payers, description=descriptions)
def test_the_receipt_pdf_keeps_every_line_on_the_page(
    payer: str, description: str, pdf_fits: Callable[..., list[str]]
) -> None:
    from cashdesk.reports.receipt_pdf import MARGIN_MM, receipt_pdf

    pdf = receipt_pdf(receipt(payer, description, "DUPLICATE"))
    assert pdf_fits(pdf, margin=MARGIN_MM * 72 / 25.4 - 1) == []


def test_the_long_payer_of_issue_21_is_whole_in_the_receipt_pdf(
    pdf_fits: Callable[..., list[str]],
) -> None:
    import pypdfium2 as pdfium

    from cashdesk.reports.receipt_pdf import receipt_pdf

    pdf = receipt_pdf(receipt(LONG_PAYER + " Nguyễn"))
    document = pdfium.PdfDocument(pdf)
    text = document[0].get_textpage().get_text_range()
    document.close()
    assert "Received from" in text
    assert squash(LONG_PAYER + " Nguyễn") in squash(text)
    assert pdf_fits(pdf, margin=13) == []
