"""F9: today's receipts, voids and reprints, driven with the keyboard."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from ui_keyboard import Keyboard

from cashdesk.app import Cashdesk
from cashdesk.domain import tender
from cashdesk.domain.money import Money
from cashdesk.domain.receipt import ReceiptDraft
from cashdesk.domain.roles import Operator
from cashdesk.errors import PermissionDenied
from cashdesk.services.payments import PostedReceipt
from cashdesk.store.models import Receipt
from cashdesk.ui.receipts import TodaysReceiptsDialog, VoidDialog
from cashdesk.ui.window import MainWindow

F = Qt.Key


@pytest.fixture
def posted(desk: Cashdesk, cashier: Operator) -> PostedReceipt:
    """Maria's drawer open and one receipt of hers posted (through the services)."""
    desk.drawers.open_drawer(cashier, opening_bank=Money.parse("200.00"))
    draft = ReceiptDraft(payer="Sam Lee")
    draft.add_line(desk.catalog.catalog().line("GOLF-R"))
    draft.add_tender(tender.cash(Money.parse("40.00")))
    return desk.payments.post_payment(cashier, draft)


def receipts_dialog(window: MainWindow, qtbot: QtBot) -> TodaysReceiptsDialog:
    qtbot.waitUntil(lambda: window.receipts_dialog is not None)
    assert window.receipts_dialog is not None
    return window.receipts_dialog


def void_dialog(dialog: TodaysReceiptsDialog, qtbot: QtBot) -> VoidDialog:
    qtbot.waitUntil(lambda: dialog.void_dialog is not None)
    assert dialog.void_dialog is not None
    return dialog.void_dialog


def status_of(desk: Cashdesk, number: str) -> Receipt:
    with desk.ctx.sessions() as s:
        receipt = s.query(Receipt).filter_by(number=number).one()
        s.expunge(receipt)
        return receipt


def test_the_list_shows_the_receipt_as_printed(
    window: MainWindow,
    keys: Keyboard,
    sign_in: Callable[[str], None],
    posted: PostedReceipt,
    qtbot: QtBot,
) -> None:
    sign_in("maria")  # her drawer is open: straight to the payment page
    assert window.pages.currentWidget() is window.payment_page
    keys.press(F.Key_F9)
    dialog = receipts_dialog(window, qtbot)
    assert dialog.model.row(0)[0] == posted.number
    assert dialog.model.row(0)[3:] == ("Sam Lee", "$40.00", "Posted")
    keys.enter()
    assert dialog.view.text.toPlainText() == posted.text
    keys.press(F.Key_Escape)
    qtbot.waitUntil(lambda: window.receipts_dialog is None)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.payment_page.line_entry.code)


def test_a_cashiers_void_is_refused_with_the_services_message(
    window: MainWindow,
    keys: Keyboard,
    sign_in: Callable[[str], None],
    desk: Cashdesk,
    cashier: Operator,
    posted: PostedReceipt,
    qtbot: QtBot,
) -> None:
    with pytest.raises(PermissionDenied) as refusal:
        desk.payments.void_receipt(cashier, posted.number, reason="Keyed twice")

    sign_in("maria")
    keys.press(F.Key_F9)
    dialog = receipts_dialog(window, qtbot)
    keys.press(F.Key_F8)
    void = void_dialog(dialog, qtbot)
    keys.type("Keyed twice")
    keys.enter()
    qtbot.waitUntil(lambda: void.general_error.isVisible())
    assert void.general_error.text() == str(refusal.value)
    assert void.isVisible()
    assert status_of(desk, posted.number).status == "posted"


def test_a_lead_voids_a_receipt_with_a_reason(
    window: MainWindow,
    keys: Keyboard,
    sign_in: Callable[[str], None],
    desk: Cashdesk,
    lead: Operator,
    posted: PostedReceipt,
    qtbot: QtBot,
) -> None:
    sign_in("lead")  # Maria's drawer is open: the drawer page says so
    assert window.pages.currentWidget() is window.drawer_page
    assert "open for Maria Hernández" in window.drawer_page.note.text()
    keys.press(F.Key_F9)
    dialog = receipts_dialog(window, qtbot)
    keys.press(F.Key_F8)
    void = void_dialog(dialog, qtbot)

    keys.enter()  # no reason: the service asks for one
    qtbot.waitUntil(lambda: void._errors["reason"].isVisible())
    assert void._errors["reason"].text() == "Give the reason for the void."
    keys.type("Keyed twice")
    keys.enter()
    qtbot.waitUntil(lambda: dialog.void_dialog is None)

    receipt = status_of(desk, posted.number)
    assert (receipt.status, receipt.void_reason, receipt.voided_by_id) == (
        "voided",
        "Keyed twice",
        lead.user_id,
    )
    assert dialog.model.row(0)[-1] == "Voided"
    assert "*** VOID ***" in dialog.view.text.toPlainText()


def test_escape_in_the_void_dialog_voids_nothing(
    window: MainWindow,
    keys: Keyboard,
    sign_in: Callable[[str], None],
    desk: Cashdesk,
    posted: PostedReceipt,
    qtbot: QtBot,
) -> None:
    sign_in("lead")
    keys.press(F.Key_F9)
    dialog = receipts_dialog(window, qtbot)
    keys.press(F.Key_F8)
    void_dialog(dialog, qtbot)
    keys.type("Keyed twice")
    keys.press(F.Key_Escape)
    qtbot.waitUntil(lambda: dialog.void_dialog is None)
    assert status_of(desk, posted.number).status == "posted"
    assert dialog.isVisible()
