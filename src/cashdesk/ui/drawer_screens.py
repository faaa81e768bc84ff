"""The drawer and end-of-day screens in the main window: a key bar under the pages, the
pickup prompt in the status bar, the close/handoff and end-of-day pages, the reports viewer.

``DrawerScreens(window)`` wires itself into a MainWindow (pages, actions, status bar); the
window keeps one reference to it.

Keys (window-wide, on the screens where they apply):
    Ctrl+U  pickup to the safe (a lead counts it)      F10  close the drawer (blind count)
    Ctrl+H  hand the drawer over to a relief cashier   F11  end of day (drawers, deposit, day close)
    Ctrl+R  reports                                    Ctrl+Shift+D  the lead's drawers dashboard
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from cashdesk.domain.drawer import HandoffTerms
from cashdesk.domain.roles import Operator, Permission, refusal
from cashdesk.errors import CashdeskError
from cashdesk.services.balancing import CountResult, DrawerStatus, PickupResult
from cashdesk.ui.dashboard import DashboardDialog
from cashdesk.ui.drawer_close import CloseDrawerPage
from cashdesk.ui.drawer_dialogs import PickupDialog
from cashdesk.ui.end_of_day import EndOfDayPage
from cashdesk.ui.operations import Background
from cashdesk.ui.reports_viewer import ReportsDialog
from cashdesk.ui.widgets import MessageLabel, add_action, key_button, refocus

if TYPE_CHECKING:
    from cashdesk.ui.window import MainWindow


def _ignore(_error: Exception) -> None:
    """The pickup prompt is a courtesy: a failed check leaves it as it was."""


class DrawerScreens(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        # Weak: this object lives as the window's child (owned by Qt), so a strong reference
        # back would keep the window's Python side alive after it closed.
        self._window = weakref.ref(window)
        self.desk = window.desk
        self.close_page = CloseDrawerPage(window.desk, window.background)
        self.day_page = EndOfDayPage(window.desk, window.background)
        for page in (self.close_page, self.day_page):
            window.pages.addWidget(page)
        # The pickup prompt's check reads on its own thread: it must never make the window
        # "busy" (sign-out and close wait for postings, not for this courtesy).
        self.checks = Background(self, on_failure=_ignore)
        window.installEventFilter(self)
        self.reports_dialog: ReportsDialog | None = None
        self.pickup_dialog: PickupDialog | None = None
        self.dashboard: DashboardDialog | None = None

        context = Qt.ShortcutContext.WindowShortcut
        self.pickup_action = add_action(window, "Pickup", ["Ctrl+U"], self.pickup, context=context)
        self.handoff_action = add_action(
            window, "Handoff", ["Ctrl+H"], self.handoff, context=context
        )
        self.close_action = add_action(
            window, "Close drawer", ["F10"], self.close_drawer, context=context
        )
        self.day_action = add_action(
            window, "End of day", ["F11"], self.end_of_day, context=context
        )
        self.reports_action = add_action(
            window, "Reports", ["Ctrl+R"], self.show_reports, context=context
        )
        self.dashboard_action = add_action(
            window, "Drawers", ["Ctrl+Shift+D"], self.show_dashboard, context=context
        )
        self.actions = (
            self.pickup_action,
            self.handoff_action,
            self.close_action,
            self.day_action,
            self.reports_action,
            self.dashboard_action,
        )
        self.bar = QWidget()
        self.bar.setAccessibleName("Drawer keys")
        row = QHBoxLayout(self.bar)
        row.setContentsMargins(8, 0, 8, 4)
        for action, name in zip(
            self.actions,
            (
                "Pickup to the safe",
                "Hand the drawer over",
                "Close the drawer",
                "End of day",
                "Reports",
                "Drawers dashboard",
            ),
            strict=True,
        ):
            key = key_button(action, name)
            action.enabledChanged.connect(key.setVisible)
            row.addWidget(key)
        row.addStretch(1)

        # Under the pages, above the counter's status strip.
        central = window.centralWidget()
        column = central.layout() if central is not None else None
        assert isinstance(column, QVBoxLayout)
        column.insertWidget(column.indexOf(window.pages) + 1, self.bar)
        # A relief cashier's drawer: which tenders the outgoing cashier took (issue 24).
        self.handoff_notice = MessageLabel("Handoff terms", role="hint")
        column.insertWidget(column.indexOf(self.bar), self.handoff_notice)

        threshold = window.desk.ctx.config.drawer.pickup_threshold
        self.pickup_prompt = MessageLabel("Pickup prompt", role="problem")
        self.pickup_prompt_text = (
            f"Over {threshold} cash in the drawer: call a lead for a pickup (Ctrl+U)"
        )
        # In the page, above the counter's strip (the status bar is not where a cashier looks).
        column.insertWidget(column.indexOf(window.info_strip), self.pickup_prompt)

        self.close_page.finished.connect(self._count_done)
        self.close_page.cancelled.connect(self._back_to_sale)
        self.close_page.counted.connect(self._show_counted)
        self.day_page.back.connect(self._back_from_day)
        window.bridge.receipt_posted.connect(self._receipt_posted)
        window.pages.currentChanged.connect(self._page_changed)
        self._page_changed()

    @property
    def window(self) -> MainWindow:
        window = self._window()
        assert window is not None, "the window has gone"
        return window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window() and event.type() == QEvent.Type.Close:
            self.checks.wait()  # before the window (and then the store) closes
        return False

    # -- which keys apply where ------------------------------------------------------------
    def _page_changed(self, _index: int = 0) -> None:
        window, page = self.window, self.window.pages.currentWidget()
        signed_in = window.operator is not None
        selling = signed_in and page is window.payment_page
        for action in (self.pickup_action, self.handoff_action, self.close_action):
            action.setEnabled(selling)
        # End of day and the reports are a lead's: a cashier is not offered them.
        operator = window.operator
        lead = operator is not None and (
            operator.may_known(Permission.CLOSE_DAY)
            or operator.may_known(Permission.APPROVE_VARIANCE)
        )
        reports = operator is not None and operator.may_known(Permission.RUN_REPORTS)
        self.day_action.setEnabled(lead and page in (window.payment_page, window.drawer_page))
        self.reports_action.setEnabled(
            reports and page in (window.payment_page, window.drawer_page, self.day_page)
        )
        # The dashboard is a lead's or an administrator's (the service refuses others too).
        watcher = operator is not None and not refusal(operator, Permission.WATCH_DRAWERS)
        self.dashboard_action.setEnabled(
            watcher and page in (window.payment_page, window.drawer_page, self.day_page)
        )
        self.bar.setVisible(any(a.isEnabled() for a in self.actions))
        if selling:
            self.check_pickup()
            self.check_handoff()
        else:
            # Never on screen during a count: it names the starting bank (the count is blind).
            self.handoff_notice.clear_message()
        if not signed_in:
            self.pickup_prompt.clear_message()

    def _sale_open(self) -> bool:
        if not self.window.payment_page.draft.is_empty:
            self.window.statusBar().showMessage(
                "Finish or clear the sale in progress first (F12 or Esc).", 8000
            )
            return True
        return False

    def _show(self, page: QWidget) -> None:
        self.window.pages.setCurrentWidget(page)

    def _receipt_posted(self, _number: str) -> None:
        self.check_pickup()

    # -- pickups ----------------------------------------------------------------------------
    def check_pickup(self) -> None:
        """After each posted receipt: a non-blocking prompt while the cash is over the
        pickup threshold (the service says so; no amount is shown: the count is blind)."""
        operator = self.window.operator
        if operator is None:
            return
        balancing = self.desk.balancing
        self.checks.run(lambda: balancing.status(operator), on_success=self._show_status)

    def _show_status(self, status: DrawerStatus | None) -> None:
        if status is not None and status.needs_pickup and self.window.operator is not None:
            self.pickup_prompt.show_message(self.pickup_prompt_text)
        else:
            self.pickup_prompt.clear_message()

    def check_handoff(self) -> None:
        operator = self.window.operator
        if operator is None:
            return
        balancing = self.desk.balancing
        self.checks.run(lambda: balancing.handed_over(operator), on_success=self._show_handoff)

    def _show_handoff(self, terms: HandoffTerms | None) -> None:
        window = self.window
        if (
            terms is None
            or window.operator is None
            or window.pages.currentWidget() is not (window.payment_page)
        ):
            self.handoff_notice.clear_message()
            return
        self.handoff_notice.show_message(
            f"Drawer taken over from {terms.outgoing}. " + " ".join(terms.statement())
        )

    def pickup(self) -> None:
        current = self.desk.drawers.current()
        if current is None or self.window.operator is None:
            return
        dialog = PickupDialog(self.window, self.desk, self.window.background, current.drawer)
        self.pickup_dialog = dialog
        dialog.finished.connect(self._pickup_closed)
        dialog.open()

    def _pickup_closed(self) -> None:
        dialog, self.pickup_dialog = self.pickup_dialog, None
        if dialog is None:
            return
        result = dialog.result
        dialog.deleteLater()
        if isinstance(result, PickupResult):
            self.window.statusBar().showMessage(
                f"Pickup {result.seq} of {result.amount} taken to the safe.", 10000
            )
            if result.needs_pickup:
                self.pickup_prompt.show_message(self.pickup_prompt_text)
            else:
                self.pickup_prompt.clear_message()
        self.window.payment_page.focus_entry()

    # -- close and handoff ------------------------------------------------------------------
    def close_drawer(self) -> None:
        self._count(handoff=False)

    def handoff(self) -> None:
        self._count(handoff=True)

    def _count(self, *, handoff: bool) -> None:
        operator = self.window.operator
        if operator is None or self._sale_open():
            return
        current = self.desk.drawers.current()
        if current is None:
            return
        self._show(self.close_page)
        self.close_page.start(operator, handoff=handoff, drawer=current.drawer)

    def _count_done(self, incoming: Operator | None) -> None:
        window = self.window
        self.pickup_prompt.clear_message()
        if incoming is None:  # a close: the cashier's day at this drawer is over
            window.sign_out()
            return
        outgoing = window.operator
        if outgoing is not None:
            try:
                self.desk.auth.sign_out(outgoing)
            except CashdeskError as err:
                window.statusBar().showMessage(str(err), 10000)
        window.begin_session(incoming)

    def _show_counted(self, result: CountResult) -> None:
        what = "handed over" if result.kind == "handoff" else result.state
        self.window.drawer_status.setText(f"Drawer {self.close_page.drawer} {what}")

    def _back_to_sale(self) -> None:
        self._show(self.window.payment_page)
        self.window.payment_page.focus_entry()

    # -- end of day -------------------------------------------------------------------------
    def end_of_day(self) -> None:
        operator = self.window.operator
        if operator is None or self._sale_open():
            return
        self._show(self.day_page)
        self.day_page.start(operator)

    def _back_from_day(self) -> None:
        operator = self.window.operator
        if operator is not None:
            self.window.begin_session(operator)

    # -- the lead's dashboard ---------------------------------------------------------------
    def show_dashboard(self) -> None:
        operator = self.window.operator
        if operator is None or self.dashboard is not None:
            return
        dialog = DashboardDialog(self.desk, operator, self.window.background, self.window)
        self.dashboard = dialog
        dialog.finished.connect(self._dashboard_closed)
        dialog.open()
        dialog.refresh()

    def _dashboard_closed(self) -> None:
        if self.dashboard is not None:
            self.dashboard.deleteLater()
            self.dashboard = None
        self._refocus_page()

    # -- reports ----------------------------------------------------------------------------
    def show_reports(self) -> None:
        self.open_reports("daily")

    def open_reports(self, kind: str) -> None:
        operator = self.window.operator
        if operator is None or self.reports_dialog is not None:
            return
        dialog = ReportsDialog(
            self.desk, operator, self.window.background, parent=self.window, kind=kind
        )
        self.reports_dialog = dialog
        dialog.finished.connect(self._reports_closed)
        dialog.open()

    def _reports_closed(self) -> None:
        if self.reports_dialog is not None:
            self.reports_dialog.deleteLater()
            self.reports_dialog = None
        self._refocus_page()

    def _refocus_page(self) -> None:
        page = self.window.pages.currentWidget()
        focus = getattr(page, "focus_entry", None)
        if callable(focus):
            focus()
        elif page is not None:
            refocus(page)
