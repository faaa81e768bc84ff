"""End of day for the workstation (a lead cashier): the date's drawers with their state and
over/short, sign-off and reopen of the selected drawer, the deposit bag, and the day close.

Everything runs as the signed-in operator; the services refuse what their role may not do
and the refusal is shown here in their words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from cashdesk.app import Cashdesk
from cashdesk.domain.drawer import describe
from cashdesk.domain.money import Money
from cashdesk.domain.roles import Operator, Permission, refusal
from cashdesk.services.day_close import DayCloseResult
from cashdesk.services.day_reports import DayReport, DepositSlip, SessionFigures
from cashdesk.ui import theme
from cashdesk.ui.drawer_dialogs import REASON, WorkDialog
from cashdesk.ui.forms import FormField
from cashdesk.ui.operations import Background
from cashdesk.ui.receipts import failure_text
from cashdesk.ui.widgets import (
    Column,
    MessageLabel,
    RowsModel,
    add_action,
    confirm,
    current_row,
    difference_style,
    key_button,
    label,
    offer,
    refocus,
    table_view,
)

STATES = {
    "open": "open (blind)",
    "counted": "counted: waiting for sign-off",
    "approved": "approved",
    "deposited": "deposited",
}


def _session_row(f: SessionFigures) -> tuple[str, ...]:
    return (
        f.label,
        ", ".join(f.cashiers) or f.cashier,
        STATES.get(f.state, f.state),
        str(f.receipts),
        str(f.pickups) if f.pickup_count else "",
        "" if f.over_short is None else describe(f.over_short),
        f"{f.approved_by}: {f.approval_reason}" if f.approved_by else f.approval_reason,
    )


def slip_text(slip: DepositSlip) -> str:
    return (
        f"Deposit bag {slip.bag_number} for {slip.account_name}: currency {slip.currency}, "
        f"coin {slip.coin}, checks {slip.checks} ({len(slip.items)}), total {slip.total}."
    )


class EndOfDayPage(QWidget):
    back = Signal()

    def __init__(self, desk: Cashdesk, background: Background) -> None:
        super().__init__()
        self.desk = desk
        self.background = background
        self.operator: Operator | None = None
        self.report: DayReport | None = None
        self.day: dt.date | None = None  # None: the workstation's current business date
        self.title = label("End of day", role="title")
        self.figures = label(role="hint")
        self.figures.setAccessibleName("Day figures")
        self.figures.setWordWrap(True)
        self.model = RowsModel(
            (
                Column("Drawer session", stretch=True),
                Column("Cashiers"),
                Column("State"),
                Column("Receipts", right=True),
                Column("Pickups", right=True),
                Column("Over/short", right=True),
                Column("Sign-off"),
            )
        )
        self.view = table_view(self.model, "Drawer sessions")
        self.message = MessageLabel("End of day message", role="hint")
        self.message.setFont(theme.font(theme.TOTALS_PT))
        self.error = MessageLabel("End of day problem", role="problem")
        window = Qt.ShortcutContext.WindowShortcut
        self.signoff_action = add_action(self, "Sign off", ["F8"], self.sign_off, context=window)
        self.reopen_action = add_action(self, "Reopen", ["F7"], self.reopen, context=window)
        self.deposit_action = add_action(self, "Deposit", ["F6"], self.deposit, context=window)
        self.close_action = add_action(self, "Close day", ["F12"], self.close_day, context=window)
        self.back_action = add_action(self, "Back", ["Esc"], self.back.emit, context=window)
        buttons = QGridLayout()
        for i, (action, name) in enumerate(
            (
                (self.signoff_action, "Sign off the selected drawer"),
                (self.reopen_action, "Reopen the selected drawer"),
                (self.deposit_action, "Prepare the deposit"),
                (self.close_action, "Close the day"),
                (self.back_action, "Back"),
            )
        ):
            buttons.addWidget(key_button(action, name, primary=action is self.close_action), 0, i)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.figures)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.error)
        row = QHBoxLayout()
        row.addLayout(buttons)
        layout.addLayout(row)

    def start(self, operator: Operator) -> None:
        self.operator = operator
        self.day = None
        self._offer_actions(None)
        self.message.clear_message()
        self.error.clear_message()
        self.refresh()

    def focus_entry(self) -> None:
        if self.isVisible():
            refocus(self.view)

    # -- the date's drawers ---------------------------------------------------------------
    def refresh(self) -> None:
        operator = self.operator
        if operator is None:
            return
        day_close, day = self.desk.day_close, self.day
        self.background.run(
            lambda: day_close.sessions(operator, day),
            on_success=self._show,
            on_failure=self._failed,
        )

    def _offer_actions(self, report: DayReport | None) -> None:
        """What this lead may do on this date: a closed day takes no sign-off, reopen,
        deposit or close (its drawers are final); a role without the permission is not
        offered it. The reason is the disabled key's tooltip."""
        operator = self.operator
        for action, permission in (
            (self.signoff_action, Permission.APPROVE_VARIANCE),
            (self.reopen_action, Permission.REOPEN_DRAWER),
            (self.deposit_action, Permission.MAKE_DEPOSIT),
            (self.close_action, Permission.CLOSE_DAY),
        ):
            why = "" if operator is None else refusal(operator, permission)
            if not why and report is not None and report.closed:
                why = f"{report.business_date:%Y-%m-%d} is closed: its drawers are final."
            offer(action, why)

    def _show(self, report: DayReport) -> None:
        self.report = report
        self._offer_actions(report)
        state = "closed" if report.closed else "open"
        self.title.setText(f"End of day {report.business_date:%Y-%m-%d} ({state})")
        self.figures.setText(
            f"{report.receipts} receipts, {report.receipts_total}; {report.voided} voided; "
            f"over/short {describe(report.over_short)}; deposits {report.deposits_total}. "
            "Reports: Ctrl+R."
        )
        selected = current_row(self.view)
        rows = [_session_row(f) for f in report.sessions]
        self.model.set_rows(rows, [difference_style(row[5]) for row in rows])
        if report.sessions:
            self.view.selectRow(min(selected or 0, len(report.sessions) - 1))
        self.focus_entry()

    def _failed(self, error: Exception) -> None:
        self.error.show_message(failure_text(error))
        self.focus_entry()

    def _selected(self) -> SessionFigures | None:
        row = current_row(self.view)
        if self.report is None or row is None or row >= len(self.report.sessions):
            self.error.show_message("Select a drawer session first (arrow keys).")
            return None
        return self.report.sessions[row]

    def _work(
        self,
        *,
        title: str,
        heading: str,
        confirm_text: str,
        fields: Sequence[FormField],
        work: Callable[[dict[str, str]], Any],
        done: Callable[[Any], None],
    ) -> None:
        """Ask in a dialog, run ``work`` with its values in the background, then ``done``."""
        self.error.clear_message()
        dialog = WorkDialog(
            self,
            self.background,
            title=title,
            heading=heading,
            confirm_text=confirm_text,
            fields=fields,
            work=work,
        )

        def finished() -> None:
            if dialog.result is not None:
                done(dialog.result)
            self.focus_entry()
            dialog.deleteLater()

        dialog.finished.connect(finished)
        dialog.open()

    # -- actions ------------------------------------------------------------------------------
    def sign_off(self) -> None:
        operator, figures = self.operator, self._selected()
        if operator is None or figures is None:
            return
        balancing = self.desk.balancing
        self._work(
            title="Sign off",
            heading=f"Sign off {figures.label}: {describe(figures.over_short or Money.zero())}",
            confirm_text="Sign off",
            fields=(REASON,),
            work=lambda v: balancing.approve(operator, figures.id, reason=v["reason"]),
            done=lambda _r: self._done(f"{figures.label} signed off."),
        )

    def reopen(self) -> None:
        operator, figures = self.operator, self._selected()
        if operator is None or figures is None:
            return
        day_close = self.desk.day_close
        self._work(
            title="Reopen drawer",
            heading=f"Reopen {figures.label}: its count is set aside",
            confirm_text="Reopen",
            fields=(REASON,),
            work=lambda v: day_close.reopen(operator, figures.id, reason=v["reason"]),
            done=lambda _r: self._done(f"{figures.label} reopened: count it again."),
        )

    def deposit(self) -> None:
        operator = self.operator
        if operator is None:
            return
        day_close = self.desk.day_close
        self._work(
            title="Deposit",
            heading="Deposit bag for the approved drawers",
            confirm_text="Prepare deposit",
            fields=(FormField("bag", "&Bag number", hints=("bag",), max_length=20),),
            work=lambda v: day_close.deposit(operator, bag_number=v["bag"]),
            done=lambda slip: self._done(slip_text(slip)),
        )

    def close_day(self) -> None:
        operator = self.operator
        if operator is None:
            return
        self.error.clear_message()
        day = self.report.business_date if self.report is not None else None
        confirm(
            self,
            title="Close the day",
            text=(f"Close {day:%Y-%m-%d} for this workstation? " if day else "Close the day? ")
            + "Its receipts and drawers become final; later receipts go to the next date.",
            yes="&Close the day",
            no="&Not yet",
            on_yes=lambda: self._close(operator),
            on_no=self.focus_entry,
        )

    def _close(self, operator: Operator) -> None:
        day_close = self.desk.day_close
        self.background.run(
            lambda: day_close.close_day(operator),
            on_success=self._closed,
            on_failure=self._failed,
        )

    def _closed(self, result: DayCloseResult) -> None:
        self.day = result.business_date  # keep showing the date just closed
        z = result.report
        self._done(
            f"{result.business_date:%Y-%m-%d} is closed: {z.receipts} receipts, "
            f"{z.receipts_total}; over/short {describe(z.over_short)}. Z report: Ctrl+R."
        )

    def _done(self, text: str) -> None:
        self.message.show_message(text)
        self.refresh()
