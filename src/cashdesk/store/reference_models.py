"""The workstation's cache of the city's records (the central ledger owns them).

Columns mirror the city's CSV files; money is integer cents. What a payment at this counter
changes in them (a bill item paid, a citation paid, a license renewed) is recorded by the
services that take those payments.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from cashdesk.store.models import Base


class UtilityAccountRow(Base):
    __tablename__ = "utility_accounts"

    account_no: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    service_address: Mapped[str] = mapped_column(String(120))
    mailing_address: Mapped[str] = mapped_column(String(160))
    status: Mapped[str] = mapped_column(String(16))  # active / disconnected / inactive


class UtilityBillItemRow(Base):
    __tablename__ = "utility_bill_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_no: Mapped[str] = mapped_column(ForeignKey("utility_accounts.account_no"))
    bill_no: Mapped[str] = mapped_column(String(20))
    bill_date: Mapped[dt.date] = mapped_column(Date)
    due_date: Mapped[dt.date] = mapped_column(Date)
    category: Mapped[str] = mapped_column(String(12))  # water / wastewater / penalty
    amount_cents: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (Index("ix_utility_bill_items_account", "account_no", "due_date"),)


class CitationRow(Base):
    __tablename__ = "citations"

    citation_no: Mapped[str] = mapped_column(String(16), primary_key=True)
    plate: Mapped[str] = mapped_column(String(10))
    plate_state: Mapped[str] = mapped_column(String(2))
    issue_date: Mapped[dt.date] = mapped_column(Date)
    violation_code: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12))  # open / contested / paid / dismissed
    contest_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)

    __table_args__ = (Index("ix_citations_plate", "plate"),)


class BusinessLicenseRow(Base):
    __tablename__ = "business_licenses"

    license_no: Mapped[str] = mapped_column(String(16), primary_key=True)
    business_name: Mapped[str] = mapped_column(String(120))
    owner: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(120))
    license_class: Mapped[str] = mapped_column(String(2))
    gross_receipts_cents: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    machines: Mapped[int | None] = mapped_column(Integer, nullable=True)
    expires: Mapped[dt.date] = mapped_column(Date)


class AnimalLicenseRow(Base):
    __tablename__ = "animal_licenses"

    license_no: Mapped[str] = mapped_column(String(16), primary_key=True)
    owner: Mapped[str] = mapped_column(String(120))
    owner_birth_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    address: Mapped[str] = mapped_column(String(120))
    animal_name: Mapped[str] = mapped_column(String(60))
    species: Mapped[str] = mapped_column(String(8))
    altered: Mapped[bool] = mapped_column(Boolean)
    service_animal: Mapped[bool] = mapped_column(Boolean)
    tag_no: Mapped[str] = mapped_column(String(16), index=True)
    issued: Mapped[dt.date] = mapped_column(Date)
    expires: Mapped[dt.date] = mapped_column(Date)
    rabies_expires: Mapped[dt.date | None] = mapped_column(Date, nullable=True)


class ReturnedCheckRow(Base):
    __tablename__ = "returned_checks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    routing: Mapped[str] = mapped_column(String(9))
    account: Mapped[str] = mapped_column(String(17))
    payer: Mapped[str] = mapped_column(String(120))
    returned_on: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(60))

    __table_args__ = (Index("ix_returned_checks_routing_account", "routing", "account"),)
