"""The license register: licenses issued, renewed or re-tagged in a date range, with fees.

Two outputs from the same rows: a landscape PDF (reportlab platypus, DejaVu fonts) for the
binder, and a CSV (amounts as plain "1234.50") for the spreadsheet. A license paid on a receipt
that was later voided is listed with status "voided" and left out of the totals.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from cashdesk.domain.calendar import long_date
from cashdesk.domain.money import Money, total
from cashdesk.outputs import csv_writer
from cashdesk.reports.license_certificate import FONT, FONT_BOLD, register_fonts


@dataclass(frozen=True, slots=True, kw_only=True)
class RegisterEntry:
    business_date: date
    license_no: str
    kind: str  # business / animal
    action: str  # new / renewal / replacement
    holder: str
    license_class: str
    term_start: date
    term_end: date
    tag_no: str
    received_via: str
    receipt_number: str
    status: str  # posted / voided / no fee
    fee: Money
    penalty: Money
    state_fee: Money
    total: Money

    @property
    def counts(self) -> bool:
        return self.status != "voided"


CSV_HEADER = (
    "business_date",
    "license_no",
    "kind",
    "action",
    "holder",
    "class",
    "term_start",
    "term_end",
    "tag_no",
    "received_via",
    "receipt",
    "status",
    "fee",
    "penalty",
    "state_fee",
    "total",
)


def register_csv(entries: Sequence[RegisterEntry]) -> str:
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for e in entries:
        writer.writerow(
            (
                e.business_date.isoformat(),
                e.license_no,
                e.kind,
                e.action,
                e.holder,
                e.license_class,
                e.term_start.isoformat(),
                e.term_end.isoformat(),
                e.tag_no,
                e.received_via,
                e.receipt_number,
                e.status,
                e.fee.plain(),
                e.penalty.plain(),
                e.state_fee.plain(),
                e.total.plain(),
            )
        )
    return out.getvalue()


def register_pdf(
    entries: Sequence[RegisterEntry], *, city: str, start: date, end: date, printed: str
) -> bytes:
    """The register as PDF bytes; ``printed`` is the local time the report was run."""
    register_fonts()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=landscape(letter),
        leftMargin=0.5 * inch,
        rightMargin=0.5 * inch,
        topMargin=0.5 * inch,
        bottomMargin=0.5 * inch,
        title=f"License register {start.isoformat()} to {end.isoformat()}",
        author=city,
        invariant=True,
    )
    title = ParagraphStyle("title", fontName=FONT_BOLD, fontSize=15, leading=19)
    sub = ParagraphStyle("sub", fontName=FONT, fontSize=9, leading=12)
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=7.5, leading=9)

    header: list[object] = [
        "Date",
        "License",
        "Action",
        "Holder",
        "Class",
        "Term",
        "Tag",
        "Via",
        "Receipt",
        "Fee",
        "Penalty",
        "State fee",
        "Total",
    ]
    rows: list[list[object]] = [list(header)]
    for e in entries:
        receipt = e.receipt_number or "-"
        if e.status == "voided":
            receipt += " VOID"
        rows.append(
            [
                e.business_date.isoformat(),
                e.license_no,
                f"{e.kind} {e.action}",
                Paragraph(escape(e.holder), cell),
                e.license_class,
                f"{e.term_start.isoformat()}\nto {e.term_end.isoformat()}",
                e.tag_no,
                e.received_via,
                receipt,
                e.fee.plain(),
                e.penalty.plain(),
                e.state_fee.plain(),
                e.total.plain(),
            ]
        )
    counted = [e for e in entries if e.counts]
    rows.append(
        [
            "Totals",
            f"{len(counted)} licenses",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            total(e.fee for e in counted).plain(),
            total(e.penalty for e in counted).plain(),
            total(e.state_fee for e in counted).plain(),
            total(e.total for e in counted).plain(),
        ]
    )
    # Inches; 9.85 in all, inside the 10 in between the landscape margins.
    widths = [0.7, 0.95, 1.0, 1.6, 0.4, 0.85, 0.55, 0.5, 0.95, 0.6, 0.55, 0.55, 0.65]
    table = Table(rows, colWidths=[w * inch for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 7.5),
                ("FONT", (0, 0), (-1, 0), FONT_BOLD, 7.5),
                ("FONT", (0, -1), (-1, -1), FONT_BOLD, 7.5),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.85, 0.89, 0.94)),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
                ("ALIGN", (9, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                (
                    "ROWBACKGROUNDS",
                    (0, 1),
                    (-1, -2),
                    [colors.white, colors.Color(0.96, 0.96, 0.96)],
                ),
            ]
        )
    )
    story = [
        Paragraph(f"{escape(city)} — License register", title),
        Paragraph(
            f"Licenses issued {long_date(start)} to {long_date(end)} · "
            f"{len(entries)} entries · printed {printed}",
            sub,
        ),
        Spacer(1, 0.15 * inch),
        table,
    ]
    doc.build(story)
    return out.getvalue()
