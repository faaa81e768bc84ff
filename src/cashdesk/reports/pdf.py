"""What every cashdesk PDF shares: the DejaVu fonts (so accented names render), styles, a
table helper, the signature block a supervisor signs and the page footer ("Page N of M").
reportlab is imported here only, by the report modules, never at start."""

from __future__ import annotations

import io
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
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

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


def numbered_canvas(footer: str, *, margin: float) -> type[Canvas]:
    """A canvas class that holds every page until the document ends, then stamps each with
    ``footer`` and "Page N of M" (the total is known only then: reportlab's two-pass
    canvasmaker pattern)."""

    class NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab ships no types
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            count = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._stamp(count)
                super().showPage()
            super().save()

        def _stamp(self, count: int) -> None:
            width = self._pagesize[0]
            page = f"Page {self._pageNumber} of {count}"
            self.saveState()
            self.setFont(FONT, 7)
            room = width - 2 * margin - self.stringWidth(page, FONT, 7) - 12
            self.drawString(margin, 0.4 * inch, _shorten(self, footer, room))
            self.drawRightString(width - margin, 0.4 * inch, page)
            self.restoreState()

    return NumberedCanvas


def _shorten(canvas: Canvas, text: str, width: float) -> str:
    if canvas.stringWidth(text, FONT, 7) <= width:
        return text
    while text and canvas.stringWidth(text + "…", FONT, 7) > width:
        text = text[:-1]
    return text + "…"


def signature_block(*roles: str) -> KeepTogether:
    """Lines a supervisor signs: for each role ("Prepared by", "Verified by") a signature
    line, a printed-name line and a date line, kept together on one page."""
    st = styles()
    rows: list[list[Any]] = []
    for role in roles or ("Prepared by", "Verified by"):
        rows.append(
            [
                Paragraph(f"<b>{esc(role)}</b>", st["body"]),
                "",
                Paragraph("Date", st["body"]),
                "",
            ]
        )
        rows.append(["", Paragraph("Signature and printed name", st["cell"]), "", ""])
    t = Table(rows, colWidths=[1.1 * inch, 3.4 * inch, 0.5 * inch, 1.4 * inch], hAlign="LEFT")
    commands: list[Any] = [("VALIGN", (0, 0), (-1, -1), "BOTTOM")]
    for r in range(0, len(rows), 2):
        commands += [
            ("LINEBELOW", (1, r), (1, r), 0.6, colors.black),
            ("LINEBELOW", (3, r), (3, r), 0.6, colors.black),
            ("TOPPADDING", (0, r), (-1, r), 16),
            ("TOPPADDING", (0, r + 1), (-1, r + 1), 0),
        ]
    t.setStyle(TableStyle(commands))
    return KeepTogether([Spacer(1, 14), t])


def build(
    path: Path,
    story: list[Any],
    *,
    title: str,
    footer: str,
    pagesize: tuple[float, float] = LETTER,
    margin: float = 0.6 * inch,
) -> Path:
    """``story`` as a PDF at ``path``, each page footed with ``footer`` and "Page N of M"."""
    register_fonts()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(
        build_bytes(story, title=title, footer=footer, pagesize=pagesize, margin=margin)
    )
    return path


def build_bytes(
    story: list[Any],
    *,
    title: str,
    footer: str,
    pagesize: tuple[float, float] = LETTER,
    margin: float = 0.6 * inch,
    author: str = "cashdesk",
) -> bytes:
    register_fonts()
    out = io.BytesIO()
    doc = BaseDocTemplate(out, pagesize=pagesize, title=title, author=author, invariant=True)
    bottom = margin + 0.1 * inch
    # No frame padding: a table as wide as the text area ends at the margin, not 6 pt past.
    frame = Frame(
        margin,
        bottom,
        pagesize[0] - 2 * margin,
        pagesize[1] - margin - bottom,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    doc.build(story, canvasmaker=numbered_canvas(footer, margin=margin))
    return out.getvalue()


def spacer(height: float = 6) -> Spacer:
    return Spacer(1, height)
