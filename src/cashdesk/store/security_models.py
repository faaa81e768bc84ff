"""Tables of the security area: the audit chain's head, supervisor approvals, parked sales
and training receipts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cashdesk.store.models import Base, UTCDateTime


class AuditChainHead(Base):
    """The last entry of the audit chain (one row, id 1), updated in the same transaction as
    each entry. Without it, deleting the newest entries would leave a chain that still
    verifies; with it, `audit verify` sees the tail is gone."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_id: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))


class ApprovalRow(Base):
    """A supervisor's approval of one override, used at most once."""

    __tablename__ = "approvals"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    action: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(64), default="")
    reason: Mapped[str] = mapped_column(String(200))
    workstation_id: Mapped[str] = mapped_column(String(8))
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    approver_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    granted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ParkedSale(Base):
    """A sale in progress set aside when another cashier signed in at the terminal; kept in
    the store so a crash does not lose it. One per cashier and workstation."""

    __tablename__ = "parked_sales"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workstation_id: Mapped[str] = mapped_column(String(8))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    parked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    draft: Mapped[dict[str, Any]] = mapped_column(JSON)

    __table_args__ = (
        UniqueConstraint("workstation_id", "user_id", name="uq_parked_sales_workstation_user"),
    )


class TrainingReceipt(Base):
    """A receipt posted in training mode. Kept apart from ``receipts`` so that no journal,
    drawer, deposit or ledger query can ever count it; numbered in its own series."""

    __tablename__ = "training_receipts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)  # "W01-T000001"
    workstation_id: Mapped[str] = mapped_column(String(8))
    seq: Mapped[int] = mapped_column(Integer)
    cashier_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    business_date: Mapped[dt.date] = mapped_column(Date)
    posted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    payer: Mapped[str] = mapped_column(String(120), default="")
    total_cents: Mapped[int] = mapped_column(BigInteger)
    tendered_cents: Mapped[int] = mapped_column(BigInteger)
    change_cents: Mapped[int] = mapped_column(BigInteger)
    # lines and tenders as posted (the same fields as receipt_lines and tenders)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)

    __table_args__ = (
        UniqueConstraint("workstation_id", "seq", name="uq_training_receipts_workstation_seq"),
    )


class AdminRecovery(Base):
    """The administrator recovery code (finding 5 of issue 16): shown once when the first
    administrator is set up, kept only as its Argon2id hash; ``cashdesk users recover-admin``
    with it unlocks or resets the administrator. One row, id 1; a new code replaces it."""

    __tablename__ = "admin_recovery"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
