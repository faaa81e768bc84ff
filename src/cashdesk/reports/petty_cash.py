"""Petty cash documents: the replenishment request (vouchers by expense account, their totals
and the journal entry), the same request as an accounts-payable CSV, and a voucher slip."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from reportlab.platypus import Paragraph

from cashdesk.domain.petty_cash import FUND, FUND_ACCOUNT, PAYABLE_ACCOUNT
from cashdesk.outputs import csv_writer, write_output
from cashdesk.reports.pdf import build_bytes, esc, spacer, styles, table
from cashdesk.reports.program_data import ReplenishmentRequest, VoucherInfo

AP_COLUMNS = (
    "request",
    "request_date",
    "vendor",
    "invoice",
    "gl_account",
    "account_description",
    "amount",
    "vouchers",
    "memo",
)
AP_VENDOR = "Petty cash custodian, Finance Department"


def replenishment_pdf(
    req: ReplenishmentRequest, path: Path, *, city: str, force: bool = False
) -> Path:
    st = styles()
    r = req.request
    story: list[Any] = [
        Paragraph(esc(f"{city} · Finance Department"), st["subtitle"]),
        Paragraph(esc(f"Petty cash replenishment request {req.number}"), st["title"]),
        Paragraph(
            esc(
                f"Requested {req.requested_on:%Y-%m-%d} by {req.requested_by} · imprest fund "
                f"{FUND} ({FUND_ACCOUNT}) · amount requested {r.total}"
            ),
            st["body"],
        ),
        spacer(),
    ]
    for group in r.groups:
        story.append(Paragraph(esc(f"{group.account} {group.description}"), st["h2"]))
        story.append(
            table(
                ["Voucher", "Paid on", "Payee", "Purpose", "Amount"],
                [
                    [v.number, v.paid_on.isoformat(), v.payee, v.purpose, str(v.amount)]
                    for v in group.vouchers
                ]
                + [["Total", "", "", group.description, str(group.total)]],
                widths=[0.9, 0.8, 1.7, 2.7, 0.9],
                numeric=[4],
                total_row=True,
            )
        )
    story.append(Paragraph("Summary by expense account", st["h2"]))
    story.append(
        table(
            ["Account", "Description", "Vouchers", "Amount"],
            [[g.account, g.description, len(g.vouchers), str(g.total)] for g in r.groups]
            + [["Total", "", len(r.vouchers), str(r.total)]],
            widths=[1.2, 3.0, 0.8, 1.0],
            numeric=[2, 3],
            total_row=True,
        )
    )
    story.append(Paragraph("Journal entry", st["h2"]))
    story.append(
        table(
            ["Account", "Memo", "Debit", "Credit"],
            [
                [
                    j.account,
                    j.memo,
                    str(j.debit) if j.debit else "",
                    str(j.credit) if j.credit else "",
                ]
                for j in r.journal
            ]
            + [["Total", "", str(r.total), str(r.total)]],
            widths=[1.2, 3.2, 0.9, 0.9],
            numeric=[2, 3],
            total_row=True,
        )
    )
    story += [
        spacer(14),
        Paragraph(
            esc(
                f"Please issue a city check for {r.total} payable to the petty cash custodian; "
                f"it is cashed into the fund, restoring it to {FUND}."
            ),
            st["body"],
        ),
        spacer(18),
        Paragraph("Custodian ______________________   Approved ______________________", st["body"]),
    ]
    pdf = build_bytes(story, title=f"Petty cash {req.number}", footer=f"{city} · {req.number}")
    return write_output(path, pdf, force=force)


def replenishment_ap_csv(req: ReplenishmentRequest) -> str:
    """The request as accounts payable imports it: one distribution line per expense account
    (the payable itself is the invoice total, credited to 101-000-20100)."""
    r = req.request
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(AP_COLUMNS)
    writer.writerows(
        [
            (
                req.number,
                req.requested_on.isoformat(),
                AP_VENDOR,
                req.number,
                g.account,
                g.description,
                g.total.plain(),
                " ".join(v.number for v in g.vouchers),
                f"Petty cash replenishment, payable {PAYABLE_ACCOUNT}",
            )
            for g in r.groups
        ]
    )
    return out.getvalue()


def voucher_slip_pdf(voucher: VoucherInfo, path: Path, *, city: str, force: bool = False) -> Path:
    st = styles()
    rows = [
        ["Voucher", voucher.number],
        ["Paid", voucher.paid_on.isoformat()],
        ["Payee", voucher.payee],
        ["Purpose", voucher.purpose],
        ["Expense account", voucher.expense_account],
        ["Amount", str(voucher.amount)],
        ["Original receipt", "attached"],
        ["Custodian", voucher.custodian],
        ["Approved by", voucher.approver or "(not needed: $25.00 or less)"],
    ]
    story: list[Any] = [
        Paragraph(esc(f"{city} · petty cash"), st["subtitle"]),
        Paragraph(esc(f"Petty cash voucher {voucher.number}"), st["title"]),
        spacer(),
        table(["", ""], rows, widths=[1.6, 4.4]),
        spacer(24),
        Paragraph("Received by ______________________________", st["body"]),
    ]
    pdf = build_bytes(story, title=voucher.number, footer=f"{city} · {voucher.number}")
    return write_output(path, pdf, force=force)
