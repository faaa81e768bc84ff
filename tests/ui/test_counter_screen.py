"""Issue 24: the counter screen at the sizes it is used at, its colours and focus, and the
payment page's figures and tender keys, driven with the keyboard alone."""

from __future__ import annotations

from counter_helpers import counter_dialog, find, no_dialog, pay_cash_and_complete, stored
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from ui_keyboard import Keyboard

from cashdesk.app import DEMO_PASSWORD, Cashdesk
from cashdesk.clock import FixedClock
from cashdesk.domain.money import Money
from cashdesk.ui import theme
from cashdesk.ui.license_dialogs import AnimalApplicationDialog, BusinessRenewalDialog
from cashdesk.ui.records_dialogs import UtilityPaymentDialog
from cashdesk.ui.tender_dialogs import TenderDialog
from cashdesk.ui.widgets import Column, RowsModel, difference_style
from cashdesk.ui.window import MainWindow

F = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier


def tender_dialog(qtbot: QtBot) -> TenderDialog:
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), TenderDialog))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, TenderDialog)
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def key_line(keys: Keyboard, code: str, amount: str) -> None:
    """A keyed-amount line: code, amount, description (as a cashier keys MISC)."""
    keys.type(code)
    keys.enter()
    keys.type(amount)
    keys.enter()
    keys.type("Copy of a permit")
    keys.enter()


def on_screen(widget: QWidget, window: MainWindow) -> bool:
    """``widget`` is shown and wholly inside the window's client area."""
    top_left = widget.mapTo(window, QPoint(0, 0))
    inside = QRect(top_left, widget.size())
    return widget.isVisible() and window.rect().contains(inside)


# -- 1. the window fills the screen it is given; nothing lives only in the status bar ------
def test_the_page_fits_every_counter_screen_and_says_what_matters_in_it(
    selling: MainWindow, keys: Keyboard, qtbot: QtBot
) -> None:
    page = selling.payment_page
    for width, height in ((1280, 720), (1366, 768), (1920, 1080)):
        selling.resize(width, height)
        qtbot.waitUntil(lambda w=width, h=height: selling.size().toTuple() == (w, h))
        hint = selling.centralWidget().minimumSizeHint()
        assert hint.width() <= width and hint.height() <= height, (width, height, hint)
        for widget in (page.totals, page.complete_button, selling.info_strip):
            assert on_screen(widget, selling), (width, height, widget.accessibleName())
    assert selling.sync_status.isVisible()  # in the counter's strip, not a status bar
    assert not selling.statusBar().isVisible()

    selling.resize(1366, 768)
    key_line(keys, "MISC", "12.34")
    keys.press(F.Key_F10)  # close the drawer with a sale open: refused, said in the page
    assert selling.pages.currentWidget() is page
    qtbot.waitUntil(selling.notice.isVisible)
    assert selling.notice.text() == "Finish or clear the sale in progress first (F12 or Esc)."
    assert on_screen(selling.notice, selling)


def test_the_window_starts_resizable_and_larger_screens_scale_up() -> None:
    assert theme.scale_for(720) == 1.0
    assert theme.scale_for(1080) == 1.0
    assert theme.scale_for(2160) == 2.0  # a 4K panel at 100 %: twice the size
    assert 1.0 < theme.scale_for(1440) < 2.0


# -- 4. contrast and focus --------------------------------------------------------------------
def test_every_text_and_selection_pair_of_the_theme_meets_wcag_aa() -> None:
    for name, foreground, background in theme.TEXT_PAIRS:
        assert theme.contrast_ratio(foreground, background) >= 4.5, name
    for name, ring, background in theme.RING_PAIRS:
        assert theme.contrast_ratio(ring, background) >= 3.0, name
    # The theme's own checker agrees with WCAG's known values.
    assert round(theme.contrast_ratio("#000000", "#ffffff"), 1) == 21.0
    assert round(theme.contrast_ratio("#ffffff", "#3399ff"), 1) < 4.5  # the old selection


def test_the_focus_ring_is_three_pixels_on_every_kind_of_control(qapp: QApplication) -> None:
    sheet = qapp.styleSheet()
    for name in ("QLineEdit", "QComboBox", "QTableView", "QCheckBox", "QPushButton"):
        assert f"{name}:focus" in sheet, name
    assert f"border: 3px solid {theme.FOCUS}" in sheet
    assert qapp.palette().highlight().color().name() == theme.SELECTION


# -- 3. the payment page: Remaining until paid, then Change due; preset cash keys --------
def test_remaining_is_the_large_figure_until_paid_then_change_due(
    selling: MainWindow, keys: Keyboard, qtbot: QtBot, desk: Cashdesk
) -> None:
    page = selling.payment_page
    key_line(keys, "MISC", "12.34")
    assert page.totals.dominant == "remaining"
    assert page.totals.value("remaining") == "$12.34"
    big = page.totals._values["remaining"].font().pointSize()
    assert big > page.totals._values["change"].font().pointSize()

    keys.press(F.Key_F2)
    dialog = tender_dialog(qtbot)
    assert [b.text().split("   ")[0] for b in dialog.preset_buttons] == [
        "Exact $12.34",
        "$15.00",
        "$20.00",
    ]
    keys.press(F.Key_3, CTRL)  # the next $20
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    assert page.totals.dominant == "change"
    assert page.totals.value("change") == "$7.66"
    assert page.totals._values["change"].font().pointSize() == big

    keys.press(F.Key_F12)
    qtbot.waitUntil(lambda: page.receipt_dialog is not None)
    assert page.receipt_dialog is not None
    receipt = stored(desk, page.receipt_dialog.posted.number)
    assert [(t.kind, t.amount_cents) for t in receipt.tenders] == [("cash", 2000)]


# -- 5. validation as you type -------------------------------------------------------------
def test_letters_never_reach_an_amount(selling: MainWindow, keys: Keyboard, qtbot: QtBot) -> None:
    page = selling.payment_page
    keys.type("MISC")
    keys.enter()
    keys.type("1o2.5x0")
    assert page.line_entry.amount.text() == "12.50"
    keys.enter()
    keys.type("Copy of a permit")
    keys.enter()
    assert page.totals.value("total") == "$12.50"
    keys.press(F.Key_F2)
    dialog = tender_dialog(qtbot)
    keys.type("abc")
    assert dialog.inputs["amount"].text() == "12.50"  # selected text kept: letters refused


def test_a_check_over_the_amount_due_is_refused_at_the_amount(
    selling: MainWindow, keys: Keyboard, qtbot: QtBot
) -> None:
    page = selling.payment_page
    key_line(keys, "MISC", "40.00")
    keys.press(F.Key_F3)
    dialog = tender_dialog(qtbot)
    amount = dialog.inputs["amount"]
    assert not dialog._errors["amount"].isVisible()  # nothing said before anything is typed
    keys.type("45")
    assert dialog._errors["amount"].isVisible()
    assert dialog._errors["amount"].text() == (
        "A check may not exceed the amount due ($40.00); no cash back."
    )
    keys.enter()  # the amount is refused: the keyboard stays on it
    assert QApplication.focusWidget() is amount
    keys.press(F.Key_Backspace)
    keys.press(F.Key_Backspace)
    keys.type("40")
    assert not dialog._errors["amount"].isVisible()  # cleared once it is right
    keys.enter()
    assert QApplication.focusWidget() is dialog.inputs["routing"]
    keys.press(F.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    assert page.draft.tenders == []


# -- 6. the idle lock warns first, and keeps the sale and a half-keyed tender -------------
def test_the_idle_lock_warns_and_keeps_a_half_keyed_check(
    selling: MainWindow, keys: Keyboard, desk: Cashdesk, clock: FixedClock, qtbot: QtBot
) -> None:
    page = selling.payment_page
    key_line(keys, "MISC", "40.00")
    keys.press(F.Key_F3)
    dialog = tender_dialog(qtbot)
    keys.type("25")
    keys.enter()
    keys.type("021000021")
    selling.idle_timer.setInterval(10)  # the clock is the test's: only time passing locks

    clock.advance(seconds=104)
    qtbot.wait(50)
    assert not selling.idle_warning.isVisible()  # 16 s left: nothing said yet
    clock.advance(seconds=2)
    qtbot.waitUntil(selling.idle_warning.isVisible)
    assert selling.idle_warning.text().startswith("The screen locks in 14 seconds")
    keys.press(F.Key_Shift)  # a key: the lock waits again, the warning goes
    qtbot.waitUntil(lambda: not selling.idle_warning.isVisible())
    assert not desk.terminal.locked

    clock.advance(seconds=120)
    qtbot.waitUntil(lambda: selling.pages.currentWidget() is selling.lock_page)
    assert not selling.idle_warning.isVisible()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is selling.lock_page.secret)
    keys.type("1111")
    keys.enter()
    qtbot.waitUntil(lambda: selling.pages.currentWidget() is page)
    again = tender_dialog(qtbot)
    assert again is not dialog
    assert again.inputs["amount"].text() == "25"
    assert again.inputs["routing"].text() == "021000021"
    assert page.draft.total == Money.parse("40.00")


# -- 9. a standalone counter has no central ledger to warn about -------------------------
def test_a_standalone_counter_says_so_and_warns_of_no_ledger(
    selling: MainWindow, keys: Keyboard, qtbot: QtBot, desk: Cashdesk
) -> None:
    assert not desk.sync.status().configured
    qtbot.waitUntil(lambda: selling.sync_status.text() == "Standalone counter")
    key_line(keys, "MISC", "12.00")
    keys.press(F.Key_F2)
    tender_dialog(qtbot)
    keys.enter()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    keys.press(F.Key_F12)
    qtbot.waitUntil(lambda: selling.payment_page.receipt_dialog is not None)
    keys.press(F.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    assert desk.sync.status().waiting > 0  # the outbox holds the receipt; nothing to reach
    keys.press(F.Key_L, CTRL)
    qtbot.waitUntil(lambda: selling.pages.currentWidget() is selling.sign_in_page)
    assert "central ledger" not in selling.sign_in_page.notice.text()
    assert not selling.sign_in_page.notice.isVisible()


# -- 3. the customer panel and "Received from" -------------------------------------------
def test_the_customer_stays_on_the_page_and_is_who_the_payment_is_received_from(
    selling: MainWindow, keys: Keyboard, qtbot: QtBot, desk: Cashdesk
) -> None:
    page = selling.payment_page
    lookup = find(selling, keys, qtbot, "BL-10003")
    assert lookup.results and lookup.results[0].address  # the find list shows the address
    assert lookup.model.row(0)[3] == lookup.results[0].address
    picked = lookup.results[0]
    keys.enter()
    dialog = counter_dialog(selling, qtbot, BusinessRenewalDialog)
    keys.press(F.Key_Escape)  # the renewal dialog closes; the customer stays
    no_dialog(selling, qtbot)
    assert page.customer.isVisible()
    assert page.customer.who.text() == picked.party
    assert page.customer.address.text() == picked.address
    assert page.customer.record.text() == "Business license BL-10003"
    del dialog

    lookup = find(selling, keys, qtbot, "100007")
    utility = lookup.results[0]
    keys.enter()
    counter_dialog(selling, qtbot, UtilityPaymentDialog)
    keys.enter()  # the whole balance, as offered
    no_dialog(selling, qtbot)
    qtbot.waitUntil(lambda: bool(page.draft.lines))
    assert page.customer.who.text() == utility.party
    assert page.customer.balance.text() == f"Balance {utility.amount_due}"
    assert page.payer.text() == utility.party  # "Received from", filled
    number = pay_cash_and_complete(selling, keys, qtbot)
    assert stored(desk, number).payer == utility.party
    keys.enter()  # the next sale: the panel clears
    qtbot.waitUntil(lambda: page.receipt_dialog is None)
    assert not page.customer.isVisible()


# -- 4. colour only with meaning ----------------------------------------------------------
def test_short_is_red_over_amber_and_a_void_grey_and_struck_through(qapp: QApplication) -> None:
    model = RowsModel((Column("Receipt"), Column("Over/short")))
    rows = [("W01-000001", "short $1.00"), ("W01-000002", "over $0.50"), ("W01-000003", "even")]
    model.set_rows(rows, [difference_style(r[1]) for r in rows[:2]] + ["void"])
    colour = Qt.ItemDataRole.ForegroundRole
    assert model.data(model.index(0, 1), colour) == QColor(theme.SHORT_COLOUR)
    assert model.data(model.index(1, 0), colour) == QColor(theme.OVER_COLOUR)
    assert model.data(model.index(2, 0), colour) == QColor(theme.VOID_COLOUR)
    font = model.data(model.index(2, 0), Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont) and font.strikeOut()
    model.set_rows(rows)  # plain rows: no colour
    assert model.data(model.index(0, 1), colour) is None
    assert difference_style("even") == ""


# -- 5. an empty tag stock is said before any typing ------------------------------------
def test_an_empty_tag_stock_is_said_before_the_animal_form_opens(
    selling: MainWindow, keys: Keyboard, qtbot: QtBot, desk: Cashdesk
) -> None:
    assert desk.licenses.tag_stock() == []
    keys.press(F.Key_D, CTRL)
    page = selling.payment_page
    qtbot.waitUntil(page.notice.isVisible)
    assert page.notice.text().startswith("No animal tags are left")
    assert selling.counter.dialog is None  # no form to type 33 keys into
    assert QApplication.focusWidget() is page.line_entry.code

    lead = desk.auth.sign_in("lead", DEMO_PASSWORD)
    desk.licenses.load_tag_stock(lead, prefix="T", first_no=30000, last_no=30009)
    keys.press(F.Key_D, CTRL)
    dialog = counter_dialog(selling, qtbot, AnimalApplicationDialog)
    assert dialog.isVisible()
