"""The reports viewer (Ctrl+R): daily cash report, X and Z reports, deposit slip and license
register, rendered to PDF on the Background helper and shown page by page in the window.

QtPdf is not part of PySide6-Essentials, so the pages are drawn to images with pypdfium2
(PDFium, the PDF engine of Chromium, shipped inside its wheel) off the GUI thread. The key
figures are shown as text beside the pages, from the service's dataclasses. Save as PDF
copies the rendered file where the user says; Print sends it to the default printer with
``lp`` when the system has it.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QProgressBar,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from cashdesk.app import Cashdesk
from cashdesk.domain.drawer import describe
from cashdesk.domain.roles import Operator
from cashdesk.errors import ValidationError
from cashdesk.outputs import write_output
from cashdesk.services.day_reports import (
    REPORT_KINDS,
    DayReport,
    DepositSlip,
    Figures,
    HandoffSlip,
)
from cashdesk.ui import theme
from cashdesk.ui.drawer_dialogs import WorkDialog
from cashdesk.ui.forms import FormField
from cashdesk.ui.operations import Background
from cashdesk.ui.receipts import failure_text
from cashdesk.ui.widgets import (
    MessageLabel,
    add_action,
    button,
    fit_to_screen,
    key_button,
    label,
    line_edit,
)

KINDS = (
    ("daily", "Daily cash report"),
    ("x", "X report (mid-day)"),
    ("z", "Z report (day close)"),
    ("deposit", "Deposit slip"),
    ("handoff", "Handoff slips"),
    ("licenses", "License register"),
)
PAGE_SCALE = 1.3  # 94 dpi: a Letter page is about 800 px wide, the viewer's width


@dataclass(frozen=True, slots=True)
class RenderedReport:
    kind: str
    title: str
    path: Path
    pages: tuple[QImage, ...]
    figures: str
    file_name: str


def parse_date(text: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(f"{field} must be a date like 2026-11-26, not {text!r}.") from None


def day_figures(report: DayReport, title: str) -> str:
    numbers = report.numbers
    lines = [
        f"{title} — {report.business_date:%Y-%m-%d} — {report.workstation}",
        "closed" if report.closed else "provisional (the day is not closed)",
        f"Receipts posted: {report.receipts}   total {report.receipts_total}",
        f"Receipts voided: {report.voided}   total {report.voided_total}",
    ]
    if numbers is not None:
        gaps = "no gaps" if numbers.gapless else "gaps: " + ", ".join(numbers.gaps)
        lines.append(f"Receipt numbers: {numbers.first} to {numbers.last} ({gaps})")
    lines.append("By tender:")
    lines += [f"  {t.kind.label}: {t.count}   {t.amount}" for t in report.by_tender]
    lines.append("By cashier:")
    lines += [f"  {c.cashier}: {c.receipts}   {c.total}" for c in report.by_cashier]
    lines.append(f"Over/short: {describe(report.over_short)}")
    lines.append(f"Card batches: {report.card_batches}")
    lines.append(f"Deposits: {len(report.deposits)}   {report.deposits_total}")
    return "\n".join(lines)


def slip_figures(slips: list[DepositSlip]) -> str:
    return "\n".join(
        f"Bag {s.bag_number} ({s.business_date:%Y-%m-%d}, {s.account_name}): currency "
        f"{s.currency}, coin {s.coin}, checks {s.checks} ({len(s.items)} items), total {s.total}"
        for s in slips
    )


def handoff_figures(slips: Sequence[HandoffSlip]) -> str:
    return "\n".join(
        f"Drawer {h.drawer} at {h.handed_at}, {h.outgoing} to {h.incoming}: "
        + " ".join(h.statement)
        for h in slips
    )


def figures_text(figures: Figures, title: str) -> str:
    if isinstance(figures, DayReport):
        return day_figures(figures, title)
    if all(isinstance(f, DepositSlip) for f in figures):
        return slip_figures([f for f in figures if isinstance(f, DepositSlip)])
    return handoff_figures([f for f in figures if isinstance(f, HandoffSlip)])


def pdf_pages(path: Path, scale: float = PAGE_SCALE) -> tuple[QImage, ...]:
    """Every page of the PDF as an image (off the GUI thread: QImage, not QPixmap)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    images = []
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            bitmap = page.render(scale=scale, rev_byteorder=True)  # RGB, 3 bytes a pixel
            image = QImage(
                bytes(bitmap.buffer),
                bitmap.width,
                bitmap.height,
                bitmap.stride,
                QImage.Format.Format_RGB888,
            )
            images.append(image.copy())  # own the pixels before the bitmap goes
            bitmap.close()
            page.close()
    finally:
        pdf.close()
    return tuple(images)


def merge_pdfs(parts: list[Path], out: Path) -> Path:
    import pypdfium2 as pdfium

    merged = pdfium.PdfDocument.new()
    try:
        for part in parts:
            source = pdfium.PdfDocument(str(part))
            merged.import_pages(source)
            source.close()
        merged.save(str(out))
    finally:
        merged.close()
    return out


def render_report(
    desk: Cashdesk, operator: Operator, kind: str, start: dt.date, end: dt.date, folder: Path
) -> RenderedReport:
    """Fetch the figures from the service, render the PDF, draw its pages (Background)."""
    title = dict(KINDS)[kind]
    stamp = f"{start:%Y-%m-%d}"
    if kind in REPORT_KINDS:  # the day's reports: the one dispatch the CLI uses too
        name = f"{kind}-{stamp}.pdf"
        parts_folder = folder / f"{kind}-{stamp}-parts"
        parts_folder.mkdir(exist_ok=True)
        files = desk.day_reports.report(operator, kind, start, parts_folder / name)
        parts = files.write()
        path = parts[0] if len(parts) == 1 else merge_pdfs(parts, folder / name)
        figures = figures_text(files.figures, title)
    else:
        stamp = f"{start:%Y-%m-%d}-to-{end:%Y-%m-%d}"
        path = folder / f"license-register-{stamp}.pdf"
        entries = desk.licenses.write_license_register(operator, start=start, end=end, out=path)
        figures = f"{title} {start:%Y-%m-%d} to {end:%Y-%m-%d}: {entries} entries"
    return RenderedReport(
        kind=kind,
        title=title,
        path=path,
        pages=pdf_pages(path),
        figures=figures,
        file_name=path.name,
    )


def copy_pdf(source: Path, typed: str) -> Path:
    target = Path(typed.strip()).expanduser()
    if not typed.strip():
        raise ValidationError("Type the file to save the PDF as.")
    if target.suffix.lower() != ".pdf":
        target = target.with_name(target.name + ".pdf")
    if not target.parent.is_dir():
        raise ValidationError(f"The folder {target.parent} does not exist.")
    try:
        # The one output path (cashdesk.outputs): never over the store, never over an
        # existing file, 0600, atomic.
        write_output(target, source.read_bytes())
    except OSError as err:
        raise ValidationError(f"The file {target} cannot be written ({err.strerror}).") from None
    return target


def print_pdf(path: Path) -> str:
    lp = shutil.which("lp")
    if lp is None:
        raise ValidationError(
            "This computer has no print command (lp): save the PDF (Ctrl+S) and print it "
            "from there."
        )
    done = subprocess.run([lp, str(path)], capture_output=True, text=True, timeout=30)
    if done.returncode != 0:
        raise ValidationError(f"The printer refused the report: {done.stderr.strip()}")
    return done.stdout.strip() or "Sent to the printer."


class ReportsDialog(QDialog):
    """Pick a report (arrow keys), a date (and an end date for the license register),
    Enter shows it; Ctrl+S saves it as PDF, Ctrl+P prints it, Escape closes."""

    def __init__(
        self,
        desk: Cashdesk,
        operator: Operator,
        background: Background,
        *,
        parent: QWidget | None = None,
        kind: str = "daily",
    ) -> None:
        super().__init__(parent)
        self.desk = desk
        self.operator = operator
        self.background = background
        self.rendered: RenderedReport | None = None
        self.working = False
        self._folder = tempfile.TemporaryDirectory(prefix="cashdesk-reports-")
        self.setWindowTitle("Reports")
        self.setAccessibleName("Reports")
        fit_to_screen(self, 1240, 760)

        self.kinds = QListWidget()
        self.kinds.setAccessibleName("Report")
        for _, title in KINDS:
            self.kinds.addItem(title)
        self.kinds.setCurrentRow(next(i for i, (k, _) in enumerate(KINDS) if k == kind))
        self.kinds.setMaximumHeight(190)
        self.kinds.currentRowChanged.connect(self._kind_changed)
        today = desk.ctx.business_date()
        self.start = line_edit("Date")
        self.start.setText(today.isoformat())
        self.end = line_edit("To date")
        self.end.setText(today.isoformat())
        self.show_button = button("Show   Enter", "Show report", primary=True)
        self.show_button.setDefault(True)
        self.show_button.clicked.connect(self.show_report)
        self.busy = QProgressBar()
        self.busy.setAccessibleName("Working")
        self.busy.setRange(0, 0)
        self.busy.hide()
        self.message = MessageLabel("Report message")
        self.figures = QPlainTextEdit()
        self.figures.setReadOnly(True)
        self.figures.setAccessibleName("Report figures")
        self.figures.setFont(theme.font(12, mono=True))

        window = Qt.ShortcutContext.WindowShortcut
        self.save_action = add_action(self, "Save as PDF", ["Ctrl+S"], self.save, context=window)
        self.print_action = add_action(self, "Print", ["Ctrl+P"], self.print_report, context=window)
        self.close_action = add_action(self, "Close", ["Esc"], self.reject, context=window)
        for action in (self.save_action, self.print_action):
            action.setEnabled(False)

        self.pages = QWidget()
        self.pages_layout = QVBoxLayout(self.pages)
        self.pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.page_area = QScrollArea()
        self.page_area.setAccessibleName("Report pages")
        self.page_area.setWidgetResizable(True)
        self.page_area.setWidget(self.pages)
        self.page_area.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        form = QFormLayout()
        form.addRow(label("&Report", buddy=self.kinds))
        form.addRow(self.kinds)
        form.addRow(label("&Date", buddy=self.start), self.start)
        self.end_label = label("&To date", buddy=self.end)
        form.addRow(self.end_label, self.end)
        left = QVBoxLayout()
        left.addLayout(form)
        left.addWidget(self.show_button)
        left.addWidget(self.busy)
        left.addWidget(self.message)
        left.addWidget(label("Figures"))
        left.addWidget(self.figures, 1)
        for action, name in (
            (self.save_action, "Save as PDF"),
            (self.print_action, "Print"),
            (self.close_action, "Close reports"),
        ):
            left.addWidget(key_button(action, name))
        left_box = QWidget()
        left_box.setLayout(left)
        left_box.setFixedWidth(400)
        layout = QHBoxLayout(self)
        layout.addWidget(left_box)
        layout.addWidget(self.page_area, 1)
        self._kind_changed(self.kinds.currentRow())
        self.finished.connect(self._cleanup)
        self.kinds.setFocus()

    @property
    def kind(self) -> str:
        return KINDS[self.kinds.currentRow()][0]

    def _kind_changed(self, _row: int) -> None:
        register = self.kind == "licenses"
        self.end.setVisible(register)
        self.end_label.setVisible(register)

    def _cleanup(self) -> None:
        self._folder.cleanup()

    # -- showing -------------------------------------------------------------------------
    def show_report(self) -> None:
        if self.working:
            return
        self.message.clear_message()
        try:
            start = parse_date(self.start.text(), "The date")
            end = parse_date(self.end.text(), "The end date") if self.kind == "licenses" else start
        except ValidationError as err:
            self.message.show_message(str(err))
            return
        desk, operator, kind, folder = self.desk, self.operator, self.kind, Path(self._folder.name)
        self._working(True)
        self.background.run(
            lambda: render_report(desk, operator, kind, start, end, folder),
            on_success=self._shown,
            on_failure=self._failed,
        )

    def _working(self, working: bool) -> None:
        self.working = working
        self.busy.setVisible(working)
        self.show_button.setEnabled(not working)
        self.show_button.setText("Working…" if working else "Show   Enter")

    def _shown(self, rendered: RenderedReport) -> None:
        self._working(False)
        self.rendered = rendered
        self.figures.setPlainText(rendered.figures)
        while self.pages_layout.count():
            item = self.pages_layout.takeAt(0)
            old = item.widget() if item is not None else None
            if old is not None:
                old.deleteLater()
        for number, image in enumerate(rendered.pages, start=1):
            page = QLabel()
            page.setPixmap(QPixmap.fromImage(image))
            page.setAccessibleName(f"{rendered.title} page {number}")
            self.pages_layout.addWidget(page)
        self.save_action.setEnabled(True)
        self.print_action.setEnabled(True)
        self.message.show_message(
            f"{rendered.title}: {len(rendered.pages)} page(s). Save as PDF: Ctrl+S. Print: Ctrl+P."
        )
        self.message.setProperty("role", "hint")
        self.message.style().polish(self.message)

    def _failed(self, error: Exception) -> None:
        self._working(False)
        self.message.setProperty("role", "error")
        self.message.style().polish(self.message)
        self.message.show_message(failure_text(error))

    # -- saving and printing ---------------------------------------------------------------
    def save(self) -> None:
        rendered = self.rendered
        if rendered is None or self.working:
            return
        source = rendered.path
        dialog = WorkDialog(
            self,
            self.background,
            title="Save as PDF",
            heading=f"Save {rendered.title} as PDF",
            confirm_text="Save",
            fields=(FormField("file", "&File", hints=("file", "folder"), max_length=400),),
            work=lambda values: copy_pdf(source, values["file"]),
        )
        dialog.setMinimumWidth(760)
        dialog.inputs["file"].setText(str(Path.home() / rendered.file_name))

        def saved() -> None:
            if isinstance(dialog.result, Path):
                self._note(f"Saved {dialog.result}")
            dialog.deleteLater()
            self.activateWindow()  # the keyboard comes back to the viewer
            self.kinds.setFocus()

        dialog.finished.connect(saved)
        dialog.open()

    def print_report(self) -> None:
        rendered = self.rendered
        if rendered is None or self.working:
            return
        self._working(True)
        self.background.run(
            lambda: print_pdf(rendered.path),
            on_success=self._printed,
            on_failure=self._failed,
        )

    def _printed(self, text: str) -> None:
        self._working(False)
        self._note(text)

    def _note(self, text: str) -> None:
        self.message.setProperty("role", "hint")
        self.message.style().polish(self.message)
        self.message.show_message(text)
