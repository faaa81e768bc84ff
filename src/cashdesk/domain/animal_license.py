"""Dog and cat licenses and replacement tags (RULES.md section 2; revenue codes ANL, ANT).

A license quote has the license fee line, always (a service animal's is $0.00: the line is the
license on the receipt), then the late fee line only when one is owed. Tag numbers come from
the tag stock, which the store allocates in the posting transaction; nothing here needs them.

Choices where RULES.md leaves room:

- The issue date is the day the license is paid at the counter; "paid more than 30 days after
  it was due" is counted from ``due_on`` to that date: day 30 owes no late fee, day 31 does.
- The senior discount halves the whole term's fee (years x annual fee), rounded half up once.
  With the current schedule every half is whole cents either way.
- The rabies limit applies to dogs only ("cats need no rabies proof"): a cat's rabies expiry,
  if given, is not checked against the term.
- A dog whose vaccination runs out before the license would is refused even for a 1-year term;
  the refusal names the longest term that would fit, or asks for a new vaccination.
- A service animal's license still follows the term and rabies rules; only the fees go.
- A replacement tag is $5.00 for every animal, service animals included (RULES.md waives only
  the license and late fees).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from cashdesk.domain.calendar import is_senior, long_date, same_date_years_later
from cashdesk.domain.inputs import require_birth_date, require_bool, require_date, require_int
from cashdesk.domain.lines import ChargeLine
from cashdesk.domain.money import Money
from cashdesk.domain.quote import FeeQuote
from cashdesk.errors import ValidationError

CODE_LICENSE = "ANL"
CODE_TAG = "ANT"

GL_LICENSE_FEE = "101-220-32210"
GL_LATE_FEE = "101-220-32220"
GL_REPLACEMENT_TAG = "101-220-32230"


class Species(StrEnum):
    DOG = "dog"
    CAT = "cat"


# Annual fee by (species, altered).
ANNUAL_FEE = {
    (Species.DOG, True): Money(cents=20_00),
    (Species.DOG, False): Money(cents=60_00),
    (Species.CAT, True): Money(cents=10_00),
    (Species.CAT, False): Money(cents=30_00),
}
TERMS = (1, 2, 3)
LATE_FEE = Money(cents=15_00)
LATE_AFTER_DAYS = 30
REPLACEMENT_TAG_FEE = Money(cents=5_00)
# Renewals open this many days before the expiry, so a mistyped license number cannot
# silently replace a license that has years to run.
RENEWAL_OPENS_DAYS = 90


def renewal_is_open(*, expires: date, today: date) -> bool:
    """May a license that ``expires`` be renewed ``today``?"""
    return (expires - today).days <= RENEWAL_OPENS_DAYS


SENIOR_SHARE = Decimal("0.5")


def species_of(value: Species | str) -> Species:
    if isinstance(value, Species):
        return value
    if not isinstance(value, str):
        raise TypeError(f"species must be a Species or str, not {type(value).__name__}")
    try:
        return Species(value.strip().lower())
    except ValueError:
        raise ValidationError(f"{value!r} cannot be licensed here; choose dog or cat.") from None


def license_expiry(*, issued_on: date, term_years: int) -> date:
    """The last day of a license: the day before the same date ``term_years`` later.

    A February 29 issue date counts as March 1 in a year without one, so it ends February 28.
    """
    return same_date_years_later(issued_on, term_years) - timedelta(days=1)


def _years(count: int) -> str:
    return f"{count} year{'s' if count != 1 else ''}"


def _check_rabies(*, issued_on: date, term_years: int, expires: date, rabies: date) -> None:
    if expires <= rabies:
        return
    if rabies < issued_on:
        raise ValidationError(
            f"The dog's rabies vaccination expired on {long_date(rabies)}; "
            "it needs a current vaccination before it can be licensed."
        )
    fitting = [
        years
        for years in TERMS
        if years < term_years and license_expiry(issued_on=issued_on, term_years=years) <= rabies
    ]
    advice = (
        f"Choose a term of at most {_years(max(fitting))}."
        if fitting
        else "The dog needs a new rabies vaccination first."
    )
    raise ValidationError(
        f"A {term_years}-year license would run to {long_date(expires)}, past the rabies "
        f"vaccination expiry on {long_date(rabies)}. {advice}"
    )


def quote_animal_license(
    *,
    species: Species | str,
    altered: bool,
    issued_on: date,
    due_on: date,
    term_years: int = 1,
    rabies_expires: date | None = None,
    owner_born_on: date | None = None,
    service_animal: bool = False,
) -> FeeQuote:
    """A dog or cat license issued (and paid) on ``issued_on``.

    ``due_on`` is when it was due: a renewal's previous expiry date, a new license's date of
    acquiring the animal or moving into the city. ``rabies_expires`` is required for dogs.
    ``owner_born_on`` enables the senior discount (62 or over on the issue date, altered
    animals). The quote's ``expires`` is the license's last day.
    """
    kind = species_of(species)
    is_altered = require_bool(altered, field="altered")
    issued_on = require_date(issued_on, field="issued_on")
    due_on = require_date(due_on, field="due_on")
    years = require_int(term_years, field="term_years")
    is_service = require_bool(service_animal, field="service_animal")

    if years not in TERMS:
        raise ValidationError(f"A license term is 1, 2 or 3 years, not {years}.")
    if years > 1 and not is_altered:
        raise ValidationError(
            "Terms over 1 year are only for spayed or neutered animals; choose a 1-year term."
        )
    expires = license_expiry(issued_on=issued_on, term_years=years)
    rabies = (
        None if rabies_expires is None else require_date(rabies_expires, field="rabies_expires")
    )
    if kind is Species.DOG:
        if rabies is None:
            raise ValidationError(
                "A dog license needs proof of rabies vaccination: enter the vaccination's "
                "expiry date."
            )
        _check_rabies(issued_on=issued_on, term_years=years, expires=expires, rabies=rabies)

    senior = False
    if owner_born_on is not None:
        born_on = require_birth_date(
            owner_born_on, person="owner", on=issued_on, event="issue date"
        )
        senior = is_senior(born_on=born_on, on=issued_on)

    notes: list[str] = []
    description = (
        f"{kind.value.capitalize()} license, {'altered' if is_altered else 'unaltered'}, "
        f"{_years(years)} ({long_date(issued_on)} to {long_date(expires)})"
    )
    fee = ANNUAL_FEE[(kind, is_altered)] * years
    if is_service:
        fee = Money.zero()
        description += ", service animal"
        notes.append("Service or assistance animal: no license fee and no late fee.")
    elif senior and is_altered:
        fee = fee.times(SENIOR_SHARE)
        description += ", senior half fee"
        notes.append("Owner is 62 or over: half the license fee.")

    lines = [
        ChargeLine(
            code=CODE_LICENSE, description=description, amount=fee, gl_account=GL_LICENSE_FEE
        )
    ]
    days_late = (issued_on - due_on).days
    if days_late > LATE_AFTER_DAYS and not is_service:
        lines.append(
            ChargeLine(
                code=CODE_LICENSE,
                description=f"Late fee: paid {days_late} days after the due date "
                f"{long_date(due_on)}",
                amount=LATE_FEE,
                gl_account=GL_LATE_FEE,
            )
        )
    return FeeQuote.of(lines, expires=expires, notes=notes)


def quote_replacement_tag() -> FeeQuote:
    """A replacement tag for a current license (the store assigns the new tag number)."""
    line = ChargeLine(
        code=CODE_TAG,
        description="Replacement animal license tag",
        amount=REPLACEMENT_TAG_FEE,
        gl_account=GL_REPLACEMENT_TAG,
    )
    return FeeQuote.of([line])
