"""Tables of the workstation store.

Money columns hold integer cents (BIGINT). Times are timezone-aware UTC stored as ISO text by
``UTCDateTime``; business dates are the city's local date. Every row that goes to the central
ledger has a UUID (the sync key) besides its human number.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from cashdesk.domain.gl import JournalLine
from cashdesk.domain.money import Money

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware datetimes in, aware UTC datetimes out; naive ones are refused."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store timezone-aware UTC")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


def new_uuid() -> str:
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Workstation(Base):
    __tablename__ = "workstations"

    id: Mapped[str] = mapped_column(String(8), primary_key=True)  # "W01"
    name: Mapped[str] = mapped_column(String(80), default="")
    # The last receipt sequence number used; bumped inside the posting transaction.
    last_receipt_seq: Mapped[int] = mapped_column(Integer, default=0)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    full_name: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    pin_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    training: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    # HMAC of the fields that never change (store/sealing.py): an edit without the key shows.
    row_mac: Mapped[str | None] = mapped_column(String(64), nullable=True)

    __table_args__ = (
        CheckConstraint(
            "role IN ('cashier','lead','admin','auditor','program_staff')", name="role"
        ),
    )


class GLAccountRow(Base):
    __tablename__ = "gl_accounts"

    account: Mapped[str] = mapped_column(String(13), primary_key=True)
    description: Mapped[str] = mapped_column(String(120))
    fund: Mapped[str] = mapped_column(String(3))
    type: Mapped[str] = mapped_column(String(20))


class RevenueCodeRow(Base):
    __tablename__ = "revenue_codes"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    description: Mapped[str] = mapped_column(String(120))
    category: Mapped[str] = mapped_column(String(20))
    pricing: Mapped[str] = mapped_column(String(80))  # the city's words, parsed by the domain
    gl_account: Mapped[str] = mapped_column(String(40))


class DrawerSession(Base):
    __tablename__ = "drawer_sessions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    workstation_id: Mapped[str] = mapped_column(ForeignKey("workstations.id"))
    drawer: Mapped[str] = mapped_column(String(16), default="1")
    cashier_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    business_date: Mapped[dt.date] = mapped_column(Date)
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    opening_bank_cents: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(12), default="open")
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Drawer lifecycle (issue 4): several cashiers may take receipts on a shared drawer; a
    # handoff names the session it took over; the opening count by denomination; the deposit.
    shared: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("0"))
    handed_from_id: Mapped[str | None] = mapped_column(
        ForeignKey("drawer_sessions.id"), nullable=True
    )
    opening_count: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    deposit_id: Mapped[str | None] = mapped_column(ForeignKey("deposits.id"), nullable=True)

    cashier: Mapped[User] = relationship()

    __table_args__ = (
        CheckConstraint("opening_bank_cents >= 0", name="opening_bank"),
        # The day's drawers and a handoff's successor, without walking every earlier day.
        Index("ix_drawer_sessions_day", "workstation_id", "business_date"),
        Index("ix_drawer_sessions_handed_from", "handed_from_id"),
        # One open session per drawer: a partial unique index, so a race cannot open two.
        Index(
            "uq_drawer_sessions_open",
            "workstation_id",
            "drawer",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )


class Receipt(Base):
    __tablename__ = "receipts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    number: Mapped[str] = mapped_column(String(16), unique=True)  # "W01-000123"
    workstation_id: Mapped[str] = mapped_column(ForeignKey("workstations.id"))
    seq: Mapped[int] = mapped_column(Integer)
    drawer_session_id: Mapped[str] = mapped_column(ForeignKey("drawer_sessions.id"))
    cashier_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    business_date: Mapped[dt.date] = mapped_column(Date)
    posted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    payer: Mapped[str] = mapped_column(String(120), default="")
    total_cents: Mapped[int] = mapped_column(BigInteger)
    tendered_cents: Mapped[int] = mapped_column(BigInteger)
    change_cents: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(10), default="posted")
    printed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    print_error: Mapped[str | None] = mapped_column(String(200), nullable=True)
    voided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    void_reason: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # HMAC of the fields that never change (store/sealing.py): an edit without the key shows.
    row_mac: Mapped[str | None] = mapped_column(String(64), nullable=True)

    lines: Mapped[list[ReceiptLine]] = relationship(
        order_by="ReceiptLine.line_no", cascade="all, delete-orphan"
    )
    tenders: Mapped[list[TenderRow]] = relationship(
        order_by="TenderRow.seq", cascade="all, delete-orphan"
    )
    cashier: Mapped[User] = relationship(foreign_keys=[cashier_id])
    voided_by: Mapped[User | None] = relationship(foreign_keys=[voided_by_id])

    __table_args__ = (
        UniqueConstraint("workstation_id", "seq", name="uq_receipts_workstation_seq"),
        CheckConstraint("total_cents > 0", name="total_positive"),
        CheckConstraint("change_cents >= 0", name="change_nonnegative"),
        CheckConstraint("tendered_cents = total_cents + change_cents", name="tendered"),
        CheckConstraint("status IN ('posted','voided')", name="status"),
        Index("ix_receipts_business_date", "business_date"),
        # The day's receipts in number order at one workstation (reports, today's receipts),
        # and a drawer's receipts (expected cash, status, cashiers): reads that follow the
        # day, not the history.
        Index("ix_receipts_day", "workstation_id", "business_date", "seq"),
        Index("ix_receipts_drawer_session", "drawer_session_id"),
    )


class ReceiptLine(Base):
    __tablename__ = "receipt_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    receipt_id: Mapped[str] = mapped_column(ForeignKey("receipts.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(12))
    description: Mapped[str] = mapped_column(String(120))
    reference: Mapped[str] = mapped_column(String(40), default="")
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    gl_account: Mapped[str] = mapped_column(ForeignKey("gl_accounts.account"))
    # HMAC of the fields that never change (store/sealing.py): an edit without the key shows.
    row_mac: Mapped[str | None] = mapped_column(String(64), nullable=True)

    __table_args__ = (CheckConstraint("amount_cents > 0", name="amount_positive"),)


class TenderRow(Base):
    __tablename__ = "tenders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    receipt_id: Mapped[str] = mapped_column(ForeignKey("receipts.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(12))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    check_routing: Mapped[str] = mapped_column(String(9), default="")
    # Kept whole for returned-check processing; masked on every receipt and screen.
    check_account: Mapped[str] = mapped_column(String(17), default="")
    check_number: Mapped[str] = mapped_column(String(10), default="")
    card_last4: Mapped[str] = mapped_column(String(4), default="")
    card_approval: Mapped[str] = mapped_column(String(12), default="")
    reference: Mapped[str] = mapped_column(String(40), default="")
    # HMAC of the fields that never change (store/sealing.py): an edit without the key shows.
    row_mac: Mapped[str | None] = mapped_column(String(64), nullable=True)

    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        CheckConstraint("kind IN ('cash','check','money_order','card')", name="kind"),
        CheckConstraint("length(card_last4) IN (0, 4)", name="card_last4"),
    )


class JournalEntry(Base):
    __tablename__ = "journal_entries"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    kind: Mapped[str] = mapped_column(String(12))  # receipt, void, day
    receipt_id: Mapped[str | None] = mapped_column(ForeignKey("receipts.id"), nullable=True)
    workstation_id: Mapped[str] = mapped_column(ForeignKey("workstations.id"))
    business_date: Mapped[dt.date] = mapped_column(Date)
    posted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    description: Mapped[str] = mapped_column(String(200), default="")
    # HMAC of the fields that never change (store/sealing.py): an edit without the key shows.
    row_mac: Mapped[str | None] = mapped_column(String(64), nullable=True)

    lines: Mapped[list[JournalLineRow]] = relationship(
        order_by="JournalLineRow.line_no", cascade="all, delete-orphan"
    )
    # Declared so the unit of work inserts the receipt before its entry.
    receipt: Mapped[Receipt | None] = relationship()

    __table_args__ = (
        Index("ix_journal_entries_business_date", "business_date"),
        Index("ix_journal_entries_receipt", "receipt_id"),
    )


class JournalLineRow(Base):
    __tablename__ = "journal_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[str] = mapped_column(ForeignKey("journal_entries.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    account: Mapped[str] = mapped_column(ForeignKey("gl_accounts.account"))
    debit_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    credit_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    memo: Mapped[str] = mapped_column(String(200), default="")
    # HMAC of the fields that never change (store/sealing.py): an edit without the key shows.
    row_mac: Mapped[str | None] = mapped_column(String(64), nullable=True)

    def journal_line(self) -> JournalLine:
        """This row as the domain's journal line (amounts back to Money)."""
        return JournalLine(
            account=self.account,
            debit=Money(cents=self.debit_cents),
            credit=Money(cents=self.credit_cents),
            memo=self.memo,
        )

    __table_args__ = (
        CheckConstraint(
            "(debit_cents > 0 AND credit_cents = 0) OR (credit_cents > 0 AND debit_cents = 0)",
            name="one_side",
        ),
    )


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    workstation_id: Mapped[str] = mapped_column(String(8))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(64), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The hash chain (services/audit.py): each entry holds its predecessor's hash and its own,
    # SHA-256 over the canonical JSON of its fields. Set by ServiceContext.audit only.
    prev_hash: Mapped[str] = mapped_column(String(64), server_default="")
    entry_hash: Mapped[str] = mapped_column(String(64), server_default="")

    __table_args__ = (Index("ix_audit_log_at", "at"), Index("ix_audit_log_action", "action"))


class OutboxRow(Base):
    """Rows waiting for the central ledger, in posting order (``id``)."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    kind: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[str] = mapped_column(String(36))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (
        Index("ix_outbox_unsent", "sent_at", "id"),
        # Only the rows still waiting: the push and the status bar read these, and they stay
        # few however many rows were sent before.
        Index(
            "ix_outbox_waiting",
            "id",
            sqlite_where=text("sent_at IS NULL"),
            postgresql_where=text("sent_at IS NULL"),
        ),
    )


class IntegrityMark(Base):
    """How far the last clean ``cashdesk check`` got: per name (a table, or a workstation's
    receipt sequence) the highest id it found whole. The check at start reads only what came
    after (store/integrity.py); ``cashdesk check --full`` reads everything again."""

    __tablename__ = "integrity_marks"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)
    checked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


def journal_line_rows(lines: Iterable[JournalLine]) -> list[JournalLineRow]:
    """The rows of a journal entry, numbered in order (memos cut to the column's width)."""
    return [
        JournalLineRow(
            line_no=i,
            account=line.account,
            debit_cents=line.debit.cents,
            credit_cents=line.credit.cents,
            memo=line.memo[:200],
        )
        for i, line in enumerate(lines, start=1)
    ]


# Tables defined in other modules register on Base when imported; importing them here keeps
# one place (this module) that Alembic and the app load to see the whole schema.
from cashdesk.store import reference_models  # noqa: E402,F401

# isort: split
from cashdesk.store import license_models  # noqa: E402,F401

# isort: split
from cashdesk.store import records_models  # noqa: E402,F401

# isort: split
from cashdesk.store import drawer_models  # noqa: E402,F401

# isort: split
from cashdesk.store import security_models  # noqa: E402,F401

# isort: split
from cashdesk.store import ledger_models  # noqa: E402,F401

# isort: split
from cashdesk.store import program_models  # noqa: E402,F401
