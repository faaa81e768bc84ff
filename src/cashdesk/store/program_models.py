"""The petty cash fund and the housing assistance program (RULES.md sections 11 and 12).

Neither touches a drawer, a receipt or a deposit: the fund's cash is $300.00 less its open
vouchers (``closed_at`` unset), so it is never stored as a balance that could drift. Voucher,
replenishment and application numbers are gapless per workstation, allocated inside the
writing transaction (the store begins IMMEDIATE) and backed by unique constraints.

A housing application keeps its household and income sources as JSON (they are always read
and re-verified as a whole): members ``[{name, born_on, relationship}]`` and sources
``[{member, description, amount_cents, frequency, proof_received}]``. Only the last four
digits of a social security number are held.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from cashdesk.store.models import Base, UTCDateTime, new_uuid


class PettyCashVoucher(Base):
    __tablename__ = "petty_cash_vouchers"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    number: Mapped[str] = mapped_column(String(12), unique=True)  # PC-000001
    workstation_id: Mapped[str] = mapped_column(String(8))
    seq: Mapped[int] = mapped_column(Integer)
    paid_on: Mapped[dt.date] = mapped_column(Date)
    paid_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    custodian_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    approval_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    payee: Mapped[str] = mapped_column(String(120))
    purpose: Mapped[str] = mapped_column(String(120))
    expense_account: Mapped[str] = mapped_column(ForeignKey("gl_accounts.account"))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    receipt_attached: Mapped[bool] = mapped_column(Boolean)
    replenishment_id: Mapped[str | None] = mapped_column(
        ForeignKey("petty_cash_replenishments.id"), nullable=True, index=True
    )
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (
        UniqueConstraint("workstation_id", "seq", name="uq_petty_cash_vouchers_workstation_seq"),
        CheckConstraint("amount_cents > 0 AND amount_cents <= 7500", name="amount"),
        CheckConstraint("amount_cents <= 2500 OR approver_id IS NOT NULL", name="approved"),
        Index("ix_petty_cash_vouchers_open", "closed_at"),
    )


class PettyCashReplenishment(Base):
    __tablename__ = "petty_cash_replenishments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    number: Mapped[str] = mapped_column(String(12), unique=True)  # PCR-000001
    workstation_id: Mapped[str] = mapped_column(String(8))
    seq: Mapped[int] = mapped_column(Integer)
    requested_on: Mapped[dt.date] = mapped_column(Date)
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    total_cents: Mapped[int] = mapped_column(BigInteger)
    journal_entry_id: Mapped[str] = mapped_column(ForeignKey("journal_entries.id"))
    received_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    check_number: Mapped[str] = mapped_column(String(20), default="")

    __table_args__ = (
        UniqueConstraint(
            "workstation_id", "seq", name="uq_petty_cash_replenishments_workstation_seq"
        ),
        CheckConstraint("total_cents > 0", name="total_positive"),
    )


class PettyCashCount(Base):
    __tablename__ = "petty_cash_counts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    workstation_id: Mapped[str] = mapped_column(String(8))
    counted_on: Mapped[dt.date] = mapped_column(Date)
    counted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    counted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    pieces: Mapped[dict[str, int]] = mapped_column(JSON)
    cash_cents: Mapped[int] = mapped_column(BigInteger)
    open_vouchers_cents: Mapped[int] = mapped_column(BigInteger)
    difference_cents: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(String(200), default="")


HOUSING_STATUSES = (
    "received",
    "documents_pending",
    "under_review",
    "approved",
    "denied",
    "renewed",
    "lapsed",
)


class HousingApplication(Base):
    __tablename__ = "housing_applications"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    number: Mapped[str] = mapped_column(String(12), unique=True)  # HA-000001
    workstation_id: Mapped[str] = mapped_column(String(8))
    seq: Mapped[int] = mapped_column(Integer)
    received_on: Mapped[dt.date] = mapped_column(Date)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    taken_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # Stored states only; "re-registration due" is worked out from the anniversary each day.
    status: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(40), default="")
    ssn_last4: Mapped[str] = mapped_column(String(4), default="")
    residence_proof: Mapped[bool] = mapped_column(Boolean, default=False)
    members: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    sources: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    # The last income verification (application or re-registration).
    verified_on: Mapped[dt.date] = mapped_column(Date)
    annual_income_cents: Mapped[int] = mapped_column(BigInteger)
    limit_cents: Mapped[int] = mapped_column(BigInteger)
    eligible: Mapped[bool] = mapped_column(Boolean)
    decided_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    decision_reason: Mapped[str] = mapped_column(String(400), default="")
    approved_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    anniversary: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    renewals: Mapped[int] = mapped_column(Integer, default=0)
    closed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)  # denied / lapsed

    __table_args__ = (
        UniqueConstraint("workstation_id", "seq", name="uq_housing_applications_workstation_seq"),
        CheckConstraint(
            "status IN ('received','documents_pending','under_review','approved','denied',"
            "'renewed','lapsed')",
            name="status",
        ),
        CheckConstraint("length(ssn_last4) IN (0, 4)", name="ssn_last4"),
        Index("ix_housing_applications_status", "status", "anniversary"),
    )
