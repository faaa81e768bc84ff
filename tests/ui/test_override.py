"""The supervisor override dialog, driven by the keyboard."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot
from ui_keyboard import Keyboard

from cashdesk.app import Cashdesk
from cashdesk.domain.roles import Operator
from cashdesk.services.approvals import OverrideAction
from cashdesk.ui.override import OverrideDialog


def _dialog(desk: Cashdesk, requester: Operator, qtbot: QtBot) -> OverrideDialog:
    dialog = OverrideDialog(
        None, desk, requester=requester, action=OverrideAction.VOID, subject="W01-000001"
    )
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitExposed(dialog)
    # Keys go wherever the focus is, as at the counter: wait until it is in the first field.
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.inputs["supervisor"])
    return dialog


def test_a_lead_approves_with_their_pin(
    desk: Cashdesk, cashier: Operator, keys: Keyboard, qtbot: QtBot
) -> None:
    dialog = _dialog(desk, cashier, qtbot)
    assert dialog.inputs["pin"].echoMode() == dialog.inputs["pin"].EchoMode.Password
    for text in ("lead", "3333", "Keyed the wrong item"):
        keys.type(text)
        keys.enter()
    shown = dialog.general_error.text() + " | ".join(e.text() for e in dialog._errors.values())
    assert dialog.result() == QDialog.DialogCode.Accepted, (shown, dialog.values())
    approval = dialog.approval
    assert approval is not None
    assert approval.approver_id != cashier.user_id


def test_a_wrong_pin_is_explained_and_approves_nothing(
    desk: Cashdesk, cashier: Operator, keys: Keyboard, qtbot: QtBot
) -> None:
    dialog = _dialog(desk, cashier, qtbot)
    for text in ("lead", "9999", "mistake"):
        keys.type(text)
        keys.enter()
    assert dialog.isVisible() and dialog.approval is None
    assert "PIN is not right" in dialog._errors["pin"].text()
    assert dialog.inputs["pin"].text() == ""
    keys.press(Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected


def test_a_supervisor_cannot_approve_their_own_request(
    desk: Cashdesk, lead: Operator, keys: Keyboard, qtbot: QtBot
) -> None:
    dialog = _dialog(desk, lead, qtbot)
    for text in ("lead", "3333", "my own"):
        keys.type(text)
        keys.enter()
    assert dialog.approval is None
    assert dialog.isVisible()  # refused: the dialog stays open for another supervisor
    shown = dialog.general_error.text() + "".join(e.text() for e in dialog._errors.values())
    assert "cannot approve their own request" in shown
