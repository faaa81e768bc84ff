"""The tender dialogs (F2 cash, F3 check, F4 money order, F5 card): one form each, built
from a spec; the tender itself is made and refused by domain.tender and ReceiptDraft."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial

from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from cashdesk.domain import tender
from cashdesk.domain.cash_keys import cash_presets
from cashdesk.domain.money import Money
from cashdesk.domain.tender import Tender, TenderKind, check_amount_fits
from cashdesk.errors import ValidationError
from cashdesk.ui.forms import FormDialog, FormField
from cashdesk.ui.widgets import ENTER_KEYS, add_action, key_button

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
    sale refuses it; the dialog then shows why and stays open.

    The amount is checked as it is typed (a check over the amount due is refused at the
    amount, before its other fields are keyed), and Enter does not leave a refused amount.
    Cash has preset keys: the exact amount and the next $5, $10 and $20 (Ctrl+1…Ctrl+4)."""

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
        self.remaining = remaining
        amount = self.inputs["amount"]
        amount.setText(remaining.plain())
        amount.selectAll()
        amount.textEdited.connect(self._amount_typed)
        self.preset_buttons: list[QPushButton] = []
        if form.kind is TenderKind.CASH:
            self._add_presets(remaining)

    def _add_presets(self, remaining: Money) -> None:
        row = QHBoxLayout()
        for n, preset in enumerate(cash_presets(remaining)[:4], start=1):
            caption = f"Exact {preset}" if n == 1 else str(preset)
            action = add_action(self, caption, [f"Ctrl+{n}"], partial(self.take, preset))
            key = key_button(action, f"Cash {caption}")
            self.preset_buttons.append(key)
            row.addWidget(key)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertLayout(1, row)

    def take(self, amount: Money) -> None:
        """A preset key: take this much at once."""
        self.inputs["amount"].setText(amount.plain())
        self.confirm()

    def _amount_problem(self) -> str:
        text = self.inputs["amount"].text()
        if not text.strip():
            return ""
        try:
            check_amount_fits(self.form.kind, Money.parse(text, field="Amount"), self.remaining)
        except ValidationError as err:
            return str(err)
        return ""

    def _amount_typed(self, _text: str) -> None:
        problem = self._amount_problem()
        if problem:
            self.show_error(problem)
        else:
            self.clear_errors()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        amount = self.inputs["amount"]
        if event.key() in ENTER_KEYS and amount.hasFocus() and self._amount_problem():
            event.accept()
            self.show_error(self._amount_problem())
            return
        super().keyPressEvent(event)

    def confirm(self) -> None:
        values = self.values()
        try:
            amount = Money.parse(values["amount"], field="Amount")
            self._submit(self.form.make(amount, values))
        except ValidationError as err:
            self.show_error(str(err))
            return
        self.accept()
