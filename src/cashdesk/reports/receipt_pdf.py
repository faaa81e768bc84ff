"""A receipt as a PDF (email, archive, a workstation with no printer), from the same laid-out
lines the thermal printer and the on-screen preview use, so all three say the same thing.

The text is set in the shipped Noto Sans Mono (embedded, SIL OFL), which has every letter of
Latin Extended Additional, Vietnamese included ("Nguyễn"); DejaVu Sans Mono lacks 46 of them
and reportlab's built-in fonts would drop every accent.
"""

from __future__ import annotations

import io
import threading

from cashdesk.devices.document import RECEIPT_WIDTH, ReceiptDocument, Style, layout
from cashdesk.resources import fonts_dir

MONO = "CashdeskMono"
MONO_BOLD = "CashdeskMono-Bold"
MONO_FILE = "NotoSansMono-Regular.ttf"
MONO_BOLD_FILE = "NotoSansMono-Bold.ttf"
FONT_SIZE = 8.5
LEADING = 11.0
MARGIN_MM = 5.0
QR_MM = 24.0

_fonts_lock = threading.Lock()
_fonts_ready = False


def _register_fonts() -> None:
    global _fonts_ready
    with _fonts_lock:
        if _fonts_ready:
            return
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        folder = fonts_dir()
        pdfmetrics.registerFont(TTFont(MONO, str(folder / MONO_FILE)))
        pdfmetrics.registerFont(TTFont(MONO_BOLD, str(folder / MONO_BOLD_FILE)))
        _fonts_ready = True


def receipt_pdf(doc: ReceiptDocument, *, width: int = RECEIPT_WIDTH) -> bytes:
    """One page the shape of a receipt roll: the laid-out lines, then a QR code of the number."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.units import mm
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen.canvas import Canvas

    _register_fonts()
    lines = layout(doc, width)
    text_width = stringWidth("0" * width, MONO, FONT_SIZE)
    margin = MARGIN_MM * mm
    page_width = text_width + 2 * margin
    label_lines = sum(1 for line in lines if line.style is Style.LABEL)
    page_height = 2 * margin + LEADING * (len(lines) + label_lines) + QR_MM * mm + LEADING

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(page_width, page_height), pageCompression=1)
    canvas.setTitle(f"Receipt {doc.receipt_number}")
    canvas.setAuthor(doc.header[0] if doc.header else "cashdesk")
    canvas.setSubject(doc.copy_label or "Receipt")
    y = page_height - margin - LEADING
    for line in lines:
        if line.style is Style.LABEL:
            # Twice the size, like the printer's double width and height.
            text = line.text.strip()
            size = FONT_SIZE * 2
            canvas.setFont(MONO_BOLD, size)
            canvas.drawCentredString(page_width / 2, y - LEADING / 2, text)
            y -= 2 * LEADING
            continue
        bold = line.style in (Style.TITLE, Style.BOLD)
        canvas.setFont(MONO_BOLD if bold else MONO, FONT_SIZE)
        canvas.drawString(margin, y, line.text)
        y -= LEADING

    qr = QrCodeWidget(doc.receipt_number)
    x0, y0, x1, y1 = qr.getBounds()
    size = QR_MM * mm
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(qr)
    renderPDF.draw(drawing, canvas, (page_width - size) / 2, margin)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
