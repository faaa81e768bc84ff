"""Administration (Ctrl+Shift+A): users and roles, the workstation's settings, the audit
trail. Each tab asks its service; what a role may not do is refused there, and the refusal
is shown in the tab (an auditor sees the audit trail and the users tab says why not)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QPlainTextEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cashdesk.app import Cashdesk
from cashdesk.domain.audit_chain import ChainReport
from cashdesk.domain.roles import Operator, Permission, Role, refusal
from cashdesk.errors import ValidationError
from cashdesk.services.audit import AuditExport, AuditRecord, config_snapshot
from cashdesk.services.users import UserInfo
from cashdesk.ui import theme
from cashdesk.ui.forms import FormDialog, FormField
from cashdesk.ui.operations import Background
from cashdesk.ui.panels import alive, return_focus
from cashdesk.ui.receipts import failure_text
from cashdesk.ui.tag_stock import TagStockTab
from cashdesk.ui.widgets import (
    ENTER_KEYS,
    Column,
    MessageLabel,
    RowsModel,
    add_action,
    close_button,
    current_row,
    fit_to_screen,
    key_button,
    label,
    line_edit,
    refocus,
    table_view,
)

PAGE = 200
ROLES_TEXT = ", ".join(r.value for r in Role)


def parse_role(text: str) -> Role:
    """A role typed by its name ("lead") or its label ("Lead cashier")."""
    typed = " ".join(text.split()).lower()
    for role in Role:
        if typed in (role.value, role.label.lower()):
            return role
    raise ValidationError(f"The role is one of: {ROLES_TEXT}.")


def parse_date(text: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(f"{field}: type a date like 2026-11-26.") from None


class ActionForm(FormDialog):
    """A form whose confirm runs ``submit(values)`` off the GUI thread (hashing a password
    takes a moment); a refusal is shown under the field it names and the form stays."""

    def __init__(
        self,
        parent: QWidget | None,
        *,
        title: str,
        heading: str,
        confirm_text: str,
        fields: Sequence[FormField],
        background: Background,
        submit: Callable[[Mapping[str, str]], object],
        done: Callable[[object], None],
    ) -> None:
        super().__init__(
            parent, title=title, heading=heading, confirm_text=confirm_text, fields=fields
        )
        self.background = background
        self._submit = submit
        self._done = done

    def confirm(self) -> None:
        self.clear_errors()
        self.set_busy(True)
        values, submit = self.values(), self._submit
        self.background.run(
            lambda: submit(values), on_success=self._succeeded, on_failure=self._failed
        )

    def _succeeded(self, result: object) -> None:
        self._done(result)
        if alive(self):
            self.accept()

    def _failed(self, error: Exception) -> None:
        if not alive(self):
            return
        self.set_busy(False)
        self.show_error(failure_text(error))


def _yes(flag: bool) -> str:
    return "Yes" if flag else ""


class UsersTab(QWidget):
    def __init__(self, desk: Cashdesk, operator: Operator, background: Background) -> None:
        super().__init__()
        self.setAccessibleName("Users")
        self.desk = desk
        self.operator = operator
        self.background = background
        self.users: list[UserInfo] = []
        self.form: ActionForm | None = None
        self.model = RowsModel(
            (
                Column("User"),
                Column("Name", stretch=True),
                Column("Role"),
                Column("Active"),
                Column("Locked"),
                Column("Training"),
                Column("PIN"),
            )
        )
        self.table = table_view(self.model, "Users")
        self.outcome = label(role="hint")
        self.outcome.setAccessibleName("Outcome")
        self.error = MessageLabel("Users problem")
        self.error.setWordWrap(True)
        specs = (
            ("Add user…", "Ctrl+N", self.ask_add, "Add a user"),
            ("Disable…", "Ctrl+D", self.ask_disable, "Disable the user"),
            ("Enable", "Ctrl+E", self.enable, "Enable the user"),
            ("Reset…", "Ctrl+R", self.ask_reset, "Reset password or PIN"),
            ("Unlock", "Ctrl+U", self.unlock, "Unlock the account"),
            ("Training", "Ctrl+T", self.toggle_training, "Training on or off"),
        )
        row = QHBoxLayout()
        self.user_actions = []
        for text, key, slot, name in specs:
            action = add_action(self, text, [key], slot)
            self.user_actions.append(action)
            row.addWidget(key_button(action, name))
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(label("U&sers", buddy=self.table))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.outcome)
        layout.addWidget(self.error)
        layout.addLayout(row)

    def load(self, select: str = "", outcome: str = "") -> None:
        """Reload the list, select ``select``; ``outcome`` is shown once the list is current,
        so what the screen says and what it shows never disagree (and keys act on the new
        list)."""
        users, operator = self.desk.users, self.operator

        def loaded(result: list[UserInfo]) -> None:
            if not alive(self):
                return
            self.error.clear_message()
            self.users = result
            self.model.set_rows(
                [
                    (
                        u.username,
                        u.full_name,
                        u.role.label,
                        _yes(u.active),
                        _yes(u.locked),
                        _yes(u.training),
                        _yes(u.has_pin),
                    )
                    for u in result
                ]
            )
            names = [u.username for u in result]
            if names:
                index = names.index(select) if select in names else 0
                self.table.setCurrentIndex(self.model.index(index, 0))
            if outcome:
                self.outcome.setText(outcome)

        self.background.run(
            lambda: users.list_users(operator), on_success=loaded, on_failure=self._failed
        )

    def current(self) -> UserInfo | None:
        row = current_row(self.table)
        return self.users[row] if row is not None and row < len(self.users) else None

    def _failed(self, error: Exception) -> None:
        if alive(self):
            self.outcome.clear()
            self.error.show_message(failure_text(error))

    def _changed(self, what: str) -> Callable[[object], None]:
        def changed(result: object) -> None:
            if not alive(self):
                return
            username = result.username if isinstance(result, UserInfo) else ""
            self.error.clear_message()
            self.load(select=username, outcome=what)

        return changed

    def _run(self, op: Callable[[], UserInfo], what: str) -> None:
        self.error.clear_message()
        self.background.run(op, on_success=self._changed(what), on_failure=self._failed)

    def _open(self, form: ActionForm) -> None:
        self.form = form
        form.finished.connect(self._form_closed)
        form.open()

    def _form_closed(self) -> None:
        if self.form is not None:
            self.form.deleteLater()
            self.form = None
        return_focus(self.table)

    # -- the actions ------------------------------------------------------------------------
    def ask_add(self) -> None:
        users, operator = self.desk.users, self.operator

        def add(v: Mapping[str, str]) -> UserInfo:
            return users.add_user(
                operator,
                username=v["username"],
                full_name=v["full_name"],
                role=parse_role(v["role"]),
                password=v["password"],
                pin=v["pin"] or None,
            )

        self._open(
            ActionForm(
                self,
                title="Add user",
                heading="A new user",
                confirm_text="Add user",
                fields=(
                    FormField("username", "&User name", hints=("user name",)),
                    FormField("full_name", "&Full name", hints=("full name",), max_length=80),
                    FormField("role", f"&Role ({ROLES_TEXT})", hints=("role",)),
                    FormField(
                        "password", "&Password", hints=("password",), secret=True, max_length=128
                    ),
                    FormField(
                        "pin", "P&IN (4-8 digits)", hints=("pin",), secret=True, max_length=8
                    ),
                ),
                background=self.background,
                submit=add,
                done=self._changed("User added."),
            )
        )

    def ask_disable(self) -> None:
        user = self.current()
        if user is None:
            return
        users, operator = self.desk.users, self.operator
        self._open(
            ActionForm(
                self,
                title="Disable user",
                heading=f"Disable {user.full_name}",
                confirm_text="Disable",
                fields=(FormField("reason", "&Reason", hints=("reason",), max_length=200),),
                background=self.background,
                submit=lambda v: users.disable_user(operator, user.username, reason=v["reason"]),
                done=self._changed(f"{user.full_name} disabled."),
            )
        )

    def ask_reset(self) -> None:
        user = self.current()
        if user is None:
            return
        users, operator = self.desk.users, self.operator
        self._open(
            ActionForm(
                self,
                title="Reset password or PIN",
                heading=f"New password or PIN for {user.full_name}",
                confirm_text="Reset",
                fields=(
                    FormField(
                        "password",
                        "New &password",
                        hints=("password",),
                        secret=True,
                        max_length=128,
                    ),
                    FormField("pin", "New P&IN", hints=("pin",), secret=True, max_length=8),
                ),
                background=self.background,
                submit=lambda v: users.reset(
                    operator,
                    user.username,
                    password=v["password"] or None,
                    pin=v["pin"] or None,
                ),
                done=self._changed(f"{user.full_name}'s sign-in reset."),
            )
        )

    def enable(self) -> None:
        if (user := self.current()) is not None:
            users, operator = self.desk.users, self.operator
            self._run(
                lambda: users.enable_user(operator, user.username), f"{user.full_name} enabled."
            )

    def unlock(self) -> None:
        if (user := self.current()) is not None:
            users, operator = self.desk.users, self.operator
            self._run(
                lambda: users.unlock_user(operator, user.username), f"{user.full_name} unlocked."
            )

    def toggle_training(self) -> None:
        if (user := self.current()) is not None:
            users, operator, on = self.desk.users, self.operator, not user.training
            self._run(
                lambda: users.set_training(operator, user.username, on),
                f"{user.full_name} {'is in training' if on else 'is out of training'}.",
            )


class WorkstationTab(QWidget):
    """The workstation's settings as cashdesk read them (the TOML file is edited outside the
    app; a change is audited at the next start)."""

    def __init__(self, desk: Cashdesk) -> None:
        super().__init__()
        self.setAccessibleName("Workstation")
        config = desk.ctx.config
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setAccessibleName("Workstation settings")
        self.text.setFont(theme.font(theme.BASE_PT, mono=True))
        lines = [f"config file = {config.source or '(none: the defaults)'}"]
        lines += [f"{key} = {value}" for key, value in _flatten(config_snapshot(config)).items()]
        self.text.setPlainText("\n".join(lines))
        layout = QVBoxLayout(self)
        layout.addWidget(label("&Settings (read only)", buddy=self.text))
        layout.addWidget(self.text, 1)


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value if value not in ("", None) else "—"
    return flat


class AuditTab(QWidget):
    def __init__(self, desk: Cashdesk, operator: Operator, background: Background) -> None:
        super().__init__()
        self.setAccessibleName("Audit trail")
        self.desk = desk
        self.operator = operator
        self.background = background
        self.records: list[AuditRecord] = []
        today = desk.ctx.business_date().isoformat()
        self.start = line_edit("From date")
        self.start.setText(today)
        self.end = line_edit("To date")
        self.end.setText(today)
        self.actor = line_edit("User")
        self.action = line_edit("Action")
        self.export_path = line_edit("Export to")
        self.export_path.setText(str(Path.home() / f"cashdesk-audit-{today}.csv"))
        for edit in (self.start, self.end, self.actor, self.action):
            edit.returnPressed.connect(self.search)
        self.export_path.returnPressed.connect(self.export)
        filters = QFormLayout()
        filters.addRow(label("&From (date)", buddy=self.start), self.start)
        filters.addRow(label("&To (date)", buddy=self.end), self.end)
        filters.addRow(label("&User", buddy=self.actor), self.actor)
        filters.addRow(label("Act&ion", buddy=self.action), self.action)
        filters.addRow(label("E&xport to", buddy=self.export_path), self.export_path)
        self.model = RowsModel(
            (
                Column("No.", right=True),
                Column("Time"),
                Column("Station"),
                Column("User"),
                Column("Approver"),
                Column("Action"),
                Column("Subject"),
                Column("Details", stretch=True),
            )
        )
        self.table = table_view(self.model, "Audit entries")
        self.outcome = label(role="hint")
        self.outcome.setAccessibleName("Outcome")
        self.outcome.setWordWrap(True)
        self.error = MessageLabel("Audit problem")
        self.search_action = add_action(self, "Search", ["F5"], self.search)
        self.more_action = add_action(self, "Older entries", ["F6"], self.older)
        self.verify_action = add_action(self, "Verify chain", ["F7"], self.verify)
        self.export_action = add_action(self, "Export CSV", ["Ctrl+S"], self.export)
        row = QHBoxLayout()
        for action, name in (
            (self.search_action, "Search the audit trail"),
            (self.more_action, "Older entries"),
            (self.verify_action, "Verify the chain"),
            (self.export_action, "Export to CSV"),
        ):
            row.addWidget(key_button(action, name))
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(label("&Entries", buddy=self.table))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.outcome)
        layout.addWidget(self.error)
        layout.addLayout(row)

    def _dates(self) -> tuple[dt.date, dt.date]:
        return parse_date(self.start.text(), "From"), parse_date(self.end.text(), "To")

    def search(self, *, older: bool = False) -> None:
        try:
            start, end = self._dates()
        except ValidationError as err:
            self.error.show_message(str(err))
            return
        audit, operator = self.desk.audit, self.operator
        before = min((r.id for r in self.records), default=None) if older else None
        actor, action = self.actor.text().strip() or None, self.action.text().strip() or None
        self.error.clear_message()

        def found(records: list[AuditRecord]) -> None:
            if not alive(self):
                return
            self.records = (self.records if older else []) + records
            self.model.set_rows([self._row(r) for r in self.records])
            self.outcome.setText(
                f"{len(self.records)} entries shown"
                + ("; F6 shows older ones." if len(records) == PAGE else ".")
            )
            if self.records and not older:
                self.table.setCurrentIndex(self.model.index(0, 0))

        self.background.run(
            lambda: audit.browse(
                operator,
                start=start,
                end=end,
                actor=actor,
                action=action,
                before_id=before,
                limit=PAGE,
            ),
            on_success=found,
            on_failure=self._failed,
        )

    def older(self) -> None:
        self.search(older=True)

    def _row(self, r: AuditRecord) -> tuple[str, ...]:
        details = json.dumps(r.details, ensure_ascii=False, sort_keys=True, default=str)
        return (
            str(r.id),
            f"{self.desk.ctx.local_time(r.at):%Y-%m-%d %H:%M:%S}",
            r.workstation_id,
            r.actor,
            r.approver,
            r.action,
            r.subject,
            details[:300],
        )

    def verify(self) -> None:
        audit, operator = self.desk.audit, self.operator
        self.error.clear_message()

        def verified(report: ChainReport) -> None:
            if not alive(self):
                return
            if report.ok:
                self.outcome.setText(f"The audit chain is intact ({report.entries} entries).")
            else:
                self.outcome.clear()
                self.error.show_message(
                    f"The audit chain is broken at entry {report.broken_at}: {report.problem}"
                )

        self.outcome.setText("Verifying…")
        self.background.run(
            lambda: audit.verify(operator), on_success=verified, on_failure=self._failed
        )

    def export(self) -> None:
        try:
            start, end = self._dates()
        except ValidationError as err:
            self.error.show_message(str(err))
            return
        audit, operator = self.desk.audit, self.operator
        path = Path(self.export_path.text().strip()).expanduser()
        self.error.clear_message()
        self.outcome.setText("Exporting…")

        def exported(result: AuditExport) -> None:
            if alive(self):
                self.outcome.setText(
                    f"{result.rows} entries exported to {result.path} (SHA-256 {result.sha256})."
                )

        self.background.run(
            lambda: audit.export_csv(operator, path, start=start, end=end),
            on_success=exported,
            on_failure=self._failed,
        )

    def _failed(self, error: Exception) -> None:
        if alive(self):
            self.outcome.clear()
            self.error.show_message(failure_text(error))


class AdminDialog(QDialog):
    def __init__(
        self,
        desk: Cashdesk,
        operator: Operator,
        background: Background,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Administration")
        self.setAccessibleName("Administration")
        self.users_tab = UsersTab(desk, operator, background)
        self.workstation_tab = WorkstationTab(desk)
        self.audit_tab = AuditTab(desk, operator, background)
        self.tag_stock_tab = TagStockTab(desk, operator, background)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Administration sections")
        self.tabs.tabBar().setAccessibleName("Sections")
        self.tabs.addTab(self.users_tab, "Users  Alt+1")
        self.tabs.addTab(self.workstation_tab, "Workstation  Alt+2")
        self.tabs.addTab(self.audit_tab, "Audit trail  Alt+3")
        self.tabs.addTab(self.tag_stock_tab, "Tag stock  Alt+4")
        self.tabs.currentChanged.connect(self._tab_changed)
        for i in range(self.tabs.count()):
            add_action(
                self,
                f"Section {i + 1}",
                [f"Alt+{i + 1}"],
                self._go_to(i),
                context=Qt.ShortcutContext.WindowShortcut,
            )
        self.close_button = close_button(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.close_button)
        layout.addLayout(bottom)
        fit_to_screen(self, 1240, 740)
        # A section the role may not use is shown disabled, with the reason as its tooltip.
        for tab, permission in (
            (self.users_tab, Permission.MANAGE_USERS),
            (self.audit_tab, Permission.VIEW_AUDIT),
        ):
            why = refusal(operator, permission)
            index = self.tabs.indexOf(tab)
            self.tabs.setTabEnabled(index, not why)
            self.tabs.setTabToolTip(index, why)
        if self.tabs.isTabEnabled(self.tabs.indexOf(self.users_tab)):
            self.users_tab.load()
            self.users_tab.table.setFocus()
        else:
            first = next(i for i in range(self.tabs.count()) if self.tabs.isTabEnabled(i))
            self.tabs.setCurrentIndex(first)
            self._tab_changed(first)

    def _go_to(self, index: int) -> Callable[[], None]:
        # No parameters: Qt would pass the action's "checked" flag to a defaulted one.
        def go() -> None:
            if self.tabs.isTabEnabled(index):
                self.tabs.setCurrentIndex(index)

        return go

    def _tab_changed(self, index: int) -> None:
        tab = self.tabs.widget(index)
        if tab is self.users_tab:
            refocus(self.users_tab.table)
        elif tab is self.workstation_tab:
            refocus(self.workstation_tab.text)
        elif tab is self.audit_tab:
            if not self.audit_tab.records:
                self.audit_tab.search()
            refocus(self.audit_tab.start)
        elif tab is self.tag_stock_tab:
            self.tag_stock_tab.load()
            refocus(self.tag_stock_tab.entry())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in ENTER_KEYS:
            event.accept()
            return
        super().keyPressEvent(event)
