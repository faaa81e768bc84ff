"""What the license modules share: the data types handed out, the application's posting
context, and the small rules of received dates, renewal years and payloads."""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from cashdesk.domain import animal_license as animal_rules
from cashdesk.domain import business_license as business_rules
from cashdesk.domain import tot as tot_rules
from cashdesk.domain.inputs import received, require_text
from cashdesk.domain.lines import ChargeLine
from cashdesk.domain.money import Money
from cashdesk.domain.quote import FeeQuote
from cashdesk.domain.receipt import ReceiptDraft
from cashdesk.domain.roles import Operator
from cashdesk.errors import ValidationError
from cashdesk.services.payments import PostedReceipt
from cashdesk.store.license_models import (
    IssuedLicenseRow,
)
from cashdesk.store.models import Receipt
from cashdesk.store.reference_models import AnimalLicenseRow

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
ANIMAL_RENEWAL_OPENS_DAYS = animal_rules.RENEWAL_OPENS_DAYS
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


# -- what an application's issue gets inside the posting transaction -----------------------
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
    return received(received_via, received_on, business_date)


def _application_id() -> str:
    return f"{APPLICATION_PREFIX}{uuid.uuid4().hex[:10].upper()}"


def _check_renewal_year(number: str, expires: dt.date, year: int, today: dt.date) -> None:
    business_rules.check_renewal_year(number, expires=expires, year=year, today=today)


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
