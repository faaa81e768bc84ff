"""The lead's dashboard (Ctrl+Shift+D): every drawer of the business date at this counter, its
state and cashier, the cash an open drawer should hold against the pickup limit, the
over/short of a counted one and the sign-offs waiting. Read only; F5 reads it again, Esc
closes. The service (BalancingService.dashboard) decides who may see it and keeps a lead's
own open drawer blind.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QVBoxLayout, QWidget

from cashdesk.app import Cashdesk
from cashdesk.domain.drawer import describe
from cashdesk.domain.roles import Operator
from cashdesk.services.balancing import Dashboard, DrawerGlance
from cashdesk.ui import theme
from cashdesk.ui.operations import Background
from cashdesk.ui.receipts import failure_text
from cashdesk.ui.widgets import (
    Column,
    MessageLabel,
    RowsModel,
    add_action,
    difference_style,
    fit_to_screen,
    key_button,
    label,
    refocus,
    table_view,
)

STATES = {
    "open": "open",
    "counted": "counted",
    "approved": "signed off",
    "deposited": "deposited",
}
THIS_WORKSTATION_ONLY = (
    "This counter's drawers only: drawers at the city's other workstations are not shown here."
)


def _cash(glance: DrawerGlance) -> str:
    if glance.cash_on_hand is not None:
        return str(glance.cash_on_hand)
    return "your drawer: counted blind" if glance.state == "open" else ""


def _row(glance: DrawerGlance) -> tuple[str, ...]:
    return (
        glance.drawer,
        glance.cashier,
        STATES.get(glance.state, glance.state),
        glance.opened_at,
        _cash(glance),
        "over: call for a pickup" if glance.over_pickup_limit else "",
        "" if glance.over_short is None else describe(glance.over_short),
        "waiting for a lead" if glance.waiting_signoff else "",
    )


class DashboardDialog(QDialog):
    def __init__(
        self, desk: Cashdesk, operator: Operator, background: Background, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Drawers")
        self.setAccessibleName("Drawers dashboard")
        self.desk = desk
        self.operator = operator
        self.background = background
        self.board: Dashboard | None = None
        title = label("Drawers", role="title")
        self.scope = label(role="hint")
        self.scope.setAccessibleName("Dashboard scope")
        self.scope.setWordWrap(True)
        self.scope.setFont(theme.font(theme.TOTALS_PT))
        self.only_here = MessageLabel("Workstations shown", role="problem")
        self.model = RowsModel(
            (
                Column("Drawer"),
                Column("Cashier", stretch=True),
                Column("State"),
                Column("Opened"),
                Column("Cash on hand", right=True),
                Column("Pickup limit"),
                Column("Over/short", right=True),
                Column("Sign-off"),
            )
        )
        self.view = table_view(self.model, "Drawers")
        self.summary = label(role="hint")
        self.summary.setAccessibleName("Dashboard summary")
        self.error = MessageLabel("Dashboard problem", role="problem")
        self.refresh_action = add_action(self, "Refresh", ["F5"], self.refresh)
        self.close_action = add_action(self, "Close", ["Esc"], self.reject)
        keys = QHBoxLayout()
        keys.addWidget(self.summary, 1)
        keys.addWidget(key_button(self.refresh_action, "Refresh"))
        keys.addWidget(key_button(self.close_action, "Close"))
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.scope)
        layout.addWidget(self.only_here)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.error)
        layout.addLayout(keys)
        fit_to_screen(self, 1100, 520)
        refocus(self.view)

    def refresh(self) -> None:
        balancing, operator = self.desk.balancing, self.operator
        self.summary.setText("Reading…")
        self.background.run(
            lambda: balancing.dashboard(operator),
            on_success=self.show_board,
            on_failure=self._failed,
        )

    def show_board(self, board: Dashboard) -> None:
        self.board = board
        self.error.clear_message()
        self.scope.setText(
            f"Workstation {board.workstation_id}, business date "
            f"{board.business_date:%A %d %B %Y}. Pickup limit {board.pickup_limit}."
        )
        if board.this_workstation_only:
            self.only_here.show_message(THIS_WORKSTATION_ONLY)
        else:
            self.only_here.clear_message()
        rows = [_row(g) for g in board.drawers]
        self.model.set_rows(rows, [difference_style(row[6]) for row in rows])
        if board.drawers:
            self.view.setCurrentIndex(self.model.index(0, 0))
        opened = sum(g.state == "open" for g in board.drawers)
        waiting = sum(g.waiting_signoff for g in board.drawers)
        pickups = sum(g.over_pickup_limit for g in board.drawers)
        self.summary.setText(
            f"{len(board.drawers)} drawers, {opened} open; {waiting} waiting for sign-off; "
            f"{pickups} over the pickup limit."
            if board.drawers
            else "No drawer has been opened on this date."
        )

    def _failed(self, error: Exception) -> None:
        self.summary.clear()
        self.error.show_message(failure_text(error))
