from __future__ import annotations

from cashdesk.devices.document import DocumentLine, ReceiptDocument, render_text


def _doc(description: str, reference: str = "") -> ReceiptDocument:
    return ReceiptDocument(
        header=("City of Riverbend",),
        receipt_number="W01-000001",
        printed_time="2026-11-26 10:00",
        business_date="2026-11-26",
        workstation="W01",
        cashier="Maria Hernández",
        payer="",
        lines=(DocumentLine(description=description, amount="$12.34", reference=reference),),
        total="$12.34",
        tenders=(DocumentLine(description="Cash", amount="$20.00"),),
        change="$7.66",
    )


def test_a_long_description_wraps_in_full_with_the_amount_on_its_last_line() -> None:
    text = render_text(_doc("Miscellaneous receipt: Copy of a permit for the Bayview Pl fence"))
    lines = text.splitlines()
    assert "…" not in text
    start = next(i for i, line in enumerate(lines) if line.startswith("Miscellaneous"))
    joined = " ".join(line.strip() for line in lines[start : start + 2])
    assert "Miscellaneous receipt: Copy of a permit for the Bayview Pl fence" in joined.replace(
        "$12.34", ""
    ).strip().replace("  ", " ")
    assert lines[start + 1].endswith("$12.34")
    assert all(len(line) <= 42 for line in lines)


def test_a_short_description_stays_on_one_line() -> None:
    lines = render_text(_doc("Resident golf card")).splitlines()
    golf = next(line for line in lines if line.startswith("Resident golf card"))
    assert golf.endswith("$12.34") and len(golf) == 42
