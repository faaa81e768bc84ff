"""Render installer/linux/cashdesk.svg to the PNG (Linux) and ICO (Windows) icons.

Run from the repository: ``.venv/bin/python installer/make_icon.py`` (needs PySide6's QtSvg,
which the development install has, and Pillow for the .ico). The outputs are committed.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image
from PySide6.QtCore import QBuffer, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

HERE = Path(__file__).resolve().parent


def render(svg: Path, size: int) -> bytes:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(svg)).render(painter)
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data().data())


def main() -> None:
    _app = QGuiApplication([])
    svg = HERE / "linux" / "cashdesk.svg"
    png = render(svg, 256)
    (HERE / "linux" / "cashdesk.png").write_bytes(png)
    Image.open(io.BytesIO(png)).save(
        HERE / "windows" / "cashdesk.ico", sizes=[(16, 16), (32, 32), (48, 48), (256, 256)]
    )


if __name__ == "__main__":
    main()
