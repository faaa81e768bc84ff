"""The tender dialogs (F2 cash, F3 check, F4 money order, F5 card): one form each, built
from a spec; the tender itself is made and refused by domain.tender and ReceiptDraft."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from cashdesk.domain import tender
from cashdesk.domain.money import Money
from cashdesk.domain.tender import Tender, TenderKind
from cashdesk.errors import ValidationError
from cashdesk.ui.forms import FormDialog, FormField

AMOUNT = FormField("amount", "&Amount", hints=("amount",), money=True, max_length=16)


@dataclass(frozen=True, slots=True)
class TenderForm:
    kind: TenderKind
    key: str  # the F-key that opens it, as QKeySequence reads it
    fields: tuple[FormField, ...]
    make: Callable[[Money, Mapping[str, str]], Tender]


CASH = TenderForm(TenderKind.CASH, "F2", (), lambda amount, _: tender.cash(amount))
CHECK = TenderForm(
    TenderKind.CHECK,
    "F3",
    (
        FormField("routing", "&Routing number", hints=("routing",), max_length=11),
        FormField("account", "A&ccount number", hints=("account",), max_length=20),
        FormField("number", "Check &number", hints=("check number",), max_length=10),
    ),
    lambda amount, f: tender.check(
        amount, routing=f["routing"], account=f["account"], number=f["number"]
    ),
)
MONEY_ORDER = TenderForm(
    TenderKind.MONEY_ORDER,
    "F4",
    (FormField("serial", "&Serial number", hints=("serial",)),),
    lambda amount, f: tender.money_order(amount, serial=f["serial"]),
)
CARD = TenderForm(
    TenderKind.CARD,
    "F5",
    (
        FormField("last4", "&Last four digits", hints=("last four",), max_length=4),
        FormField("approval", "A&pproval code", hints=("approval",), max_length=12),
    ),
    lambda amount, f: tender.card(amount, last4=f["last4"], approval=f["approval"]),
)
TENDER_FORMS = (CASH, CHECK, MONEY_ORDER, CARD)


class TenderDialog(FormDialog):
    """Takes one tender. ``submit`` adds it to the sale and raises ValidationError when the
    sale refuses it; the dialog then shows why and stays open."""

    def __init__(
        self,
        form: TenderForm,
        *,
        remaining: Money,
        submit: Callable[[Tender], None],
        parent: QWidget | None = None,
    ) -> None:
        label = form.kind.label
        super().__init__(
            parent,
            title=f"{label} ({form.key})",
            heading=f"{label} — {remaining} due",
            confirm_text=f"Take {label.lower()}",
            fields=(AMOUNT, *form.fields),
        )
        self.form = form
        self._submit = submit
        amount = self.inputs["amount"]
        amount.setText(remaining.plain())
        amount.selectAll()

    def confirm(self) -> None:
        values = self.values()
        try:
            amount = Money.parse(values["amount"], field="Amount")
            self._submit(self.form.make(amount, values))
        except ValidationError as err:
            self.show_error(str(err))
            return
        self.accept()
