"""A license certificate carries the configured authorising signature, inside the page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageDraw

from cashdesk.reports.license_certificate import Certificate, Signature, render_certificate


def certificate(signature: Signature) -> Certificate:
    return Certificate(
        city="City of Riverbend",
        title="Business License",
        license_no="BL-W01-00001",
        holder="Nguyễn Thị Ánh Tuyết — Phở Hà Nội & Bánh Mì Đặc Biệt Restaurant Group LLC",
        fields=(("Owner", "Trần Văn Đức"), ("License term", "January 1, 2027 to December 31")),
        footer="Post this license in a conspicuous place at the place of business.",
        signature=signature,
    )


def signature_png(path: Path) -> Path:
    image = Image.new("RGBA", (600, 160), (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(20, 120), (200, 30), (380, 130), (580, 40)], fill="navy", width=6)
    image.save(path)
    return path


def images_and_text(pdf: bytes) -> tuple[int, str]:
    document = pdfium.PdfDocument(pdf)
    page = document[0]
    images = len(list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE])))
    text = page.get_textpage().get_text_range()
    document.close()
    return images, text


def test_the_configured_signature_image_is_printed_with_name_and_title(
    tmp_path: Path, pdf_fits: Callable[..., list[str]]
) -> None:
    signed = Signature(
        name="Dana Whitfield", title="Finance Director", image=signature_png(tmp_path / "s.png")
    )
    pdf = render_certificate(certificate(signed))
    images, text = images_and_text(pdf)
    assert images == 1
    assert "Dana Whitfield" in text and "Finance Director, City of Riverbend" in text
    assert "Nguyễn Thị Ánh Tuyết" in text
    assert pdf_fits(pdf, margin=0.6 * 72) == []


def test_without_an_image_the_line_is_left_to_sign_by_hand() -> None:
    images, text = images_and_text(render_certificate(certificate(Signature())))
    assert images == 0
    assert "Authorised signature" in text
