"""Tables of the drawer lifecycle: counts, pickups, deposits and closed business days.

Cash counts keep their pieces per denomination code as JSON ({"B20": 12, "R25": 2}) and their
listed checks and money orders as JSON; every amount is integer cents.
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
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cashdesk.store.models import Base, User, UTCDateTime, new_uuid


class DrawerCountRow(Base):
    """One count of a drawer session (a close or a handoff); a recount or a reopen sets the
    earlier one aside (``state``) and keeps it."""

    __tablename__ = "drawer_counts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    session_id: Mapped[str] = mapped_column(ForeignKey("drawer_sessions.id"), index=True)
    attempt: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(8))  # close, handoff
    state: Mapped[str] = mapped_column(String(10), default="current")
    counted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    counted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    cash: Mapped[dict[str, Any]] = mapped_column(JSON)
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    cash_cents: Mapped[int] = mapped_column(BigInteger)
    checks_cents: Mapped[int] = mapped_column(BigInteger)
    money_orders_cents: Mapped[int] = mapped_column(BigInteger)
    card_cents: Mapped[int] = mapped_column(BigInteger)
    expected_cash_cents: Mapped[int] = mapped_column(BigInteger)
    expected_checks_cents: Mapped[int] = mapped_column(BigInteger)
    expected_money_orders_cents: Mapped[int] = mapped_column(BigInteger)
    expected_card_cents: Mapped[int] = mapped_column(BigInteger)
    over_short_cents: Mapped[int] = mapped_column(BigInteger)
    needs_signoff: Mapped[bool] = mapped_column(Boolean)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    approved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    approval_reason: Mapped[str | None] = mapped_column(String(200), nullable=True)

    counted_by: Mapped[User] = relationship(foreign_keys=[counted_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])

    __table_args__ = (
        CheckConstraint("kind IN ('close','handoff')", name="kind"),
        CheckConstraint("state IN ('current','recounted','reopened')", name="state"),
        CheckConstraint(
            "cash_cents >= 0 AND checks_cents >= 0 AND money_orders_cents >= 0 AND card_cents >= 0",
            name="counted_nonnegative",
        ),
    )


class DrawerPickupRow(Base):
    """Cash taken from a drawer to the safe, counted by denomination."""

    __tablename__ = "drawer_pickups"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    session_id: Mapped[str] = mapped_column(ForeignKey("drawer_sessions.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    taken_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    taken_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    cash: Mapped[dict[str, Any]] = mapped_column(JSON)

    taken_by: Mapped[User] = relationship()

    __table_args__ = (
        UniqueConstraint("session_id", "seq", name="uq_drawer_pickups_seq"),
        CheckConstraint("amount_cents > 0", name="amount_positive"),
    )


class DepositRow(Base):
    """One bag for the city's operating account: the cash and checks of approved drawers."""

    __tablename__ = "deposits"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    workstation_id: Mapped[str] = mapped_column(ForeignKey("workstations.id"))
    business_date: Mapped[dt.date] = mapped_column(Date)
    bag_number: Mapped[str] = mapped_column(String(20), unique=True)
    prepared_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    prepared_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    currency_cents: Mapped[int] = mapped_column(BigInteger)
    coin_cents: Mapped[int] = mapped_column(BigInteger)
    checks_cents: Mapped[int] = mapped_column(BigInteger)
    total_cents: Mapped[int] = mapped_column(BigInteger)
    cash: Mapped[dict[str, Any]] = mapped_column(JSON)
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON)

    prepared_by: Mapped[User] = relationship()

    __table_args__ = (
        CheckConstraint("total_cents = currency_cents + coin_cents + checks_cents", name="total"),
        Index("ix_deposits_day", "workstation_id", "business_date"),
    )


class BusinessDayRow(Base):
    """A closed business date of a workstation: locked, later receipts go to the next date."""

    __tablename__ = "business_days"

    workstation_id: Mapped[str] = mapped_column(ForeignKey("workstations.id"), primary_key=True)
    business_date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    closed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    journal_entry_id: Mapped[str] = mapped_column(ForeignKey("journal_entries.id"))

    closed_by: Mapped[User] = relationship()
