"""Fonts, sizes and the style sheet: readable at arm's length on a counter screen."""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from cashdesk.resources import fonts_dir

log = logging.getLogger(__name__)

SANS = "DejaVu Sans"
MONO = "DejaVu Sans Mono"
BASE_PT = 14
TOTALS_PT = 20
CHANGE_PT = 32
MIN_BUTTON_PX = 44

ERROR_COLOUR = "#b00020"
STYLE = f"""
QPushButton {{ min-height: {MIN_BUTTON_PX}px; padding: 0 14px; }}
QLineEdit {{ min-height: 34px; padding: 0 6px; }}
QCheckBox {{ min-height: 34px; }}
QLabel[role="error"] {{ color: {ERROR_COLOUR}; }}
QLabel[role="problem"] {{
    color: white; background: {ERROR_COLOUR}; padding: 8px; border-radius: 4px;
}}
QLabel[role="hint"] {{ color: #444444; }}
QLabel[role="title"] {{ font-size: 22pt; font-weight: bold; }}
QFrame[role="totals"] {{ background: #f3f5f8; border: 1px solid #c8ced6; border-radius: 6px; }}
QPushButton[role="primary"] {{ font-weight: bold; }}
QStatusBar QLabel {{ padding: 0 10px; border-left: 1px solid #b0b8c2; }}
QLabel[role="keys"] {{ color: #333333; }}
"""

_installed = False


def install_fonts() -> None:
    """Load the shipped DejaVu fonts, so screens render on a machine with no system fonts."""
    global _installed
    if _installed:
        return
    for path in sorted(fonts_dir().glob("*.ttf")):
        if QFontDatabase.addApplicationFont(str(path)) < 0:
            log.warning("could not load the font %s", path)
    _installed = True


def font(point_size: int = BASE_PT, *, bold: bool = False, mono: bool = False) -> QFont:
    result = QFont(MONO if mono else SANS, point_size)
    result.setBold(bold)
    if mono:
        result.setStyleHint(QFont.StyleHint.Monospace)
    return result


def apply(app: QApplication) -> None:
    install_fonts()
    app.setStyle("Fusion")
    app.setFont(font())
    app.setStyleSheet(STYLE)
