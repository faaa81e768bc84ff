"""License certificates (reportlab): one page to post at the business or keep with the animal.

The page shows the city, the kind of license, the license number large, the holder, a table of
what was licensed (address, class, term, ...), and a QR code of the license number so an
inspector's phone reads it without typing. Text is set in the shipped DejaVu fonts, which have
every accented letter the city's names use (Zoë, Núñez, Søren).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import letter
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from cashdesk.resources import fonts_dir

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
_ACCENT = Color(0.12, 0.27, 0.45)


def register_fonts() -> None:
    """Register the shipped DejaVu fonts with reportlab (once per process)."""
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name in (FONT, FONT_BOLD):
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(fonts_dir() / f"{name}.ttf")))


@dataclass(frozen=True, slots=True, kw_only=True)
class Signature:
    """Who authorises the certificate ([certificates] in the workstation config); ``image``:
    a scan of the signature (PNG/JPEG) printed above the line, else the line is left to sign."""

    name: str = ""
    title: str = ""
    image: Path | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Certificate:
    """What a certificate shows; ``fields`` are (label, value) rows in order."""

    city: str
    title: str  # "Business License"
    license_no: str
    holder: str
    fields: tuple[tuple[str, str], ...]
    footer: str = ""
    signature: Signature = Signature()


def _fit(canvas: Canvas, text: str, font: str, size: float, width: float) -> float:
    """The largest size up to ``size`` at which ``text`` fits in ``width``."""
    while size > 8 and canvas.stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def _wrap(canvas: Canvas, text: str, font: str, size: float, width: float) -> list[str]:
    words, lines, current = text.split(), [], ""
    for word in words:
        trial = f"{current} {word}".strip()
        if current and canvas.stringWidth(trial, font, size) > width:
            lines.append(current)
            current = word
        else:
            current = trial
    return [*lines, current] if current else lines


def _draw_qr(c: Canvas, value: str, *, x: float, y: float, size: float) -> None:
    """A QR code of ``value`` in a ``size`` square at (x, y), with the 4-module quiet zone.

    reportlab's QrCodeWidget encodes it; its modules are drawn here as one filled path, runs
    of dark modules merged, because rendering the widget's shapes (one object per run, drawn
    twice to measure it) took ~35 ms of a ~55 ms certificate.
    """
    qr = QrCodeWidget(value, barLevel="M").qr
    qr.make()
    count = qr.getModuleCount()
    quiet = 4
    box = size / (count + 2 * quiet)
    path = c.beginPath()
    for r, row in enumerate(qr.modules):
        col = 0
        while col < count:
            if not row[col]:
                col += 1
                continue
            run = col
            while run < count and row[run]:
                run += 1
            path.rect(
                x + (col + quiet) * box, y + size - (r + quiet + 1) * box, (run - col) * box, box
            )
            col = run
    c.saveState()
    c.setFillColor(black)
    c.drawPath(path, stroke=0, fill=1)
    c.restoreState()


def _draw_signature(c: Canvas, cert: Certificate, *, x: float, y: float, width: float) -> None:
    """The authorising signature: the configured image above a line, the signatory's name
    and title under it (a blank line to sign by hand when no image is configured)."""
    sig = cert.signature
    if sig.image is not None:
        from reportlab.lib.utils import ImageReader

        image = ImageReader(str(sig.image))
        w, h = image.getSize()
        scale = min(width / w, 0.8 * inch / h)
        c.drawImage(image, x, y + 2, w * scale, h * scale, mask="auto")
    c.setStrokeColor(black)
    c.setLineWidth(0.8)
    c.line(x, y, x + width, y)
    c.setFillColor(black)
    name = sig.name or "Authorised signature"
    c.setFont(FONT_BOLD, _fit(c, name, FONT_BOLD, 10, width))
    c.drawString(x, y - 0.2 * inch, name)
    if sig.title:
        title = f"{sig.title}, {cert.city}"
        c.setFont(FONT, _fit(c, title, FONT, 9, width))
        c.drawString(x, y - 0.37 * inch, title)


def render_certificate(cert: Certificate) -> bytes:
    """The certificate as PDF bytes (one letter page)."""
    register_fonts()
    out = io.BytesIO()
    page_w, page_h = letter
    c = Canvas(out, pagesize=letter, invariant=True)
    c.setTitle(f"{cert.title} {cert.license_no}")
    c.setAuthor(cert.city)
    c.setSubject(cert.holder)

    margin = 0.6 * inch
    # A double border, as license certificates traditionally have.
    c.setStrokeColor(_ACCENT)
    c.setLineWidth(3)
    c.rect(margin, margin, page_w - 2 * margin, page_h - 2 * margin)
    c.setLineWidth(0.8)
    inset = margin + 6
    c.rect(inset, inset, page_w - 2 * inset, page_h - 2 * inset)

    centre = page_w / 2
    y = page_h - margin - 0.75 * inch
    c.setFillColor(_ACCENT)
    c.setFont(FONT_BOLD, 22)
    c.drawCentredString(centre, y, cert.city)
    y -= 0.45 * inch
    c.setFont(FONT, 15)
    c.drawCentredString(centre, y, cert.title.upper())
    y -= 0.2 * inch
    c.setLineWidth(1)
    c.line(margin + 1.2 * inch, y, page_w - margin - 1.2 * inch, y)

    # The license number, large, and the QR code of it beside the holder's name.
    y -= 0.65 * inch
    c.setFillColor(black)
    c.setFont(FONT, 11)
    c.drawCentredString(centre, y + 0.32 * inch, "License number")
    c.setFont(FONT_BOLD, 30)
    c.drawCentredString(centre, y - 0.1 * inch, cert.license_no)

    y -= 0.75 * inch
    text_width = page_w - 2 * margin - 0.8 * inch
    size = _fit(c, cert.holder, FONT_BOLD, 20, text_width)
    c.setFont(FONT_BOLD, size)
    c.drawCentredString(centre, y, cert.holder)

    # Field table.
    y -= 0.6 * inch
    label_x = margin + 0.7 * inch
    value_x = margin + 2.5 * inch
    value_width = page_w - margin - 0.7 * inch - value_x
    for label, value in cert.fields:
        c.setFont(FONT, 10)
        c.setFillColor(_ACCENT)
        c.drawString(label_x, y, label)
        c.setFillColor(black)
        c.setFont(FONT_BOLD, 12)
        for part in _wrap(c, value, FONT_BOLD, 12, value_width) or [""]:
            c.drawString(value_x, y, part)
            y -= 0.22 * inch
        y -= 0.1 * inch

    # QR code of the license number, bottom right inside the border.
    qr_size = 1.5 * inch
    qr_x = page_w - margin - 0.35 * inch - qr_size
    qr_y = margin + 0.55 * inch
    _draw_qr(c, cert.license_no, x=qr_x, y=qr_y, size=qr_size)
    c.setFont(FONT, 8)
    c.drawCentredString(qr_x + qr_size / 2, qr_y - 0.05 * inch, cert.license_no)

    _draw_signature(c, cert, x=margin + 0.5 * inch, y=margin + 0.75 * inch, width=3.2 * inch)

    if cert.footer:
        c.setFont(FONT, 9)
        footer_y = margin + 2.0 * inch
        for part in _wrap(c, cert.footer, FONT, 9, qr_x - margin - 0.9 * inch):
            c.drawString(margin + 0.5 * inch, footer_y, part)
            footer_y -= 0.17 * inch

    c.showPage()
    c.save()
    return out.getvalue()
