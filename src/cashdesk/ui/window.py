"""The main window: sign in → open the drawer → take payments, with the status bar.

The terminal (``desk.terminal``) knows who is at the keyboard: the window signs in and out
through it, locks after the configured idle time (or Ctrl+K / Pause) and shows the lock page
until the same cashier's PIN or another cashier's password; the sale in progress stays with
the terminal behind the lock. The status bar shows the devices (polled off the GUI thread
and updated by their events) and the sync state (from the SyncRunner started here)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from cashdesk.app import Cashdesk
from cashdesk.domain.roles import Operator, Permission, refusal
from cashdesk.errors import CashdeskError
from cashdesk.services.devices import DeviceInfo, NoSaleResult
from cashdesk.services.drawers import DrawerInfo
from cashdesk.services.session import SignInResult
from cashdesk.services.sync import SyncRunner, SyncStatus
from cashdesk.ui import theme
from cashdesk.ui.admin import AdminDialog
from cashdesk.ui.bridge import EventBridge
from cashdesk.ui.collector import GuiThreadCollector
from cashdesk.ui.counter import CounterTools
from cashdesk.ui.devices_panel import DevicesDialog, NoSaleDialog, device_summary
from cashdesk.ui.drawer_open import OpenDrawerGridPage
from cashdesk.ui.drawer_screens import DrawerScreens
from cashdesk.ui.errors import ErrorHandler
from cashdesk.ui.lock import ActivityFilter, LockPage
from cashdesk.ui.operations import Background
from cashdesk.ui.payment import PaymentPage
from cashdesk.ui.program_screens import ProgramScreens
from cashdesk.ui.receipts import TodaysReceiptsDialog, failure_text
from cashdesk.ui.sign_in import SignInPage
from cashdesk.ui.sync_panel import SyncDialog
from cashdesk.ui.widgets import MessageLabel, add_action, confirm, label, offer

IDLE_CHECK_MS = 1000
IDLE_WARNING_SECONDS = 15  # said in the page before the idle lock, so a key can stop it
DEVICE_POLL_MS = 5000
SYNC_START_MS = 1000


class PageStack(QStackedWidget):
    """The pages, one at a time; the window may be as small as the page shown needs (a
    stacked widget would otherwise ask for the largest page's size on every page)."""

    def minimumSizeHint(self) -> QSize:
        page = self.currentWidget()
        return page.minimumSizeHint() if page is not None else super().minimumSizeHint()

    def sizeHint(self) -> QSize:
        page = self.currentWidget()
        return page.sizeHint() if page is not None else super().sizeHint()


class MainWindow(QMainWindow):
    def __init__(self, desk: Cashdesk, *, demo: bool = False) -> None:
        super().__init__()
        self.desk = desk
        config = desk.ctx.config
        self.setWindowTitle(f"cashdesk — {config.city_name} — {config.workstation_name}")
        self.setAccessibleName("cashdesk")
        # Usable from a 1280×720 screen up: the pages scale with the window (main.py shows it
        # maximised), nothing is drawn at a fixed size.
        self.setMinimumSize(960, 600)
        self.errors = ErrorHandler(self)  # an uncaught exception: logged, one message, go on
        self.operator: Operator | None = None
        self.background = Background(self, on_failure=self._failed)
        # Device status polls, and the panels' device, sync and audit work, have helpers of
        # their own: they never make the till look busy, nor wait behind a posting.
        self.monitor = Background(self, on_failure=self._poll_failed)
        self.tasks = Background(self, on_failure=self._failed)
        self.bridge = EventBridge(desk.ctx.events, self)
        self.receipts_dialog: TodaysReceiptsDialog | None = None
        self.panel: QDialog | None = None  # the devices, sync, admin or no-sale dialog
        self._close_confirmed = False
        self._shut_down = False
        self._page_before_lock: object = None
        self.standalone = False  # no central ledger configured (known once sync answers)

        self.sign_in_page = SignInPage(desk, self.background, demo=demo)
        self.drawer_page = OpenDrawerGridPage(desk, self.background)
        self.payment_page = PaymentPage(desk, self.background)
        self.counter = CounterTools(self.payment_page, desk, self.background)
        self.payment_page.load_catalog()
        self.lock_page = LockPage(desk, self.background)
        self.pages = PageStack()
        self.pages.currentChanged.connect(lambda _index: self.pages.updateGeometry())
        for page in (self.sign_in_page, self.drawer_page, self.payment_page, self.lock_page):
            self.pages.addWidget(page)
        # Who, which drawer and which devices: a strip under the pages (the status bar below
        # it keeps the messages on the left and the sync state on the right; one row could
        # not hold it all at a readable size).
        self.info_strip = QFrame()
        self.info_strip.setAccessibleName("Counter status")
        self.info_strip.setStyleSheet(
            "QFrame { border-top: 1px solid #b0b8c2; }"
            " QLabel { border: none; border-right: 1px solid #b0b8c2; padding: 2px 10px; }"
        )
        # What the counter must see is said in the page, never only in the status bar (at
        # some screen sizes it was off screen): every status-bar message is mirrored into
        # this notice under the pages, and the status bar itself stays hidden.
        self.notice = MessageLabel("Counter notice", role="notice")
        self.idle_warning = MessageLabel("Idle lock warning", role="notice")
        self.statusBar().messageChanged.connect(self.notice.show_message)
        self.statusBar().hide()
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.pages, 1)
        column.addWidget(self.idle_warning)
        column.addWidget(self.notice)
        column.addWidget(self.info_strip)
        self.setCentralWidget(central)
        self.sign_in_page.signed_in.connect(self.begin_session)
        self.drawer_page.drawer_opened.connect(self._drawer_opened)
        self.lock_page.unlocked.connect(self._unlocked)
        self.lock_page.switched.connect(self._switched)

        window = Qt.ShortcutContext.WindowShortcut
        self.receipts_action = add_action(
            self, "Today's receipts", ["F9"], self.show_receipts, context=window
        )
        self.sign_out_action = add_action(
            self, "Sign out", ["Ctrl+L"], self.sign_out, context=window
        )
        self.lock_action = add_action(self, "Lock", ["Ctrl+K", "Pause"], self.lock, context=window)
        self.no_sale_action = add_action(
            self, "No sale", ["Ctrl+Shift+N"], self.show_no_sale, context=window
        )
        self.devices_action = add_action(
            self, "Devices", ["Shift+F10"], self.show_devices, context=window
        )
        self.sync_action = add_action(self, "Sync", ["Shift+F11"], self.show_sync, context=window)
        self.admin_action = add_action(
            self, "Administration", ["Ctrl+Shift+A"], self.show_admin, context=window
        )
        self.session_actions = (
            self.receipts_action,
            self.sign_out_action,
            self.lock_action,
            self.no_sale_action,
            self.devices_action,
            self.sync_action,
            self.admin_action,
        )

        self.workstation_status = label(f"{config.workstation_id} · {config.workstation_name}")
        self.cashier_status = label()
        self.drawer_status = label()
        self.printer_status = label("Printer: …")
        self.devices_status = label("Devices: …")
        self.sync_status = label("Sync: …")
        strip = QHBoxLayout(self.info_strip)
        strip.setContentsMargins(0, 0, 0, 0)
        for name, widget in (
            ("Workstation", self.workstation_status),
            ("Cashier", self.cashier_status),
            ("Drawer", self.drawer_status),
            ("Printer", self.printer_status),
            ("Devices", self.devices_status),
        ):
            widget.setAccessibleName(name)
            strip.addWidget(widget)
        strip.addStretch(1)
        self.sync_status.setAccessibleName("Sync")
        strip.addWidget(self.sync_status)
        # A long device or sync message shortens (the whole text is its tooltip) rather
        # than widen the window past the screen.
        for widget in (*self._strip_labels(), self.sync_status):
            widget.setMinimumWidth(theme.px(60))
            widget.setTextFormat(Qt.TextFormat.PlainText)
        self.bridge.receipt_printed.connect(self._show_printer)
        self.drawer_screens = DrawerScreens(self)
        self.program_screens = ProgramScreens(self)  # petty cash and housing assistance
        self.bridge.device_status.connect(self.show_devices_status)
        self.bridge.drawer_status.connect(self._drawer_event)
        self.bridge.sync_state.connect(self.show_sync_status)

        # The shared terminal: every key and mouse event is activity; a timer asks whether
        # the idle time has run out.
        self.activity = ActivityFilter(desk.terminal, self)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.activity)
        self.collector = GuiThreadCollector(self)  # no Qt object dies on a worker thread
        self.idle_timer = QTimer(self)
        self.idle_timer.setInterval(IDLE_CHECK_MS)
        self.idle_timer.timeout.connect(self.check_idle)
        self.idle_timer.start()
        self.device_timer = QTimer(self)
        self.device_timer.setInterval(DEVICE_POLL_MS)
        self.device_timer.timeout.connect(self.poll_devices)
        self.device_timer.start()
        # The sync worker starts once the window is on screen: its first pass imports the
        # PostgreSQL driver, which would otherwise compete with the window's start.
        self.sync_runner = SyncRunner(desk.sync)
        self.sync_start = QTimer(self)
        self.sync_start.setSingleShot(True)
        self.sync_start.setInterval(SYNC_START_MS)
        self.sync_start.timeout.connect(self.sync_runner.start)
        self.tasks.run(desk.sync.status, on_success=self.show_sync_status)
        self.poll_devices()
        self._show_signed_out()

    def _strip_labels(self) -> tuple[QLabel, ...]:
        return (
            self.workstation_status,
            self.cashier_status,
            self.drawer_status,
            self.printer_status,
            self.devices_status,
        )

    # -- session --------------------------------------------------------------------------
    def begin_session(self, operator: Operator) -> None:
        """After sign-in: straight to payments when this cashier's drawer is open."""
        self.operator = operator
        self.cashier_status.setText(f"{operator.known_role.label}: {operator.full_name}")
        self._offer_actions(operator)
        drawers = self.desk.drawers
        self.background.run(
            drawers.current, on_success=lambda current: self._session_drawer(operator, current)
        )

    def _session_drawer(self, operator: Operator, current: DrawerInfo | None) -> None:
        if self.operator != operator:
            return  # signed out (or someone else signed in) meanwhile
        if current is not None and (current.cashier_id == operator.user_id or current.shared):
            self._drawer_opened(current)
            return
        self._show_drawer(current)
        self.pages.setCurrentWidget(self.drawer_page)
        self.drawer_page.start(operator, current)

    def _offer_actions(self, operator: Operator) -> None:
        """The session's keys, less what this role may not do (disabled, with the reason as
        the tooltip; the services refuse it whatever the screen offers)."""
        for action in self.session_actions:
            action.setEnabled(True)
        offer(self.no_sale_action, refusal(operator, Permission.NO_SALE))
        offer(
            self.admin_action,
            refusal(
                operator,
                Permission.MANAGE_USERS,
                Permission.VIEW_AUDIT,
                Permission.MANAGE_TAG_STOCK,
            ),
        )
        self.counter.offer_for(operator)

    def _drawer_opened(self, info: DrawerInfo) -> None:
        assert self.operator is not None
        # No amount: after a handoff the bank is the counted cash, an expected figure the
        # blind count must not show (issue 24).
        self.drawer_status.setText(f"Drawer {info.drawer} open")
        self.pages.setCurrentWidget(self.payment_page)
        self.payment_page.start(self.operator)

    def sign_out(self) -> None:
        """Ctrl+L. A sale in progress is parked for the cashier (it comes back when they
        sign in again); records not yet in the central ledger are named on the sign-in page."""
        if self.operator is None:
            return
        if self.background.busy:
            self.statusBar().showMessage("Wait until the payment has posted.", 5000)
            return
        notice = self._end_session()
        self.sign_in_page.notice.show_message(notice)

    def _sale_in_progress(self) -> bool:
        return self.operator is not None and not self.payment_page.draft.is_empty

    def _end_session(self) -> str:
        """Sign out at the terminal; returns what the next person at the counter should know."""
        operator, self.operator = self.operator, None
        parts: list[str] = []
        if operator is not None:
            if self._sale_in_progress_of(operator):
                parts.append(
                    f"{operator.full_name}'s sale in progress is kept; it comes back when "
                    f"{operator.full_name} signs in again."
                )
            try:
                self.desk.terminal.sign_out()
                # What AuthService.sign_out would return; the terminal's sign-out writes
                # the audit entry, so it is asked directly rather than auditing twice.
                warning = None if self.standalone else self.desk.sync.unsent_warning()
            except CashdeskError as err:  # the audit entry failed; signing out still must work
                warning = str(err)
            if warning:
                parts.append(warning)
        self.payment_page.stop()
        self._show_signed_out()
        return "\n".join(parts)

    def _sale_in_progress_of(self, operator: Operator) -> bool:
        page = self.payment_page
        return (
            page.operator is not None
            and page.operator.user_id == operator.user_id
            and (not page.draft.is_empty)
        )

    def _show_signed_out(self) -> None:
        for action in self.session_actions:
            action.setEnabled(False)
        self.cashier_status.setText("Signed out")
        self._show_drawer(self.desk.drawers.current())
        self.pages.setCurrentWidget(self.sign_in_page)
        self.sign_in_page.start()

    # -- the shared terminal: lock, unlock, another cashier -------------------------------
    def check_idle(self) -> None:
        """The idle timer: lock once the terminal has been idle for idle_lock_seconds."""
        if self.operator is None or self.desk.terminal.locked:
            return
        if self.background.busy:  # a payment is posting: it is activity
            self.desk.terminal.touch()
            return
        terminal = self.desk.terminal
        if terminal.check_idle():
            self.idle_warning.clear_message()
            self._show_locked()
            return
        left = terminal.idle_lock_seconds - terminal.idle_seconds()
        if left <= IDLE_WARNING_SECONDS:
            self.idle_warning.show_message(
                f"The screen locks in {max(1, int(left))} seconds: press any key to keep "
                "working. The sale and anything half keyed are kept."
            )
        else:
            self.idle_warning.clear_message()

    def lock(self) -> None:
        """Ctrl+K or Pause: lock at once; the sale in progress stays behind the lock."""
        if self.operator is None or self.desk.terminal.locked:
            return
        if self.background.busy:
            self.statusBar().showMessage("Wait until the payment has posted.", 5000)
            return
        try:
            self.desk.terminal.lock()
        except CashdeskError as err:
            self._failed(err)
            return
        self._show_locked()

    def _show_locked(self) -> None:
        operator = self.operator
        assert operator is not None
        self.idle_warning.clear_message()
        self.payment_page.keep_tender()  # a half-keyed tender comes back after the unlock
        self._close_dialogs()
        for action in self.session_actions:
            action.setEnabled(False)
        current = self.pages.currentWidget()
        if current is not self.lock_page:
            self._page_before_lock = current
        self.cashier_status.setText(f"Locked: {operator.full_name}")
        self.pages.setCurrentWidget(self.lock_page)
        self.lock_page.start(operator)

    def _close_dialogs(self) -> None:
        """Nothing stays usable in front of the lock page: open dialogs close as Escape
        would close them (changing nothing)."""
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible() and self._owns(widget):
                widget.reject()

    def _owns(self, widget: QWidget) -> bool:
        parent = widget.parentWidget()
        while parent is not None and parent is not self:
            parent = parent.parentWidget()
        return parent is self

    def _unlocked(self, operator: Operator) -> None:
        """The same cashier is back: everything as they left it."""
        self.operator = operator
        self.cashier_status.setText(f"{operator.known_role.label}: {operator.full_name}")
        self._offer_actions(operator)
        page = self._page_before_lock
        if page is self.payment_page and self.payment_page.operator == operator:
            self.pages.setCurrentWidget(self.payment_page)
            self.payment_page.focus_entry()
            self.payment_page.restore_tender()
        else:
            self.begin_session(operator)

    def _switched(self, result: SignInResult) -> None:
        """Someone signed in on the lock page. Another cashier: the locked one's sale is
        parked for them, and this one's session (with their own parked sale) begins."""
        previous = self.operator
        if previous is not None and previous.user_id == result.operator.user_id:
            self._unlocked(result.operator)
            return
        self.payment_page.stop()
        self.begin_session(result.operator)
        parts = []
        if result.parked_for and previous is not None:
            parts.append(
                f"{previous.full_name}'s sale is parked; it comes back when "
                f"{previous.full_name} signs in."
            )
        if result.resumed:
            parts.append("Your parked sale is back.")
        if parts:
            self.statusBar().showMessage(" ".join(parts), 15000)

    # -- today's receipts -----------------------------------------------------------------
    def show_receipts(self) -> None:
        if self.operator is None or self.panel is not None:
            return
        dialog = TodaysReceiptsDialog(self.desk, self.operator, self.background, parent=self)
        self.receipts_dialog = dialog
        dialog.finished.connect(self._receipts_closed)
        dialog.open()

    def _receipts_closed(self) -> None:
        if self.receipts_dialog is not None:
            self.receipts_dialog.deleteLater()
            self.receipts_dialog = None
        page = self.pages.currentWidget()
        if page is self.payment_page:
            self.payment_page.focus_entry()
        elif page is self.drawer_page:
            self.drawer_page.focus_entry()

    # -- the operations panels ------------------------------------------------------------
    def show_devices(self) -> None:
        if self.operator is not None:
            self._open_panel(DevicesDialog(self.desk, self.operator, self.tasks, parent=self))

    def show_sync(self) -> None:
        if self.operator is not None:
            dialog = SyncDialog(
                self.desk, self.operator, self.tasks, sync_now=self.sync_runner.wake, parent=self
            )
            self._open_panel(dialog)

    def show_admin(self) -> None:
        if self.operator is not None:
            self._open_panel(AdminDialog(self.desk, self.operator, self.tasks, parent=self))

    def show_no_sale(self) -> None:
        if self.operator is not None:
            dialog = NoSaleDialog(
                self.desk, self.operator, self.tasks, on_opened=self._no_sale_done, parent=self
            )
            self._open_panel(dialog)

    def _no_sale_done(self, result: NoSaleResult) -> None:
        self.statusBar().showMessage(
            "Drawer opened (no sale)." if result.opened else result.problem, 10000
        )

    def _open_panel(self, dialog: QDialog) -> None:
        if self.panel is not None or self.receipts_dialog is not None:
            dialog.deleteLater()
            return
        self.panel = dialog
        dialog.finished.connect(self._panel_closed)
        dialog.open()

    def _panel_closed(self) -> None:
        if self.panel is not None:
            self.panel.deleteLater()
            self.panel = None
        page = self.pages.currentWidget()
        if page is self.payment_page:
            self.payment_page.focus_entry()
        elif page is self.drawer_page:
            self.drawer_page.focus_entry()

    # -- status and failures --------------------------------------------------------------
    def _show_drawer(self, current: DrawerInfo | None) -> None:
        self.drawer_status.setText(
            f"Drawer {current.drawer} open: {current.cashier_name}" if current else "Drawer closed"
        )

    def _show_printer(self, _number: str, ok: bool, message: str) -> None:
        self.printer_status.setText(f"Printer: {'Ready' if ok else message}")
        self.printer_status.setToolTip(self.printer_status.text())
        self._set_error(self.printer_status, not ok)

    def poll_devices(self) -> None:
        """Ask every device for its status, off the GUI thread (a network printer may take
        its whole timeout to answer); the answer arrives as a DEVICE_STATUS event."""
        if not self.monitor.busy and not self._shut_down:
            devices = self.desk.devices
            self.monitor.run(devices.statuses, on_success=self.show_devices_status)

    def show_devices_status(self, statuses: Sequence[DeviceInfo]) -> None:
        for info in statuses:
            if info.role == "printer":
                self._show_printer("", info.ok, info.message)
        text = device_summary(statuses)
        self.devices_status.setText(text)
        self.devices_status.setToolTip(text)
        self._set_error(self.devices_status, text != "Devices ready")

    def _drawer_event(self, kind: str, message: str) -> None:
        if message:
            self.statusBar().showMessage(message, 15000)
        self.poll_devices()

    def show_sync_status(self, status: SyncStatus) -> None:
        self.standalone = not status.configured
        if self.standalone:
            # A counter without a central ledger has nothing to reach: not a warning.
            refused = status.exceptions
            self.sync_status.setText(
                "Standalone counter"
                + (f" · {refused} sync exception{'s' if refused != 1 else ''}" if refused else "")
            )
            self.sync_status.setToolTip("This counter keeps its records locally.")
            self._set_error(self.sync_status, bool(refused))
            return
        self.sync_status.setText(f"Sync: {status.text}")
        self.sync_status.setToolTip(self.sync_status.text())
        self._set_error(self.sync_status, bool(status.exceptions) or status.state == "offline")

    def _set_error(self, widget: QWidget, error: bool) -> None:
        widget.setProperty("role", "error" if error else "")
        widget.style().polish(widget)

    def _poll_failed(self, error: Exception) -> None:
        self.devices_status.setText(f"Devices: {failure_text(error)}")
        self._set_error(self.devices_status, True)

    def _failed(self, error: Exception) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, "cashdesk", failure_text(error), parent=self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shut_down and not self.sync_runner.running and not self.sync_start.isActive():
            self.sync_start.start()
        page = self.pages.currentWidget()
        if page is self.sign_in_page:
            self.sign_in_page.start()
        elif page is self.lock_page:
            self.lock_page.focus()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.background.busy:
            self.statusBar().showMessage("Wait until the payment has posted.", 5000)
            event.ignore()
            return
        if not self._close_confirmed and not self._shut_down:
            parts = []
            if self._sale_in_progress() and self.operator is not None:
                parts.append(
                    f"The sale in progress is kept for {self.operator.full_name}; it comes "
                    "back when they sign in again."
                )
            warning = None if self.standalone else self.desk.sync.unsent_warning()
            if warning:
                parts.append(warning)
            if parts:
                event.ignore()
                confirm(
                    self,
                    title="Close cashdesk",
                    text="Close cashdesk?\n\n" + "\n\n".join(parts),
                    yes="&Close",
                    no="&Keep open",
                    on_yes=self._close_anyway,
                    on_no=self._refocus_page,
                )
                return
        self.shutdown()
        event.accept()

    def _refocus_page(self) -> None:
        page = self.pages.currentWidget()
        if page is self.payment_page:
            self.payment_page.focus_entry()
        elif page is self.lock_page:
            self.lock_page.focus()

    def shutdown(self) -> None:
        """Sign out, stop the timers and the sync worker, let background work finish. Safe
        to call more than once (closing the window calls it; so may its owner)."""
        if self._shut_down:
            return
        self._shut_down = True
        self.idle_timer.stop()
        self.device_timer.stop()
        self.sync_start.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.activity)
        self.sync_runner.stop(timeout=10.0)
        if self.operator is not None:
            self._end_session()
        self.bridge.close()
        for helper in (self.background, self.monitor, self.tasks, self.payment_page.reads):
            helper.wait()
        self.collector.stop()
        self.errors.unload()

    def _close_anyway(self) -> None:
        self._close_confirmed = True
        self.close()
