"""The sync panel (Shift+F11): how far behind the central ledger this counter is, and the rows the
central ledger refused, which a lead cashier retries or resolves with a note (the service
checks who may)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QVBoxLayout, QWidget

from cashdesk.app import Cashdesk
from cashdesk.domain.roles import Operator
from cashdesk.errors import CashdeskError
from cashdesk.services.sync import SyncExceptionInfo, SyncStatus
from cashdesk.ui.forms import FormDialog, FormField
from cashdesk.ui.operations import Background
from cashdesk.ui.panels import alive, return_focus
from cashdesk.ui.receipts import failure_text
from cashdesk.ui.widgets import (
    ENTER_KEYS,
    Column,
    MessageLabel,
    RowsModel,
    add_action,
    close_button,
    current_row,
    fit_to_screen,
    key_row,
    label,
    table_view,
)

STATES = {
    "not_configured": "Not configured",
    "offline": "Offline",
    "waiting": "Sending",
    "synced": "Synced",
}


class ResolveDialog(FormDialog):
    """The note saying how a refused row was settled; the service checks it and who asks."""

    def __init__(
        self,
        exception: SyncExceptionInfo,
        *,
        resolve: Callable[[str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            parent,
            title="Resolve sync exception",
            heading=f"Resolve: {exception.kind} {exception.subject}",
            confirm_text="Resolve",
            fields=(FormField("note", "&Note", hints=("note",), max_length=400),),
        )
        self._resolve = resolve

    def confirm(self) -> None:
        try:
            self._resolve(self.inputs["note"].text())
        except CashdeskError as err:
            self.show_error(str(err))
            return
        self.accept()


class SyncDialog(QDialog):
    def __init__(
        self,
        desk: Cashdesk,
        operator: Operator,
        background: Background,
        *,
        sync_now: Callable[[], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sync")
        self.setAccessibleName("Sync")
        self.desk = desk
        self.operator = operator
        self.background = background
        self._sync_now = sync_now
        self.exceptions: list[SyncExceptionInfo] = []
        self.resolve_dialog: ResolveDialog | None = None

        self.values: dict[str, QLabel] = {}
        facts = QFormLayout()
        for key, caption in (
            ("state", "State"),
            ("waiting", "Waiting to send"),
            ("oldest", "Oldest waiting since"),
            ("offline", "Offline since"),
            ("last_success", "Last synced"),
            ("last_error", "Last problem"),
            ("exceptions", "Exceptions"),
        ):
            value = label()
            value.setAccessibleName(caption)
            value.setWordWrap(True)
            facts.addRow(label(caption), value)
            self.values[key] = value

        self.model = RowsModel(
            (
                Column("No."),
                Column("Record"),
                Column("Refused because", stretch=True),
                Column("Tries", right=True),
                Column("Status"),
                Column("Note"),
            )
        )
        self.table = table_view(self.model, "Sync exceptions")
        self.outcome = label(role="hint")
        self.outcome.setAccessibleName("Outcome")
        self.error = MessageLabel("Sync problem")
        window = Qt.ShortcutContext.WindowShortcut
        self.refresh_action = add_action(self, "Refresh", ["F5"], self.refresh, context=window)
        self.sync_action = add_action(self, "Sync now", ["F6"], self.sync_now, context=window)
        self.retry_action = add_action(self, "Retry", ["Ctrl+R"], self.retry, context=window)
        self.resolve_action = add_action(
            self, "Resolve…", ["Ctrl+E"], self.ask_resolve, context=window
        )
        self.sync_action.setEnabled(sync_now is not None)
        self.close_button = close_button(self)
        buttons = key_row(
            (
                (self.refresh_action, "Refresh"),
                (self.sync_action, "Sync now"),
                (self.retry_action, "Retry exception"),
                (self.resolve_action, "Resolve exception"),
            ),
            self.close_button,
        )

        layout = QVBoxLayout(self)
        layout.addLayout(facts)
        layout.addWidget(label("&Exceptions the central ledger refused", buddy=self.table))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.outcome)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        fit_to_screen(self, 1180, 680)
        self.table.setFocus()
        self.refresh()

    # -- loading ----------------------------------------------------------------------------
    def refresh(self, select: int | None = None) -> None:
        sync, operator = self.desk.sync, self.operator

        def load() -> tuple[SyncStatus, list[SyncExceptionInfo] | Exception]:
            status = sync.status()
            try:
                return status, sync.exceptions(operator)
            except Exception as err:  # a cashier sees the state, not the refused rows
                return status, err

        self.background.run(load, on_success=lambda result: self._loaded(result, select))

    def _loaded(
        self,
        result: tuple[SyncStatus, list[SyncExceptionInfo] | Exception],
        select: int | None,
    ) -> None:
        if not alive(self):
            return
        status, exceptions = result
        self.show_status(status)
        if isinstance(exceptions, Exception):
            self.exceptions = []
            self.model.set_rows([])
            self.error.show_message(failure_text(exceptions))
        else:
            self.exceptions = exceptions
            self.model.set_rows(
                [
                    (str(e.id), f"{e.kind} {e.subject}", e.error, str(e.attempts), e.status, e.note)
                    for e in exceptions
                ]
            )
            ids = [e.id for e in exceptions]
            if ids:
                row = ids.index(select) if select in ids else 0
                self.table.setCurrentIndex(self.model.index(row, 0))
        for action in (self.retry_action, self.resolve_action):
            action.setEnabled(bool(self.exceptions))

    def show_status(self, status: SyncStatus) -> None:
        def when(moment: dt.datetime | None) -> str:
            return f"{self.desk.ctx.local_time(moment):%Y-%m-%d %H:%M}" if moment else "—"

        def count(n: int, what: str) -> str:
            return f"{n} {what}{'' if n == 1 else 's'}"

        receipts = (
            f" ({count(status.waiting_receipts, 'receipt')})" if status.waiting_receipts else ""
        )
        texts = {
            "state": f"{STATES.get(status.state, status.state)}: {status.text}",
            "waiting": count(status.waiting, "record") + receipts,
            "oldest": when(status.oldest_waiting_at),
            "offline": when(status.offline_since),
            "last_success": when(status.last_success_at),
            "last_error": status.last_error or "—",
            "exceptions": str(status.exceptions),
        }
        for key, text in texts.items():
            self.values[key].setText(text)

    def current(self) -> SyncExceptionInfo | None:
        row = current_row(self.table)
        return self.exceptions[row] if row is not None and row < len(self.exceptions) else None

    # -- actions ----------------------------------------------------------------------------
    def sync_now(self) -> None:
        if self._sync_now is not None:
            self._sync_now()
            self.outcome.setText("Sync started; the status bar shows when it is done.")

    def retry(self) -> None:
        exception = self.current()
        if exception is None:
            return
        sync, operator = self.desk.sync, self.operator
        self.error.clear_message()

        def retried(_: object) -> None:
            if alive(self):
                self.outcome.setText(f"Exception {exception.id} will be sent again.")
                self.refresh(select=exception.id)
                if self._sync_now is not None:
                    self._sync_now()

        self.background.run(
            lambda: sync.retry_exception(operator, exception.id),
            on_success=retried,
            on_failure=self._failed,
        )

    def ask_resolve(self) -> None:
        exception = self.current()
        if exception is None:
            return
        sync, operator = self.desk.sync, self.operator
        dialog = ResolveDialog(
            exception,
            resolve=lambda note: sync.resolve_exception(operator, exception.id, note=note),
            parent=self,
        )
        self.resolve_dialog = dialog
        dialog.finished.connect(lambda result: self._resolve_closed(exception.id, result))
        dialog.open()

    def _resolve_closed(self, exception_id: int, result: int) -> None:
        if self.resolve_dialog is not None:
            self.resolve_dialog.deleteLater()
            self.resolve_dialog = None
        if result == QDialog.DialogCode.Accepted:
            self.outcome.setText(f"Exception {exception_id} resolved.")
            self.refresh(select=exception_id)
        return_focus(self.table)

    def _failed(self, error: Exception) -> None:
        if alive(self):
            self.error.show_message(failure_text(error))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in ENTER_KEYS:
            event.accept()
            return
        super().keyPressEvent(event)
