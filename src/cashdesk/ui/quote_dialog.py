"""Fee quotes for phone inquiries (Ctrl+Q): "what would I owe?" for a business license, an
animal license, a TOT return, a utility payment or a citation. The quote services' lines and
total are shown as the clerk types; nothing is held, posted or added to the sale."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import QWidget

from cashdesk.app import Cashdesk
from cashdesk.domain.calendar import long_date
from cashdesk.domain.quote import FeeQuote
from cashdesk.errors import ValidationError
from cashdesk.ui.counter_forms import (
    CHECK,
    CHOICE,
    DATE,
    MONEY,
    NUMBER,
    PERIOD,
    TEXT,
    CounterForm,
    Field,
    Preview,
    parse_period,
    us_date,
)
from cashdesk.ui.license_dialogs import (
    ALTERED_FIELD,
    BIRTH_FIELD,
    CLASS_FIELD,
    GROSS_FIELD,
    MACHINES_FIELD,
    RABIES_FIELD,
    SERVICE_FIELD,
    SPECIES,
    TERM_FIELD,
)

BUSINESS, ANIMAL, TOT, UTILITY, CITATION = "business", "animal", "tot", "utility", "citation"
KINDS = (
    (BUSINESS, "Business license"),
    (ANIMAL, "Animal license"),
    (TOT, "TOT return"),
    (UTILITY, "Utility payment"),
    (CITATION, "Parking citation"),
)
_SHOWN = {
    BUSINESS: {"kind", "class", "year", "gross", "machines", "new", "start", "paid_on"},
    ANIMAL: {
        "kind",
        "species",
        "term",
        "altered",
        "issue",
        "due",
        "rabies",
        "birth",
        "service",
    },
    TOT: {"kind", "period", "rents", "exempt", "paid_on"},
    UTILITY: {"kind", "account", "amount", "restore", "paid_on"},
    CITATION: {"kind", "citation", "paid_on"},
}


class FeeQuoteDialog(CounterForm):
    def __init__(self, desk: Cashdesk, *, parent: QWidget | None = None) -> None:
        super().__init__(
            parent,
            title="Fee quote (Ctrl+Q)",
            heading="Fee quote — nothing is posted",
            fields=(
                Field("kind", "&Quote for", CHOICE, choices=KINDS),
                CLASS_FIELD,
                Field("year", "License &year", NUMBER, hints=("license year",), max_length=4),
                GROSS_FIELD,
                MACHINES_FIELD,
                Field("new", "&New business (proration, penalty from the start date)", CHECK),
                Field("start", "Business &start date", DATE, hints=("start date",)),
                Field("species", "S&pecies", CHOICE, hints=("dog or cat",), choices=SPECIES),
                TERM_FIELD,
                ALTERED_FIELD,
                Field("issue", "&Issue date", DATE, hints=("issue",)),
                Field("due", "&Due date (expiry or acquired)", DATE, hints=("due",)),
                RABIES_FIELD,
                BIRTH_FIELD,
                SERVICE_FIELD,
                Field("period", "&Month", PERIOD, hints=("month", "period"), placeholder="YYYY-MM"),
                Field("rents", "&Gross rents", MONEY, hints=("gross rents",), max_length=18),
                Field("exempt", "&Exempt rents", MONEY, hints=("exempt",), max_length=18),
                Field("account", "&Account number", TEXT, hints=("account",), max_length=12),
                Field("amount", "&Amount", MONEY, hints=("amount",), max_length=16),
                Field("restore", "&Restore service", CHECK),
                Field("citation", "&Citation number", TEXT, hints=("citation",), max_length=20),
                Field("paid_on", "Pai&d on", DATE, hints=("paid",)),
            ),
            confirm_text="Close",
            panel_title="Quote",
        )
        self.desk = desk
        today = desk.ctx.business_date()
        self.set_text("year", str(today.year + 1))
        self.set_text("issue", us_date(today))
        self.set_text("due", us_date(today))
        self.set_text("paid_on", us_date(today))
        self.set_text("exempt", "0.00")
        self.refresh()
        self.focus_first()

    def fields_shown(self) -> set[str]:
        shown = set(_SHOWN[self.choice("kind")])
        if self.choice("kind") == BUSINESS:
            klass = self.choice("class")
            if klass != "GR":
                shown.discard("gross")
            if klass != "VM":
                shown.discard("machines")
            if not self.checked("new"):
                shown.discard("start")
        return shown

    def preview(self) -> Preview | None:
        kind = self.choice("kind")
        paid_on = self.date("paid_on")
        licenses, records = self.desk.licenses, self.desk.records
        if kind == BUSINESS:
            year = self.integer("year")
            if year is None:
                raise ValidationError("Enter the license year.")
            klass = self.choice("class")
            new = self.checked("new")
            return _quote(
                licenses.quote_business_license(
                    license_class=klass,
                    license_year=year,
                    paid_on=paid_on,
                    gross_receipts=self.decimal("gross") if klass == "GR" else None,
                    machines=self.integer("machines") if klass == "VM" else None,
                    new_business=new,
                    start_date=self.date("start") if new else None,
                )
            )
        if kind == ANIMAL:
            due = self.date("due")
            if due is None:
                raise ValidationError(
                    "Enter the due date: the old license's expiry, or the date the animal "
                    "was acquired."
                )
            return _quote(
                licenses.quote_animal_license(
                    species=self.choice("species"),
                    altered=self.checked("altered"),
                    due_on=due,
                    issued_on=self.date("issue"),
                    term_years=int(self.choice("term")),
                    rabies_expires=self.date("rabies"),
                    owner_born_on=self.date("birth"),
                    service_animal=self.checked("service"),
                )
            )
        if kind == TOT:
            year, month = parse_period(self.text("period"), field="Month")
            rents = self.decimal("rents")
            if rents is None:
                raise ValidationError("Enter the gross rents of the month.")
            return _quote(
                licenses.quote_tot(
                    year=year,
                    month=month,
                    gross_rents=rents,
                    exempt_rents=self.decimal("exempt") or Decimal("0"),
                    paid_on=paid_on,
                )
            )
        if kind == UTILITY:
            account = self.text("account")
            amount = self.money("amount")
            if not account:
                raise ValidationError("Enter the account number.")
            if amount is None:
                account_view = records.utility_account(account, on=paid_on)
                raise ValidationError(
                    f"{account_view.name}: open balance {account_view.open_balance}, "
                    f"past due {account_view.past_due}. "
                    "Enter the amount to quote."
                )
            application = records.utility_payment(
                account, amount=amount, paid_on=paid_on, restore=self.checked("restore")
            )
            notes = [
                f"After it: open balance {application.open_balance_after}, past due "
                f"{application.past_due_after}."
            ]
            if application.restore_note:
                notes.append(application.restore_note)
            return Preview(lines=application.lines, total=application.amount, notes=notes)
        number = self.text("citation")
        if not number:
            raise ValidationError("Enter the citation number.")
        view = records.citation(number, paid_on=paid_on)
        if view.refusal:
            raise ValidationError(view.refusal)
        assert view.amount_due is not None
        return Preview(
            lines=view.lines,
            total=view.amount_due,
            notes=[
                f"{view.violation}, plate {view.plate} ({view.plate_state}), issued "
                f"{long_date(view.issue_date)}; amount due on {long_date(view.paid_on)}."
            ],
        )

    def confirm(self) -> None:
        self.accept()


def _quote(quote: FeeQuote) -> Preview:
    notes = list(quote.notes)
    if quote.expires is not None:
        notes.insert(0, f"The license would expire {long_date(quote.expires)}.")
    return Preview(lines=quote.lines, total=quote.total, notes=notes)
