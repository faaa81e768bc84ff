"""The shipped PDF fonts have a glyph for every character the city's data and a payer's name
may carry: nothing prints as a black box."""

from __future__ import annotations

import csv

import pytest
from reportlab.pdfbase.ttfonts import TTFont

from cashdesk.reports.receipt_pdf import MONO_BOLD_FILE, MONO_FILE
from cashdesk.resources import city_dir, fonts_dir

REPORT_FONTS = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
VIETNAMESE = (
    "Nguyễn Thị Ánh Tuyết, Trần Văn Đức, Phạm Quốc Hưng, Lê Thị Mỹ Dung, Võ Hoàng Yến, "
    "Huỳnh Ngọc Ẩn, Đặng Thùy Trâm, Bùi Xuân Phái — Thành phố Hồ Chí Minh"
)
# Latin Extended Additional: every Vietnamese letter with its tone mark, U+1EA0-U+1EF9.
VIETNAMESE_LETTERS = "".join(chr(c) for c in range(0x1EA0, 0x1EFA))


def city_text() -> str:
    parts: list[str] = []
    for path in sorted(city_dir().glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            parts += [cell for row in csv.reader(handle) for cell in row]
    return "".join(parts)


def missing(font_file: str, text: str) -> set[str]:
    face = TTFont("probe", str(fonts_dir() / font_file)).face
    return {ch for ch in set(text) if not ch.isspace() and ord(ch) not in face.charToGlyph}


@pytest.mark.parametrize("font_file", [MONO_FILE, MONO_BOLD_FILE, *REPORT_FONTS])
def test_every_character_of_the_city_data_and_vietnamese_has_a_glyph(font_file: str) -> None:
    text = city_text() + VIETNAMESE + VIETNAMESE_LETTERS + "–—“”‘’€Łł"
    assert len(set(city_text())) > 60  # the data was really read
    assert missing(font_file, text) == set()


def test_every_shipped_font_has_its_license_beside_it() -> None:
    folder = fonts_dir()
    licences = {p.name for p in folder.glob("LICENSE-*")}
    assert {"LICENSE-DejaVu.txt", "LICENSE-NotoSansMono.txt"} <= licences
    assert "SIL OPEN FONT LICENSE Version 1.1" in (folder / "LICENSE-NotoSansMono.txt").read_text()
