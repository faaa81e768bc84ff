"""Animal licenses and the tag stock (RULES.md section 2)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import ClassVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from cashdesk.domain import animal_license as animal_rules
from cashdesk.domain.calendar import long_date
from cashdesk.domain.inputs import require_text
from cashdesk.domain.quote import FeeQuote
from cashdesk.domain.roles import Operator, Permission
from cashdesk.errors import NotFound, StateError, ValidationError
from cashdesk.services.licenses.applications import (
    Application,
    LicenseApplications,
    LicenseParticipant,
    give_back_number,
    restore_state,
    row_state,
)
from cashdesk.services.licenses.common import (
    _TAG_PREFIX,
    ANIMAL_RENEWAL_OPENS_DAYS,
    EMPTY_TAG_STOCK,
    MAX_TAG_RANGE,
    AnimalLicenseInfo,
    LicenseCharge,
    TagRange,
    _amount,
    _animal_info,
    _Posting,
)
from cashdesk.services.posting import Voiding
from cashdesk.store.engine import transaction
from cashdesk.store.license_models import (
    IssuedLicenseRow,
    TagStockRow,
)
from cashdesk.store.reference_models import AnimalLicenseRow


class AnimalLicenses(LicenseApplications):
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
        if not animal_rules.renewal_is_open(expires=info.expires, today=today):
            raise StateError(
                f"{info.license_no} ({info.animal_name}) is licensed until "
                f"{long_date(info.expires)}; renewals open {ANIMAL_RENEWAL_OPENS_DAYS} days "
                "before the expiry."
            )
        return self._hold(
            AnimalRenewal(
                license_no=info.license_no,
                species=animal_rules.species_of(info.species),
                due_on=info.expires,
                term_years=term_years,
                altered=info.altered if altered is None else altered,
                service_animal=info.service_animal if service_animal is None else service_animal,
                rabies_expires=info.rabies_expires if rabies_expires is None else rabies_expires,
                owner_birth_date=(
                    info.owner_birth_date if owner_birth_date is None else owner_birth_date
                ),
            ),
            summary=f"Renewal of {info.license_no} ({info.animal_name}, {info.species})",
            paid_on=today,
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
        return self._hold(
            NewAnimalLicense(
                owner=owner_name,
                address=where,
                animal_name=name,
                species=kind,
                altered=altered,
                acquired_on=acquired_on,
                term_years=term_years,
                rabies_expires=rabies_expires,
                owner_birth_date=owner_birth_date,
                service_animal=service_animal,
            ),
            summary=f"New {kind.value} license for {name} ({owner_name})",
            paid_on=today,
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
        return self._hold(
            ReplacementTag(license_no=info.license_no),
            summary=f"Replacement tag for {info.license_no} ({info.animal_name}), "
            f"replacing {info.tag_no}",
            paid_on=today,
        )

    @staticmethod
    def _allocate_tag(s: Session) -> str:
        return allocate_tag(s)

    def _require_tag_in_stock(self, s: Session) -> None:
        left = s.scalar(select(TagStockRow.id).where(TagStockRow.next_no <= TagStockRow.last_no))
        if left is None:
            raise StateError(EMPTY_TAG_STOCK)

    @staticmethod
    def _animal_row(s: Session, license_no: str) -> AnimalLicenseRow:
        return animal_row(s, license_no)

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


def animal_row(s: Session, license_no: str) -> AnimalLicenseRow:
    row = s.get(AnimalLicenseRow, license_no.strip().upper())
    if row is None:
        raise NotFound(f"No animal license {license_no.strip()!r}.")
    return row


def allocate_tag(s: Session) -> str:
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


_TAG = re.compile(r"^([A-Z]{0,4})([0-9]+)$")


def return_tag(s: Session, tag: str, *, by: int, at: dt.datetime) -> None:
    """A voided license's tag goes back to the stock: its range takes it back when it was the
    last one handed out, else it is stocked again as a range of one (handed out after the
    older ranges)."""
    match = _TAG.match(tag)
    if match is None:
        return
    prefix, number = match.group(1), int(match.group(2))
    stock = s.scalar(
        select(TagStockRow).where(TagStockRow.prefix == prefix, TagStockRow.next_no == number + 1)
    )
    if stock is not None and stock.first_no <= number:
        stock.next_no = number
        return
    s.add(
        TagStockRow(
            prefix=prefix,
            first_no=number,
            last_no=number,
            next_no=number,
            loaded_at=at,
            loaded_by_id=by,
        )
    )


def record_animal(
    licenses: LicenseApplications, p: _Posting, action: str, lic: AnimalLicenseRow, prior: str
) -> None:
    species = lic.species
    fee = _amount(p.quote, [animal_rules.GL_LICENSE_FEE, animal_rules.GL_REPLACEMENT_TAG])
    licenses._record_issue(
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
        prior=prior,
        fee_cents=fee,
        penalty_cents=_amount(p.quote, [animal_rules.GL_LATE_FEE]),
        state_fee_cents=0,
    )


@dataclass(frozen=True, kw_only=True)
class AnimalRenewal(Application):
    kind: ClassVar[str] = "animal"
    action: ClassVar[str] = "renewal"

    license_no: str
    species: animal_rules.Species
    due_on: dt.date  # the previous license's expiry
    term_years: int
    altered: bool
    service_animal: bool
    rabies_expires: dt.date | None
    owner_birth_date: dt.date | None

    def issued_on(self, business_date: dt.date) -> dt.date:
        return max(business_date, self.due_on + dt.timedelta(days=1))

    def license_changed(self) -> str | None:
        return self.license_no

    def requote(self, business_date: dt.date) -> FeeQuote:
        return animal_rules.quote_animal_license(
            species=self.species,
            altered=self.altered,
            issued_on=self.issued_on(business_date),
            due_on=self.due_on,
            term_years=self.term_years,
            rabies_expires=self.rabies_expires,
            owner_born_on=self.owner_birth_date,
            service_animal=self.service_animal,
        )

    def issue(self, licenses: LicenseApplications, p: _Posting) -> str:
        lic = animal_row(p.session, self.license_no)
        if lic.expires != self.due_on:
            raise StateError(
                f"{self.license_no} was renewed meanwhile (now until "
                f"{long_date(lic.expires)}); remove these lines."
            )
        prior = row_state(lic)
        tag = allocate_tag(p.session)
        assert p.quote.expires is not None
        lic.issued = self.issued_on(p.business_date)
        lic.expires = p.quote.expires
        lic.tag_no = tag
        lic.altered = self.altered
        lic.service_animal = self.service_animal
        lic.rabies_expires = self.rabies_expires
        lic.owner_birth_date = self.owner_birth_date
        record_animal(licenses, p, "renewal", lic, prior)
        return f"{lic.license_no} tag {tag}"


@dataclass(frozen=True, kw_only=True)
class NewAnimalLicense(Application):
    kind: ClassVar[str] = "animal"
    action: ClassVar[str] = "new"

    owner: str
    address: str
    animal_name: str
    species: animal_rules.Species
    altered: bool
    acquired_on: dt.date
    term_years: int
    rabies_expires: dt.date | None
    owner_birth_date: dt.date | None
    service_animal: bool

    def requote(self, business_date: dt.date) -> FeeQuote:
        return animal_rules.quote_animal_license(
            species=self.species,
            altered=self.altered,
            issued_on=business_date,
            due_on=self.acquired_on,
            term_years=self.term_years,
            rabies_expires=self.rabies_expires,
            owner_born_on=self.owner_birth_date,
            service_animal=self.service_animal,
        )

    def issue(self, licenses: LicenseApplications, p: _Posting) -> str:
        number = licenses._next_license_no(p.session, "AL")
        tag = allocate_tag(p.session)
        assert p.quote.expires is not None
        lic = AnimalLicenseRow(
            license_no=number,
            owner=self.owner,
            owner_birth_date=self.owner_birth_date,
            address=self.address,
            animal_name=self.animal_name,
            species=self.species.value,
            altered=self.altered,
            service_animal=self.service_animal,
            tag_no=tag,
            issued=p.business_date,
            expires=p.quote.expires,
            rabies_expires=self.rabies_expires,
        )
        p.session.add(lic)
        record_animal(licenses, p, "new", lic, "")
        return f"{number} tag {tag}"


@dataclass(frozen=True, kw_only=True)
class ReplacementTag(Application):
    kind: ClassVar[str] = "animal"
    action: ClassVar[str] = "replacement"

    license_no: str

    def license_changed(self) -> str | None:
        return self.license_no

    def requote(self, business_date: dt.date) -> FeeQuote:
        return animal_rules.quote_replacement_tag()

    def issue(self, licenses: LicenseApplications, p: _Posting) -> str:
        lic = animal_row(p.session, self.license_no)
        prior = row_state(lic)
        lic.tag_no = allocate_tag(p.session)
        record_animal(licenses, p, "replacement", lic, prior)
        return f"{lic.license_no} tag {lic.tag_no}"


class AnimalLicenseParticipant(LicenseParticipant):
    """ANL and ANT: a void puts a renewed or re-tagged license back as it was (issue and
    expiry dates, tag, details on file), removes a new one, and returns its tag to stock."""

    def __init__(self, licenses: LicenseApplications) -> None:
        super().__init__(
            licenses,
            name="animal",
            codes=frozenset({animal_rules.CODE_LICENSE, animal_rules.CODE_TAG}),
        )

    def undo(self, voiding: Voiding) -> None:
        tags = voiding.session.scalars(
            select(IssuedLicenseRow.tag_no).where(
                IssuedLicenseRow.receipt_id == voiding.receipt.id,
                IssuedLicenseRow.kind == "animal",
                IssuedLicenseRow.tag_no != "",
            )
        ).all()
        super().undo(voiding)
        # The last tag handed out first, so each range steps back over the tags it gave.
        for tag in sorted(tags, key=_tag_order, reverse=True):
            return_tag(voiding.session, tag, by=voiding.operator.user_id, at=voiding.now)
        voiding.session.flush()

    def take_back(
        self, voiding: Voiding, application: str, issued: IssuedLicenseRow | None
    ) -> None:
        if issued is None:
            return
        s = voiding.session
        lic = s.get(AnimalLicenseRow, issued.license_no)
        if lic is None:
            return
        if issued.action == "new":
            s.delete(lic)
            give_back_number(s, "AL", issued.license_no)
        else:
            restore_state(lic, issued.prior)


def _tag_order(tag: str) -> tuple[str, int]:
    match = _TAG.match(tag)
    return (match.group(1), int(match.group(2))) if match else (tag, 0)
