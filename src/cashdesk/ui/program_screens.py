"""The petty cash and housing assistance screens in the main window.

``ProgramScreens(window)`` adds two window-wide keys: Ctrl+Shift+P petty cash (a lead, the
fund's custodian) and Ctrl+Shift+H housing assistance (program staff, leads and
administrators). Each opens its panel like the other operations panels; a user without the
permission is told so in the status bar (the services refuse anyway).
"""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt

from cashdesk.domain.roles import Permission
from cashdesk.ui.housing_panel import HousingDialog
from cashdesk.ui.petty_cash_panel import PettyCashDialog
from cashdesk.ui.widgets import add_action

if TYPE_CHECKING:
    from cashdesk.ui.window import MainWindow


class ProgramScreens(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = weakref.ref(window)
        context = Qt.ShortcutContext.WindowShortcut
        self.petty_cash_action = add_action(
            window, "Petty cash", ["Ctrl+Shift+P"], self.petty_cash, context=context
        )
        self.housing_action = add_action(
            window, "Housing assistance", ["Ctrl+Shift+H"], self.housing, context=context
        )

    def _allowed(self, permission: Permission, what: str) -> MainWindow | None:
        window = self._window()
        if window is None or window.operator is None:
            return None
        operator = window.operator
        if not operator.may_known(permission):
            window.statusBar().showMessage(
                f"{operator.full_name} ({operator.known_role.label}) may not open {what}.", 10000
            )
            return None
        return window

    @staticmethod
    def documents(window: MainWindow, area: str) -> Path:
        """Beside the store, like the license certificates: ``documents/<area>``."""
        return Path(str(window.desk.engine.url.database)).parent / "documents" / area

    def petty_cash(self) -> None:
        window = self._allowed(Permission.PETTY_CASH, "petty cash (a lead keeps the fund)")
        if window is not None and window.operator is not None:
            window._open_panel(
                PettyCashDialog(
                    window.desk,
                    window.operator,
                    window.tasks,
                    documents_dir=self.documents(window, "petty_cash"),
                    parent=window,
                )
            )

    def housing(self) -> None:
        window = self._allowed(Permission.HOUSING_PROGRAM, "housing assistance applications")
        if window is not None and window.operator is not None:
            window._open_panel(
                HousingDialog(
                    window.desk,
                    window.operator,
                    window.tasks,
                    documents_dir=self.documents(window, "housing"),
                    parent=window,
                )
            )
