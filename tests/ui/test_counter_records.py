"""The counter's records with the keyboard alone: find as you type, a bill stub, a utility
payment end to end, a citation, a mail batch with an exception, returned checks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from counter_helpers import CTRL, F, counter_dialog, find, no_dialog, pay_cash_and_complete, stored
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from ui_keyboard import Keyboard

from cashdesk.app import Cashdesk
from cashdesk.domain import tender
from cashdesk.domain.money import Money
from cashdesk.domain.receipt import ReceiptDraft
from cashdesk.domain.search_text import fold
from cashdesk.errors import CashdeskError
from cashdesk.store.models import Receipt
from cashdesk.ui.records_dialogs import (
    BatchImportDialog,
    ReturnedCheckDialog,
    UtilityPaymentDialog,
)
from cashdesk.ui.window import MainWindow


def test_typing_finds_accented_names_and_enter_picks_the_selected_one(
    selling: MainWindow, keys: Keyboard, qtbot: QtBot
) -> None:
    lookup = find(selling, keys, qtbot, "nunez")
    assert lookup.results, "nothing found for nunez"
    assert all("nunez" in fold(r.title + " " + r.subtitle) for r in lookup.results)
    assert any("Núñez" in r.title for r in lookup.results)
    assert lookup.model.rowCount() == len(lookup.results)
    assert lookup.model.row(0)[2] == lookup.results[0].title
    assert QApplication.focusWidget() is lookup.query  # typing went on in the find field

    keys.type(" gra")  # the results follow the typing
    qtbot.waitUntil(lambda: lookup.answered)
    assert lookup.results
    for r in lookup.results:  # every word typed begins a word of the record
        words = fold(f"{r.title} {r.subtitle}").split()
        assert any(w.startswith("nunez") for w in words)
        assert any(w.startswith("gra") for w in words)
    utility = [
        i for i, r in enumerate(lookup.results) if r.kind == "utility" and "Grace" in r.title
    ]
    assert len(utility) >= 2
    for _ in range(utility[1]):
        keys.press(F.Key_Down)
    picked = lookup.results[utility[1]]
    assert lookup.table.currentIndex().row() == utility[1]
    assert picked.key in lookup.detail.text()
    keys.enter()

    dialog = counter_dialog(selling, qtbot, UtilityPaymentDialog)
    assert dialog.view.account_no == picked.key
    keys.press(F.Key_Escape)  # backs out: nothing on the sale
    no_dialog(selling, qtbot)
    assert selling.payment_page.draft.lines == []
    qtbot.waitUntil(lambda: QApplication.focusWidget() is selling.payment_page.line_entry.code)


def test_a_scanned_stub_goes_to_its_account_and_the_payment_is_stored_by_item(
    selling: MainWindow, keys: Keyboard, qtbot: QtBot, desk: Cashdesk
) -> None:
    page = selling.payment_page
    before = desk.records.utility_account("100007")
    assert before.open_balance == Money.parse("218.75")

    find(selling, keys, qtbot, "UB/100007/B100007-2610")
    keys.enter()  # the scanner's Enter
    dialog = counter_dialog(selling, qtbot, UtilityPaymentDialog)
    assert dialog.view.account_no == "100007"
    assert dialog.text("amount") == "218.75"  # the open balance, offered
    assert dialog.items_model.rowCount() == 2
    keys.type("250.00")  # replaces the offered amount
    assert dialog.total.text() == "$250.00"
    assert [dialog.lines_model.row(i)[2] for i in range(3)] == ["$147.02", "$71.73", "$31.25"]
    assert "$31.25 becomes a credit balance" in dialog.notes.text()
    keys.enter()
    no_dialog(selling, qtbot)

    assert [(x.description, x.amount.plain()) for x in page.draft.lines] == [
        ("Water, bill B100007-2610 due 11/19/2026", "147.02"),
        ("Wastewater, bill B100007-2610 due 11/19/2026", "71.73"),
        ("Credit balance on account", "31.25"),
    ]
    assert page.payer.text() == "Robert Anderson"
    assert page.totals.value("total") == "$250.00"
    number = pay_cash_and_complete(selling, keys, qtbot)

    after = desk.records.utility_account("100007")
    assert after.open_balance == Money.zero()
    assert after.items == ()
    assert after.credit_balance == Money.parse("31.25")
    receipt = stored(desk, number)
    assert [(x.code, x.reference, x.amount_cents) for x in receipt.lines] == [
        ("UTIL", "100007", 147_02),
        ("UTIL", "100007", 71_73),
        ("UTIL", "100007", 31_25),
    ]
    shown = page.receipt_dialog
    assert shown is not None
    assert "Wastewater, bill B100007-2610" in shown.view.text.toPlainText()


def test_a_wrong_stub_is_explained_in_the_find_dialog(
    selling: MainWindow, keys: Keyboard, qtbot: QtBot
) -> None:
    lookup = find(selling, keys, qtbot, "UB/100007/B999999-2610")
    keys.enter()
    qtbot.waitUntil(lookup.error.isVisible)
    assert "is not a bill of account 100007" in lookup.error.text()
    assert selling.counter.dialog is lookup


def test_a_citation_is_added_at_its_amount_due_and_a_paid_one_is_refused(
    selling: MainWindow, keys: Keyboard, qtbot: QtBot, desk: Cashdesk
) -> None:
    page = selling.payment_page
    lookup = find(selling, keys, qtbot, "RB2600009")  # paid
    assert lookup.results[0].key == "RB2600009"
    keys.enter()
    try:
        desk.records.citation_lines("RB2600009")
    except CashdeskError as err:
        refusal = str(err)
    else:
        raise AssertionError("a paid citation took a payment")
    qtbot.waitUntil(lookup.error.isVisible)
    assert lookup.error.text() == refusal
    assert page.draft.lines == []

    keys.press(F.Key_A, CTRL)
    keys.type("RB2600000")
    qtbot.waitUntil(lambda: lookup.answered and lookup.results[0].key == "RB2600000")
    keys.enter()
    no_dialog(selling, qtbot)
    due = desk.records.citation_lines("RB2600000")
    assert page.draft.lines == list(due)
    number = pay_cash_and_complete(selling, keys, qtbot)
    assert desk.records.citation("RB2600000").status == "paid"
    assert stored(desk, number).total_cents == sum(x.amount.cents for x in due)


def _batch_file(folder: Path) -> Path:
    path = folder / "mail-1126.csv"
    path.write_text(
        "payer,kind,reference,amount,tender,check_routing,check_account,check_number,postmark\n"
        "Robert Anderson,UTIL,100007,218.75,check,021000021,40000001,1001,\n"
        "Pat Doe,GOLF-R,,40.00,money_order,,,MO-5521,\n"
        "Lee Park,CIT,RB2699999,48.00,check,021000021,40000002,1002,\n",
        encoding="utf-8",
    )
    return path


def test_a_mail_batch_posts_its_rows_and_lists_the_exception(
    selling: MainWindow, keys: Keyboard, qtbot: QtBot, desk: Cashdesk, tmp_path: Path
) -> None:
    path = _batch_file(tmp_path)
    keys.press(F.Key_I, CTRL)
    dialog = counter_dialog(selling, qtbot, BatchImportDialog)
    keys.type(str(path))
    keys.enter()
    keys.type("MAIL1126")
    keys.enter()
    keys.type("306.75")  # the control total
    keys.enter()
    qtbot.waitUntil(lambda: dialog.imported is not None, timeout=10_000)
    result = dialog.imported
    assert result is not None
    assert (result.posted, len(result.exceptions)) == (2, 1)
    assert dialog.exceptions_model.rowCount() == 1
    row = dialog.exceptions_model.row(0)
    assert row[:2] == ("3", "RB2699999")
    assert "RB2699999" in row[2]
    exceptions = tmp_path / "MAIL1126-exceptions.csv"
    assert exceptions.is_file()
    assert "RB2699999" in exceptions.read_text(encoding="utf-8-sig")
    assert str(exceptions) in dialog.summary.text()
    assert dialog.progress.value() == dialog.progress.maximum() == 3
    with desk.ctx.sessions() as s:
        numbers = set(s.scalars(select(Receipt.number)))
    assert set(result.receipt_numbers) <= numbers and len(numbers) == 2
    assert desk.records.utility_account("100007").open_balance == Money.zero()
    keys.enter()  # close
    no_dialog(selling, qtbot)


def test_a_wrong_control_total_is_shown_under_its_field_and_posts_nothing(
    selling: MainWindow, keys: Keyboard, qtbot: QtBot, desk: Cashdesk, tmp_path: Path
) -> None:
    path = _batch_file(tmp_path)
    keys.press(F.Key_I, CTRL)
    dialog = counter_dialog(selling, qtbot, BatchImportDialog)
    for text in (str(path), "MAIL1126", "300.00"):
        keys.type(text)
        keys.enter()
    qtbot.waitUntil(lambda: dialog.errors["control"].isVisible())
    assert "not the control total $300.00" in dialog.errors["control"].text()
    with desk.ctx.sessions() as s:
        assert s.scalars(select(Receipt.id)).all() == []


def _check_receipt(desk: Cashdesk, window: MainWindow) -> str:
    operator = window.operator
    assert operator is not None
    lines = desk.records.utility_payment("100007", amount=Money.parse("218.75")).lines
    draft = ReceiptDraft(payer="Robert Anderson")
    for line in lines:
        draft.add_line(line)
    draft.add_tender(
        tender.check(Money.parse("218.75"), routing="021000021", account="55501234", number="77")
    )
    return desk.payments.post_payment(operator, draft).number


def test_a_lead_processes_a_returned_check(
    window: MainWindow,
    keys: Keyboard,
    qtbot: QtBot,
    desk: Cashdesk,
    sign_in: Callable[[str], None],
) -> None:
    sign_in("lead")
    keys.enter()  # open the drawer
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.payment_page)
    number = _check_receipt(desk, window)
    assert desk.records.utility_account("100007").open_balance == Money.zero()

    keys.press(F.Key_N, CTRL)
    dialog = counter_dialog(window, qtbot, ReturnedCheckDialog)
    keys.type(number)
    keys.enter()
    keys.enter()  # the reason as offered: NSF
    qtbot.waitUntil(lambda: dialog.returned is not None)
    result = dialog.returned
    assert result is not None
    assert result.receipt_number == number
    assert result.fee == Money.parse("25.00")
    assert result.number in dialog.outcome.text()
    assert "$25.00" in dialog.outcome.text()
    assert desk.records.utility_account("100007").open_balance == Money.parse("218.75")
    assert [f.number for f in desk.records.open_returned_check_fees()] == [result.number]
    keys.enter()  # close
    no_dialog(window, qtbot)


def test_a_cashier_is_not_offered_returned_check_processing(
    selling: MainWindow, keys: Keyboard, qtbot: QtBot, desk: Cashdesk
) -> None:
    """Issue 24, defect 6: a lead's screen is not offered to a cashier (before, it opened
    and refused only after the receipt number was typed)."""
    _check_receipt(desk, selling)
    button = selling.counter.buttons["nsf"]
    assert not button.isEnabled()
    assert button.toolTip() == (
        "Maria Hernández (Cashier) may not process returned checks (a lead cashier must)."
    )
    keys.press(F.Key_N, CTRL)
    assert selling.counter.dialog is None
    assert QApplication.activeModalWidget() is None
    assert desk.records.open_returned_check_fees() == []
    assert desk.records.utility_account("100007").open_balance == Money.zero()
