"""A keyboard for tests: keys go where a cashier's would."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot


class Keyboard:
    """Every key goes to what has the keyboard focus (or an open completion popup), so a
    test drives the screens exactly as far as the keyboard alone can."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot = qtbot

    def target(self) -> QWidget:
        # A window opened or closed by the last key is (re)activated by the window system a
        # moment later; a person's next key comes after that, so the test's does too.
        def settled() -> bool:
            modal = QApplication.activeModalWidget()
            active = QApplication.activeWindow()
            return active is not None and (modal is None or modal is active)

        if QApplication.activePopupWidget() is None:
            self.qtbot.waitUntil(settled, timeout=2000)
        widget = (
            QApplication.activePopupWidget()
            or QApplication.focusWidget()
            or QApplication.activeWindow()
        )
        assert widget is not None, "no window has the keyboard"
        return widget

    def type(self, text: str) -> None:
        for char in text:
            self.qtbot.keyClick(self.target(), char)

    def press(
        self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
    ) -> None:
        self.qtbot.keyClick(self.target(), key, modifier)

    def enter(self) -> None:
        self.press(Qt.Key.Key_Return)
