"""What the petty cash and housing documents are made from: plain data types the services
fill in and the report modules read (reports sit below services, so the types live here)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cashdesk.domain.housing import Cycle, IncomeSource, Member, Status, Worksheet, destroy_after
from cashdesk.domain.money import Money
from cashdesk.domain.petty_cash import Replenishment, VoucherLine


@dataclass(frozen=True, slots=True, kw_only=True)
class VoucherInfo:
    id: str
    number: str
    paid_on: dt.date
    paid_at: dt.datetime
    custodian: str
    approver: str
    payee: str
    purpose: str
    expense_account: str
    amount: Money
    replenishment: str  # the request's number, "" while not requested
    closed: bool

    def line(self) -> VoucherLine:
        return VoucherLine(
            number=self.number,
            paid_on=self.paid_on,
            payee=self.payee,
            purpose=self.purpose,
            expense_account=self.expense_account,
            amount=self.amount,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplenishmentRequest:
    id: str
    number: str
    requested_on: dt.date
    requested_by: str
    request: Replenishment
    received: bool
    check_number: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ApplicationDetail:
    id: str
    number: str
    status: Status
    received_on: dt.date
    taken_by: str
    address: str
    phone: str
    ssn_last4: str
    residence_proof: bool
    members: tuple[Member, ...]
    sources: tuple[IncomeSource, ...]
    missing: tuple[str, ...]
    worksheet: Worksheet
    decided_on: dt.date | None
    decided_by: str
    decision_reason: str
    approved_on: dt.date | None
    anniversary: dt.date | None
    renewals: int
    closed_on: dt.date | None

    @property
    def applicant(self) -> str:
        return self.members[0].name if self.members else ""

    @property
    def cycle(self) -> Cycle | None:
        return Cycle(anniversary=self.anniversary) if self.anniversary else None

    @property
    def destroy_after(self) -> dt.date | None:
        return destroy_after(self.closed_on) if self.closed_on else None
