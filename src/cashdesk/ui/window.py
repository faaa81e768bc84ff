"""The main window: sign in → open the drawer → take payments, with the status bar."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import QMainWindow, QMessageBox, QStackedWidget

from cashdesk.app import Cashdesk
from cashdesk.domain.roles import Operator
from cashdesk.errors import CashdeskError
from cashdesk.services.drawers import DrawerInfo
from cashdesk.ui.bridge import EventBridge
from cashdesk.ui.counter import CounterTools
from cashdesk.ui.drawer_open import OpenDrawerGridPage
from cashdesk.ui.drawer_screens import DrawerScreens
from cashdesk.ui.operations import Background
from cashdesk.ui.payment import PaymentPage
from cashdesk.ui.receipts import TodaysReceiptsDialog, failure_text
from cashdesk.ui.sign_in import SignInPage
from cashdesk.ui.widgets import add_action, confirm, label


class MainWindow(QMainWindow):
    def __init__(self, desk: Cashdesk, *, demo: bool = False) -> None:
        super().__init__()
        self.desk = desk
        config = desk.ctx.config
        self.setWindowTitle(f"cashdesk — {config.city_name} — {config.workstation_name}")
        self.setAccessibleName("cashdesk")
        self.setMinimumSize(1024, 700)
        self.operator: Operator | None = None
        self.background = Background(self, on_failure=self._failed)
        self.bridge = EventBridge(desk.ctx.events, self)
        self.receipts_dialog: TodaysReceiptsDialog | None = None
        self._close_confirmed = False

        self.sign_in_page = SignInPage(desk, self.background, demo=demo)
        self.drawer_page = OpenDrawerGridPage(desk)
        self.payment_page = PaymentPage(desk, self.background)
        self.counter = CounterTools(self.payment_page, desk, self.background)
        self.pages = QStackedWidget()
        for page in (self.sign_in_page, self.drawer_page, self.payment_page):
            self.pages.addWidget(page)
        self.setCentralWidget(self.pages)
        self.sign_in_page.signed_in.connect(self.begin_session)
        self.drawer_page.drawer_opened.connect(self._drawer_opened)

        window = Qt.ShortcutContext.WindowShortcut
        self.receipts_action = add_action(
            self, "Today's receipts", ["F9"], self.show_receipts, context=window
        )
        self.sign_out_action = add_action(
            self, "Sign out", ["Ctrl+L"], self.sign_out, context=window
        )

        self.workstation_status = label(f"{config.workstation_id} · {config.workstation_name}")
        self.cashier_status = label()
        self.drawer_status = label()
        self.printer_status = label()
        for name, widget in (
            ("Workstation", self.workstation_status),
            ("Cashier", self.cashier_status),
            ("Drawer", self.drawer_status),
            ("Printer", self.printer_status),
        ):
            widget.setAccessibleName(name)
            self.statusBar().addPermanentWidget(widget)
        printer = desk.ctx.devices.printer.status()
        self._show_printer("", printer.ok, printer.message)
        self.bridge.receipt_printed.connect(self._show_printer)
        self.drawer_screens = DrawerScreens(self)
        self._show_signed_out()

    # -- session --------------------------------------------------------------------------
    def begin_session(self, operator: Operator) -> None:
        """After sign-in: straight to payments when this cashier's drawer is open."""
        self.operator = operator
        self.cashier_status.setText(f"{operator.role.label}: {operator.full_name}")
        for action in (self.receipts_action, self.sign_out_action):
            action.setEnabled(True)
        current = self.desk.drawers.current()
        if current is not None and (current.cashier_id == operator.user_id or current.shared):
            self._drawer_opened(current)
            return
        self._show_drawer(current)
        self.pages.setCurrentWidget(self.drawer_page)
        self.drawer_page.start(operator, current)

    def _drawer_opened(self, info: DrawerInfo) -> None:
        assert self.operator is not None
        self.drawer_status.setText(f"Drawer {info.drawer} open · bank {info.opening_bank}")
        self.pages.setCurrentWidget(self.payment_page)
        self.payment_page.start(self.operator)

    def sign_out(self) -> None:
        if self.operator is None:
            return
        if self.background.busy:
            self.statusBar().showMessage("Wait until the payment has posted.", 5000)
            return
        if self._sale_in_progress():
            confirm(
                self,
                title="Sign out",
                text="Sign out and drop the sale in progress? Nothing of it has been posted.",
                yes="&Sign out",
                no="&Keep sale",
                on_yes=self._end_session,
                on_no=self.payment_page.focus_entry,
            )
            return
        self._end_session()

    def _sale_in_progress(self) -> bool:
        page = self.payment_page
        return self.pages.currentWidget() is page and not page.draft.is_empty

    def _end_session(self) -> None:
        operator, self.operator = self.operator, None
        if operator is not None:
            try:
                self.desk.auth.sign_out(operator)
            except CashdeskError as err:  # the audit entry failed; signing out still must work
                self.statusBar().showMessage(str(err), 10000)
        self.payment_page.stop()
        self._show_signed_out()

    def _show_signed_out(self) -> None:
        for action in (self.receipts_action, self.sign_out_action):
            action.setEnabled(False)
        self.cashier_status.setText("Signed out")
        self._show_drawer(self.desk.drawers.current())
        self.pages.setCurrentWidget(self.sign_in_page)
        self.sign_in_page.start()

    # -- today's receipts -----------------------------------------------------------------
    def show_receipts(self) -> None:
        if self.operator is None:
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

    # -- status and failures --------------------------------------------------------------
    def _show_drawer(self, current: DrawerInfo | None) -> None:
        self.drawer_status.setText(
            f"Drawer {current.drawer} open: {current.cashier_name}" if current else "Drawer closed"
        )

    def _show_printer(self, _number: str, ok: bool, message: str) -> None:
        self.printer_status.setText(f"Printer: {'Ready' if ok else message}")
        self.printer_status.setProperty("role", "" if ok else "error")
        self.printer_status.style().polish(self.printer_status)

    def _failed(self, error: Exception) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, "cashdesk", failure_text(error), parent=self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        page = self.pages.currentWidget()
        if page is self.sign_in_page:
            self.sign_in_page.start()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.background.busy:
            self.statusBar().showMessage("Wait until the payment has posted.", 5000)
            event.ignore()
            return
        if self._sale_in_progress() and not self._close_confirmed:
            event.ignore()
            confirm(
                self,
                title="Close cashdesk",
                text="Close cashdesk and drop the sale in progress? Nothing of it has been posted.",
                yes="&Close",
                no="&Keep sale",
                on_yes=self._close_anyway,
                on_no=self.payment_page.focus_entry,
            )
            return
        if self.operator is not None:
            self._end_session()
        self.bridge.close()
        self.background.wait()
        event.accept()

    def _close_anyway(self) -> None:
        self._close_confirmed = True
        self.close()
