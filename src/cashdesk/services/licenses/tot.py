"""Transient occupancy tax returns (RULES.md section 5)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from cashdesk.domain import tot as tot_rules
from cashdesk.domain.calendar import long_date, long_month
from cashdesk.domain.money import Money
from cashdesk.domain.quote import FeeQuote
from cashdesk.domain.roles import Operator, Permission
from cashdesk.domain.tot import quote_tot
from cashdesk.errors import StateError
from cashdesk.services.licenses.applications import (
    Application,
    LicenseApplications,
    LicenseParticipant,
)
from cashdesk.services.licenses.common import (
    LicenseCharge,
    _amount,
    _Posting,
    _received,
    _tot_operator,
)
from cashdesk.services.posting import Voiding
from cashdesk.store.license_models import (
    IssuedLicenseRow,
    TotReturnRow,
)
from cashdesk.store.models import Receipt, new_uuid


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
            require_period_open(s, hotel, year, month)
        return self._hold(
            TotReturn(
                tot_operator_id=hotel,
                year=year,
                month=month,
                gross_rents=gross_rents,
                exempt_rents=exempt_rents,
                received_via=via,
                received_on=received,
            ),
            summary=f"TOT return of {hotel} for {long_month(year, month)}",
            paid_on=received or today,
        )

    @staticmethod
    def _require_period_open(s: Session, hotel: str, year: int, month: int) -> None:
        require_period_open(s, hotel, year, month)


def require_period_open(s: Session, hotel: str, year: int, month: int) -> None:
    """One return per operator and month: refuse a period a posted receipt paid (a voided
    receipt's return is removed by its void, so the period can be filed again)."""
    filed = s.execute(
        select(TotReturnRow, Receipt.number)
        .join(Receipt, Receipt.id == TotReturnRow.receipt_id)
        .where(
            TotReturnRow.tot_operator_id == hotel,
            TotReturnRow.period_year == year,
            TotReturnRow.period_month == month,
            Receipt.status != "voided",
        )
    ).first()
    if filed is not None:
        row, number = filed
        raise StateError(
            f"The {long_month(year, month)} TOT return of {hotel} was already paid"
            f" on receipt {number} ({long_date(row.business_date)}); it cannot be paid twice."
        )


@dataclass(frozen=True, kw_only=True)
class TotReturn(Application):
    kind: ClassVar[str] = "tot"
    action: ClassVar[str] = "return"

    tot_operator_id: str
    year: int
    month: int
    gross_rents: Decimal
    exempt_rents: Decimal
    received_via: str
    received_on: dt.date | None

    def requote(self, business_date: dt.date) -> FeeQuote:
        return quote_tot(
            year=self.year,
            month=self.month,
            gross_rents=self.gross_rents,
            exempt_rents=self.exempt_rents,
            paid_on=self.received_on or business_date,
        )

    def issue(self, licenses: LicenseApplications, p: _Posting) -> str:
        hotel, year, month = self.tot_operator_id, self.year, self.month
        require_period_open(p.session, hotel, year, month)
        if p.receipt is None:
            raise StateError("A TOT return is filed with its payment.")
        filed = TotReturnRow(
            id=new_uuid(),
            application=p.application,
            tot_operator_id=hotel,
            period_year=year,
            period_month=month,
            gross_rents_cents=Money.from_decimal(self.gross_rents).cents,
            exempt_rents_cents=Money.from_decimal(self.exempt_rents).cents,
            tax_cents=_amount(p.quote, [tot_rules.GL_TAX]),
            penalty_cents=p.quote.penalties.cents,
            interest_cents=p.quote.interest.cents,
            total_cents=p.quote.total.cents,
            received_via=self.received_via,
            paid_on=self.received_on or p.business_date,
            business_date=p.business_date,
            filed_at=p.now,
            cashier_id=p.operator.user_id,
            receipt=p.receipt,
        )
        p.session.add(filed)
        licenses.ctx.enqueue(
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


class TotReturnParticipant(LicenseParticipant):
    """TOT: a void removes the return it filed, so the month can be filed again."""

    def __init__(self, licenses: LicenseApplications) -> None:
        super().__init__(licenses, name="tot", codes=frozenset({tot_rules.CODE}))

    def take_back(
        self, voiding: Voiding, application: str, issued: IssuedLicenseRow | None
    ) -> None:
        s = voiding.session
        filed = s.scalar(select(TotReturnRow).where(TotReturnRow.application == application))
        if filed is None:
            return
        voiding.undone.append(
            {
                "record": "tot_return",
                "tot_operator_id": filed.tot_operator_id,
                "period": f"{filed.period_year}-{filed.period_month:02d}",
                "application": application,
            }
        )
        s.delete(filed)
