"""The license register: licenses issued, renewed or re-tagged in a date range, with fees.

Two outputs from the same rows: a landscape PDF (reportlab platypus, DejaVu fonts; money as
"$3,540.00", Page N of M, the lines the preparer and verifier sign) for the binder, and a CSV
(amounts as plain "1234.50") for the spreadsheet. A license paid on a receipt that was later
voided is listed with status "voided" and left out of the totals.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from reportlab.lib import colors
from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from cashdesk.domain.calendar import long_date
from cashdesk.domain.money import Money, total
from cashdesk.outputs import csv_writer
from cashdesk.reports.pdf import build_bytes, esc, signature_block, styles


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


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def register_pdf(
    entries: Sequence[RegisterEntry],
    *,
    city: str,
    start: date,
    end: date,
    printed: str,
    workstation: str = "",
) -> bytes:
    """The register as PDF bytes; ``printed`` is the local time the report was run."""
    st = styles()
    cell = st["cell"]
    num = st["num"]

    def head(text: str, right: bool = False) -> Paragraph:
        return Paragraph(f"<b>{esc(text)}</b>", num if right else cell)

    money_columns = ("Fee", "Penalty", "State fee", "Total")
    header: list[object] = [
        head(h)
        for h in ("Date", "License", "Action", "Holder", "Class", "Term", "Tag", "Via", "Receipt")
    ] + [head(h, right=True) for h in money_columns]
    rows: list[list[object]] = [header]
    for e in entries:
        receipt = e.receipt_number or "-"
        if e.status == "voided":
            receipt += " VOID"
        rows.append(
            [
                Paragraph(esc(e.business_date.isoformat()), cell),
                Paragraph(esc(e.license_no), cell),
                Paragraph(esc(f"{e.kind} {e.action}"), cell),
                Paragraph(esc(e.holder), cell),
                Paragraph(esc(e.license_class), cell),
                Paragraph(f"{e.term_start.isoformat()}<br/>to {e.term_end.isoformat()}", cell),
                Paragraph(esc(e.tag_no), cell),
                Paragraph(esc(e.received_via), cell),
                Paragraph(esc(receipt), cell),
                *(Paragraph(str(m), num) for m in (e.fee, e.penalty, e.state_fee, e.total)),
            ]
        )
    counted = [e for e in entries if e.counts]
    rows.append(
        [
            Paragraph("<b>Totals</b>", cell),
            Paragraph(f"<b>{_plural(len(counted), 'license', 'licenses')}</b>", cell),
            *([""] * 7),
            *(
                Paragraph(f"<b>{total(amounts)}</b>", num)
                for amounts in (
                    [e.fee for e in counted],
                    [e.penalty for e in counted],
                    [e.state_fee for e in counted],
                    [e.total for e in counted],
                )
            ),
        ]
    )
    # Inches; 10.0 in all, the text width between the landscape margins.
    widths = [0.72, 0.9, 0.9, 1.46, 0.4, 0.9, 0.5, 0.5, 0.82, 0.8, 0.65, 0.6, 0.85]
    widths[-1] = 10.0 - sum(widths[:-1])
    table = Table(rows, colWidths=[w * inch for w in widths], repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.85, 0.89, 0.94)),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                (
                    "ROWBACKGROUNDS",
                    (0, 1),
                    (-1, -2),
                    [colors.white, colors.Color(0.96, 0.96, 0.96)],
                ),
            ]
        )
    )
    where = f" · workstation {workstation}" if workstation else ""
    story = [
        Paragraph(f"{esc(city)} — License register", st["title"]),
        Paragraph(
            f"Licenses issued {long_date(start)} to {long_date(end)} · "
            f"{_plural(len(entries), 'entry', 'entries')}{esc(where)} · printed {esc(printed)}",
            st["subtitle"],
        ),
        Spacer(1, 0.15 * inch),
        table,
        signature_block("Prepared by", "Verified by"),
    ]
    footer = (
        f"{city} · License register {start.isoformat()} to {end.isoformat()}{where} · "
        f"printed {printed}"
    )
    return build_bytes(
        story,
        title=f"License register {start.isoformat()} to {end.isoformat()}",
        footer=footer,
        pagesize=landscape(letter),
        margin=0.5 * inch,
        author=city,
    )
