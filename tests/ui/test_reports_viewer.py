"""The reports viewer (Ctrl+R): the daily cash report shown page by page with its figures,
saved as a PDF whose text holds the same figures."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select
from ui_keyboard import Keyboard

from cashdesk.app import Cashdesk
from cashdesk.domain import tender
from cashdesk.domain.money import Money
from cashdesk.domain.receipt import ReceiptDraft
from cashdesk.domain.roles import Operator
from cashdesk.store.models import Receipt
from cashdesk.ui.drawer_dialogs import WorkDialog
from cashdesk.ui.reports_viewer import ReportsDialog
from cashdesk.ui.window import MainWindow

F = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture(autouse=True)
def _closed_windows_deleted() -> Iterator[None]:
    """pytest-qt closes the test's window and deletes it later; delete it now, so no window
    of this test is still about when the next test starts."""
    yield
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def two_receipts(desk: Cashdesk, open_drawer: Operator) -> Money:
    """Maria's drawer with a cash and a check receipt; the receipts' total, from the store."""
    catalog = desk.catalog.catalog()
    first = ReceiptDraft(payer="Renée Dubois")
    first.add_line(catalog.line("MISC", amount=Money.parse("12.34"), description="Copies"))
    first.add_tender(tender.cash(Money.parse("20.00")))
    desk.payments.post_payment(open_drawer, first)
    second = ReceiptDraft(payer="Jane Q. Public")
    second.add_line(catalog.line("GOLF-R"))
    second.add_tender(
        tender.check(Money.parse("40.00"), routing="021000021", account="123456789", number="1001")
    )
    desk.payments.post_payment(open_drawer, second)
    with desk.ctx.sessions() as s:
        cents = s.scalar(select(func.sum(Receipt.total_cents)).where(Receipt.status == "posted"))
    return Money(cents=int(cents or 0))


def open_reports(window: MainWindow, keys: Keyboard, qtbot: QtBot) -> ReportsDialog:
    keys.press(F.Key_R, CTRL)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ReportsDialog))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, ReportsDialog)
    return dialog


def test_the_daily_report_shows_the_receipts_figures_and_saves_as_pdf(
    window: MainWindow,
    keys: Keyboard,
    qtbot: QtBot,
    sign_in: Callable[[str], None],
    two_receipts: Money,
    tmp_path: Path,
) -> None:
    assert str(two_receipts) == "$52.34"
    sign_in("lead")
    dialog = open_reports(window, keys, qtbot)
    assert dialog.kind == "daily"
    assert dialog.start.text() == "2026-11-26"
    keys.enter()
    qtbot.waitUntil(lambda: dialog.rendered is not None, timeout=10000)
    rendered = dialog.rendered
    assert rendered is not None
    figures = dialog.figures.toPlainText()
    assert f"Receipts posted: 2   total {two_receipts}" in figures
    assert "Cash: 1   $12.34" in figures  # $20.00 tendered, $7.66 change
    assert "Check: 1   $40.00" in figures
    assert "W01-000001 to W01-000002 (no gaps)" in figures
    shown = [p for p in dialog.pages.findChildren(QLabel) if p.accessibleName().endswith("page 1")]
    assert len(shown) == 1 and not shown[0].pixmap().isNull()
    assert rendered.pages[0].width() > 750

    keys.press(F.Key_S, CTRL)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), WorkDialog))
    save = QApplication.activeModalWidget()
    assert isinstance(save, WorkDialog)
    assert save.inputs["file"].text().endswith("daily-2026-11-26.pdf")
    target = tmp_path / "reports" / "daily.pdf"
    save.inputs["file"].selectAll()
    keys.type(str(target))
    keys.enter()
    qtbot.waitUntil(save._errors["file"].isVisible)  # the folder is not there yet
    assert "does not exist" in save._errors["file"].text()
    target.parent.mkdir()
    keys.enter()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is dialog)
    assert f"Saved {target}" in dialog.message.text()
    text = "\n".join(page.extract_text() for page in PdfReader(target).pages)
    assert "Daily cash report" in text
    assert str(two_receipts) in text
    assert "W01-000001" in text and "W01-000002" in text

    keys.press(F.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    assert window.drawer_screens.reports_dialog is None


def test_a_cashier_is_not_offered_reports(
    selling: MainWindow, keys: Keyboard, qtbot: QtBot
) -> None:
    """Issue 24, defect 6: the reports are a lead's; Ctrl+R opens nothing for a cashier."""
    assert not selling.drawer_screens.reports_action.isEnabled()
    keys.press(F.Key_R, CTRL)
    assert QApplication.activeModalWidget() is None
    assert selling.drawer_screens.reports_dialog is None


def test_printing_without_lp_says_so(
    window: MainWindow,
    keys: Keyboard,
    qtbot: QtBot,
    sign_in: Callable[[str], None],
    two_receipts: Money,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PATH", "")  # no print command on this computer
    sign_in("lead")
    dialog = open_reports(window, keys, qtbot)
    keys.press(F.Key_Down)  # the X report
    keys.enter()
    qtbot.waitUntil(lambda: dialog.rendered is not None, timeout=10000)
    assert "X report" in dialog.figures.toPlainText()
    keys.press(F.Key_P, CTRL)
    qtbot.waitUntil(lambda: "no print command (lp)" in dialog.message.text())
