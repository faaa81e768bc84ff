"""Tables of the license counter: the tag stock, license number counters, the history of
licenses issued here (the license register), and the TOT returns filed here.

Every row that changes with a payment is written inside the posting transaction, so a payment
that rolls back never consumes a tag, a license number or a return period.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cashdesk.store.models import Base, Receipt, UTCDateTime, new_uuid


class TagStockRow(Base):
    """A range of physical animal tags delivered to this counter: ``prefix`` + number, from
    ``first_no`` to ``last_no``; ``next_no`` is the next one to hand out (past ``last_no``
    when the range is used up)."""

    __tablename__ = "tag_stock"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    prefix: Mapped[str] = mapped_column(String(4))
    first_no: Mapped[int] = mapped_column(Integer)
    last_no: Mapped[int] = mapped_column(Integer)
    next_no: Mapped[int] = mapped_column(Integer)
    loaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    loaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    __table_args__ = (
        CheckConstraint("first_no >= 0 AND first_no <= last_no", name="range"),
        CheckConstraint("next_no >= first_no AND next_no <= last_no + 1", name="next_in_range"),
    )


class LicenseCounterRow(Base):
    """The last number used for one kind of license issued here ("BL", "AL"); bumped inside
    the posting transaction, so numbers are gapless like receipt numbers."""

    __tablename__ = "license_counters"

    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    last_no: Mapped[int] = mapped_column(Integer)


class IssuedLicenseRow(Base):
    """One license issued, renewed or re-tagged at this counter (the license register)."""

    __tablename__ = "issued_licenses"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    # The application the charge lines carried. An application issues once at a time (its
    # license_applications row is "issued"); a void opens it again, so a voided receipt's
    # issue and the re-posted one share it.
    application: Mapped[str] = mapped_column(String(16), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # business / animal
    action: Mapped[str] = mapped_column(String(12))  # new / renewal / replacement
    license_no: Mapped[str] = mapped_column(String(16), index=True)
    holder: Mapped[str] = mapped_column(String(120))  # business name / animal owner
    owner: Mapped[str] = mapped_column(String(120), default="")
    address: Mapped[str] = mapped_column(String(120), default="")
    detail: Mapped[str] = mapped_column(String(120), default="")  # class / animal
    license_class: Mapped[str] = mapped_column(String(8), default="")  # GR.. / dog, cat
    term_start: Mapped[dt.date] = mapped_column(Date)
    term_end: Mapped[dt.date] = mapped_column(Date)
    tag_no: Mapped[str] = mapped_column(String(16), default="")
    received_via: Mapped[str] = mapped_column(String(8), default="counter")
    received_on: Mapped[dt.date] = mapped_column(Date)  # the paid-on date of the fees
    business_date: Mapped[dt.date] = mapped_column(Date)
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    cashier_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    receipt_id: Mapped[str | None] = mapped_column(
        ForeignKey("receipts.id"), nullable=True, index=True
    )
    fee_cents: Mapped[int] = mapped_column(BigInteger, default=0)  # tax / license fee / tag
    penalty_cents: Mapped[int] = mapped_column(BigInteger, default=0)  # penalty / late fee
    state_fee_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    total_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    # The license's row as it was before this renewal or replacement (JSON), so a void puts
    # it back; empty for a new license (a void removes it).
    prior: Mapped[str] = mapped_column(Text, default="")

    # Declared so the unit of work inserts the receipt before this row.
    receipt: Mapped[Receipt | None] = relationship()

    __table_args__ = (
        CheckConstraint("kind IN ('business','animal')", name="kind"),
        CheckConstraint("action IN ('new','renewal','replacement')", name="action"),
        CheckConstraint("received_via IN ('counter','mail','fax')", name="received_via"),
        CheckConstraint("total_cents = fee_cents + penalty_cents + state_fee_cents", name="total"),
        Index("ix_issued_licenses_business_date", "business_date"),
    )


class TotReturnRow(Base):
    """A transient occupancy tax return paid here: one per hotel operator and month."""

    __tablename__ = "tot_returns"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    application: Mapped[str] = mapped_column(String(16), unique=True)
    tot_operator_id: Mapped[str] = mapped_column(String(20))
    period_year: Mapped[int] = mapped_column(Integer)
    period_month: Mapped[int] = mapped_column(Integer)
    gross_rents_cents: Mapped[int] = mapped_column(BigInteger)
    exempt_rents_cents: Mapped[int] = mapped_column(BigInteger)
    tax_cents: Mapped[int] = mapped_column(BigInteger)
    penalty_cents: Mapped[int] = mapped_column(BigInteger)
    interest_cents: Mapped[int] = mapped_column(BigInteger)
    total_cents: Mapped[int] = mapped_column(BigInteger)
    received_via: Mapped[str] = mapped_column(String(8), default="counter")
    paid_on: Mapped[dt.date] = mapped_column(Date)
    business_date: Mapped[dt.date] = mapped_column(Date)
    filed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    cashier_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    receipt_id: Mapped[str] = mapped_column(ForeignKey("receipts.id"))

    # Declared so the unit of work inserts the receipt before this row.
    receipt: Mapped[Receipt] = relationship()

    __table_args__ = (
        # One return per operator and month: a second payment of the same period is refused
        # by the service with a message, and by this constraint if anything slips past.
        UniqueConstraint(
            "tot_operator_id", "period_year", "period_month", name="uq_tot_returns_period"
        ),
        CheckConstraint("period_month BETWEEN 1 AND 12", name="month"),
        CheckConstraint("received_via IN ('counter','mail','fax')", name="received_via"),
        CheckConstraint("total_cents = tax_cents + penalty_cents + interest_cents", name="total"),
    )


class LicenseApplicationRow(Base):
    """An application waiting for its payment (``APP-…``, the reference of its receipt
    lines): what the customer asked for, as data, so the posting re-prices and issues it in
    its own transaction. Issued with a receipt (``receipt_id``) or without a fee; a void
    opens it again."""

    __tablename__ = "license_applications"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # business / animal / tot
    action: Mapped[str] = mapped_column(String(12))  # new / renewal / replacement / return
    summary: Mapped[str] = mapped_column(String(200))
    params: Mapped[str] = mapped_column(Text)  # the application's fields (JSON)
    quoted_on: Mapped[dt.date] = mapped_column(Date)  # the business date of the quote
    paid_on: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(8), default="open")
    receipt_id: Mapped[str | None] = mapped_column(ForeignKey("receipts.id"), nullable=True)

    __table_args__ = (CheckConstraint("status IN ('open','issued')", name="status"),)
