"""Issuing licenses and taking returns at the counter (RULES.md sections 1, 2 and 5).

How a license rides with its payment
------------------------------------
A cashier starts an *application* (a new business license, a renewal, a dog license, a
replacement tag, a TOT return). The service works out the fees with the domain rules and hands
back a :class:`LicenseCharge`: the charge lines for the receipt draft, each carrying the
application's id (``APP-…``) as its reference. The application itself is held here until the
receipt is posted. PaymentService runs :meth:`LicenseService.on_posted` inside the posting
transaction: for every application on the receipt it checks the lines are still exactly the
ones worked out (and still right on the posting's business date), then issues or renews the
license, takes the license number and the tag from their counters, records the TOT return,
and replaces the application id on the receipt lines by the license (or tag) number. All of it
commits or rolls back with the receipt, so a failed payment never consumes a tag, a license
number or a return period. :meth:`LicenseService.pay` posts a draft and returns the licenses
issued with their certificate PDFs; a screen that posts through PaymentService itself gets
the same through :meth:`LicenseService.issued_on_receipt`.

Choices where the rules leave room (RULES.md says to choose and document):

- Mail and fax: a renewal or application received by mail is charged as if paid on its
  postmark date, one received by fax on the date the fax came in (``received_on``); California
  practice treats a tax payment as made when it is mailed, and the city has no reason to
  charge a penalty for days the mail took. The date may not be after today's business date.
  TOT returns take the same ``received_on``.
- Receipt lines cannot be $0.00, so $0.00 quote lines (an NP license's tax, a service animal's
  license) are shown in the quote but not put on the receipt. An application that owes nothing
  at all (a service animal, a TOT return with no taxable rents and on time) is issued without a
  receipt by :meth:`LicenseService.issue_without_payment`.
- License numbers are allocated per workstation ("BL-W01-00001", "AL-W01-00001"), gapless
  inside the posting transaction. Each workstation keeps its own store, so a plain running
  number ("BL-20001") would collide between two counters; the workstation id in the number
  cannot.
- A business license is renewed one license year at a time: the year after the year it is
  licensed through (a lapsed business renews each missed year in turn). Renewal takes the
  class on file unless another is given, the machines on file for VM, and always the gross
  receipts the business declares for GR (the file's figure is last year's).
- A new business's license year is its start year, or the current year for a business that
  started in an earlier year (it then pays the full year and the penalty from its start date).
  Its term on the certificate runs from its start date (or January 1) to December 31.
- An animal license renewed before its expiry starts the day after the old one ends (no days
  are lost and the late fee cannot apply); renewed after it, it starts on the day it is paid.
  Renewals open 90 days before the expiry, so a mistyped license number cannot silently
  replace a license that has years to run.
- A replacement tag is only sold for a license that is still current.
- TOT returns are keyed by the hotel operator's TOT certificate id and the month; a second
  payment of the same month is refused with the receipt that paid it.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from cashdesk.domain import animal_license as animal_rules
from cashdesk.domain import business_license as business_rules
from cashdesk.domain import tot as tot_rules
from cashdesk.domain.calendar import long_date, long_month
from cashdesk.domain.inputs import require_text
from cashdesk.domain.lines import ChargeLine
from cashdesk.domain.money import Money
from cashdesk.domain.quote import FeeQuote
from cashdesk.domain.receipt import FinalReceipt, ReceiptDraft
from cashdesk.domain.roles import Operator, Permission
from cashdesk.domain.tot import quote_tot
from cashdesk.errors import NotFound, StateError, ValidationError
from cashdesk.services.context import ServiceContext
from cashdesk.services.drawers import DEFAULT_DRAWER
from cashdesk.services.payments import PaymentService, PostedReceipt
from cashdesk.store.engine import transaction
from cashdesk.store.license_models import (
    IssuedLicenseRow,
    LicenseCounterRow,
    TagStockRow,
    TotReturnRow,
)
from cashdesk.store.models import Receipt, new_uuid
from cashdesk.store.reference_models import AnimalLicenseRow, BusinessLicenseRow

if TYPE_CHECKING:  # reportlab is loaded when a certificate or register is made, not at start
    from cashdesk.reports.license_certificate import Certificate, Signature
    from cashdesk.reports.license_register import RegisterEntry

log = logging.getLogger(__name__)

APPLICATION_PREFIX = "APP-"
# Revenue codes that only this service may put on a receipt: each needs a license issued or a
# return recorded with it, so a plain keyed line of them would take money for nothing.
LICENSE_CODES = frozenset(
    {
        business_rules.CODE_NEW,
        business_rules.CODE_RENEWAL,
        animal_rules.CODE_LICENSE,
        animal_rules.CODE_TAG,
        tot_rules.CODE,
    }
)
RECEIVED_VIA = ("counter", "mail", "fax")
ANIMAL_RENEWAL_OPENS_DAYS = 90
MAX_TAG_RANGE = 100_000
_TAG_PREFIX = re.compile(r"^[A-Z]{0,4}$")
_TOT_OPERATOR = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,19}$")

EMPTY_TAG_STOCK = (
    "The animal tag stock is empty: no license or replacement tag can be issued. "
    "Ask a lead cashier or the finance administrator to load the next range of tags."
)


# -- what the service hands out ---------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class LicenseCharge:
    """An application's fees, ready for the receipt draft.

    ``quote`` has every line the rule produced ($0.00 ones included, for the screen);
    ``lines`` are the ones that go on the receipt, referenced with ``application``.
    """

    application: str
    kind: str  # business / animal / tot
    action: str  # new / renewal / replacement / return
    summary: str
    quote: FeeQuote
    lines: tuple[ChargeLine, ...]
    paid_on: dt.date

    @property
    def total(self) -> Money:
        return self.quote.total

    @property
    def needs_payment(self) -> bool:
        return bool(self.lines)

    @property
    def expires(self) -> dt.date | None:
        return self.quote.expires

    @property
    def notes(self) -> tuple[str, ...]:
        return self.quote.notes

    def add_to(self, draft: ReceiptDraft) -> None:
        """Put this application's lines on a draft."""
        for line in self.lines:
            draft.add_line(line)


@dataclass(frozen=True, slots=True, kw_only=True)
class IssuedLicense:
    """A license issued, renewed or re-tagged, with its certificate."""

    license_no: str
    kind: str
    action: str
    holder: str
    term_start: dt.date
    term_end: dt.date
    tag_no: str
    receipt_number: str
    total: Money
    certificate: bytes
    certificate_path: Path | None


@dataclass(frozen=True, slots=True, kw_only=True)
class FiledReturn:
    tot_operator_id: str
    year: int
    month: int
    total: Money
    receipt_number: str


@dataclass(frozen=True, slots=True, kw_only=True)
class LicensePayment:
    receipt: PostedReceipt | None  # None when nothing was owed
    issued: tuple[IssuedLicense, ...]
    returns: tuple[FiledReturn, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class TagRange:
    prefix: str
    first_no: int
    last_no: int
    next_no: int

    @property
    def remaining(self) -> int:
        return self.last_no - self.next_no + 1

    def label(self) -> str:
        return f"{self.prefix}{self.first_no}-{self.prefix}{self.last_no}"


@dataclass(frozen=True, slots=True, kw_only=True)
class BusinessLicenseInfo:
    license_no: str
    business_name: str
    owner: str
    address: str
    license_class: str
    gross_receipts: Money | None
    machines: int | None
    expires: dt.date


@dataclass(frozen=True, slots=True, kw_only=True)
class AnimalLicenseInfo:
    license_no: str
    owner: str
    owner_birth_date: dt.date | None
    address: str
    animal_name: str
    species: str
    altered: bool
    service_animal: bool
    tag_no: str
    issued: dt.date
    expires: dt.date
    rabies_expires: dt.date | None


# -- what the service holds until the payment posts -------------------------------------------
@dataclass(slots=True, kw_only=True)
class _Posting:
    """What an application's ``apply`` gets inside the posting transaction."""

    application: str
    session: Session
    receipt: Receipt | None
    business_date: dt.date
    now: dt.datetime
    operator: Operator
    quote: FeeQuote


@dataclass(slots=True, kw_only=True)
class _Pending:
    charge: LicenseCharge
    # The fees as they stand on a business date (for the check at posting).
    requote: Callable[[dt.date], FeeQuote]
    # Issue / renew / record; returns the reference for the receipt lines.
    apply: Callable[[_Posting], str]


def _payable(quote: FeeQuote, application: str) -> tuple[ChargeLine, ...]:
    return tuple(
        ChargeLine(
            code=line.code,
            description=line.description,
            amount=line.amount,
            gl_account=line.gl_account,
            reference=application,
        )
        for line in quote.lines
        if line.amount.is_positive
    )


def _amount(quote: FeeQuote, gl_accounts: Iterable[str]) -> int:
    wanted = set(gl_accounts)
    return sum(line.amount.cents for line in quote.lines if line.gl_account in wanted)


def _received(
    received_via: str, received_on: dt.date | None, business_date: dt.date
) -> tuple[str, dt.date | None]:
    if received_via not in RECEIVED_VIA:
        raise ValidationError(
            f"Received via must be one of {', '.join(RECEIVED_VIA)}, not {received_via!r}."
        )
    if received_via == "counter":
        if received_on is not None:
            raise ValidationError(
                "A received date applies only to applications received by mail or fax."
            )
        return received_via, None
    if received_on is None:
        raise ValidationError("Enter the postmark date (mail) or the date the fax was received.")
    if received_on > business_date:
        raise ValidationError(
            f"The received date {long_date(received_on)} is after today, "
            f"{long_date(business_date)}."
        )
    return received_via, received_on


def _application_id() -> str:
    return f"{APPLICATION_PREFIX}{uuid.uuid4().hex[:10].upper()}"


class LicenseService:
    def __init__(
        self, ctx: ServiceContext, payments: PaymentService, *, documents_dir: Path | None = None
    ) -> None:
        self.ctx = ctx
        self.payments = payments
        self.documents_dir = documents_dir
        self._pending: dict[str, _Pending] = {}
        self._lock = threading.Lock()

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

    def quote_animal_license(
        self,
        *,
        species: str,
        altered: bool,
        due_on: dt.date,
        issued_on: dt.date | None = None,
        term_years: int = 1,
        rabies_expires: dt.date | None = None,
        owner_born_on: dt.date | None = None,
        service_animal: bool = False,
    ) -> FeeQuote:
        return animal_rules.quote_animal_license(
            species=species,
            altered=altered,
            issued_on=issued_on or self.ctx.business_date(),
            due_on=due_on,
            term_years=term_years,
            rabies_expires=rabies_expires,
            owner_born_on=owner_born_on,
            service_animal=service_animal,
        )

    def quote_tot(
        self,
        *,
        year: int,
        month: int,
        gross_rents: Decimal,
        exempt_rents: Decimal = Decimal("0"),
        paid_on: dt.date | None = None,
    ) -> FeeQuote:
        return quote_tot(
            year=year,
            month=month,
            gross_rents=gross_rents,
            exempt_rents=exempt_rents,
            paid_on=paid_on or self.ctx.business_date(),
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

    def find_animal_license(self, license_or_tag: str) -> AnimalLicenseInfo:
        """By license number, or by the tag number on the animal's collar."""
        key = license_or_tag.strip().upper()
        with self.ctx.sessions() as s:
            row = s.get(AnimalLicenseRow, key) or s.scalar(
                select(AnimalLicenseRow).where(AnimalLicenseRow.tag_no == key)
            )
            if row is None:
                raise NotFound(f"No animal license or tag {license_or_tag.strip()!r}.")
            return _animal_info(row)

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
            row = self._business_row(s, license_no)
            number, name, expires = row.license_no, row.business_name, row.expires
            klass = business_rules.license_class_of(license_class or row.license_class)
            if machines is None and klass is business_rules.LicenseClass.VM:
                machines = row.machines
        year = expires.year + 1 if license_year is None else license_year
        _check_renewal_year(number, expires, year, today)

        def requote(business_date: dt.date) -> FeeQuote:
            return business_rules.quote_business_license(
                license_class=klass,
                license_year=year,
                paid_on=received or business_date,
                gross_receipts=gross_receipts,
                machines=machines,
            )

        def apply(p: _Posting) -> str:
            lic = self._business_row(p.session, number)
            _check_renewal_year(number, lic.expires, year, p.business_date)
            lic.license_class = klass.value
            if klass is business_rules.LicenseClass.GR and gross_receipts is not None:
                lic.gross_receipts_cents = Money.from_decimal(gross_receipts).cents
            lic.machines = machines if klass is business_rules.LicenseClass.VM else None
            lic.expires = dt.date(year, 12, 31)
            self._record_issue(
                p,
                kind="business",
                action="renewal",
                license_no=number,
                holder=lic.business_name,
                owner=lic.owner,
                address=lic.address,
                detail=business_rules.CLASS_NAMES[klass],
                license_class=klass.value,
                term_start=dt.date(year, 1, 1),
                term_end=lic.expires,
                received_via=via,
                received_on=received or p.business_date,
            )
            return number

        return self._hold(
            kind="business",
            action="renewal",
            summary=f"Renewal of {number} {name} for {year}",
            today=today,
            paid_on=received or today,
            requote=requote,
            apply=apply,
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

        def requote(business_date: dt.date) -> FeeQuote:
            return business_rules.quote_business_license(
                license_class=klass,
                license_year=year,
                paid_on=received or business_date,
                gross_receipts=gross_receipts,
                machines=machines,
                new_business=True,
                start_date=start_date,
            )

        def apply(p: _Posting) -> str:
            number = self._next_license_no(p.session, "BL")
            lic = BusinessLicenseRow(
                license_no=number,
                business_name=name,
                owner=owner_name,
                address=where,
                license_class=klass.value,
                gross_receipts_cents=None
                if gross_receipts is None
                else Money.from_decimal(gross_receipts).cents,
                machines=machines,
                expires=dt.date(year, 12, 31),
            )
            p.session.add(lic)
            self._record_issue(
                p,
                kind="business",
                action="new",
                license_no=number,
                holder=name,
                owner=owner_name,
                address=where,
                detail=business_rules.CLASS_NAMES[klass],
                license_class=klass.value,
                term_start=max(start_date, dt.date(year, 1, 1)),
                term_end=lic.expires,
                received_via=via,
                received_on=received or p.business_date,
            )
            return number

        return self._hold(
            kind="business",
            action="new",
            summary=f"New business license for {name}, {year}",
            today=today,
            paid_on=paid_on,
            requote=requote,
            apply=apply,
        )

    # -- animal licenses --------------------------------------------------------------------------
    def renew_animal_license(
        self,
        operator: Operator,
        *,
        license_no: str,
        term_years: int = 1,
        altered: bool | None = None,
        rabies_expires: dt.date | None = None,
        owner_birth_date: dt.date | None = None,
        service_animal: bool | None = None,
    ) -> LicenseCharge:
        """A renewal: due on the previous license's expiry date; a new tag from the stock.

        Values not given (altered, rabies expiry, owner's birth date, service animal) are the
        ones on file.
        """
        operator.require(Permission.TAKE_PAYMENT)
        today = self.ctx.business_date()
        with self.ctx.sessions() as s:
            row = self._animal_row(s, license_no)
            info = _animal_info(row)
            self._require_tag_in_stock(s)
        if (info.expires - today).days > ANIMAL_RENEWAL_OPENS_DAYS:
            raise StateError(
                f"{info.license_no} ({info.animal_name}) is licensed until "
                f"{long_date(info.expires)}; renewals open {ANIMAL_RENEWAL_OPENS_DAYS} days "
                "before the expiry."
            )
        is_altered = info.altered if altered is None else altered
        is_service = info.service_animal if service_animal is None else service_animal
        rabies = info.rabies_expires if rabies_expires is None else rabies_expires
        born = info.owner_birth_date if owner_birth_date is None else owner_birth_date
        due_on = info.expires

        def issued_on(business_date: dt.date) -> dt.date:
            return max(business_date, due_on + dt.timedelta(days=1))

        def requote(business_date: dt.date) -> FeeQuote:
            return animal_rules.quote_animal_license(
                species=info.species,
                altered=is_altered,
                issued_on=issued_on(business_date),
                due_on=due_on,
                term_years=term_years,
                rabies_expires=rabies,
                owner_born_on=born,
                service_animal=is_service,
            )

        def apply(p: _Posting) -> str:
            lic = self._animal_row(p.session, info.license_no)
            if lic.expires != due_on:
                raise StateError(
                    f"{info.license_no} was renewed meanwhile (now until "
                    f"{long_date(lic.expires)}); remove these lines."
                )
            tag = self._allocate_tag(p.session)
            assert p.quote.expires is not None
            lic.issued = issued_on(p.business_date)
            lic.expires = p.quote.expires
            lic.tag_no = tag
            lic.altered = is_altered
            lic.service_animal = is_service
            lic.rabies_expires = rabies
            lic.owner_birth_date = born
            self._record_animal(p, "renewal", lic)
            return f"{lic.license_no} tag {tag}"

        return self._hold(
            kind="animal",
            action="renewal",
            summary=f"Renewal of {info.license_no} ({info.animal_name}, {info.species})",
            today=today,
            paid_on=today,
            requote=requote,
            apply=apply,
        )

    def apply_for_animal_license(
        self,
        operator: Operator,
        *,
        owner: str,
        address: str,
        animal_name: str,
        species: str,
        altered: bool,
        acquired_on: dt.date,
        term_years: int = 1,
        rabies_expires: dt.date | None = None,
        owner_birth_date: dt.date | None = None,
        service_animal: bool = False,
    ) -> LicenseCharge:
        """A new dog or cat license: due on the date the animal was acquired or moved into the
        city (``acquired_on``); issued today with the next tag from the stock."""
        operator.require(Permission.TAKE_PAYMENT)
        today = self.ctx.business_date()
        owner_name = require_text(owner, field="Owner")[:120]
        where = require_text(address, field="Address")[:120]
        name = require_text(animal_name, field="Animal's name")[:60]
        kind = animal_rules.species_of(species)
        if acquired_on > today:
            raise ValidationError(
                f"The acquired / move-in date {long_date(acquired_on)} is after today."
            )
        with self.ctx.sessions() as s:
            self._require_tag_in_stock(s)

        def requote(business_date: dt.date) -> FeeQuote:
            return animal_rules.quote_animal_license(
                species=kind,
                altered=altered,
                issued_on=business_date,
                due_on=acquired_on,
                term_years=term_years,
                rabies_expires=rabies_expires,
                owner_born_on=owner_birth_date,
                service_animal=service_animal,
            )

        def apply(p: _Posting) -> str:
            number = self._next_license_no(p.session, "AL")
            tag = self._allocate_tag(p.session)
            assert p.quote.expires is not None
            lic = AnimalLicenseRow(
                license_no=number,
                owner=owner_name,
                owner_birth_date=owner_birth_date,
                address=where,
                animal_name=name,
                species=kind.value,
                altered=altered,
                service_animal=service_animal,
                tag_no=tag,
                issued=p.business_date,
                expires=p.quote.expires,
                rabies_expires=rabies_expires,
            )
            p.session.add(lic)
            self._record_animal(p, "new", lic)
            return f"{number} tag {tag}"

        return self._hold(
            kind="animal",
            action="new",
            summary=f"New {kind.value} license for {name} ({owner_name})",
            today=today,
            paid_on=today,
            requote=requote,
            apply=apply,
        )

    def replace_tag(self, operator: Operator, *, license_no: str) -> LicenseCharge:
        """A replacement tag (ANT $5.00) for a current license: the next tag from the stock."""
        operator.require(Permission.TAKE_PAYMENT)
        today = self.ctx.business_date()
        with self.ctx.sessions() as s:
            info = _animal_info(self._animal_row(s, license_no))
            self._require_tag_in_stock(s)
        if info.expires < today:
            raise StateError(
                f"{info.license_no} expired on {long_date(info.expires)}; renew it instead "
                "(a renewal comes with a new tag)."
            )

        def requote(_business_date: dt.date) -> FeeQuote:
            return animal_rules.quote_replacement_tag()

        def apply(p: _Posting) -> str:
            lic = self._animal_row(p.session, info.license_no)
            lic.tag_no = self._allocate_tag(p.session)
            self._record_animal(p, "replacement", lic)
            return f"{lic.license_no} tag {lic.tag_no}"

        return self._hold(
            kind="animal",
            action="replacement",
            summary=f"Replacement tag for {info.license_no} ({info.animal_name}), "
            f"replacing {info.tag_no}",
            today=today,
            paid_on=today,
            requote=requote,
            apply=apply,
        )

    # -- transient occupancy tax ------------------------------------------------------------------
    def file_tot_return(
        self,
        operator: Operator,
        *,
        tot_operator_id: str,
        year: int,
        month: int,
        gross_rents: Decimal,
        exempt_rents: Decimal = Decimal("0"),
        received_via: str = "counter",
        received_on: dt.date | None = None,
    ) -> LicenseCharge:
        """A hotel operator's monthly return: tax, penalties and interest by the paid-on date.
        A month already paid for this operator is refused."""
        operator.require(Permission.TAKE_PAYMENT)
        today = self.ctx.business_date()
        via, received = _received(received_via, received_on, today)
        hotel = _tot_operator(tot_operator_id)
        with self.ctx.sessions() as s:
            self._require_period_open(s, hotel, year, month)

        def requote(business_date: dt.date) -> FeeQuote:
            return quote_tot(
                year=year,
                month=month,
                gross_rents=gross_rents,
                exempt_rents=exempt_rents,
                paid_on=received or business_date,
            )

        def apply(p: _Posting) -> str:
            self._require_period_open(p.session, hotel, year, month)
            assert p.receipt is not None
            tax = _amount(p.quote, [tot_rules.GL_TAX])
            late = [
                ln for ln in p.quote.lines if ln.gl_account == tot_rules.GL_PENALTY_AND_INTEREST
            ]
            interest = sum(ln.amount.cents for ln in late if ln.description.startswith("Interest"))
            filed = TotReturnRow(
                id=new_uuid(),
                application=p.application,
                tot_operator_id=hotel,
                period_year=year,
                period_month=month,
                gross_rents_cents=Money.from_decimal(gross_rents).cents,
                exempt_rents_cents=Money.from_decimal(exempt_rents).cents,
                tax_cents=tax,
                penalty_cents=sum(ln.amount.cents for ln in late) - interest,
                interest_cents=interest,
                total_cents=p.quote.total.cents,
                received_via=via,
                paid_on=received or p.business_date,
                business_date=p.business_date,
                filed_at=p.now,
                cashier_id=p.operator.user_id,
                receipt=p.receipt,
            )
            p.session.add(filed)
            self.ctx.enqueue(
                p.session,
                kind="tot_return",
                subject_id=filed.id,
                at=p.now,
                payload={
                    "id": filed.id,
                    "tot_operator_id": hotel,
                    "period": f"{year}-{month:02d}",
                    "gross_rents_cents": filed.gross_rents_cents,
                    "exempt_rents_cents": filed.exempt_rents_cents,
                    "tax_cents": filed.tax_cents,
                    "penalty_cents": filed.penalty_cents,
                    "interest_cents": filed.interest_cents,
                    "total_cents": filed.total_cents,
                    "paid_on": filed.paid_on.isoformat(),
                    "receipt": p.receipt.number,
                },
            )
            return f"{hotel} {year}-{month:02d}"

        return self._hold(
            kind="tot",
            action="return",
            summary=f"TOT return of {hotel} for {long_month(year, month)}",
            today=today,
            paid_on=received or today,
            requote=requote,
            apply=apply,
        )

    # -- holding applications until they are paid ----------------------------------------------
    def _hold(
        self,
        *,
        kind: str,
        action: str,
        summary: str,
        today: dt.date,
        paid_on: dt.date,
        requote: Callable[[dt.date], FeeQuote],
        apply: Callable[[_Posting], str],
    ) -> LicenseCharge:
        """Hold an application: its fees are ``requote(today)``, the very function the posting
        checks them with."""
        application = _application_id()
        quote = requote(today)
        charge = LicenseCharge(
            application=application,
            kind=kind,
            action=action,
            summary=summary,
            quote=quote,
            lines=_payable(quote, application),
            paid_on=paid_on,
        )
        with self._lock:
            self._pending[application] = _Pending(charge=charge, requote=requote, apply=apply)
        return charge

    def discard(self, application: str) -> None:
        """Forget an application the customer did not pay (its lines were removed)."""
        with self._lock:
            self._pending.pop(application, None)

    def pending(self) -> list[LicenseCharge]:
        with self._lock:
            return [p.charge for p in self._pending.values()]

    # -- posting --------------------------------------------------------------------------------
    def check_receipt(self, s: Session, final: FinalReceipt, operator: Operator) -> None:
        """A posting check: license, tag and TOT lines only come from an application here."""
        for line in final.lines:
            if line.code in LICENSE_CODES and not line.reference.startswith(APPLICATION_PREFIX):
                raise ValidationError(
                    f"{line.code} lines are added by the license screens (which issue the "
                    "license or record the return with the payment), not keyed by hand."
                )

    def on_posted(
        self, s: Session, receipt: Receipt, final: FinalReceipt, operator: Operator
    ) -> None:
        """The posted-hook: issue what the receipt's applications pay for, in its transaction."""
        applications = list(
            dict.fromkeys(
                line.reference
                for line in final.lines
                if line.reference.startswith(APPLICATION_PREFIX)
            )
        )
        if not applications:
            return
        for application in applications:
            on_receipt = [line for line in final.lines if line.reference == application]
            reference = self._apply(
                s,
                application,
                on_receipt,
                receipt=receipt,
                business_date=receipt.business_date,
                now=receipt.posted_at,
                operator=operator,
            )
            for receipt_line in receipt.lines:
                if receipt_line.reference == application:
                    receipt_line.reference = reference

        def forget(_session: Session) -> None:
            with self._lock:
                for application in applications:
                    self._pending.pop(application, None)

        event.listen(s, "after_commit", forget, once=True)

    def _apply(
        self,
        s: Session,
        application: str,
        on_receipt: list[ChargeLine],
        *,
        receipt: Receipt | None,
        business_date: dt.date,
        now: dt.datetime,
        operator: Operator,
    ) -> str:
        with self._lock:
            pending = self._pending.get(application)
        if pending is None:
            done = s.scalar(
                select(IssuedLicenseRow.license_no).where(
                    IssuedLicenseRow.application == application
                )
            )
            if done is not None:
                raise StateError(f"Application {application} was already issued as {done}.")
            raise StateError(
                f"Application {application} is not open at this workstation (was the program "
                "restarted?); remove its lines and start the application again."
            )
        summary = pending.charge.summary
        if Counter(on_receipt) != Counter(pending.charge.lines):
            raise ValidationError(
                f"The lines of “{summary}” were changed on the receipt; remove them and add "
                "the application again."
            )
        fresh = pending.requote(business_date)
        if _payable(fresh, application) != pending.charge.lines:
            raise ValidationError(
                f"The fees for “{summary}” are different on {long_date(business_date)} than "
                "when they were worked out; remove the lines and work them out again."
            )
        posting = _Posting(
            application=application,
            session=s,
            receipt=receipt,
            business_date=business_date,
            now=now,
            operator=operator,
            quote=fresh,
        )
        return pending.apply(posting)

    def pay(
        self, operator: Operator, draft: ReceiptDraft, *, drawer: str = DEFAULT_DRAWER
    ) -> LicensePayment:
        """Post a draft that carries applications, then hand back the licenses issued (with
        their certificates) and the returns recorded."""
        posted = self.payments.post_payment(operator, draft, drawer=drawer)
        return LicensePayment(
            receipt=posted,
            issued=tuple(self.issued_on_receipt(operator, posted.number)),
            returns=tuple(self._returns_on_receipt(posted.id, posted.number)),
        )

    def issue_without_payment(self, operator: Operator, application: str) -> LicensePayment:
        """Issue an application that owes nothing (a service animal; a TOT return with no tax
        that is on time): no receipt, the same records, an audit entry and an outbox row."""
        operator.require(Permission.TAKE_PAYMENT)
        with self._lock:
            pending = self._pending.get(application)
        if pending is None:
            raise NotFound(f"No open application {application!r}.")
        if pending.charge.needs_payment:
            raise StateError(f"“{pending.charge.summary}” owes {pending.charge.total}; take it.")
        if pending.charge.kind == "tot":
            raise StateError(
                "A TOT return with nothing to pay is filed with the city's TOT office, "
                "not at the counter."
            )
        now = self.ctx.now()
        business_date = self.ctx.business_date(now)
        with transaction(self.ctx.sessions) as s:
            reference = self._apply(
                s,
                application,
                [],
                receipt=None,
                business_date=business_date,
                now=now,
                operator=operator,
            )
            row = s.scalar(
                select(IssuedLicenseRow).where(IssuedLicenseRow.application == application)
            )
            assert row is not None
            self.ctx.audit(
                s,
                action="license_issued_without_fee",
                actor_id=operator.user_id,
                subject=row.license_no,
                at=now,
                application=application,
                reference=reference,
            )
            row_id = row.id
        self.discard(application)
        with self.ctx.sessions() as s:
            stored = s.get(IssuedLicenseRow, row_id)
            assert stored is not None
            issued = self._issued(stored, "")
        return LicensePayment(
            receipt=None,
            issued=(issued,),
            returns=(),
        )

    # -- inside the posting transaction -----------------------------------------------------------
    def _record_animal(self, p: _Posting, action: str, lic: AnimalLicenseRow) -> None:
        species = lic.species
        fee = _amount(p.quote, [animal_rules.GL_LICENSE_FEE, animal_rules.GL_REPLACEMENT_TAG])
        self._record_issue(
            p,
            kind="animal",
            action=action,
            license_no=lic.license_no,
            holder=lic.owner,
            owner=lic.owner,
            address=lic.address,
            detail=f"{lic.animal_name} ({species}, {'altered' if lic.altered else 'unaltered'}"
            f"{', service animal' if lic.service_animal else ''})",
            license_class=species,
            term_start=lic.issued,
            term_end=lic.expires,
            tag_no=lic.tag_no,
            received_via="counter",
            received_on=p.business_date,
            fee_cents=fee,
            penalty_cents=_amount(p.quote, [animal_rules.GL_LATE_FEE]),
            state_fee_cents=0,
        )

    def _record_issue(
        self,
        p: _Posting,
        *,
        kind: str,
        action: str,
        license_no: str,
        holder: str,
        owner: str,
        address: str,
        detail: str,
        license_class: str,
        term_start: dt.date,
        term_end: dt.date,
        received_via: str,
        received_on: dt.date,
        tag_no: str = "",
        fee_cents: int | None = None,
        penalty_cents: int | None = None,
        state_fee_cents: int | None = None,
    ) -> None:
        if fee_cents is None:
            fee_cents = _amount(p.quote, [business_rules.GL_TAX])
        if penalty_cents is None:
            penalty_cents = _amount(p.quote, [business_rules.GL_PENALTY])
        if state_fee_cents is None:
            state_fee_cents = _amount(
                p.quote,
                [business_rules.GL_STATE_FEE_CITY_SHARE, business_rules.GL_STATE_FEE_STATE_SHARE],
            )
        row = IssuedLicenseRow(
            id=new_uuid(),
            application=p.application,
            kind=kind,
            action=action,
            license_no=license_no,
            holder=holder[:120],
            owner=owner[:120],
            address=address[:120],
            detail=detail[:120],
            license_class=license_class,
            term_start=term_start,
            term_end=term_end,
            tag_no=tag_no,
            received_via=received_via,
            received_on=received_on,
            business_date=p.business_date,
            issued_at=p.now,
            cashier_id=p.operator.user_id,
            receipt=p.receipt,
            fee_cents=fee_cents,
            penalty_cents=penalty_cents,
            state_fee_cents=state_fee_cents,
            total_cents=fee_cents + penalty_cents + state_fee_cents,
        )
        if row.total_cents != p.quote.total.cents:
            raise StateError(f"The fees of {license_no} do not add up; nothing was issued.")
        p.session.add(row)
        self.ctx.enqueue(
            p.session,
            kind="license",
            subject_id=row.id,
            at=p.now,
            payload=_issue_payload(row, p.receipt.number if p.receipt is not None else ""),
        )

    def _next_license_no(self, s: Session, kind: str) -> str:
        """The next number of a kind ("BL", "AL") at this workstation, gapless: the counter
        moves inside the posting transaction and rolls back with it."""
        number = s.execute(
            update(LicenseCounterRow)
            .where(LicenseCounterRow.kind == kind)
            .values(last_no=LicenseCounterRow.last_no + 1)
            .returning(LicenseCounterRow.last_no)
        ).scalar_one_or_none()
        if number is None:
            number = 1
            s.add(LicenseCounterRow(kind=kind, last_no=number))
        return f"{kind}-{self.ctx.workstation_id}-{int(number):05d}"

    def _allocate_tag(self, s: Session) -> str:
        """The next tag from the stock: the oldest range that has tags left."""
        stock = s.scalar(
            select(TagStockRow)
            .where(TagStockRow.next_no <= TagStockRow.last_no)
            .order_by(TagStockRow.id)
            .limit(1)
        )
        if stock is None:
            raise StateError(EMPTY_TAG_STOCK)
        number = stock.next_no
        stock.next_no = number + 1
        return f"{stock.prefix}{number}"

    def _require_tag_in_stock(self, s: Session) -> None:
        left = s.scalar(select(TagStockRow.id).where(TagStockRow.next_no <= TagStockRow.last_no))
        if left is None:
            raise StateError(EMPTY_TAG_STOCK)

    def _require_period_open(self, s: Session, hotel: str, year: int, month: int) -> None:
        filed = s.scalar(
            select(TotReturnRow).where(
                TotReturnRow.tot_operator_id == hotel,
                TotReturnRow.period_year == year,
                TotReturnRow.period_month == month,
            )
        )
        if filed is not None:
            receipt = s.get(Receipt, filed.receipt_id)
            on = f" on receipt {receipt.number}" if receipt is not None else ""
            raise StateError(
                f"The {long_month(year, month)} TOT return of {hotel} was already paid"
                f"{on} ({long_date(filed.business_date)}); it cannot be paid twice."
            )

    @staticmethod
    def _business_row(s: Session, license_no: str) -> BusinessLicenseRow:
        row = s.get(BusinessLicenseRow, license_no.strip().upper())
        if row is None:
            raise NotFound(f"No business license {license_no.strip()!r}.")
        return row

    @staticmethod
    def _animal_row(s: Session, license_no: str) -> AnimalLicenseRow:
        row = s.get(AnimalLicenseRow, license_no.strip().upper())
        if row is None:
            raise NotFound(f"No animal license {license_no.strip()!r}.")
        return row

    # -- after posting: what was issued, certificates --------------------------------------------
    def issued_on_receipt(self, operator: Operator, receipt_number: str) -> list[IssuedLicense]:
        """The licenses a receipt issued, each with its certificate (saved when the service
        has a documents folder)."""
        operator.require(Permission.REPRINT_RECEIPT)
        with self.ctx.sessions() as s:
            receipt = s.scalar(select(Receipt).where(Receipt.number == receipt_number))
            if receipt is None:
                raise NotFound(f"No receipt {receipt_number!r}.")
            rows = s.scalars(
                select(IssuedLicenseRow)
                .where(IssuedLicenseRow.receipt_id == receipt.id)
                .order_by(IssuedLicenseRow.issued_at, IssuedLicenseRow.license_no)
            ).all()
            return [self._issued(row, receipt.number) for row in rows]

    def certificate(self, operator: Operator, license_no: str) -> bytes:
        """The certificate of a license's latest issue here (a reprint)."""
        operator.require(Permission.REPRINT_RECEIPT)
        with self.ctx.sessions() as s:
            row = s.scalar(
                select(IssuedLicenseRow)
                .where(IssuedLicenseRow.license_no == license_no.strip().upper())
                .order_by(IssuedLicenseRow.issued_at.desc())
                .limit(1)
            )
            if row is None:
                raise NotFound(f"No license {license_no.strip()!r} was issued at this counter.")
            receipt = s.get(Receipt, row.receipt_id) if row.receipt_id else None
            from cashdesk.reports.license_certificate import render_certificate

            return render_certificate(self._certificate(row, receipt.number if receipt else ""))

    def _issued(self, row: IssuedLicenseRow, receipt_number: str) -> IssuedLicense:
        from cashdesk.reports.license_certificate import render_certificate

        pdf = render_certificate(self._certificate(row, receipt_number))
        path = None
        if self.documents_dir is not None:
            folder = self.documents_dir / "certificates"
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{row.license_no}_{row.application}.pdf"
            path.write_bytes(pdf)
        return IssuedLicense(
            license_no=row.license_no,
            kind=row.kind,
            action=row.action,
            holder=row.holder,
            term_start=row.term_start,
            term_end=row.term_end,
            tag_no=row.tag_no,
            receipt_number=receipt_number,
            total=Money(cents=row.total_cents),
            certificate=pdf,
            certificate_path=path,
        )

    def _certificate(self, row: IssuedLicenseRow, receipt_number: str) -> Certificate:
        from cashdesk.reports.license_certificate import Certificate

        issued = long_date(row.business_date)
        if receipt_number:
            issued += f", receipt {receipt_number}"
        term = f"{long_date(row.term_start)} to {long_date(row.term_end)}"
        paid = f"{Money(cents=row.total_cents)}"
        if row.kind == "business":
            klass = business_rules.license_class_of(row.license_class)
            return Certificate(
                city=self.ctx.config.city_name,
                title="Business License",
                license_no=row.license_no,
                holder=row.holder,
                fields=(
                    ("Owner", row.owner),
                    ("Business address", row.address),
                    ("Classification", f"{klass.value} — {business_rules.CLASS_NAMES[klass]}"),
                    ("License term", term),
                    ("Kind", "New license" if row.action == "new" else "Renewal"),
                    ("Issued", issued),
                    ("Fees paid", paid),
                ),
                footer="Post this license in a conspicuous place at the place of business. "
                "It is not transferable and expires at the end of the license term.",
                signature=self._signature(),
            )
        species = row.license_class.capitalize()
        return Certificate(
            city=self.ctx.config.city_name,
            title=f"{species} License",
            license_no=row.license_no,
            holder=row.detail,
            fields=(
                ("Owner", row.owner),
                ("Address", row.address),
                ("Tag number", row.tag_no),
                ("License term", term),
                ("Kind", {"new": "New license", "renewal": "Renewal"}.get(row.action, "Tag")),
                ("Issued", issued),
                ("Fees paid", paid),
            ),
            footer="The tag must be worn by the animal at all times. "
            "A lost tag is replaced for $5.00 at the finance counter.",
            signature=self._signature(),
        )

    def _signature(self) -> Signature:
        from cashdesk.reports.license_certificate import Signature

        signing = self.ctx.config.certificates
        return Signature(name=signing.signatory, title=signing.title, image=signing.image)

    def _returns_on_receipt(self, receipt_id: str, number: str) -> list[FiledReturn]:
        with self.ctx.sessions() as s:
            rows = s.scalars(select(TotReturnRow).where(TotReturnRow.receipt_id == receipt_id))
            return [
                FiledReturn(
                    tot_operator_id=r.tot_operator_id,
                    year=r.period_year,
                    month=r.period_month,
                    total=Money(cents=r.total_cents),
                    receipt_number=number,
                )
                for r in rows
            ]

    # -- tag stock ------------------------------------------------------------------------------
    def load_tag_stock(
        self, operator: Operator, *, prefix: str, first_no: int, last_no: int
    ) -> TagRange:
        """Add a range of tags delivered to this counter (``prefix`` + numbers, inclusive)."""
        operator.require(Permission.MANAGE_TAG_STOCK)
        letters = prefix.strip().upper()
        if not _TAG_PREFIX.match(letters):
            raise ValidationError(f"A tag prefix is up to 4 letters, not {prefix!r}.")
        if first_no < 0 or last_no < first_no:
            raise ValidationError(f"The tag range {first_no} to {last_no} is not a range.")
        if last_no - first_no + 1 > MAX_TAG_RANGE:
            raise ValidationError(f"A tag range holds at most {MAX_TAG_RANGE:,} tags.")
        now = self.ctx.now()
        with transaction(self.ctx.sessions) as s:
            for other in s.scalars(select(TagStockRow).where(TagStockRow.prefix == letters)):
                if first_no <= other.last_no and other.first_no <= last_no:
                    raise ValidationError(
                        f"Tags {letters}{first_no}-{letters}{last_no} overlap the range "
                        f"{letters}{other.first_no}-{letters}{other.last_no} already loaded."
                    )
            pattern = re.compile(rf"^{re.escape(letters)}(\d+)$")
            for tag in s.scalars(
                select(AnimalLicenseRow.tag_no).where(AnimalLicenseRow.tag_no.like(f"{letters}%"))
            ):
                match = pattern.match(tag)
                if match and first_no <= int(match[1]) <= last_no:
                    raise ValidationError(
                        f"Tag {tag} is already on an animal license; check the range."
                    )
            row = TagStockRow(
                prefix=letters,
                first_no=first_no,
                last_no=last_no,
                next_no=first_no,
                loaded_at=now,
                loaded_by_id=operator.user_id,
            )
            s.add(row)
            self.ctx.audit(
                s,
                action="tag_stock_loaded",
                actor_id=operator.user_id,
                subject=f"{letters}{first_no}-{letters}{last_no}",
                at=now,
                tags=last_no - first_no + 1,
            )
            return TagRange(prefix=letters, first_no=first_no, last_no=last_no, next_no=first_no)

    def tag_stock(self) -> list[TagRange]:
        """Every range loaded, oldest first, with what is left of it."""
        with self.ctx.sessions() as s:
            return [
                TagRange(prefix=r.prefix, first_no=r.first_no, last_no=r.last_no, next_no=r.next_no)
                for r in s.scalars(select(TagStockRow).order_by(TagStockRow.id))
            ]

    # -- the license register -------------------------------------------------------------------
    def license_register(
        self, operator: Operator, *, start: dt.date, end: dt.date, kind: str | None = None
    ) -> list[RegisterEntry]:
        """Licenses issued here with business dates from ``start`` to ``end`` (inclusive)."""
        from cashdesk.reports.license_register import RegisterEntry

        operator.require(Permission.LICENSE_REGISTER)
        if end < start:
            raise ValidationError(
                f"The register's end {long_date(end)} is before its start {long_date(start)}."
            )
        if kind not in (None, "business", "animal"):
            raise ValidationError(f"The register lists business or animal licenses, not {kind!r}.")
        with self.ctx.sessions() as s:
            query = (
                select(IssuedLicenseRow, Receipt.number, Receipt.status)
                .outerjoin(Receipt, Receipt.id == IssuedLicenseRow.receipt_id)
                .where(
                    IssuedLicenseRow.business_date >= start, IssuedLicenseRow.business_date <= end
                )
                .order_by(IssuedLicenseRow.business_date, IssuedLicenseRow.issued_at)
            )
            if kind is not None:
                query = query.where(IssuedLicenseRow.kind == kind)
            return [
                RegisterEntry(
                    business_date=row.business_date,
                    license_no=row.license_no,
                    kind=row.kind,
                    action=row.action,
                    holder=row.holder,
                    license_class=row.license_class,
                    term_start=row.term_start,
                    term_end=row.term_end,
                    tag_no=row.tag_no,
                    received_via=row.received_via,
                    receipt_number=number or "",
                    status=status or "no fee",
                    fee=Money(cents=row.fee_cents),
                    penalty=Money(cents=row.penalty_cents),
                    state_fee=Money(cents=row.state_fee_cents),
                    total=Money(cents=row.total_cents),
                )
                for row, number, status in s.execute(query)
            ]

    def write_license_register(
        self,
        operator: Operator,
        *,
        start: dt.date,
        end: dt.date,
        out: Path,
        kind: str | None = None,
    ) -> int:
        """Write the register to ``out`` (.pdf or .csv); returns the number of entries."""
        from cashdesk.reports.license_register import register_csv, register_pdf

        suffix = out.suffix.lower()
        if suffix not in {".pdf", ".csv"}:
            raise ValidationError(f"The register is written as .pdf or .csv, not {out.name!r}.")
        entries = self.license_register(operator, start=start, end=end, kind=kind)
        if suffix == ".csv":
            out.write_text(register_csv(entries), encoding="utf-8", newline="")
        else:
            printed = self.ctx.local_time(self.ctx.now()).strftime("%Y-%m-%d %H:%M")
            out.write_bytes(
                register_pdf(
                    entries,
                    city=self.ctx.config.city_name,
                    start=start,
                    end=end,
                    printed=printed,
                    workstation=self.ctx.workstation_id,
                )
            )
        with transaction(self.ctx.sessions) as s:
            self.ctx.audit(
                s,
                action="license_register_run",
                actor_id=operator.user_id,
                subject=f"{start.isoformat()}..{end.isoformat()}",
                entries=len(entries),
            )
        return len(entries)


def _check_renewal_year(number: str, expires: dt.date, year: int, today: dt.date) -> None:
    if year <= expires.year:
        raise StateError(f"{number} is already licensed through {long_date(expires)}.")
    if year > today.year + 1:
        raise StateError(
            f"{number} is already licensed through {long_date(expires)}; renewals for {year} "
            f"are taken from January 1, {year - 1}."
        )
    if year > expires.year + 1:
        raise ValidationError(
            f"{number} is licensed through {long_date(expires)}; renew it for "
            f"{expires.year + 1} first (each license year is renewed in turn)."
        )


def _tot_operator(value: str) -> str:
    hotel = require_text(value, field="TOT operator id").upper()
    if not _TOT_OPERATOR.match(hotel):
        raise ValidationError(
            f"A TOT operator id is letters, digits and dashes (up to 20), not {value!r}."
        )
    return hotel


def _animal_info(row: AnimalLicenseRow) -> AnimalLicenseInfo:
    return AnimalLicenseInfo(
        license_no=row.license_no,
        owner=row.owner,
        owner_birth_date=row.owner_birth_date,
        address=row.address,
        animal_name=row.animal_name,
        species=row.species,
        altered=row.altered,
        service_animal=row.service_animal,
        tag_no=row.tag_no,
        issued=row.issued,
        expires=row.expires,
        rabies_expires=row.rabies_expires,
    )


def _issue_payload(row: IssuedLicenseRow, receipt_number: str) -> dict[str, object]:
    return {
        "id": row.id,
        "application": row.application,
        "owner": row.owner,
        "address": row.address,
        "detail": row.detail,
        "license_class": row.license_class,
        "received_via": row.received_via,
        "received_on": row.received_on.isoformat(),
        "business_date": row.business_date.isoformat(),
        "fee_cents": row.fee_cents,
        "penalty_cents": row.penalty_cents,
        "state_fee_cents": row.state_fee_cents,
        "license_no": row.license_no,
        "kind": row.kind,
        "action": row.action,
        "holder": row.holder,
        "term_start": row.term_start.isoformat(),
        "term_end": row.term_end.isoformat(),
        "tag_no": row.tag_no,
        "receipt": receipt_number,
        "total_cents": row.total_cents,
    }


__all__ = [
    "EMPTY_TAG_STOCK",
    "AnimalLicenseInfo",
    "BusinessLicenseInfo",
    "FiledReturn",
    "IssuedLicense",
    "LicenseCharge",
    "LicensePayment",
    "LicenseService",
    "TagRange",
]
