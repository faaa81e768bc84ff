"""The blind close and the relief handoff: count, submit, and only then the expected figures.

Count view: the denomination grid, the checks and money orders listed one by one, the card
terminal's batch total (and, for a handoff, the incoming cashier's sign-in). Nothing expected
is shown. F12 submits; Escape goes back to the sale screen with nothing changed.

Result view: the over/short per tender from the service's CountResult, the listed items
matched against the tenders taken, the state; a difference over the threshold waits for a
lead's sign-off (F8) and may be recounted once (F7). Enter is done.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from cashdesk.app import Cashdesk
from cashdesk.domain.drawer import DrawerCount, HandoffTerms, describe
from cashdesk.domain.roles import Operator
from cashdesk.errors import ValidationError
from cashdesk.services.balancing import CountResult, HandoffResult
from cashdesk.services.drawers import DEFAULT_DRAWER
from cashdesk.ui import theme
from cashdesk.ui.cash_count import DenominationGrid, ItemsEntry, drawer_count, step_edit
from cashdesk.ui.drawer_dialogs import lead_dialog
from cashdesk.ui.operations import Background
from cashdesk.ui.receipts import failure_text
from cashdesk.ui.widgets import (
    ENTER_KEYS,
    Column,
    MessageLabel,
    RowsModel,
    add_action,
    button,
    key_button,
    label,
    line_edit,
    refocus,
    table_view,
)


def _state_text(result: CountResult, threshold: str) -> str:
    if result.state == "approved" and result.approved_by:
        return f"Signed off by {result.approved_by}: {result.approval_reason}"
    if result.state == "approved":
        return f"Approved: {result.approval_reason}."
    if result.needs_signoff:
        again = " or recount once (F7)" if result.recount_allowed else ""
        return (
            f"The difference needs a lead cashier's sign-off (over {threshold}, or a check or "
            f"money order that does not match): ask a lead to sign off (F8){again}."
        )
    return f"The drawer is {result.state}."


class CloseDrawerPage(QWidget):
    """``finished(operator)``: the page is done; the window carries on with ``operator``
    (the incoming cashier after a handoff, or None to sign out after a close).
    ``cancelled``: Escape before submitting, nothing changed."""

    finished = Signal(object)
    cancelled = Signal()
    counted = Signal(object)  # CountResult: the count is in (the drawer is no longer open)

    def __init__(self, desk: Cashdesk, background: Background) -> None:
        super().__init__()
        self.desk = desk
        self.background = background
        self.operator: Operator | None = None
        self.handoff = False
        self.drawer = DEFAULT_DRAWER
        self.result: CountResult | None = None
        self.incoming: Operator | None = None
        self.handoff_terms: HandoffTerms | None = None  # of the handoff just made
        self.submitting = False
        self.recounting = False

        self.title = label(role="title")
        self.note = label(role="hint")
        self.note.setWordWrap(True)
        self.note.setAccessibleName("Count note")

        # -- the count ---------------------------------------------------------------------
        self.grid = DenominationGrid("Cash")
        self.items = ItemsEntry()
        self.incoming_user = step_edit("Incoming cashier user name")
        self.incoming_password = line_edit("Incoming cashier password", password=True)
        self.incoming_box = QWidget()
        incoming = QGridLayout(self.incoming_box)
        incoming.addWidget(label("Incoming cashier signs in"), 0, 0, 1, 2)
        incoming.addWidget(label("&User name", buddy=self.incoming_user), 1, 0)
        incoming.addWidget(self.incoming_user, 1, 1)
        incoming.addWidget(label("Pass&word", buddy=self.incoming_password), 2, 0)
        incoming.addWidget(self.incoming_password, 2, 1)
        self.count_error = MessageLabel("Count problem", role="problem")
        window = Qt.ShortcutContext.WindowShortcut
        self.submit_action = add_action(
            self, "Submit count", ["F12", "Ctrl+Return"], self.submit, context=window
        )
        self.back_action = add_action(self, "Back", ["Esc"], self._back, context=window)
        self.submit_button = key_button(self.submit_action, "Submit count", primary=True)
        self.back_button = key_button(self.back_action, "Back to the sale screen")

        self.grid.finished.connect(self.items.focus_first)
        self.items.finished.connect(self._after_items)
        self.incoming_user.next_requested.connect(self.incoming_password.setFocus)
        self.incoming_password.returnPressed.connect(self.submit)

        lower = QHBoxLayout()
        lower.addWidget(self.items, 3)
        side = QVBoxLayout()
        side.addWidget(self.incoming_box)
        side.addStretch(1)
        side.addWidget(self.count_error)
        side.addWidget(self.submit_button)
        side.addWidget(self.back_button)
        lower.addLayout(side, 2)
        count_view = QWidget()
        count_layout = QVBoxLayout(count_view)
        count_layout.setContentsMargins(0, 0, 0, 0)
        count_layout.addWidget(self.grid)
        count_layout.addLayout(lower, 1)

        # -- the result --------------------------------------------------------------------
        self.summary = label()
        self.summary.setAccessibleName("Over/short")
        self.summary.setFont(theme.font(theme.CHANGE_PT, bold=True))
        self.variances = RowsModel(
            (
                Column("Tender", stretch=True),
                Column("Expected", right=True),
                Column("Counted", right=True),
                Column("Difference", right=True),
            )
        )
        self.variances_view = table_view(self.variances, "Over/short per tender")
        self.variances_view.setMinimumHeight(190)
        self.matches = RowsModel(
            (
                Column("Listed item"),
                Column("Kind"),
                Column("Number", stretch=True),
                Column("Amount", right=True),
                Column("Receipt"),
            )
        )
        self.matches_view = table_view(self.matches, "Checks and money orders matched")
        self.state = label()
        self.state.setAccessibleName("Count state")
        self.state.setWordWrap(True)
        self.state.setFont(theme.font(theme.TOTALS_PT))
        self.result_error = MessageLabel("Sign-off problem", role="problem")
        self.recount_action = add_action(self, "Recount", ["F7"], self.recount, context=window)
        self.signoff_action = add_action(
            self, "Lead sign-off", ["F8"], self.sign_off, context=window
        )
        self.recount_button = key_button(self.recount_action, "Recount")
        self.signoff_button = key_button(self.signoff_action, "Lead sign-off")
        self.done_button = button("Done   Enter", "Done", primary=True)
        self.done_button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.done_button.clicked.connect(self.done)
        result_view = QWidget()
        result_layout = QVBoxLayout(result_view)
        result_layout.setContentsMargins(0, 0, 0, 0)
        result_layout.addWidget(self.summary)
        result_layout.addWidget(self.variances_view)
        result_layout.addWidget(label("Checks and money orders listed, matched to the tenders"))
        result_layout.addWidget(self.matches_view, 1)
        result_layout.addWidget(self.state)
        result_layout.addWidget(self.result_error)
        buttons = QHBoxLayout()
        buttons.addWidget(self.recount_button)
        buttons.addWidget(self.signoff_button)
        buttons.addStretch(1)
        buttons.addWidget(self.done_button)
        result_layout.addLayout(buttons)

        self.views = QStackedWidget()
        self.views.addWidget(count_view)
        self.views.addWidget(result_view)
        self.count_view, self.result_view = count_view, result_view
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.note)
        layout.addWidget(self.views, 1)
        self.views.currentChanged.connect(self._enable_actions)

    # -- starting ---------------------------------------------------------------------------
    def start(self, operator: Operator, *, handoff: bool, drawer: str = DEFAULT_DRAWER) -> None:
        self.operator = operator
        self.handoff = handoff
        self.drawer = drawer
        self.result = None
        self.incoming = None
        self.handoff_terms = None
        self.recounting = False
        self.incoming_box.setVisible(handoff)
        self.title.setText(
            f"Hand over drawer {drawer}" if handoff else f"Close drawer {drawer}: blind count"
        )
        self._show_count()

    def _show_count(self) -> None:
        self.grid.clear()
        self.items.clear()
        self.incoming_user.clear()
        self.incoming_password.clear()
        self.count_error.clear_message()
        if self.handoff:
            text = (
                "Count the cash, list the checks and money orders, enter the card batch total; "
                "then the incoming cashier signs in and F12 hands the drawer over. The cash "
                "stays in the drawer as the incoming cashier's starting bank; the checks, "
                "money orders and card batch you list go with your count to the safe."
            )
        elif self.recounting:
            text = "Recount: count everything again. The first count is kept on record."
        else:
            text = (
                "Count the cash by denomination (Enter moves down), list each check and money "
                "order, enter the card terminal's batch total, then F12. The expected figures "
                "are shown after the count is submitted."
            )
        self.note.setText(text)
        self.views.setCurrentWidget(self.count_view)
        if self.isVisible():
            self.grid.focus_first()
        if self.operator is not None:
            # A drawer taken over from another cashier: say what is not hers to count. Only
            # the tenders that left with the earlier count (never the cash: the count is blind).
            operator, drawer, balancing = self.operator, self.drawer, self.desk.balancing
            self.background.run(
                lambda: balancing.handed_over(operator, drawer),
                on_success=lambda terms: self._not_counted_here(terms, text),
                on_failure=lambda _error: None,
            )

    def _not_counted_here(self, terms: HandoffTerms | None, text: str) -> None:
        if terms is None or self.views.currentWidget() is not self.count_view:
            return
        self.note.setText(
            f"{text}\nNot in this count: {terms.kept_by_outgoing}, handed over with "
            f"{terms.outgoing}'s count (they go to the safe with it)."
        )

    def focus_entry(self) -> None:
        if self.views.currentWidget() is self.count_view:
            self.grid.focus_first()
        else:
            refocus(self.done_button)

    def _enable_actions(self) -> None:
        counting = self.views.currentWidget() is self.count_view
        self.submit_action.setEnabled(counting)
        self.back_action.setEnabled(counting and not self.recounting)
        result = self.result
        self.recount_action.setEnabled(
            not counting and result is not None and result.recount_allowed
        )
        self.signoff_action.setEnabled(
            not counting and result is not None and result.state == "counted"
        )

    # -- submitting -------------------------------------------------------------------------
    def _after_items(self) -> None:
        if self.handoff:
            refocus(self.incoming_user)
        else:
            self.submit()

    def _count(self) -> DrawerCount | None:
        try:
            return drawer_count(self.grid, self.items)
        except ValidationError as err:
            self.count_error.show_message(str(err))
            return None

    def submit(self) -> None:
        operator = self.operator
        if operator is None or self.submitting:
            return
        self.count_error.clear_message()
        count = self._count()
        if count is None:
            return
        balancing, drawer = self.desk.balancing, self.drawer
        if self.handoff:
            auth = self.desk.auth
            user, password = self.incoming_user.text(), self.incoming_password.text()
            if not user.strip():
                self.count_error.show_message("The incoming cashier signs in with their user name.")
                refocus(self.incoming_user)
                return

            def handoff() -> tuple[Operator, HandoffResult]:
                incoming = auth.sign_in(user, password)
                return incoming, balancing.handoff(operator, incoming, count, drawer)

            self._submitting(True)
            self.background.run(handoff, on_success=self._handed, on_failure=self._refused)
            return
        if self.recounting and self.result is not None:
            session_id = self.result.session_id
            self._submitting(True)
            self.background.run(
                lambda: balancing.recount(operator, session_id, count),
                on_success=self._counted,
                on_failure=self._refused,
            )
            return
        self._submitting(True)
        self.background.run(
            lambda: balancing.submit_count(operator, count, drawer),
            on_success=self._counted,
            on_failure=self._refused,
        )

    def _submitting(self, busy: bool) -> None:
        self.submitting = busy
        self.count_view.setEnabled(not busy)
        self.submit_button.setText("Submitting…" if busy else "Submit count   F12")

    def _refused(self, error: Exception) -> None:
        self._submitting(False)
        self.incoming_password.clear()
        self.count_error.show_message(failure_text(error))
        if self.handoff and "password" in str(error):
            refocus(self.incoming_user)
        else:
            self.grid.focus_first()

    def _handed(self, handed: tuple[Operator, HandoffResult]) -> None:
        self.incoming, result = handed
        self._submitting(False)
        self._show_result(result.count)
        self.handoff_terms = result.terms
        self.note.setText(
            f"Drawer {result.next_session.drawer} is now {result.next_session.cashier_name}'s, "
            f"on {result.next_session.opening_bank} counted.\n"
            + "\n".join(result.terms.statement())
            + "\nExpected figures of the count:"
        )

    def _counted(self, result: CountResult) -> None:
        self._submitting(False)
        self._show_result(result)

    # -- the result -------------------------------------------------------------------------
    def _show_result(self, result: CountResult) -> None:
        self.result = result
        self.recounting = False
        threshold = str(self.desk.balancing.threshold)
        what = "handed over" if result.kind == "handoff" else "counted"
        self.title.setText(f"Drawer {self.drawer} {what} (count {result.attempt})")
        self.note.setText("Expected figures from the drawer's receipts and pickups:")
        self.summary.setText(f"Over/short: {describe(result.over_short)}")
        self.variances.set_rows(
            [
                (
                    v.kind.label,
                    str(v.expected),
                    str(v.counted),
                    describe(v.difference),
                )
                for v in result.variances
            ]
        )
        rows = [
            ("matched", i.kind.label, i.number or t.number, str(i.amount), t.receipt_number)
            for i, t in result.matched
        ]
        rows += [
            ("not in the drawer", t.kind.label, t.number, str(t.amount), t.receipt_number)
            for t in result.missing
        ]
        rows += [
            ("listed, but no receipt took it", i.kind.label, i.number, str(i.amount), "")
            for i in result.unexpected
        ]
        self.matches.set_rows(rows)
        self.state.setText(_state_text(result, threshold))
        self.state.setProperty("role", "error" if result.state == "counted" else "")
        self.state.style().polish(self.state)
        self.result_error.clear_message()
        self.done_button.setText(
            "Done: next cashier   Enter" if result.kind == "handoff" else "Done: sign out   Enter"
        )
        self.views.setCurrentWidget(self.result_view)
        self._enable_actions()
        self.counted.emit(result)
        if self.isVisible():
            refocus(self.done_button)

    def recount(self) -> None:
        if self.result is None or not self.result.recount_allowed:
            return
        self.recounting = True
        self.title.setText(f"Recount drawer {self.drawer}: blind count")
        self._show_count()
        self._enable_actions()

    def sign_off(self) -> None:
        result = self.result
        if result is None or result.state != "counted":
            return
        balancing, session_id = self.desk.balancing, result.session_id
        dialog = lead_dialog(
            self,
            self.desk,
            self.background,
            title="Lead sign-off",
            heading=f"A lead cashier signs off: {describe(result.over_short)}",
            confirm_text="Sign off",
            action=lambda lead, reason: balancing.approve(lead, session_id, reason=reason),
        )
        dialog.finished.connect(lambda _code: self._signed_off(dialog.result))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _signed_off(self, result: CountResult | None) -> None:
        if result is not None:
            self._show_result(result)
        elif self.isVisible():
            refocus(self.done_button)

    def done(self) -> None:
        if self.views.currentWidget() is not self.result_view or self.result is None:
            return
        self.finished.emit(self.incoming)

    def _back(self) -> None:
        if not self.submitting and not self.recounting:
            self.cancelled.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in ENTER_KEYS and self.views.currentWidget() is self.result_view:
            event.accept()
            self.done()
            return
        super().keyPressEvent(event)
