"""Small helpers shared by the operations panels (devices, sync, administration)."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget


def alive(widget: QWidget) -> bool:
    """False once a dialog closed (and was deleted) while its background call ran."""
    return shiboken6.isValid(widget) and widget.isVisible()


def return_focus(widget: QWidget) -> None:
    """After a dialog opened from a dialog closes: its opener takes the keyboard back (the
    window system does not always reactivate it by itself)."""
    if not alive(widget):
        return
    widget.window().activateWindow()
    widget.setFocus(Qt.FocusReason.OtherFocusReason)
