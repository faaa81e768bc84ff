"""Program sales (Ctrl+G): golf cards, Dial-a-Ride cards, facility rentals, DUI invoices and
the returned check fee, priced by desk.programs (and desk.records for an open NSF fee) as
the cashier types."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QWidget

from cashdesk.app import Cashdesk
from cashdesk.domain.lines import ChargeLine
from cashdesk.domain.money import total
from cashdesk.errors import ValidationError
from cashdesk.ui.counter_forms import CHECK, CHOICE, DATE, MONEY, TEXT, CounterForm, Field, Preview

AddLines = Callable[[Sequence[ChargeLine], str], None]  # (lines, payer's name)

GOLF, DAR10, DAR20, FACILITY, DUI, NSF = "golf", "dar10", "dar20", "facility", "dui", "nsf"
PROGRAMS = (
    (GOLF, "Golf card (resident; senior 62+)"),
    (DAR10, "Dial-a-Ride 10-ride card"),
    (DAR20, "Dial-a-Ride 20-ride card"),
    (FACILITY, "Facility rental: fee and deposit"),
    (DUI, "DUI cost recovery invoice"),
    (NSF, "Returned check fee"),
)
_SHOWN = {
    GOLF: {"program", "birth"},
    DAR10: {"program", "birth", "disabled"},
    DAR20: {"program", "birth", "disabled"},
    FACILITY: {"program", "invoice", "fee", "deposit"},
    DUI: {"program", "invoice", "amount"},
    NSF: {"program", "payer", "nsf"},
}


class ProgramSaleDialog(CounterForm):
    def __init__(
        self,
        desk: Cashdesk,
        *,
        add_lines: AddLines,
        payer: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            parent,
            title="Program sale (Ctrl+G)",
            heading="Program sale",
            fields=(
                Field("program", "&Program", CHOICE, choices=PROGRAMS),
                Field("birth", "Holder's / rider's &birth date", DATE, hints=("birth",)),
                Field("disabled", "Rider is &disabled (half fare)", CHECK),
                Field("invoice", "&Invoice number", TEXT, hints=("invoice",), max_length=30),
                Field("fee", "Rental &fee", MONEY, hints=("rental fee",), max_length=16),
                Field("deposit", "&Deposit", MONEY, hints=("deposit",), max_length=16),
                Field("amount", "Invoice &amount", MONEY, hints=("amount",), max_length=16),
                Field("payer", "P&ayer whose check was returned", TEXT, hints=("payer",)),
                Field(
                    "nsf",
                    "Returned check &number (NSF-…, if processed here)",
                    TEXT,
                    hints=("returned check nsf", "no returned check", "already paid"),
                    max_length=20,
                ),
            ),
        )
        self.desk = desk
        self._add_lines = add_lines
        self.set_text("payer", payer)
        self.refresh()
        self.focus_first()

    def fields_shown(self) -> set[str]:
        return _SHOWN[self.choice("program")]

    def lines(self) -> list[ChargeLine]:
        programs = self.desk.programs
        program = self.choice("program")
        if program == GOLF:
            return [programs.golf_card(holder_birth_date=self.date("birth"))]
        if program in (DAR10, DAR20):
            return [
                programs.dial_a_ride_card(
                    rides=10 if program == DAR10 else 20,
                    rider_birth_date=self.date("birth"),
                    disabled=self.checked("disabled"),
                )
            ]
        if program == FACILITY:
            return programs.facility_rental(
                invoice=self.text("invoice"), fee=self.money("fee"), deposit=self.money("deposit")
            )
        if program == DUI:
            amount = self.money("amount")
            if amount is None:
                raise ValidationError("Enter the invoice amount.")
            return [programs.dui_invoice(invoice=self.text("invoice"), amount=amount)]
        if self.text("nsf"):
            return [self.desk.records.fee_line(self.text("nsf"))]
        return [programs.returned_check_fee(payer=self.text("payer"))]

    def preview(self) -> Preview | None:
        lines = self.lines()
        return Preview(lines=lines, total=total(line.amount for line in lines))

    def confirm(self) -> None:
        payer = self.text("payer") if self.choice("program") == NSF else ""
        self._add_lines(self.lines(), payer)
        self.accept()
