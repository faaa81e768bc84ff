"""The deposit slip for the city's operating account: currency, coin, every check and money
order one by one, the totals and the bag number."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reportlab.platypus import Paragraph

from cashdesk.domain.money import Money
from cashdesk.reports.data import DepositItem, DepositSlip
from cashdesk.reports.pdf import build, esc, signature_block, spacer, styles, table


def items_table(items: Sequence[DepositItem], totals: Sequence[tuple[str, Money]]) -> Any:
    """Checks and money orders one by one (the account masked), then the total lines."""
    return table(
        ["#", "Kind", "Number", "Account", "Receipt", "Payer", "Amount"],
        [
            [
                i,
                item.kind.label,
                item.number,
                item.account,
                item.receipt_number,
                item.payer,
                str(item.amount),
            ]
            for i, item in enumerate(items, start=1)
        ]
        + [["", label, "", "", "", "", str(amount)] for label, amount in totals],
        widths=[0.3, 0.95, 0.8, 0.8, 1.05, 2.1, 1.0],
        numeric=[0, 6],
        total_row=True,
    )


def render_deposit_slip(slip: DepositSlip, path: Path) -> Path:
    st = styles()
    lines = slip.cash.lines()
    currency = [ln for ln in lines if ln.denomination.is_currency]
    coin = [ln for ln in lines if not ln.denomination.is_currency]
    story: list[Any] = [
        Paragraph(esc(slip.account_name), st["subtitle"]),
        Paragraph(esc(f"Deposit slip · bag {slip.bag_number}"), st["title"]),
        Paragraph(
            esc(
                f"Business date {slip.business_date:%Y-%m-%d} · workstation {slip.workstation} · "
                f"prepared by {slip.prepared_by} at {slip.prepared_at}"
            ),
            st["body"],
        ),
        spacer(),
        table(
            ["Deposit to", ""],
            [
                ["Bank", slip.bank_name],
                ["Account holder", slip.account_name],
                ["Routing number", slip.routing],
                ["Account number", slip.account_number],
                ["Bag number", slip.bag_number],
            ],
            widths=[1.6, 3.0],
        ),
        spacer(),
        table(
            ["Deposit", "Amount"],
            [
                ["Currency", str(slip.currency)],
                ["Coin", str(slip.coin)],
                [f"Checks and money orders ({len(slip.items)})", str(slip.checks)],
                ["Total deposit", str(slip.total)],
            ],
            widths=[3.0, 1.5],
            numeric=[1],
            total_row=True,
        ),
        Paragraph("Currency", st["h2"]),
        table(
            ["Denomination", "Pieces", "Amount"],
            [[ln.denomination.label, ln.pieces, str(ln.amount)] for ln in currency]
            + [["Currency total", "", str(slip.currency)]],
            widths=[2.6, 0.9, 1.2],
            numeric=[1, 2],
            total_row=True,
        ),
        Paragraph("Coin (loose and rolled)", st["h2"]),
        table(
            ["Denomination", "Pieces / rolls", "Amount"],
            [[ln.denomination.label, ln.pieces, str(ln.amount)] for ln in coin]
            + [["Coin total", "", str(slip.coin)]],
            widths=[2.6, 0.9, 1.2],
            numeric=[1, 2],
            total_row=True,
        ),
        Paragraph("Checks and money orders", st["h2"]),
        items_table(slip.items, [("Checks total", slip.checks)]),
        Paragraph("Drawers in this bag", st["h2"]),
        *[Paragraph(esc(label), st["body"]) for label in slip.sessions],
        signature_block("Prepared by", "Verified by"),
    ]
    footer = (
        f"Deposit to {slip.bank_name} {slip.account_number} · bag {slip.bag_number} · "
        f"workstation {slip.workstation} · {slip.business_date}"
    )
    return build(path, story, title=f"Deposit slip {slip.bag_number}", footer=footer)
