"""Fonts, sizes and the style sheet: readable at arm's length on a counter screen."""

from __future__ import annotations

import logging

from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication

from cashdesk.resources import fonts_dir

log = logging.getLogger(__name__)

SANS = "DejaVu Sans"
MONO = "DejaVu Sans Mono"
BASE_PT = 14
TOTALS_PT = 20
CHANGE_PT = 32
MIN_BUTTON_PX = 44
# The layout is drawn for a 1366×768 to 1920×1080 counter screen; a larger screen (in Qt's
# device-independent pixels: a 4K panel at 100 % scaling) scales every size up to twice.
REFERENCE_HEIGHT = 1080
MAX_SCALE = 2.0
_scale = 1.0


def scale_for(screen_height: int) -> float:
    """How much to enlarge fonts and sizes on a screen ``screen_height`` logical px high."""
    return max(1.0, min(MAX_SCALE, screen_height / REFERENCE_HEIGHT))


def px(size: int) -> int:
    """``size`` pixels at the screen's scale."""
    return round(size * _scale)


# The theme's colours. Every text/background pair that the screens draw is listed in
# TEXT_PAIRS, and tests/ui/test_theme.py holds each to WCAG AA (4.5:1 for text, 3:1 for
# the focus ring against what it is drawn on).
TEXT = "#111111"
WINDOW = "#f0f0f0"
BASE = "#ffffff"
ALTERNATE = "#f3f5f8"
HINT = "#454545"
DISABLED_TEXT = "#5c5c5c"
ERROR_COLOUR = "#b00020"
SHORT_COLOUR = "#b00020"  # a drawer short, a refused amount: red
OVER_COLOUR = "#8a4b00"  # a drawer over: amber, dark enough to read on white
VOID_COLOUR = "#5c5c5c"  # a voided receipt: grey and struck through
SELECTION = "#0b3d6e"  # selected rows: white on dark blue (the old light blue was 3.7:1)
SELECTION_TEXT = "#ffffff"
FOCUS = "#005fcc"  # the 3 px focus ring
PRIMARY = "#0b3d6e"
NOTICE = "#fff4ce"  # an in-page notice (not an error): dark text on pale yellow
BUTTON = "#e4e8ee"
TEXT_PAIRS: tuple[tuple[str, str, str], ...] = (
    ("body text", TEXT, WINDOW),
    ("field text", TEXT, BASE),
    ("alternate row", TEXT, ALTERNATE),
    ("hint", HINT, WINDOW),
    ("hint on a field", HINT, BASE),
    ("disabled text", DISABLED_TEXT, WINDOW),
    ("disabled button", DISABLED_TEXT, BUTTON),
    ("error", ERROR_COLOUR, WINDOW),
    ("problem banner", "#ffffff", ERROR_COLOUR),
    ("short", SHORT_COLOUR, BASE),
    ("short, alternate row", SHORT_COLOUR, ALTERNATE),
    ("over", OVER_COLOUR, BASE),
    ("over, alternate row", OVER_COLOUR, ALTERNATE),
    ("void", VOID_COLOUR, BASE),
    ("void, alternate row", VOID_COLOUR, ALTERNATE),
    ("selected row", SELECTION_TEXT, SELECTION),
    ("primary button", "#ffffff", PRIMARY),
    ("button", TEXT, BUTTON),
    ("notice", TEXT, NOTICE),
    ("totals", TEXT, ALTERNATE),
)
# Non-text contrast (WCAG 1.4.11): the focus ring against the surfaces it is drawn on.
RING_PAIRS: tuple[tuple[str, str, str], ...] = (
    ("focus ring on the window", FOCUS, WINDOW),
    ("focus ring on a field", FOCUS, BASE),
    ("focus ring on a button", FOCUS, BUTTON),
)
# The widgets that take the keyboard: each draws the ring when it has the focus. Each keeps
# a 3 px frame at all times (a margin when not focused) so the layout does not move.
FOCUSABLE = (
    "QLineEdit",
    "QComboBox",
    "QAbstractSpinBox",
    "QTableView",
    "QListView",
    "QTreeView",
    "QPlainTextEdit",
    "QTextEdit",
    "QTextBrowser",
)


def style_sheet() -> str:
    fields = ", ".join(FOCUSABLE)
    focused = ", ".join(f"{name}:focus" for name in FOCUSABLE)
    return f"""
QWidget {{ color: {TEXT}; }}
{fields} {{
    border: 1px solid #6b6b6b; margin: 2px; background: {BASE};
    selection-background-color: {SELECTION}; selection-color: {SELECTION_TEXT};
}}
{focused} {{ border: 3px solid {FOCUS}; margin: 0px; }}
QTableView {{ alternate-background-color: {ALTERNATE}; gridline-color: #c8ced6; }}
QTableView::item:selected {{ background: {SELECTION}; color: {SELECTION_TEXT}; }}
QPushButton {{
    min-height: {px(MIN_BUTTON_PX)}px; padding: 0 14px; background: {BUTTON};
    border: 1px solid #6b6b6b; border-radius: 4px; margin: 2px;
}}
QPushButton:focus {{ border: 3px solid {FOCUS}; margin: 0px; }}
QPushButton:pressed {{ background: #c9d0da; }}
QPushButton:disabled {{ color: {DISABLED_TEXT}; }}
QPushButton[role="primary"] {{ font-weight: bold; background: {PRIMARY}; color: white; }}
QPushButton[role="primary"]:focus {{ border: 3px solid {FOCUS}; }}
QCheckBox, QRadioButton {{
    min-height: {px(34)}px; border: 3px solid transparent; border-radius: 4px; padding: 0 4px;
}}
QCheckBox:focus, QRadioButton:focus {{ border: 3px solid {FOCUS}; }}
QLineEdit {{ min-height: {px(34)}px; padding: 0 6px; }}
QLineEdit:disabled, QComboBox:disabled {{ color: {DISABLED_TEXT}; background: {WINDOW}; }}
QLabel[role="error"] {{ color: {ERROR_COLOUR}; }}
QLabel[role="problem"] {{
    color: white; background: {ERROR_COLOUR}; padding: 8px; border-radius: 4px;
}}
QLabel[role="notice"] {{
    color: {TEXT}; background: {NOTICE}; border: 1px solid #8a6d00; padding: 8px;
    border-radius: 4px;
}}
QLabel[role="hint"] {{ color: {HINT}; }}
QLabel[role="title"] {{ font-size: {round(22 * _scale)}pt; font-weight: bold; }}
QFrame[role="totals"] {{
    background: {ALTERNATE}; border: 1px solid #c8ced6; border-radius: 6px;
}}
QStatusBar QLabel {{ padding: 0 10px; border-left: 1px solid #b0b8c2; }}
QLabel[role="keys"] {{ color: {TEXT}; }}
"""


def palette() -> QPalette:
    """The same colours for what the style sheet does not reach (item views' painting)."""
    result = QPalette()
    group_roles = (
        (QPalette.ColorRole.Window, WINDOW),
        (QPalette.ColorRole.WindowText, TEXT),
        (QPalette.ColorRole.Base, BASE),
        (QPalette.ColorRole.AlternateBase, ALTERNATE),
        (QPalette.ColorRole.Text, TEXT),
        (QPalette.ColorRole.Button, BUTTON),
        (QPalette.ColorRole.ButtonText, TEXT),
        (QPalette.ColorRole.Highlight, SELECTION),
        (QPalette.ColorRole.HighlightedText, SELECTION_TEXT),
        (QPalette.ColorRole.ToolTipBase, BASE),
        (QPalette.ColorRole.ToolTipText, TEXT),
        (QPalette.ColorRole.PlaceholderText, HINT),
    )
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        for role, colour in group_roles:
            result.setColor(group, role, QColor(colour))
    for role, colour in group_roles:
        result.setColor(QPalette.ColorGroup.Disabled, role, QColor(colour))
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        result.setColor(QPalette.ColorGroup.Disabled, role, QColor(DISABLED_TEXT))
    return result


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


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
    result = QFont(MONO if mono else SANS, round(point_size * _scale))
    result.setBold(bold)
    if mono:
        result.setStyleHint(QFont.StyleHint.Monospace)
    return result


def apply(app: QApplication) -> None:
    global _scale
    install_fonts()
    screen = app.primaryScreen()
    _scale = scale_for(screen.availableGeometry().height()) if screen is not None else 1.0
    app.setStyle("Fusion")
    app.setFont(font())
    app.setPalette(palette())
    app.setStyleSheet(style_sheet())
