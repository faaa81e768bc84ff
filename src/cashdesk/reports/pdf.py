"""What every cashdesk PDF shares: the DejaVu fonts (so accented names render), styles and a
table helper. reportlab is imported here only, by the report modules, never at start."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from cashdesk.resources import fonts_dir

FONT = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
_registered = threading.Lock()
_done = False


def register_fonts() -> None:
    global _done
    with _registered:
        if _done:
            return
        folder = fonts_dir()
        pdfmetrics.registerFont(TTFont(FONT, str(folder / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(BOLD, str(folder / "DejaVuSans-Bold.ttf")))
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)
        _done = True


def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=8.5, leading=11)
    return {
        "title": ParagraphStyle("title", parent=body, fontName=BOLD, fontSize=15, leading=19),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontSize=10, leading=13),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName=BOLD,
            fontSize=10.5,
            leading=14,
            spaceBefore=8,
            spaceAfter=3,
            keepWithNext=1,
        ),
        "body": body,
        "cell": ParagraphStyle("cell", parent=body, fontSize=7.5, leading=9),
        "num": ParagraphStyle("num", parent=body, fontSize=7.5, leading=9, alignment=TA_RIGHT),
        "banner": ParagraphStyle(
            "banner",
            parent=body,
            fontName=BOLD,
            fontSize=9.5,
            leading=12,
            textColor=colors.HexColor("#8a1c1c"),
        ),
    }


def esc(text: object) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def table(
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    widths: Sequence[float],
    numeric: Sequence[int] = (),
    total_row: bool = False,
) -> Table:
    """A grid with a bold header; ``numeric`` columns right-aligned; an optional bold last
    (total) row. Cells wrap, so long names never run into the next column."""
    st = styles()
    data: list[list[Any]] = [
        [
            Paragraph(f"<b>{esc(h)}</b>", st["num"] if i in numeric else st["cell"])
            for i, h in enumerate(header)
        ]
    ]
    for r_index, row in enumerate(rows):
        bold = total_row and r_index == len(rows) - 1
        data.append(
            [
                Paragraph(
                    f"<b>{esc(c)}</b>" if bold else esc(c),
                    st["num"] if i in numeric else st["cell"],
                )
                for i, c in enumerate(row)
            ]
        )
    t = Table(data, colWidths=[w * inch for w in widths], repeatRows=1, hAlign="LEFT")
    commands: list[Any] = [
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#9a9a9a")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e4e8ee")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if total_row and rows:
        commands.append(("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#f3f3f3")))
    t.setStyle(TableStyle(commands))
    return t


def build(path: Path, story: list[Any], *, title: str, footer: str) -> Path:
    register_fonts()
    path.parent.mkdir(parents=True, exist_ok=True)

    def on_page(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7)
        canvas.drawString(0.6 * inch, 0.4 * inch, footer)
        canvas.drawRightString(LETTER[0] - 0.6 * inch, 0.4 * inch, f"Page {doc.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(
        str(path),
        pagesize=LETTER,
        leftMargin=0.6 * inch,
        rightMargin=0.6 * inch,
        topMargin=0.6 * inch,
        bottomMargin=0.7 * inch,
        title=title,
        author="cashdesk",
    )
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return path


def spacer(height: float = 6) -> Spacer:
    return Spacer(1, height)
