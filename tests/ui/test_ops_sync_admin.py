"""Sync on screen (status bar, Shift+F11 panel, the unsent warnings) and administration
(Ctrl+Shift+A: users, workstation settings, audit trail)."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from ui_keyboard import Keyboard

from cashdesk.app import Cashdesk
from cashdesk.clock import FixedClock
from cashdesk.domain import tender
from cashdesk.domain.money import Money
from cashdesk.domain.receipt import ReceiptDraft
from cashdesk.domain.roles import Operator
from cashdesk.errors import AuthenticationError
from cashdesk.services.payments import PostedReceipt
from cashdesk.store.engine import transaction
from cashdesk.store.ledger_models import SyncExceptionRow
from cashdesk.store.models import AuditEntry, OutboxRow, User
from cashdesk.ui.admin import AdminDialog
from cashdesk.ui.sync_panel import SyncDialog
from cashdesk.ui.window import MainWindow

F = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def posted(desk: Cashdesk, cashier: Operator) -> PostedReceipt:
    desk.drawers.open_drawer(cashier, opening_bank=Money.parse("200.00"))
    draft = ReceiptDraft(payer="Sam Lee")
    draft.add_line(desk.catalog.catalog().line("GOLF-R"))
    draft.add_tender(tender.cash(Money.parse("40.00")))
    return desk.payments.post_payment(cashier, draft)


@pytest.fixture
def refused(desk: Cashdesk, posted: PostedReceipt, clock: FixedClock) -> int:
    """The central ledger refused the receipt's outbox row (as a sync pass records it)."""
    with transaction(desk.ctx.sessions) as s:
        row = s.scalars(select(OutboxRow).where(OutboxRow.kind == "receipt")).one()
        exception = SyncExceptionRow(
            outbox_id=row.id,
            uuid=row.uuid,
            kind=row.kind,
            error="revenue code GOLF-R is not in the central chart",
            first_seen_at=clock.now(),
            last_seen_at=clock.now(),
            attempts=1,
            status="open",
            note="",
        )
        s.add(exception)
        s.flush()
        return exception.id


UNREACHABLE_LEDGER = "postgresql://cashdesk@127.0.0.1:9/ledger"


def exception_status(desk: Cashdesk, exception_id: int) -> tuple[str, str]:
    with desk.ctx.sessions() as s:
        row = s.get(SyncExceptionRow, exception_id)
        assert row is not None
        return row.status, row.note


def open_panel(window: MainWindow, keys: Keyboard, qtbot: QtBot, key: Qt.Key, kind: type) -> object:
    modifier = CTRL_SHIFT if key == F.Key_A else Qt.KeyboardModifier.NoModifier
    if key == F.Key_F11:
        modifier = Qt.KeyboardModifier.ShiftModifier
    keys.press(key, modifier)
    qtbot.waitUntil(lambda: isinstance(window.panel, kind))
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is window.panel)
    return window.panel


# -- sync --------------------------------------------------------------------------------------
def test_a_lead_resolves_a_refused_row_with_a_note(
    window: MainWindow,
    keys: Keyboard,
    sign_in: Callable[[str], None],
    desk: Cashdesk,
    refused: int,
    qtbot: QtBot,
) -> None:
    # The SyncRunner started with the window reports the state to the status bar.
    qtbot.waitUntil(lambda: "1 sync exception" in window.sync_status.text())
    assert window.sync_status.text().startswith("Standalone counter")
    sign_in("lead")
    dialog = open_panel(window, keys, qtbot, F.Key_F11, SyncDialog)
    assert isinstance(dialog, SyncDialog)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
    assert dialog.model.row(0)[1] == "receipt W01-000001"
    assert "not in the central chart" in dialog.model.row(0)[2]
    assert dialog.values["exceptions"].text() == "1"

    keys.press(F.Key_E, CTRL)
    qtbot.waitUntil(lambda: dialog.resolve_dialog is not None)
    resolve = dialog.resolve_dialog
    assert resolve is not None
    qtbot.waitUntil(resolve.isActiveWindow)
    keys.type("ok")
    keys.enter()
    assert resolve._errors["note"].text() == "Write a note saying how the exception was resolved."
    assert exception_status(desk, refused) == ("open", "")
    keys.type("Posted by hand in the central ledger")
    keys.enter()
    qtbot.waitUntil(lambda: dialog.resolve_dialog is None)
    assert exception_status(desk, refused) == ("resolved", "Posted by hand in the central ledger")
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 0)
    assert dialog.outcome.text() == f"Exception {refused} resolved."


def test_a_lead_retries_a_refused_row(
    window: MainWindow,
    keys: Keyboard,
    sign_in: Callable[[str], None],
    desk: Cashdesk,
    refused: int,
    qtbot: QtBot,
) -> None:
    sign_in("lead")
    dialog = open_panel(window, keys, qtbot, F.Key_F11, SyncDialog)
    assert isinstance(dialog, SyncDialog)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
    keys.press(F.Key_R, CTRL)
    qtbot.waitUntil(lambda: dialog.outcome.text() == f"Exception {refused} will be sent again.")
    assert exception_status(desk, refused)[0] == "retrying"


def test_a_cashier_sees_the_state_and_why_not_the_exceptions(
    window: MainWindow,
    keys: Keyboard,
    sign_in: Callable[[str], None],
    refused: int,
    qtbot: QtBot,
) -> None:
    sign_in("maria")
    dialog = open_panel(window, keys, qtbot, F.Key_F11, SyncDialog)
    assert isinstance(dialog, SyncDialog)
    qtbot.waitUntil(dialog.error.isVisible)
    assert dialog.error.text() == "Maria Hernández (Cashier) may not see other cashiers' receipts."
    assert dialog.values["state"].text().startswith("Not configured: ")
    assert not dialog.retry_action.isEnabled()


def test_signing_out_and_closing_warn_while_records_are_unsent(
    window: MainWindow,
    keys: Keyboard,
    sign_in: Callable[[str], None],
    posted: PostedReceipt,
    desk: Cashdesk,
    qtbot: QtBot,
) -> None:
    # A counter with a central ledger (here one that does not answer): a standalone
    # counter has nothing to reach and says nothing of it (test_counter_screen.py).
    desk.sync.url = "postgresql://cashdesk@127.0.0.1:9/none"
    qtbot.waitUntil(lambda: not window.tasks.busy)  # the first (standalone) status is in
    selling_status = desk.sync.status()
    window.show_sync_status(selling_status)
    assert not window.standalone
    sign_in("maria")
    keys.press(F.Key_L, CTRL)
    notice = window.sign_in_page.notice
    assert notice.isVisible()
    assert "1 receipt and" in notice.text()
    assert "have not reached the central ledger yet" in notice.text()

    window.close()
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox))
    box = QApplication.activeModalWidget()
    assert isinstance(box, QMessageBox)
    assert "have not reached the central ledger yet" in box.text()
    keys.press(F.Key_Escape)  # keep it open
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    assert window.isVisible()


# -- administration ----------------------------------------------------------------------------
def admin_dialog(window: MainWindow, keys: Keyboard, qtbot: QtBot) -> AdminDialog:
    dialog = open_panel(window, keys, qtbot, F.Key_A, AdminDialog)
    assert isinstance(dialog, AdminDialog)
    return dialog


def user(desk: Cashdesk, username: str) -> User:
    with desk.ctx.sessions() as s:
        row = s.scalars(select(User).where(User.username == username)).one()
        s.expunge(row)
        return row


def active_form(qtbot: QtBot) -> QMessageBox:
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None)
    form = QApplication.activeModalWidget()
    assert form is not None
    qtbot.waitUntil(form.isActiveWindow)
    return form  # type: ignore[return-value]


def test_an_administrator_manages_users(
    window: MainWindow,
    keys: Keyboard,
    sign_in: Callable[[str], None],
    desk: Cashdesk,
    qtbot: QtBot,
) -> None:
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            desk.auth.sign_in("jose", "not his password")
    sign_in("admin")
    dialog = admin_dialog(window, keys, qtbot)
    users = dialog.users_tab
    qtbot.waitUntil(lambda: users.model.rowCount() == 6)
    assert [users.model.row(i)[0] for i in range(6)] == [
        "admin",
        "auditor",
        "jose",
        "lead",
        "maria",
        "omar",
    ]
    assert users.model.row(2)[4] == "Yes"  # jose is locked

    keys.press(F.Key_N, CTRL)
    active_form(qtbot)
    for text in ("kim", "Kim Ortega", "lead cashier", "short", "7531"):
        keys.type(text)
        keys.enter()
    form = users.form
    assert form is not None
    qtbot.waitUntil(lambda: form._errors["password"].isVisible())
    assert form._errors["password"].text() == "A password has at least 10 characters."
    keys.type("riverbend22")
    keys.enter()
    qtbot.waitUntil(lambda: users.form is None)
    kim = user(desk, "kim")
    assert (kim.full_name, kim.role, kim.pin_hash is not None) == ("Kim Ortega", "lead", True)
    qtbot.waitUntil(lambda: users.current() is not None and users.current().username == "kim")

    keys.press(F.Key_T, CTRL)
    qtbot.waitUntil(lambda: users.outcome.text() == "Kim Ortega is in training.")
    assert user(desk, "kim").training
    keys.press(F.Key_D, CTRL)
    active_form(qtbot)
    keys.type("Moved to payroll")
    keys.enter()
    qtbot.waitUntil(lambda: users.outcome.text() == "Kim Ortega disabled.")
    assert not user(desk, "kim").active
    keys.press(F.Key_E, CTRL)
    qtbot.waitUntil(lambda: users.outcome.text() == "Kim Ortega enabled.")
    assert user(desk, "kim").active

    # The list reloads after each change (and selects who changed): wait for it before
    # moving the selection, as a person would see the list settle.
    qtbot.waitUntil(lambda: not window.tasks.busy)
    keys.press(F.Key_Home, CTRL)  # admin, auditor, jose, ...
    keys.press(F.Key_Down)
    keys.press(F.Key_Down)
    assert users.current() is not None and users.current().username == "jose"
    keys.press(F.Key_U, CTRL)
    qtbot.waitUntil(lambda: users.outcome.text() == "José Núñez unlocked.")
    assert not user(desk, "jose").locked
    keys.press(F.Key_U, CTRL)  # not locked any more: the service says so
    qtbot.waitUntil(users.error.isVisible)
    assert users.error.text() == "José Núñez's account is not locked."

    keys.press(F.Key_R, CTRL)
    active_form(qtbot)
    keys.enter()  # no new password: on to the PIN
    keys.type("8642")
    keys.enter()
    qtbot.waitUntil(lambda: users.outcome.text() == "José Núñez's sign-in reset.")
    pin_hash = user(desk, "jose").pin_hash
    assert pin_hash is not None and desk.auth.hasher.verify(pin_hash, "8642")


def test_the_audit_trail_is_browsed_verified_and_exported(
    window: MainWindow,
    keys: Keyboard,
    sign_in: Callable[[str], None],
    desk: Cashdesk,
    tmp_path: Path,
    qtbot: QtBot,
) -> None:
    sign_in("auditor")
    dialog = admin_dialog(window, keys, qtbot)
    # The users section is not offered to an auditor (the reason is its tooltip); the
    # dialog opens on the first section she may use.
    users = dialog.tabs.indexOf(dialog.users_tab)
    assert not dialog.tabs.isTabEnabled(users)
    assert dialog.tabs.tabToolTip(users) == "Ana Thomas (Auditor) may not manage users."
    assert not dialog.users_tab.error.isVisible()
    keys.press(F.Key_1, ALT)
    assert dialog.tabs.currentWidget() is not dialog.users_tab

    keys.press(F.Key_2, ALT)
    assert "workstation_id = W01" in dialog.workstation_tab.text.toPlainText()
    assert "idle_lock_seconds = 120" in dialog.workstation_tab.text.toPlainText()

    keys.press(F.Key_3, ALT)
    audit = dialog.audit_tab
    qtbot.waitUntil(lambda: audit.model.rowCount() > 0)
    assert audit.model.row(0)[5] == "sign_in" and audit.model.row(0)[3] == "auditor"
    keys.press(F.Key_F7)
    qtbot.waitUntil(lambda: audit.outcome.text().startswith("The audit chain is intact"))

    target = tmp_path / "trail.csv"
    keys.press(F.Key_X, ALT)  # the export path, selected
    keys.type(str(target))
    keys.enter()
    qtbot.waitUntil(lambda: "exported to" in audit.outcome.text())
    with target.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][:3] == ["id", "at_utc", "at_local"]
    assert any(r[6] == "sign_in" and r[4] == "auditor" for r in rows[1:])
    with desk.ctx.sessions() as s:
        [entry] = s.scalars(select(AuditEntry).where(AuditEntry.action == "audit_exported"))
        assert entry.details["rows"] == len(rows) - 1

    keys.press(F.Key_Escape)
    qtbot.waitUntil(lambda: window.panel is None)


def test_without_a_central_ledger_signing_out_names_no_unsent_records(
    window: MainWindow,
    keys: Keyboard,
    sign_in: Callable[[str], None],
    posted: PostedReceipt,
    qtbot: QtBot,
) -> None:
    assert not window.desk.sync.url  # the demo: no [ledger] url
    sign_in("maria")
    keys.press(F.Key_L, CTRL)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.sign_in_page)
    assert "central ledger" not in window.sign_in_page.notice.text()
    assert window.desk.sync.status().waiting > 0  # there are unsent records: not named
