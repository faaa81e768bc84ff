"""The drawer and end-of-day screens, driven with the keyboard alone: a shared drawer, a
pickup, a handoff, the blind close (short, recount, a lead's sign-off) and the day close."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from form_words import credential_words
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from ui_keyboard import Keyboard

from cashdesk.app import Cashdesk
from cashdesk.domain import tender
from cashdesk.domain.money import Money
from cashdesk.domain.receipt import ReceiptDraft
from cashdesk.store.drawer_models import BusinessDayRow, DepositRow, DrawerCountRow, DrawerPickupRow
from cashdesk.store.models import DrawerSession
from cashdesk.ui.drawer_dialogs import PickupDialog, WorkDialog
from cashdesk.ui.window import MainWindow

F = Qt.Key
ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
PASSWORD = "riverbend1"


@pytest.fixture(autouse=True)
def _closed_windows_deleted() -> Iterator[None]:
    """pytest-qt closes the test's window and deletes it later; delete it now, so no window
    of this test is still about when the next test starts."""
    yield
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def cash_sale(window: MainWindow, keys: Keyboard, qtbot: QtBot, amount: str) -> None:
    """A miscellaneous receipt paid in cash, keyed as a cashier keys it."""
    page = window.payment_page
    keys.type("MISC")
    keys.enter()
    keys.type(amount)
    keys.enter()
    keys.type("Permit deposit")
    keys.enter()
    keys.press(F.Key_F2)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None)
    keys.enter()  # the remaining amount, filled in
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    keys.press(F.Key_F12)
    qtbot.waitUntil(lambda: page.receipt_dialog is not None)
    keys.press(F.Key_Escape)
    qtbot.waitUntil(lambda: page.receipt_dialog is None)


def count_on_grid(keys: Keyboard, counts: dict[int, str]) -> None:
    """Type counts into the grid from the $100 bills down: {row: count}, rows from 0."""
    for row in range(max(counts) + 1):
        if row in counts:
            keys.type(counts[row])
        if row < max(counts):
            keys.enter()


def shown_texts(window: MainWindow) -> str:
    page = window.pages.currentWidget()
    assert page is not None
    labels = [w.text() for w in page.findChildren(QLabel) if w.isVisible()]
    return "\n".join(labels)


def test_a_shared_drawer_takes_the_relief_cashiers_receipts(
    window: MainWindow,
    keys: Keyboard,
    sign_in: Callable[[str], None],
    desk: Cashdesk,
    qtbot: QtBot,
) -> None:
    sign_in("maria")
    keys.press(F.Key_S, ALT)
    qtbot.waitUntil(window.drawer_page.shared.isChecked)
    keys.enter()
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.payment_page)
    current = desk.drawers.current()
    assert current is not None and current.shared
    keys.press(F.Key_L, CTRL)
    sign_in("jose")
    assert window.pages.currentWidget() is window.payment_page  # straight to selling


def test_a_pickup_when_the_cash_passes_the_limit(
    selling: MainWindow, keys: Keyboard, qtbot: QtBot, desk: Cashdesk
) -> None:
    screens = selling.drawer_screens
    cash_sale(selling, keys, qtbot, "1700.00")
    qtbot.waitUntil(lambda: not screens.checks.busy)
    assert not screens.pickup_prompt.isVisible()  # $1,900.00 in the drawer
    cash_sale(selling, keys, qtbot, "450.00")
    qtbot.waitUntil(screens.pickup_prompt.isVisible)  # $2,350.00: over $2,000.00
    assert "call a lead for a pickup (Ctrl+U)" in screens.pickup_prompt.text()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is selling.payment_page.line_entry.code)

    keys.press(F.Key_U, CTRL)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), PickupDialog))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, PickupDialog)
    keys.type("lead")
    keys.enter()
    keys.type(PASSWORD)
    keys.enter()
    assert QApplication.focusWidget() is dialog.grid.edits["B100"]
    keys.type("15")
    keys.enter()
    keys.type("10")
    assert dialog.grid.total.text() == "$2,000.00"
    keys.press(F.Key_F12)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    qtbot.waitUntil(lambda: not screens.pickup_prompt.isVisible())
    assert "Pickup 1 of $2,000.00 taken to the safe" in selling.statusBar().currentMessage()
    with desk.ctx.sessions() as s:
        pickup = s.scalars(select(DrawerPickupRow)).one()
        assert (pickup.amount_cents, pickup.cash) == (2000_00, {"B100": 15, "B50": 10})
        assert pickup.taken_by.username == "lead"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is selling.payment_page.line_entry.code)


def test_a_cashier_cannot_take_the_pickup_and_is_told_why(
    selling: MainWindow, keys: Keyboard, qtbot: QtBot, desk: Cashdesk
) -> None:
    keys.press(F.Key_U, CTRL)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), PickupDialog))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, PickupDialog)
    keys.type("jose")
    keys.enter()
    keys.type(PASSWORD)
    keys.enter()
    keys.type("1")
    keys.press(F.Key_F12)
    qtbot.waitUntil(lambda: dialog.general_error.isVisible() or dialog._errors["lead"].isVisible())
    shown = dialog.general_error.text() + dialog._errors["lead"].text()
    assert "take a pickup to the safe (a lead cashier must)" in shown
    keys.press(F.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    with desk.ctx.sessions() as s:
        assert s.scalars(select(DrawerPickupRow)).all() == []


def test_a_handoff_to_the_relief_cashier(
    selling: MainWindow, keys: Keyboard, qtbot: QtBot, desk: Cashdesk
) -> None:
    cash_sale(selling, keys, qtbot, "50.00")
    outgoing = desk.drawers.current()
    assert outgoing is not None
    keys.press(F.Key_H, CTRL)
    page = selling.drawer_screens.close_page
    assert selling.pages.currentWidget() is page
    assert page.incoming_box.isVisible()
    assert "$250.00" not in shown_texts(selling)  # blind: nothing expected is shown
    count_on_grid(keys, {0: "2", 1: "1"})  # 2 x $100 + 1 x $50
    keys.press(F.Key_U, ALT)  # the incoming cashier's user name
    keys.type("jose")
    keys.enter()
    keys.type(PASSWORD)
    keys.enter()
    qtbot.waitUntil(lambda: page.views.currentWidget() is page.result_view)
    assert page.summary.text() == "Over/short: even"
    assert page.variances.row(0) == ("Cash", "$250.00", "$250.00", "even")
    assert "now José Núñez's, on $250.00" in page.note.text()
    keys.enter()  # done: José carries on
    qtbot.waitUntil(lambda: selling.pages.currentWidget() is selling.payment_page)
    assert selling.operator is not None and selling.operator.username == "jose"
    current = desk.drawers.current()
    assert current is not None
    assert (current.cashier_name, str(current.opening_bank)) == ("José Núñez", "$250.00")
    assert current.handed_from_id == outgoing.id
    with desk.ctx.sessions() as s:
        old = s.get(DrawerSession, outgoing.id)
        assert old is not None and old.status == "approved"


def test_a_blind_close_short_over_five_dollars_needs_a_leads_sign_off(
    selling: MainWindow, keys: Keyboard, qtbot: QtBot, desk: Cashdesk
) -> None:
    cash_sale(selling, keys, qtbot, "50.00")
    keys.press(F.Key_F10)
    page = selling.drawer_screens.close_page
    assert selling.pages.currentWidget() is page
    assert not page.incoming_box.isVisible()
    assert "$250.00" not in shown_texts(selling)
    count_on_grid(keys, {0: "2", 2: "2"})  # $240.00: $10.00 short
    assert page.grid.total.text() == "$240.00"
    keys.press(F.Key_F12)
    qtbot.waitUntil(lambda: page.views.currentWidget() is page.result_view)
    assert page.summary.text() == "Over/short: short $10.00"
    assert page.variances.row(0) == ("Cash", "$250.00", "$240.00", "short $10.00")
    assert "needs a lead cashier's sign-off" in page.state.text()
    assert page.recount_action.isEnabled() and page.signoff_action.isEnabled()

    keys.press(F.Key_F7)  # one recount, blind again
    assert page.views.currentWidget() is page.count_view
    assert page.grid.total.text() == "$0.00"
    count_on_grid(keys, {0: "2", 2: "2", 6: "3"})  # $243.00: still $7.00 short
    keys.press(F.Key_F12)
    qtbot.waitUntil(lambda: page.views.currentWidget() is page.result_view)
    assert page.summary.text() == "Over/short: short $7.00"
    assert not page.recount_action.isEnabled()  # once only

    keys.press(F.Key_F8)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), WorkDialog))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, WorkDialog)
    # The same words as the void approval, naming what a lead's sign-in checks: the password.
    assert credential_words(dialog, "lead", "password") == (
        "Lead's user name and password.",
        "Lead's user name",
        "Lead's password",
    )
    keys.type("lead")
    keys.enter()
    keys.type(PASSWORD)
    keys.enter()
    keys.type("Miscounted change on a large bill")
    keys.enter()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    qtbot.waitUntil(lambda: "Signed off by Zoë Müller" in page.state.text())
    assert not page.signoff_action.isEnabled()
    with desk.ctx.sessions() as s:
        counts = s.scalars(select(DrawerCountRow).order_by(DrawerCountRow.attempt)).all()
        assert [(c.attempt, c.state, c.over_short_cents) for c in counts] == [
            (1, "recounted", -10_00),
            (2, "current", -7_00),
        ]
        assert counts[1].approved_by is not None and counts[1].approved_by.username == "lead"
        assert counts[1].approval_reason == "Miscounted change on a large bill"
        assert s.scalars(select(DrawerSession)).one().status == "approved"
    keys.enter()  # done: Maria signs out
    assert selling.pages.currentWidget() is selling.sign_in_page
    assert selling.operator is None


def test_a_recount_that_balances_is_approved_without_a_sign_off(
    selling: MainWindow, keys: Keyboard, qtbot: QtBot, desk: Cashdesk
) -> None:
    assert selling.operator is not None
    draft = ReceiptDraft(payer="Jane Q. Public")
    draft.add_line(desk.catalog.catalog().line("GOLF-R"))
    draft.add_tender(
        tender.check(Money.parse("40.00"), routing="021000021", account="123456789", number="1001")
    )
    desk.payments.post_payment(selling.operator, draft)
    keys.press(F.Key_F10)
    page = selling.drawer_screens.close_page
    count_on_grid(keys, {0: "1"})  # $100.00 of the $200.00 bank: a slip
    keys.press(F.Key_N, ALT)  # the checks: number, amount, Enter adds it
    keys.type("1001")
    keys.enter()
    keys.type("40.00")
    keys.enter()
    assert page.items.model.row(0) == ("Check", "1001", "$40.00")
    assert QApplication.focusWidget() is page.items.number
    keys.enter()  # no more checks: the card batch
    assert QApplication.focusWidget() is page.items.card_batch
    keys.enter()  # no card batch: submit
    qtbot.waitUntil(lambda: page.views.currentWidget() is page.result_view)
    assert page.summary.text() == "Over/short: short $100.00"
    assert page.variances.row(1) == ("Check", "$40.00", "$40.00", "even")
    assert page.matches.row(0) == ("matched", "Check", "1001", "$40.00", "W01-000001")
    assert selling.drawer_status.text() == "Drawer 1 counted"
    keys.press(F.Key_F7)
    count_on_grid(keys, {0: "2"})
    keys.press(F.Key_N, ALT)
    keys.type("1001")
    keys.enter()
    keys.type("40")
    keys.enter()
    keys.press(F.Key_F12)
    qtbot.waitUntil(lambda: page.summary.text() == "Over/short: even")
    assert page.state.text().startswith("Approved: within the $5.00 threshold")
    with desk.ctx.sessions() as s:
        assert s.scalars(select(DrawerSession)).one().status == "approved"


def test_a_lead_closes_the_day_with_the_deposit(
    selling: MainWindow,
    keys: Keyboard,
    qtbot: QtBot,
    desk: Cashdesk,
    sign_in: Callable[[str], None],
) -> None:
    cash_sale(selling, keys, qtbot, "50.00")
    keys.press(F.Key_F10)
    close = selling.drawer_screens.close_page
    count_on_grid(keys, {0: "2", 1: "1"})
    keys.press(F.Key_F12)
    qtbot.waitUntil(lambda: close.views.currentWidget() is close.result_view)
    keys.enter()  # Maria signs out
    sign_in("lead")
    keys.press(F.Key_F11)
    day = selling.drawer_screens.day_page
    assert selling.pages.currentWidget() is day
    qtbot.waitUntil(lambda: day.model.rowCount() == 1)
    assert day.model.row(0)[2] == "approved"
    assert "1 receipts, $50.00" in day.figures.text()

    keys.press(F.Key_F6)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), WorkDialog))
    keys.type("b-1001")
    keys.enter()
    qtbot.waitUntil(lambda: "Deposit bag B-1001" in day.message.text())
    assert "total $50.00" in day.message.text()

    keys.press(F.Key_F12)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox))
    keys.type("c")  # Close the day
    qtbot.waitUntil(lambda: "2026-11-26 is closed" in day.message.text())
    qtbot.waitUntil(lambda: "(closed)" in day.title.text())
    # Issue 24, defect 6: a closed day offers no sign-off, reopen, deposit or close again.
    for action in (day.signoff_action, day.reopen_action, day.deposit_action, day.close_action):
        assert not action.isEnabled()
        assert action.toolTip() == "2026-11-26 is closed: its drawers are final."
    keys.press(F.Key_F12)
    keys.press(F.Key_F6)
    assert QApplication.activeModalWidget() is None
    with desk.ctx.sessions() as s:
        closed = s.scalars(select(BusinessDayRow)).one()
        assert (str(closed.business_date), closed.closed_by.username) == ("2026-11-26", "lead")
        deposit = s.scalars(select(DepositRow)).one()
        assert (deposit.bag_number, deposit.total_cents) == ("B-1001", 50_00)
    keys.press(F.Key_Escape)
    qtbot.waitUntil(lambda: selling.pages.currentWidget() is selling.drawer_page)


def test_a_cashier_is_not_offered_the_day_close(
    selling: MainWindow, keys: Keyboard, qtbot: QtBot
) -> None:
    """Issue 24, defect 6: end of day and the reports are a lead's; a cashier's F11 and
    Ctrl+R do nothing and their keys are not on the screen."""
    screens = selling.drawer_screens
    assert not screens.day_action.isEnabled()
    assert not screens.reports_action.isEnabled()
    keys.press(F.Key_F11)
    assert selling.pages.currentWidget() is selling.payment_page
    keys.press(F.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert screens.reports_dialog is None
    assert selling.pages.currentWidget() is selling.payment_page


def test_a_lead_reopens_a_counted_drawer_with_a_reason(
    selling: MainWindow,
    keys: Keyboard,
    qtbot: QtBot,
    desk: Cashdesk,
    sign_in: Callable[[str], None],
) -> None:
    keys.press(F.Key_F10)
    close = selling.drawer_screens.close_page
    count_on_grid(keys, {0: "2"})
    keys.press(F.Key_F12)
    qtbot.waitUntil(lambda: close.views.currentWidget() is close.result_view)
    keys.enter()
    sign_in("lead")
    keys.press(F.Key_F11)
    day = selling.drawer_screens.day_page
    qtbot.waitUntil(lambda: day.model.rowCount() == 1)
    keys.press(F.Key_F7)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), WorkDialog))
    keys.press(F.Key_Escape)  # backs out: nothing reopened
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    assert day.model.row(0)[2] == "approved"
    keys.press(F.Key_F7)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), WorkDialog))
    keys.type("Bag found under the till")
    keys.enter()
    qtbot.waitUntil(lambda: "reopened: count it again" in day.message.text())
    qtbot.waitUntil(lambda: day.model.row(0)[2] == "open (blind)")
    with desk.ctx.sessions() as s:
        row = s.scalars(select(DrawerSession)).one()
        assert row.status == "open"
        count = s.scalars(select(DrawerCountRow)).one()
        assert count.state == "reopened"
