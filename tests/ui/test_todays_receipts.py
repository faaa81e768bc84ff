"""F9: today's receipts, voids and reprints, driven with the keyboard."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from form_words import credential_words
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from ui_keyboard import Keyboard

from cashdesk.app import Cashdesk
from cashdesk.domain import tender
from cashdesk.domain.money import Money
from cashdesk.domain.receipt import ReceiptDraft
from cashdesk.domain.roles import Operator, Role
from cashdesk.services.payments import PostedReceipt
from cashdesk.store.models import AuditEntry, Receipt
from cashdesk.ui.override import OverrideDialog
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


def void_audit(desk: Cashdesk, number: str) -> AuditEntry:
    with desk.ctx.sessions() as s:
        entry = s.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "receipt_voided", AuditEntry.subject == number
            )
        ).one()
        s.expunge(entry)
        return entry


def override_dialog(void: VoidDialog, qtbot: QtBot) -> OverrideDialog:
    qtbot.waitUntil(lambda: void.override_dialog is not None)
    assert void.override_dialog is not None
    qtbot.waitUntil(void.override_dialog.isActiveWindow)
    return void.override_dialog


def test_a_cashiers_void_is_approved_by_a_lead_on_her_screen(
    window: MainWindow,
    keys: Keyboard,
    sign_in: Callable[[str], None],
    desk: Cashdesk,
    cashier: Operator,
    lead: Operator,
    posted: PostedReceipt,
    qtbot: QtBot,
) -> None:
    sign_in("maria")
    keys.press(F.Key_F9)
    dialog = receipts_dialog(window, qtbot)
    keys.press(F.Key_F8)
    void = void_dialog(dialog, qtbot)
    assert void.confirm_button.text().startswith("Ask a lead to approve")
    keys.type("Keyed twice")
    keys.enter()
    override = override_dialog(void, qtbot)
    assert override.inputs["reason"].text() == "Keyed twice"  # carried over
    assert QApplication.focusWidget() is override.inputs["supervisor"]
    # The same words as the drawer sign-off, naming what this approval checks: the PIN.
    assert credential_words(override, "supervisor", "pin") == (
        "Lead's user name and PIN.",
        "Lead's user name",
        "Lead's PIN",
    )

    # Escape: nothing approved, nothing voided, and the void dialog says why.
    keys.press(F.Key_Escape)
    qtbot.waitUntil(lambda: void.override_dialog is None)
    assert "approval is needed" in void.general_error.text()
    assert status_of(desk, posted.number).status == "posted"

    keys.enter()  # ask again
    override = override_dialog(void, qtbot)
    keys.type("lead")
    keys.enter()
    keys.type("3333")
    keys.enter()  # every field is filled: approve
    qtbot.waitUntil(lambda: dialog.void_dialog is None)

    receipt = status_of(desk, posted.number)
    assert (receipt.status, receipt.void_reason, receipt.voided_by_id) == (
        "voided",
        "Keyed twice",
        cashier.user_id,
    )
    entry = void_audit(desk, posted.number)
    assert (entry.actor_id, entry.approver_id) == (cashier.user_id, lead.user_id)
    assert entry.details["approved_by"] == "lead"
    assert dialog.model.row(0)[-1] == "Voided"


def test_a_lead_voids_her_own_receipt_only_with_another_supervisors_approval(
    window: MainWindow,
    keys: Keyboard,
    sign_in: Callable[[str], None],
    desk: Cashdesk,
    lead: Operator,
    qtbot: QtBot,
) -> None:
    second = desk.auth.create_user(
        username="lead2", full_name="Kim Ortega", role=Role.LEAD, password="riverbend2", pin="6802"
    )
    desk.drawers.open_drawer(lead, opening_bank=Money.parse("100.00"))
    draft = ReceiptDraft(payer="Own sale")
    draft.add_line(desk.catalog.catalog().line("GOLF-R"))
    draft.add_tender(tender.cash(Money.parse("40.00")))
    own = desk.payments.post_payment(lead, draft)

    sign_in("lead")
    keys.press(F.Key_F9)
    dialog = receipts_dialog(window, qtbot)
    keys.press(F.Key_F8)
    void = void_dialog(dialog, qtbot)
    keys.type("Rang it twice")
    keys.enter()  # a lead voids directly... not her own receipt: the service says so
    override = override_dialog(void, qtbot)
    refusal = "Your own receipt needs another supervisor's approval to be voided."
    assert void.general_error.text() == refusal
    assert override.general_error.text() == refusal

    keys.type("lead")  # herself
    keys.enter()
    keys.type("3333")
    keys.enter()
    qtbot.waitUntil(lambda: override._errors["supervisor"].isVisible())
    assert override._errors["supervisor"].text() == (
        "A supervisor cannot approve their own request."
    )
    assert status_of(desk, own.number).status == "posted"

    keys.type("lead2")  # the name is selected: typing replaces it
    keys.enter()
    keys.type("6802")
    keys.enter()
    qtbot.waitUntil(lambda: dialog.void_dialog is None)
    assert status_of(desk, own.number).status == "voided"
    entry = void_audit(desk, own.number)
    assert (entry.actor_id, entry.approver_id) == (lead.user_id, second.user_id)


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
