"""Housing assistance (Ctrl+Shift+H, program staff, leads and administrators).

Keys: Alt+1 applications (find, open, documents, decide, print), Alt+2 new application,
Alt+3 eligibility for a phone inquiry (nothing saved), Alt+4 re-registration list.
In the applications section: Enter on the search finds, Enter on a row opens it (the view is
audited), F6 records the proofs typed, F7 approves, F8 denies with the reason typed, Ctrl+P
writes the worksheet and Ctrl+L the decision letter (PDFs, owner-only, in the documents
folder). Every rule and refusal comes from the housing service and domain.

Household members are typed one per line as ``name; YYYY-MM-DD; relationship`` (the applicant
first) and income sources as ``member number; amount; frequency; description``, so a whole
household is keyed without the mouse.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QPlainTextEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cashdesk.app import Cashdesk
from cashdesk.domain.housing import (
    IncomeSource,
    Member,
    Worksheet,
    parse_frequency,
    parse_income,
)
from cashdesk.domain.money import Money
from cashdesk.domain.roles import Operator
from cashdesk.errors import ValidationError
from cashdesk.reports.program_data import ApplicationDetail
from cashdesk.services.housing import (
    ApplicationInput,
    ApplicationSummary,
    ReregistrationList,
)
from cashdesk.ui.operations import Background
from cashdesk.ui.panels import alive
from cashdesk.ui.receipts import failure_text
from cashdesk.ui.widgets import (
    Column,
    MessageLabel,
    RowsModel,
    add_action,
    close_button,
    current_row,
    label,
    line_edit,
    refocus,
    table_view,
)


def parse_members(text: str) -> list[Member]:
    members: list[Member] = []
    for n, line in enumerate((ln for ln in text.splitlines() if ln.strip()), start=1):
        parts = [p.strip() for p in line.split(";")]
        if len(parts) != 3:
            raise ValidationError(f"Member line {n}: type name; YYYY-MM-DD; relationship.")
        try:
            born = dt.date.fromisoformat(parts[1])
        except ValueError:
            raise ValidationError(f"Member line {n}: {parts[1]!r} is not a date.") from None
        members.append(Member(name=parts[0], born_on=born, relationship=parts[2]))
    return members


def parse_sources(text: str) -> list[IncomeSource]:
    sources: list[IncomeSource] = []
    for n, line in enumerate((ln for ln in text.splitlines() if ln.strip()), start=1):
        parts = [p.strip() for p in line.split(";")]
        if len(parts) < 3 or not parts[0].isdigit():
            raise ValidationError(
                f"Income line {n}: type member number; amount; frequency; description."
            )
        sources.append(
            IncomeSource(
                member=int(parts[0]) - 1,
                description=parts[3] if len(parts) > 3 else "",
                amount=Money.parse(parts[1], field=f"Income line {n}"),
                frequency=parse_frequency(parts[2]),
            )
        )
    return sources


def worksheet_text(sheet: Worksheet) -> str:
    lines = [
        f"{line.member}: {line.amount} {line.frequency.label} × {line.frequency.per_year} = "
        f"{line.annual}{'' if line.counted else ' (under 18, not counted)'}"
        for line in sheet.lines
    ]
    lines += [
        f"Annual income {sheet.annual_income}",
        f"Limit for a household of {sheet.household_size}: {sheet.limit}",
        "ELIGIBLE" if sheet.eligible else "NOT ELIGIBLE (over the limit)",
    ]
    return "\n".join(lines)


def _text_box(name: str) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setAccessibleName(name)
    box.setTabChangesFocus(True)  # Tab leaves the box: the form stays keyboard-first
    return box


class HousingDialog(QDialog):
    def __init__(
        self,
        desk: Cashdesk,
        operator: Operator,
        background: Background,
        *,
        documents_dir: Path,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Housing assistance")
        self.setAccessibleName("Housing assistance")
        self.desk, self.operator, self.background = desk, operator, background
        self.documents_dir = documents_dir
        self.found: list[ApplicationSummary] = []
        self.current: ApplicationDetail | None = None

        # -- applications -----------------------------------------------------------------
        self.search = line_edit("Find application")
        self.search.returnPressed.connect(self.find_applications)
        self.model = RowsModel(
            (
                Column("Number"),
                Column("Applicant", stretch=True),
                Column("Household", right=True),
                Column("Status"),
                Column("Anniversary"),
            )
        )
        self.table = table_view(self.model, "Applications")
        add_action(
            self.table,
            "Open application",
            ["Return", "Enter"],
            self.open_selected,
            context=Qt.ShortcutContext.WidgetShortcut,
        )
        self.detail = label(role="hint")
        self.detail.setAccessibleName("Application")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.residence_seen = QCheckBox("Proof of r&esidence received")
        self.proofs = line_edit("Income proofs received (source numbers)")
        self.reason = line_edit("Decision reason")
        self.app_error = MessageLabel("Application problem")
        self.app_outcome = label(role="hint")
        self.app_outcome.setAccessibleName("Application outcome")
        self.app_outcome.setWordWrap(True)
        self.documents_action = add_action(self, "Record documents", ["F6"], self.documents)
        self.approve_action = add_action(self, "Approve", ["F7"], lambda: self.decide(True))
        self.deny_action = add_action(self, "Deny", ["F8"], lambda: self.decide(False))
        self.worksheet_action = add_action(self, "Worksheet PDF", ["Ctrl+P"], self.print_sheet)
        self.letter_action = add_action(self, "Letter PDF", ["Ctrl+L"], self.print_letter)
        apps = QWidget()
        a = QVBoxLayout(apps)
        a.addWidget(label("&Find (name or HA number; Enter)", buddy=self.search))
        a.addWidget(self.search)
        a.addWidget(self.table, 1)
        a.addWidget(self.detail)
        decide = QFormLayout()
        decide.addRow("", self.residence_seen)
        decide.addRow(label("Income &proofs received (e.g. 1,2)", buddy=self.proofs), self.proofs)
        decide.addRow(label("Decision &reason", buddy=self.reason), self.reason)
        a.addLayout(decide)
        a.addWidget(
            label(
                "F6 documents · F7 approve · F8 deny (with the reason) · Ctrl+P worksheet · "
                "Ctrl+L letter",
                role="hint",
            )
        )
        a.addWidget(self.app_error)
        a.addWidget(self.app_outcome)

        # -- a new application ------------------------------------------------------------
        self.members = _text_box("Household members")
        self.members.setPlaceholderText("Rosa Peña; 1980-05-01; applicant")
        self.sources = _text_box("Income sources")
        self.sources.setPlaceholderText("1; 1250.00; biweekly; wages")
        self.address = line_edit("Address")
        self.phone = line_edit("Phone")
        self.ssn = line_edit("SSN last four digits")
        self.ssn.setMaxLength(11)  # a whole one is refused by the service, not cut short
        self.residence = QCheckBox("Proof of &residence received")
        self.income_proofs = QCheckBox("Proof of every &income received")
        self.take_action = add_action(self, "Save application", ["Ctrl+S"], self.take)
        self.new_error = MessageLabel("New application problem")
        self.new_outcome = label(role="hint")
        self.new_outcome.setAccessibleName("New application outcome")
        self.new_outcome.setWordWrap(True)
        new = QWidget()
        nf = QFormLayout(new)
        nf.addRow(
            label("&Members (name; birth date; relationship)", buddy=self.members), self.members
        )
        nf.addRow(
            label("In&come (member; amount; frequency; what)", buddy=self.sources), self.sources
        )
        nf.addRow(label("A&ddress", buddy=self.address), self.address)
        nf.addRow(label("P&hone", buddy=self.phone), self.phone)
        nf.addRow(label("SSN &last four", buddy=self.ssn), self.ssn)
        nf.addRow("", self.residence)
        nf.addRow("", self.income_proofs)
        nf.addRow(label("Ctrl+S saves", role="hint"))
        nf.addRow(self.new_error)
        nf.addRow(self.new_outcome)

        # -- eligibility (an inquiry, nothing saved) --------------------------------------
        self.household = line_edit("Household size")
        self.incomes = _text_box("Inquiry income sources")
        self.incomes.setPlaceholderText("1250.00:biweekly")
        self.check_action = add_action(self, "Check eligibility", ["Ctrl+Return"], self.check)
        self.household.returnPressed.connect(lambda: refocus(self.incomes))
        self.sheet = label()
        self.sheet.setAccessibleName("Eligibility worksheet")
        self.sheet.setWordWrap(True)
        self.check_error = MessageLabel("Eligibility problem")
        inquiry = QWidget()
        q = QFormLayout(inquiry)
        q.addRow(label("Household si&ze", buddy=self.household), self.household)
        q.addRow(
            label("Income, one per line (&AMOUNT:FREQUENCY)", buddy=self.incomes), self.incomes
        )
        q.addRow(label("Ctrl+Enter checks; nothing is saved", role="hint"))
        q.addRow(self.check_error)
        q.addRow(self.sheet)

        # -- re-registration --------------------------------------------------------------
        self.rereg_model = RowsModel(
            (
                Column("Number"),
                Column("Applicant", stretch=True),
                Column("Anniversary"),
                Column("Status"),
            )
        )
        self.rereg = table_view(self.rereg_model, "Re-registration")
        self.rereg_note = label(role="hint")
        self.rereg_note.setAccessibleName("Re-registration summary")
        rereg = QWidget()
        rl = QVBoxLayout(rereg)
        rl.addWidget(self.rereg_note)
        rl.addWidget(self.rereg, 1)

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Housing sections")
        for widget, title in (
            (apps, "Applications  Alt+1"),
            (new, "New application  Alt+2"),
            (inquiry, "Eligibility  Alt+3"),
            (rereg, "Re-registration  Alt+4"),
        ):
            self.tabs.addTab(widget, title)
        for i, entry in enumerate((self.search, self.members, self.household, self.rereg)):
            add_action(
                self,
                f"Section {i + 1}",
                [f"Alt+{i + 1}"],
                self._go_to(i, entry),
                context=Qt.ShortcutContext.WindowShortcut,
            )
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close_button(self))
        layout.addLayout(bottom)
        self.resize(1100, 760)
        refocus(self.search)

    def _go_to(self, index: int, entry: QWidget) -> Callable[[], None]:
        def go() -> None:
            self.tabs.setCurrentIndex(index)
            refocus(entry)
            if index == 3:
                self.load_reregistration()

        return go

    # -- applications -------------------------------------------------------------------------
    def find_applications(self) -> None:
        service, operator, text = self.desk.housing, self.operator, self.search.text()

        def found(rows: list[ApplicationSummary]) -> None:
            if not alive(self):
                return
            self.found = rows
            self.model.set_rows(
                [
                    (
                        r.number,
                        r.applicant,
                        str(r.household_size),
                        r.status.label,
                        r.anniversary.isoformat() if r.anniversary else "",
                    )
                    for r in rows
                ]
            )
            if rows:
                self.table.selectRow(0)
                refocus(self.table)

        self.background.run(
            lambda: service.applications(operator, text=text),
            on_success=found,
            on_failure=self._app_failed,
        )

    def open_selected(self) -> None:
        row = current_row(self.table)
        if row is None or row >= len(self.found):
            return
        self._run_detail(lambda s, o, n=self.found[row].number: s.application(o, n), outcome="")

    def _run_detail(self, call: Callable[..., ApplicationDetail], *, outcome: str) -> None:
        self.app_error.clear_message()
        service, operator = self.desk.housing, self.operator

        def shown(app: ApplicationDetail) -> None:
            if not alive(self):
                return
            self.current = app
            missing = ", ".join(app.missing) or "none"
            self.detail.setText(
                f"{app.number} · {app.applicant} · {app.address} · SSN …{app.ssn_last4 or '—'}"
                f" · {app.status.label} · documents missing: {missing}\n"
                + worksheet_text(app.worksheet)
                + (f"\nDecision: {app.decision_reason}" if app.decision_reason else "")
            )
            self.residence_seen.setChecked(app.residence_proof)
            self.app_outcome.setText(outcome.format(app=app) if outcome else "")

        self.background.run(
            lambda: call(service, operator), on_success=shown, on_failure=self._app_failed
        )

    def documents(self) -> None:
        if self.current is None:
            return
        try:
            numbers = [int(p) for p in self.proofs.text().replace(" ", "").split(",") if p]
        except ValueError:
            self.app_error.show_message("Type the income source numbers, like 1,2.")
            return
        number, residence = self.current.number, self.residence_seen.isChecked()
        self.proofs.clear()
        self._run_detail(
            lambda s, o: s.record_documents(
                o, number, residence_proof=residence, income_proofs=numbers
            ),
            outcome="Documents recorded: {app.status.label}.",
        )

    def decide(self, approve: bool) -> None:
        if self.current is None:
            return
        number, reason = self.current.number, self.reason.text()
        self._run_detail(
            lambda s, o: s.decide(o, number, approve=approve, reason=reason),
            outcome="{app.number} {app.status.label}. Ctrl+L writes the letter.",
        )

    def _pdf(self, kind: str) -> None:
        app = self.current
        if app is None:
            return
        from cashdesk.reports.housing import decision_letter_pdf, worksheet_pdf

        ctx = self.desk.ctx
        # The documents folder's own file for this application: a reprint replaces it.
        path = self.documents_dir / f"{app.number}-{kind}.pdf"
        try:
            if kind == "worksheet":
                printed = ctx.local_time(ctx.now()).strftime("%Y-%m-%d %H:%M")
                worksheet_pdf(app, path, city=ctx.config.city_name, printed=printed, force=True)
            else:
                decision_letter_pdf(
                    app, path, city=ctx.config.city_name, today=ctx.business_date(), force=True
                )
        except (OSError, ValueError, ValidationError) as err:
            self.app_error.show_message(f"The {kind} could not be written: {err}")
            return
        self.app_outcome.setText(f"The {kind} is {path}.")

    def print_sheet(self) -> None:
        self._pdf("worksheet")

    def print_letter(self) -> None:
        self._pdf("letter")

    def _app_failed(self, error: Exception) -> None:
        if alive(self):
            self.app_error.show_message(failure_text(error))

    # -- a new application --------------------------------------------------------------------
    def take(self) -> None:
        self.new_error.clear_message()
        try:
            members = parse_members(self.members.toPlainText())
            sources = parse_sources(self.sources.toPlainText())
        except ValidationError as err:
            self.new_error.show_message(str(err))
            return
        if self.income_proofs.isChecked():
            sources = [
                IncomeSource(
                    member=s.member,
                    description=s.description,
                    amount=s.amount,
                    frequency=s.frequency,
                    proof_received=True,
                )
                for s in sources
            ]
        data = ApplicationInput(
            members=members,
            sources=sources,
            address=self.address.text(),
            phone=self.phone.text(),
            ssn_last4=self.ssn.text(),
            residence_proof=self.residence.isChecked(),
        )
        service, operator = self.desk.housing, self.operator

        def taken(app: ApplicationDetail) -> None:
            if not alive(self):
                return
            self.new_outcome.setText(
                f"{app.number} saved: {app.status.label}; annual income "
                f"{app.worksheet.annual_income}, limit {app.worksheet.limit}."
            )
            for box in (self.members, self.sources):
                box.clear()
            for edit in (self.address, self.phone, self.ssn):
                edit.clear()
            refocus(self.members)

        def refused(error: Exception) -> None:
            if alive(self):
                self.new_error.show_message(failure_text(error))

        self.ssn.clear()  # never kept on screen, whatever the outcome
        self.background.run(
            lambda: service.take_application(operator, data), on_success=taken, on_failure=refused
        )

    # -- eligibility --------------------------------------------------------------------------
    def check(self) -> None:
        self.check_error.clear_message()
        try:
            size = int(self.household.text().strip() or "0")
        except ValueError:
            self.check_error.show_message("The household size is a whole number of people.")
            return
        try:
            sources = [
                parse_income(line.strip())
                for line in self.incomes.toPlainText().splitlines()
                if line.strip()
            ]
            sheet = self.desk.housing.inquiry(size, sources)
        except ValidationError as err:
            self.check_error.show_message(str(err))
            self.sheet.clear()
            return
        self.sheet.setText(worksheet_text(sheet))

    # -- re-registration ----------------------------------------------------------------------
    def load_reregistration(self) -> None:
        service, operator = self.desk.housing, self.operator

        def loaded(listing: ReregistrationList) -> None:
            if not alive(self):
                return
            rows = [*listing.due, *listing.lapsed]
            self.rereg_model.set_rows(
                [
                    (
                        r.number,
                        r.applicant,
                        r.anniversary.isoformat() if r.anniversary else "",
                        r.status.label,
                    )
                    for r in rows
                ]
            )
            self.rereg_note.setText(
                f"{len(listing.due)} due to re-register, {len(listing.lapsed)} lapsed "
                f"(as of {listing.today.isoformat()})."
            )

        self.background.run(
            lambda: service.reregistration_list(operator),
            on_success=loaded,
            on_failure=lambda err: self.rereg_note.setText(failure_text(err)),
        )
