"""Program sales at the counter (RULES.md section 6): each method returns the charge lines for
the receipt draft, priced by the domain rules on today's business date. Nothing is written
until the draft is posted through PaymentService.

Choices where the rules leave room:

- The returned check fee counts the payer's earlier returned-check fees from this counter's
  posted (not voided) receipts: a receipt whose payer is the same name (compared ignoring case
  and spacing) and that has an NSF line. The city's fee history is not in the local cache, so
  a cashier who knows of earlier returned checks elsewhere passes ``earlier_returned_checks``.
- A facility rental takes the fee and the refundable deposit as two lines (two GL accounts);
  either may be left out when the invoice has only one of them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from cashdesk.domain import programs
from cashdesk.domain.lines import ChargeLine
from cashdesk.domain.money import Money
from cashdesk.domain.returned_checks import REVENUE_CODE as NSF_CODE
from cashdesk.domain.returned_checks import returned_check_fee
from cashdesk.errors import ValidationError
from cashdesk.services.context import ServiceContext
from cashdesk.store.models import Receipt, ReceiptLine


def _person_key(name: str) -> str:
    return " ".join(name.split()).casefold()


class ProgramService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def golf_card(
        self, *, holder_birth_date: dt.date | None = None, year: int | None = None
    ) -> ChargeLine:
        """A resident golf card (GOLF-R $40.00), or the senior card (GOLF-S $25.00) for a
        holder 62 or over today."""
        return programs.golf_card(
            sold_on=self.ctx.business_date(), holder_born_on=holder_birth_date, year=year
        )

    def dial_a_ride_card(
        self, *, rides: int, rider_birth_date: dt.date | None = None, disabled: bool = False
    ) -> ChargeLine:
        """A 10- or 20-ride card; half fare for a rider 62 or over today or disabled."""
        return programs.dial_a_ride_card(
            rides=rides,
            sold_on=self.ctx.business_date(),
            rider_born_on=rider_birth_date,
            disabled=disabled,
        )

    def facility_rental(
        self, *, invoice: str, fee: Money | None = None, deposit: Money | None = None
    ) -> list[ChargeLine]:
        """The rental fee (FAC-FEE) and the refundable deposit (FAC-DEP) of one invoice."""
        if fee is None and deposit is None:
            raise ValidationError("Enter the rental fee, the deposit, or both.")
        lines = []
        if fee is not None:
            lines.append(programs.invoiced_charge(code="FAC-FEE", amount=fee, invoice=invoice))
        if deposit is not None:
            lines.append(programs.invoiced_charge(code="FAC-DEP", amount=deposit, invoice=invoice))
        return lines

    def dui_invoice(self, *, invoice: str, amount: Money) -> ChargeLine:
        """A DUI emergency response cost recovery invoice, for the invoiced amount."""
        return programs.invoiced_charge(code="DUI", amount=amount, invoice=invoice)

    def misc_receipt(self, *, amount: Money, description: str, reference: str = "") -> ChargeLine:
        return programs.misc_receipt(amount=amount, description=description, reference=reference)

    def earlier_returned_check_fees(self, payer: str) -> int:
        """How many returned-check fees this payer paid at this counter before (posted
        receipts only)."""
        key = _person_key(payer)
        if not key:
            raise ValidationError("Enter the payer whose check was returned.")
        with self.ctx.sessions() as s:
            with_fee = select(ReceiptLine.receipt_id).where(ReceiptLine.code == NSF_CODE)
            payers = s.scalars(
                select(Receipt.payer).where(Receipt.id.in_(with_fee), Receipt.status == "posted")
            ).all()
        return sum(1 for name in payers if _person_key(name) == key)

    def returned_check_fee(
        self,
        *,
        payer: str,
        earlier_returned_checks: int | None = None,
        reference: str = "",
    ) -> ChargeLine:
        """The NSF fee: $25.00 for the payer's first returned check, $35.00 for a later one.
        The draft's payer should be the same ``payer`` so the next one counts this one."""
        earlier = (
            self.earlier_returned_check_fees(payer)
            if earlier_returned_checks is None
            else earlier_returned_checks
        )
        return returned_check_fee(earlier_returned_checks=earlier, reference=reference.strip())
