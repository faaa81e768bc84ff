"""Business licenses: quotes, renewals and new applications (RULES.md section 1)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from sqlalchemy.orm import Session

from cashdesk.domain import business_license as business_rules
from cashdesk.domain.inputs import require_text
from cashdesk.domain.money import Money
from cashdesk.domain.quote import FeeQuote
from cashdesk.domain.roles import Operator, Permission
from cashdesk.errors import NotFound
from cashdesk.services.licenses.applications import (
    Application,
    LicenseApplications,
    LicenseParticipant,
    give_back_number,
    restore_state,
    row_state,
)
from cashdesk.services.licenses.common import (
    BusinessLicenseInfo,
    LicenseCharge,
    _check_renewal_year,
    _Posting,
    _received,
)
from cashdesk.services.posting import Voiding
from cashdesk.store.license_models import IssuedLicenseRow
from cashdesk.store.reference_models import BusinessLicenseRow


class BusinessLicenses(LicenseApplications):
    # -- quotes (phone inquiries: nothing is held or written) ----------------------------------
    def quote_business_license(
        self,
        *,
        license_class: str,
        license_year: int,
        paid_on: dt.date | None = None,
        gross_receipts: Decimal | None = None,
        machines: int | None = None,
        new_business: bool = False,
        start_date: dt.date | None = None,
    ) -> FeeQuote:
        return business_rules.quote_business_license(
            license_class=license_class,
            license_year=license_year,
            paid_on=paid_on or self.ctx.business_date(),
            gross_receipts=gross_receipts,
            machines=machines,
            new_business=new_business,
            start_date=start_date,
        )

    # -- looking up -----------------------------------------------------------------------------
    def find_business_license(self, license_no: str) -> BusinessLicenseInfo:
        with self.ctx.sessions() as s:
            row = self._business_row(s, license_no)
            return BusinessLicenseInfo(
                license_no=row.license_no,
                business_name=row.business_name,
                owner=row.owner,
                address=row.address,
                license_class=row.license_class,
                gross_receipts=None
                if row.gross_receipts_cents is None
                else Money(cents=row.gross_receipts_cents),
                machines=row.machines,
                expires=row.expires,
            )

    # -- business licenses ------------------------------------------------------------------------
    def renew_business_license(
        self,
        operator: Operator,
        *,
        license_no: str,
        license_year: int | None = None,
        license_class: str | None = None,
        gross_receipts: Decimal | None = None,
        machines: int | None = None,
        received_via: str = "counter",
        received_on: dt.date | None = None,
    ) -> LicenseCharge:
        """The renewal of a business license on file, for the year after it expires."""
        operator.require(Permission.TAKE_PAYMENT)
        today = self.ctx.business_date()
        via, received = _received(received_via, received_on, today)
        with self.ctx.sessions() as s:
            row = business_row(s, license_no)
            number, name, expires = row.license_no, row.business_name, row.expires
            klass = business_rules.license_class_of(license_class or row.license_class)
            if machines is None and klass is business_rules.LicenseClass.VM:
                machines = row.machines
        year = expires.year + 1 if license_year is None else license_year
        _check_renewal_year(number, expires, year, today)
        return self._hold(
            BusinessRenewal(
                license_no=number,
                license_year=year,
                license_class=klass,
                gross_receipts=gross_receipts,
                machines=machines,
                received_via=via,
                received_on=received,
            ),
            summary=f"Renewal of {number} {name} for {year}",
            paid_on=received or today,
        )

    def apply_for_business_license(
        self,
        operator: Operator,
        *,
        business_name: str,
        owner: str,
        address: str,
        license_class: str,
        start_date: dt.date,
        license_year: int | None = None,
        gross_receipts: Decimal | None = None,
        machines: int | None = None,
        received_via: str = "counter",
        received_on: dt.date | None = None,
    ) -> LicenseCharge:
        """A new business's first license (BLT-NEW); the number is given when it is paid."""
        operator.require(Permission.TAKE_PAYMENT)
        today = self.ctx.business_date()
        via, received = _received(received_via, received_on, today)
        name = require_text(business_name, field="Business name")[:120]
        owner_name = require_text(owner, field="Owner")[:120]
        where = require_text(address, field="Business address")[:120]
        klass = business_rules.license_class_of(license_class)
        paid_on = received or today
        year = license_year if license_year is not None else max(start_date.year, paid_on.year)
        return self._hold(
            NewBusinessLicense(
                business_name=name,
                owner=owner_name,
                address=where,
                license_class=klass,
                license_year=year,
                start_date=start_date,
                gross_receipts=gross_receipts,
                machines=machines,
                received_via=via,
                received_on=received,
            ),
            summary=f"New business license for {name}, {year}",
            paid_on=paid_on,
        )

    @staticmethod
    def _business_row(s: Session, license_no: str) -> BusinessLicenseRow:
        return business_row(s, license_no)


def business_row(s: Session, license_no: str) -> BusinessLicenseRow:
    row = s.get(BusinessLicenseRow, license_no.strip().upper())
    if row is None:
        raise NotFound(f"No business license {license_no.strip()!r}.")
    return row


@dataclass(frozen=True, kw_only=True)
class BusinessRenewal(Application):
    kind: ClassVar[str] = "business"
    action: ClassVar[str] = "renewal"

    license_no: str
    license_year: int
    license_class: business_rules.LicenseClass
    gross_receipts: Decimal | None
    machines: int | None
    received_via: str
    received_on: dt.date | None

    def license_changed(self) -> str | None:
        return self.license_no

    def requote(self, business_date: dt.date) -> FeeQuote:
        return business_rules.quote_business_license(
            license_class=self.license_class,
            license_year=self.license_year,
            paid_on=self.received_on or business_date,
            gross_receipts=self.gross_receipts,
            machines=self.machines,
        )

    def issue(self, licenses: LicenseApplications, p: _Posting) -> str:
        klass, year = self.license_class, self.license_year
        lic = business_row(p.session, self.license_no)
        _check_renewal_year(self.license_no, lic.expires, year, p.business_date)
        prior = row_state(lic)
        lic.license_class = klass.value
        if klass is business_rules.LicenseClass.GR and self.gross_receipts is not None:
            lic.gross_receipts_cents = Money.from_decimal(self.gross_receipts).cents
        lic.machines = self.machines if klass is business_rules.LicenseClass.VM else None
        lic.expires = dt.date(year, 12, 31)
        licenses._record_issue(
            p,
            kind="business",
            action="renewal",
            license_no=lic.license_no,
            holder=lic.business_name,
            owner=lic.owner,
            address=lic.address,
            detail=business_rules.CLASS_NAMES[klass],
            license_class=klass.value,
            term_start=dt.date(year, 1, 1),
            term_end=lic.expires,
            received_via=self.received_via,
            received_on=self.received_on or p.business_date,
            prior=prior,
        )
        return lic.license_no


@dataclass(frozen=True, kw_only=True)
class NewBusinessLicense(Application):
    kind: ClassVar[str] = "business"
    action: ClassVar[str] = "new"

    business_name: str
    owner: str
    address: str
    license_class: business_rules.LicenseClass
    license_year: int
    start_date: dt.date
    gross_receipts: Decimal | None
    machines: int | None
    received_via: str
    received_on: dt.date | None

    def requote(self, business_date: dt.date) -> FeeQuote:
        return business_rules.quote_business_license(
            license_class=self.license_class,
            license_year=self.license_year,
            paid_on=self.received_on or business_date,
            gross_receipts=self.gross_receipts,
            machines=self.machines,
            new_business=True,
            start_date=self.start_date,
        )

    def issue(self, licenses: LicenseApplications, p: _Posting) -> str:
        klass, year = self.license_class, self.license_year
        number = licenses._next_license_no(p.session, "BL")
        lic = BusinessLicenseRow(
            license_no=number,
            business_name=self.business_name,
            owner=self.owner,
            address=self.address,
            license_class=klass.value,
            gross_receipts_cents=None
            if self.gross_receipts is None
            else Money.from_decimal(self.gross_receipts).cents,
            machines=self.machines,
            expires=dt.date(year, 12, 31),
        )
        p.session.add(lic)
        licenses._record_issue(
            p,
            kind="business",
            action="new",
            license_no=number,
            holder=self.business_name,
            owner=self.owner,
            address=self.address,
            detail=business_rules.CLASS_NAMES[klass],
            license_class=klass.value,
            term_start=max(self.start_date, dt.date(year, 1, 1)),
            term_end=lic.expires,
            received_via=self.received_via,
            received_on=self.received_on or p.business_date,
        )
        return number


class BusinessLicenseParticipant(LicenseParticipant):
    """BLT-NEW and BLT-REN: a void puts a renewed license back as it was (class, gross
    receipts, machines, expiry) and removes a new one."""

    def __init__(self, licenses: LicenseApplications) -> None:
        super().__init__(
            licenses,
            name="business",
            codes=frozenset({business_rules.CODE_NEW, business_rules.CODE_RENEWAL}),
        )

    def take_back(
        self, voiding: Voiding, application: str, issued: IssuedLicenseRow | None
    ) -> None:
        if issued is None:
            return
        lic = voiding.session.get(BusinessLicenseRow, issued.license_no)
        if lic is None:
            return
        if issued.action == "new":
            voiding.session.delete(lic)
            give_back_number(voiding.session, "BL", issued.license_no)
        else:
            restore_state(lic, issued.prior)
