"""Transient occupancy tax returns (RULES.md section 5)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from cashdesk.domain import tot as tot_rules
from cashdesk.domain.calendar import long_date, long_month
from cashdesk.domain.money import Money
from cashdesk.domain.quote import FeeQuote
from cashdesk.domain.roles import Operator, Permission
from cashdesk.domain.tot import quote_tot
from cashdesk.errors import StateError
from cashdesk.store.license_models import (
    TotReturnRow,
)
from cashdesk.store.models import Receipt, new_uuid

if TYPE_CHECKING:  # reportlab is loaded when a certificate or register is made, not at start
    pass
from cashdesk.services.licenses.applications import LicenseApplications
from cashdesk.services.licenses.common import (
    LicenseCharge,
    _amount,
    _Posting,
    _received,
    _tot_operator,
)


class TotReturns(LicenseApplications):
    def quote_tot(
        self,
        *,
        year: int,
        month: int,
        gross_rents: Decimal,
        exempt_rents: Decimal = Decimal("0"),
        paid_on: dt.date | None = None,
    ) -> FeeQuote:
        return quote_tot(
            year=year,
            month=month,
            gross_rents=gross_rents,
            exempt_rents=exempt_rents,
            paid_on=paid_on or self.ctx.business_date(),
        )

    # -- transient occupancy tax ------------------------------------------------------------------
    def file_tot_return(
        self,
        operator: Operator,
        *,
        tot_operator_id: str,
        year: int,
        month: int,
        gross_rents: Decimal,
        exempt_rents: Decimal = Decimal("0"),
        received_via: str = "counter",
        received_on: dt.date | None = None,
    ) -> LicenseCharge:
        """A hotel operator's monthly return: tax, penalties and interest by the paid-on date.
        A month already paid for this operator is refused."""
        operator.require(Permission.TAKE_PAYMENT)
        today = self.ctx.business_date()
        via, received = _received(received_via, received_on, today)
        hotel = _tot_operator(tot_operator_id)
        with self.ctx.sessions() as s:
            self._require_period_open(s, hotel, year, month)

        def requote(business_date: dt.date) -> FeeQuote:
            return quote_tot(
                year=year,
                month=month,
                gross_rents=gross_rents,
                exempt_rents=exempt_rents,
                paid_on=received or business_date,
            )

        def apply(p: _Posting) -> str:
            self._require_period_open(p.session, hotel, year, month)
            assert p.receipt is not None
            tax = _amount(p.quote, [tot_rules.GL_TAX])
            late = [
                ln for ln in p.quote.lines if ln.gl_account == tot_rules.GL_PENALTY_AND_INTEREST
            ]
            interest = sum(ln.amount.cents for ln in late if ln.description.startswith("Interest"))
            filed = TotReturnRow(
                id=new_uuid(),
                application=p.application,
                tot_operator_id=hotel,
                period_year=year,
                period_month=month,
                gross_rents_cents=Money.from_decimal(gross_rents).cents,
                exempt_rents_cents=Money.from_decimal(exempt_rents).cents,
                tax_cents=tax,
                penalty_cents=sum(ln.amount.cents for ln in late) - interest,
                interest_cents=interest,
                total_cents=p.quote.total.cents,
                received_via=via,
                paid_on=received or p.business_date,
                business_date=p.business_date,
                filed_at=p.now,
                cashier_id=p.operator.user_id,
                receipt=p.receipt,
            )
            p.session.add(filed)
            self.ctx.enqueue(
                p.session,
                kind="tot_return",
                subject_id=filed.id,
                at=p.now,
                payload={
                    "id": filed.id,
                    "tot_operator_id": hotel,
                    "period": f"{year}-{month:02d}",
                    "gross_rents_cents": filed.gross_rents_cents,
                    "exempt_rents_cents": filed.exempt_rents_cents,
                    "tax_cents": filed.tax_cents,
                    "penalty_cents": filed.penalty_cents,
                    "interest_cents": filed.interest_cents,
                    "total_cents": filed.total_cents,
                    "paid_on": filed.paid_on.isoformat(),
                    "receipt": p.receipt.number,
                },
            )
            return f"{hotel} {year}-{month:02d}"

        return self._hold(
            kind="tot",
            action="return",
            summary=f"TOT return of {hotel} for {long_month(year, month)}",
            today=today,
            paid_on=received or today,
            requote=requote,
            apply=apply,
        )

    def _require_period_open(self, s: Session, hotel: str, year: int, month: int) -> None:
        filed = s.scalar(
            select(TotReturnRow).where(
                TotReturnRow.tot_operator_id == hotel,
                TotReturnRow.period_year == year,
                TotReturnRow.period_month == month,
            )
        )
        if filed is not None:
            receipt = s.get(Receipt, filed.receipt_id)
            on = f" on receipt {receipt.number}" if receipt is not None else ""
            raise StateError(
                f"The {long_month(year, month)} TOT return of {hotel} was already paid"
                f"{on} ({long_date(filed.business_date)}); it cannot be paid twice."
            )
