"""Sync bookkeeping on the workstation: rows the central ledger refused (the exceptions queue a
supervisor works through), the sync state the status bar shows, and the reference-data pull
cursors. The outbox itself (store/models.py ``OutboxRow``) stays the one list of what to send.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cashdesk.store.models import Base, UTCDateTime


class SyncExceptionRow(Base):
    """An outbox row the central ledger refused. While ``status`` is 'open' the worker skips
    the row (it would be refused again); a supervisor retries it or resolves it with a note.
    Nothing leaves this table: a resolved row keeps who resolved it, when and why."""

    __tablename__ = "sync_exceptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"), unique=True)
    uuid: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(20))
    error: Mapped[str] = mapped_column(Text)
    first_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(10), default="open")
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    note: Mapped[str] = mapped_column(String(400), default="")

    __table_args__ = (
        CheckConstraint("status IN ('open','retrying','resolved')", name="status"),
        Index("ix_sync_exceptions_status", "status"),
    )


class SyncStateRow(Base):
    """One row per workstation: what the last sync attempt found (survives a restart, so the
    status bar still says "offline since 09:12" after the app is reopened)."""

    __tablename__ = "sync_state"

    workstation_id: Mapped[str] = mapped_column(String(8), primary_key=True)
    last_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_success_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    offline_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str] = mapped_column(String(400), default="")


class ReferenceCursorRow(Base):
    """How far this workstation has pulled each central reference table: the highest change
    counter (central ``version``) applied, so the next pull asks only for newer rows."""

    __tablename__ = "reference_cursors"

    table_name: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
    pulled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
