"""The handoff slip: what stayed in the drawer for the relief cashier (the cash, by
denomination) and what went to the safe with the outgoing count (each check and money
order, the card batch), with both cashiers' signatures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.platypus import Paragraph

from cashdesk.domain.drawer import describe
from cashdesk.reports.data import HandoffSlip
from cashdesk.reports.deposit import items_table
from cashdesk.reports.pdf import build, esc, signature_block, spacer, styles, table


def render_handoff_slip(slip: HandoffSlip, path: Path) -> Path:
    st = styles()
    story: list[Any] = [
        Paragraph(esc(f"Handoff slip · drawer {slip.drawer}"), st["title"]),
        Paragraph(
            esc(
                f"Business date {slip.business_date:%Y-%m-%d} · workstation {slip.workstation} · "
                f"handed over at {slip.handed_at} by {slip.outgoing} to {slip.incoming} · "
                f"over/short {describe(slip.over_short)}"
            ),
            st["body"],
        ),
        spacer(),
        *[Paragraph(esc(line), st["body"]) for line in slip.statement],
        Paragraph(esc(f"Stays in the drawer with {slip.incoming}: cash"), st["h2"]),
        table(
            ["Denomination", "Pieces", "Amount"],
            [[ln.denomination.label, ln.pieces, str(ln.amount)] for ln in slip.cash.lines()]
            + [["Cash total", "", str(slip.cash.total)]],
            widths=[2.6, 0.9, 1.2],
            numeric=[1, 2],
            total_row=True,
        ),
        Paragraph(esc(f"Goes to the safe with {slip.outgoing}'s count"), st["h2"]),
        items_table(
            slip.items,
            [("Card batch", slip.card_batch), ("Checks and money orders", slip.items_total)],
        ),
        signature_block(f"Handed over by {slip.outgoing}", f"Taken over by {slip.incoming}"),
    ]
    footer = f"Handoff · drawer {slip.drawer} · {slip.business_date} · {slip.handed_at}"
    return build(path, story, title=f"Handoff slip drawer {slip.drawer}", footer=footer)
