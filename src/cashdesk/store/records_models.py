"""What collecting against the city's records writes at this counter.

The cache tables (reference_models) hold the city's records as the central ledger sent them;
they are never edited here. What a posted receipt did to them is recorded beside them, so the
cache shows it AT ONCE and a second payment at this counter cannot collect the same thing:

- ``record_postings``: per receipt, what each utility bill item received, a credit balance, a
  restored service, a citation paid. A row is live until its receipt is voided or its check is
  returned (``reversed_at``); the open amount of a bill item is its cached amount minus its live
  postings, a citation with a live posting is paid, an account with a live restore is active.
- ``returned_check_events``: this counter's returned-check (NSF) history, which also carries the
  returned-check fee the payer owes until it is paid.
- ``payment_batches`` / ``payment_batch_rows``: mail and lockbox imports; a row key that is
  unique across all batches makes a re-import post nothing twice.

The look-up index (``record_search``, an FTS5 table) is created by migration 0040 and filled by
``cashdesk.store.records_search``; it is not a mapped table.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from cashdesk.store.models import Base, UTCDateTime, new_uuid


class RecordPosting(Base):
    __tablename__ = "record_postings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    receipt_id: Mapped[str] = mapped_column(ForeignKey("receipts.id"), index=True)
    # utility_item / utility_credit / utility_restore / citation
    kind: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str] = mapped_column(String(40))  # account or citation number
    bill_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("utility_bill_items.id"), nullable=True, index=True
    )
    amount_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    reversed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reversed_by: Mapped[str | None] = mapped_column(String(8), nullable=True)  # void / nsf

    __table_args__ = (
        CheckConstraint(
            "kind IN ('utility_item','utility_credit','utility_restore','citation')", name="kind"
        ),
        CheckConstraint("amount_cents >= 0", name="amount_nonnegative"),
        Index("ix_record_postings_kind_reference", "kind", "reference"),
    )


class ReturnedCheckEvent(Base):
    __tablename__ = "returned_check_events"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    number: Mapped[str] = mapped_column(String(16), unique=True)  # "NSF-W01-0001"
    receipt_id: Mapped[str] = mapped_column(ForeignKey("receipts.id"))
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id"), unique=True)
    journal_entry_id: Mapped[str] = mapped_column(ForeignKey("journal_entries.id"))
    business_date: Mapped[dt.date] = mapped_column(Date)
    processed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    processed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    payer: Mapped[str] = mapped_column(String(120))
    payer_key: Mapped[str] = mapped_column(String(120), index=True)  # folded name
    routing: Mapped[str] = mapped_column(String(9))
    account: Mapped[str] = mapped_column(String(17))  # digits, leading zeros removed
    check_amount_cents: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(60))
    fee_cents: Mapped[int] = mapped_column(BigInteger)
    fee_paid_receipt_id: Mapped[str | None] = mapped_column(
        ForeignKey("receipts.id"), nullable=True
    )

    __table_args__ = (
        Index("ix_returned_check_events_check", "routing", "account"),
        CheckConstraint("fee_cents > 0", name="fee_positive"),
    )


class PaymentBatch(Base):
    __tablename__ = "payment_batches"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    name: Mapped[str] = mapped_column(String(14), unique=True)
    file_name: Mapped[str] = mapped_column(String(255))
    drawer_session_id: Mapped[str] = mapped_column(ForeignKey("drawer_sessions.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    business_date: Mapped[dt.date] = mapped_column(Date)
    # Of the last import of the file: every row's amount, and how it split.
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    control_total_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    posted_count: Mapped[int] = mapped_column(Integer, default=0)
    posted_total_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    exception_count: Mapped[int] = mapped_column(Integer, default=0)
    exception_total_cents: Mapped[int] = mapped_column(BigInteger, default=0)


class PaymentBatchRow(Base):
    __tablename__ = "payment_batch_rows"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[str] = mapped_column(ForeignKey("payment_batches.id"), index=True)
    # sha256 of file name, row number and row content: the same row of the same file is
    # refused by this unique key however many times (or concurrently) it is imported.
    row_key: Mapped[str] = mapped_column(String(64), unique=True)
    row_no: Mapped[int] = mapped_column(Integer)
    reference: Mapped[str] = mapped_column(String(40), default="")
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    receipt_id: Mapped[str] = mapped_column(ForeignKey("receipts.id"), unique=True)
