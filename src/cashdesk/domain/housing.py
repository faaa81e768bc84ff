"""The City's housing assistance program (RULES.md sections 12 and 13).

Income verification: every adult member's income sources, annualised (weekly × 52, every two
weeks × 26, twice a month × 24, monthly × 12, yearly × 1), summed and compared with the limit
for the household's size (50% of the area median income). Income of members under 18 is not
counted. Amounts are whole cents and the factors whole numbers, so no rounding is needed.

States: received → documents pending → under review → approved or denied (a letter gives the
reason) → re-registration due (60 days before the anniversary of approval) → renewed, or
lapsed 30 days after the anniversary without re-registration.

Choices where RULES.md is silent (recorded here and in the report):
- Ages and anniversaries use the city's one convention (``calendar.same_date_years_later``):
  someone born on February 29 turns 18 on March 1 in a common year, and an approval given on
  February 29 has its anniversary on March 1. A member who turns 18 on the day the worksheet is
  made is an adult that day (their income counts).
- "Lapsed 30 days after the anniversary": a case lapses ON anniversary + 30 days; it may still
  re-register the day before. A renewal keeps the case's cycle: the next anniversary is one
  year after the previous one, however early the household re-registered.
- Re-registration repeats the income verification; a household no longer eligible is denied
  (the case closes) with the reason on the letter.
- A household of 0 members, or one with no adult, is refused (someone 18 or over applies).
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass

from cashdesk.domain.calendar import age_on, same_date_years_later
from cashdesk.domain.money import Money, total
from cashdesk.domain.privacy import find_pans
from cashdesk.errors import StateError, ValidationError

ADULT_AGE = 18
# RULES.md section 12: 50% of area median income by household size.
LIMITS: dict[int, Money] = {
    1: Money(cents=41_300_00),
    2: Money(cents=47_200_00),
    3: Money(cents=53_100_00),
    4: Money(cents=58_950_00),
    5: Money(cents=63_700_00),
    6: Money(cents=68_400_00),
    7: Money(cents=73_100_00),
    8: Money(cents=77_850_00),
}
EACH_FURTHER_PERSON = Money(cents=4_700_00)
MAX_HOUSEHOLD = 30  # a bound on typing slips, far above any real household
REREGISTER_BEFORE = dt.timedelta(days=60)
LAPSE_AFTER = dt.timedelta(days=30)
RETENTION_YEARS = 5  # RULES.md section 13: 5 years after the case is closed or lapsed


class Frequency(enum.StrEnum):
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    SEMIMONTHLY = "semimonthly"
    MONTHLY = "monthly"
    YEARLY = "yearly"

    @property
    def per_year(self) -> int:
        return _PER_YEAR[self]

    @property
    def label(self) -> str:
        return _LABEL[self]


_PER_YEAR = {
    Frequency.WEEKLY: 52,
    Frequency.BIWEEKLY: 26,
    Frequency.SEMIMONTHLY: 24,
    Frequency.MONTHLY: 12,
    Frequency.YEARLY: 1,
}
_LABEL = {
    Frequency.WEEKLY: "weekly",
    Frequency.BIWEEKLY: "every two weeks",
    Frequency.SEMIMONTHLY: "twice a month",
    Frequency.MONTHLY: "monthly",
    Frequency.YEARLY: "yearly",
}


def parse_frequency(text: str) -> Frequency:
    try:
        return Frequency(text.strip().lower())
    except ValueError:
        raise ValidationError(
            f"{text!r} is not an income frequency ({', '.join(f.value for f in Frequency)})."
        ) from None


def income_limit(household_size: int) -> Money:
    """The program's annual income limit for a household of ``household_size`` people."""
    if isinstance(household_size, bool) or not isinstance(household_size, int):
        raise ValidationError("The household size is a whole number of people.")
    if household_size < 1:
        raise ValidationError("A household has at least one person.")
    if household_size > MAX_HOUSEHOLD:
        raise ValidationError(f"A household of {household_size} is not plausible.")
    if household_size in LIMITS:
        return LIMITS[household_size]
    return LIMITS[8] + EACH_FURTHER_PERSON * (household_size - 8)


# -- personal data --------------------------------------------------------------------------
# Nine digits written as an SSN is (123-45-6789, 123 45 6789 or 123456789), not inside a
# longer number.
_FULL_SSN = re.compile(r"(?<![0-9])[0-9]{3}([- ]?)[0-9]{2}\1[0-9]{4}(?![0-9])", re.ASCII)
_LAST_FOUR = re.compile(r"^[0-9]{4}$", re.ASCII)


def refuse_identifiers(text: str, *, field: str) -> str:
    """``text`` unchanged, or ValidationError when it holds a whole social security number or
    a card number: only an SSN's last four digits are ever recorded."""
    if _FULL_SSN.search(text):
        raise ValidationError(
            f"The {field} looks like a whole social security number; record only its last "
            "four digits, in the SSN field."
        )
    if find_pans(text):
        raise ValidationError(f"The {field} looks like a card number; never type one.")
    return text


def ssn_last_four(text: str) -> str:
    """The last four digits of an SSN as typed ("" when none was given); a whole number is
    refused, never shortened, so the whole number is never held even for a moment longer."""
    cleaned = text.strip()
    if not cleaned:
        return ""
    refuse_identifiers(cleaned, field="SSN")
    if not _LAST_FOUR.match(cleaned):
        raise ValidationError("Type only the last four digits of the social security number.")
    return cleaned


def clean_name(text: str, *, field: str, max_length: int = 80) -> str:
    cleaned = " ".join(text.split())
    if not cleaned:
        raise ValidationError(f"Give the {field}.")
    if len(cleaned) > max_length:
        raise ValidationError(f"The {field} is longer than {max_length} characters.")
    return refuse_identifiers(cleaned, field=field)


# -- the household and its income -----------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class Member:
    name: str
    born_on: dt.date
    relationship: str  # "applicant", "spouse", "child", ...

    def is_adult(self, on: dt.date) -> bool:
        return age_on(born_on=self.born_on, on=on) >= ADULT_AGE


@dataclass(frozen=True, slots=True, kw_only=True)
class IncomeSource:
    member: int  # index into the household's members (0 for an inquiry with no members)
    description: str
    amount: Money
    frequency: Frequency
    proof_received: bool = False

    @property
    def annual(self) -> Money:
        return self.amount * self.frequency.per_year


def parse_income(text: str, *, member: int = 0) -> IncomeSource:
    """``AMOUNT:FREQUENCY`` (``1250.00:biweekly``) as typed on the command line."""
    amount_text, sep, frequency_text = text.rpartition(":")
    if not sep:
        raise ValidationError(f"{text!r}: give the income as AMOUNT:FREQUENCY (1250.00:monthly).")
    amount = Money.parse(amount_text, field="Income")
    return IncomeSource(
        member=member,
        description="",
        amount=amount,
        frequency=parse_frequency(frequency_text),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class WorksheetLine:
    member: str
    description: str
    amount: Money
    frequency: Frequency
    annual: Money
    counted: bool  # False: the member is under 18 on the worksheet's date
    proof_received: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Worksheet:
    """Income verification as the reviewer signs it."""

    as_of: dt.date
    household_size: int
    adults: int | None  # None for a phone inquiry (ages not asked)
    lines: tuple[WorksheetLine, ...]
    annual_income: Money
    limit: Money

    @property
    def eligible(self) -> bool:
        return self.annual_income <= self.limit

    @property
    def margin(self) -> Money:
        """Limit minus income: how far under the limit (negative: over it)."""
        return self.limit - self.annual_income

    def as_json(self) -> dict[str, object]:
        return {
            "as_of": self.as_of.isoformat(),
            "household_size": self.household_size,
            "adults": self.adults,
            "sources": [
                {
                    "member": line.member,
                    "description": line.description,
                    "amount": line.amount.plain(),
                    "frequency": line.frequency.value,
                    "per_year": line.frequency.per_year,
                    "annual": line.annual.plain(),
                    "counted": line.counted,
                    "proof_received": line.proof_received,
                }
                for line in self.lines
            ],
            "annual_income": self.annual_income.plain(),
            "limit": self.limit.plain(),
            "margin": self.margin.plain(),
            "eligible": self.eligible,
        }


def worksheet(
    members: Sequence[Member], sources: Sequence[IncomeSource], *, on: dt.date
) -> Worksheet:
    """The income worksheet of a household on ``on`` (the application or re-registration
    date): sources of members under 18 are listed but not counted."""
    if not members:
        raise ValidationError("List the household's members.")
    adults = [m.is_adult(on) for m in members]
    if not any(adults):
        raise ValidationError("An application needs an adult member (18 or over).")
    lines: list[WorksheetLine] = []
    for source in sources:
        if not 0 <= source.member < len(members):
            raise ValidationError("An income source names a member not in the household.")
        member = members[source.member]
        lines.append(
            WorksheetLine(
                member=member.name,
                description=source.description,
                amount=source.amount,
                frequency=source.frequency,
                annual=source.annual,
                counted=adults[source.member],
                proof_received=source.proof_received,
            )
        )
    return Worksheet(
        as_of=on,
        household_size=len(members),
        adults=sum(adults),
        lines=tuple(lines),
        annual_income=total(line.annual for line in lines if line.counted),
        limit=income_limit(len(members)),
    )


def inquiry_worksheet(
    household_size: int, sources: Sequence[IncomeSource], *, on: dt.date
) -> Worksheet:
    """A phone inquiry: the household's size and its adults' income sources, no names."""
    limit = income_limit(household_size)
    lines = tuple(
        WorksheetLine(
            member=f"source {i}",
            description=s.description,
            amount=s.amount,
            frequency=s.frequency,
            annual=s.annual,
            counted=True,
            proof_received=s.proof_received,
        )
        for i, s in enumerate(sources, start=1)
    )
    return Worksheet(
        as_of=on,
        household_size=household_size,
        adults=None,
        lines=lines,
        annual_income=total(line.annual for line in lines),
        limit=limit,
    )


# -- documents and states -------------------------------------------------------------------
RESIDENCE = "residence"


def required_documents(
    sources: Sequence[IncomeSource], members: Sequence[Member], *, on: dt.date
) -> tuple[str, ...]:
    """What the checklist asks for: proof of residence, and proof of each counted income
    source (keys ``residence`` and ``income:N``, N the source's position from 1)."""
    needed = [RESIDENCE]
    for i, source in enumerate(sources, start=1):
        if 0 <= source.member < len(members) and members[source.member].is_adult(on):
            needed.append(f"income:{i}")
    return tuple(needed)


def missing_documents(
    sources: Sequence[IncomeSource],
    members: Sequence[Member],
    *,
    residence_proof: bool,
    on: dt.date,
) -> tuple[str, ...]:
    received = {RESIDENCE} if residence_proof else set()
    received |= {f"income:{i}" for i, s in enumerate(sources, start=1) if s.proof_received}
    return tuple(d for d in required_documents(sources, members, on=on) if d not in received)


class Status(enum.StrEnum):
    RECEIVED = "received"
    DOCUMENTS_PENDING = "documents_pending"
    UNDER_REVIEW = "under_review"
    APPROVED = "approved"
    DENIED = "denied"
    REREGISTRATION_DUE = "reregistration_due"
    RENEWED = "renewed"
    LAPSED = "lapsed"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").replace("reregistration", "re-registration")

    @property
    def closed(self) -> bool:
        return self in (Status.DENIED, Status.LAPSED)


OPEN_FOR_DOCUMENTS = (Status.RECEIVED, Status.DOCUMENTS_PENDING, Status.UNDER_REVIEW)
ACTIVE = (Status.APPROVED, Status.RENEWED)


def status_after_documents(current: Status, missing: Sequence[str]) -> Status:
    """The checklist drives the state before a decision: anything missing → documents pending,
    all in → under review."""
    if current not in OPEN_FOR_DOCUMENTS:
        raise StateError(f"The application is {current.label}; its documents are closed.")
    return Status.DOCUMENTS_PENDING if missing else Status.UNDER_REVIEW


def check_decision(current: Status, *, approve: bool, sheet: Worksheet, reason: str) -> str:
    """A reviewer's decision: only an application under review, approval only for an
    eligible household, and a denial always with its reason. Returns the cleaned reason."""
    if current is not Status.UNDER_REVIEW:
        raise StateError(
            f"The application is {current.label}; only one under review can be decided."
        )
    cleaned = clean_name(reason, field="reason", max_length=400) if reason.strip() else ""
    if approve and not sheet.eligible:
        raise ValidationError(
            f"The annual income {sheet.annual_income} is over the limit {sheet.limit}; "
            "the application cannot be approved."
        )
    if not approve and not cleaned:
        raise ValidationError("Give the reason for the denial; the letter states it.")
    return cleaned


def next_anniversary(approved_on: dt.date, *, years: int = 1) -> dt.date:
    return same_date_years_later(approved_on, years)


@dataclass(frozen=True, slots=True, kw_only=True)
class Cycle:
    """The dates of one year of assistance, from its anniversary."""

    anniversary: dt.date

    @property
    def reregistration_due(self) -> dt.date:
        return self.anniversary - REREGISTER_BEFORE

    @property
    def lapses_on(self) -> dt.date:
        return self.anniversary + LAPSE_AFTER


def effective_status(stored: Status, *, anniversary: dt.date | None, today: dt.date) -> Status:
    """The status a case has ``today``: an approved or renewed case becomes re-registration
    due 60 days before its anniversary and lapses 30 days after it."""
    if stored not in ACTIVE or anniversary is None:
        return stored
    cycle = Cycle(anniversary=anniversary)
    if today >= cycle.lapses_on:
        return Status.LAPSED
    if today >= cycle.reregistration_due:
        return Status.REREGISTRATION_DUE
    return stored


def check_reregistration(stored: Status, *, anniversary: dt.date, today: dt.date) -> dt.date:
    """A re-registration may be taken once it is due and before the case lapses; returns the
    next anniversary (the cycle is kept)."""
    status = effective_status(stored, anniversary=anniversary, today=today)
    if status is Status.LAPSED:
        raise StateError(
            f"The case lapsed on {Cycle(anniversary=anniversary).lapses_on.isoformat()}; "
            "the household must apply again."
        )
    if status is not Status.REREGISTRATION_DUE:
        if stored in ACTIVE:
            raise StateError(
                "Re-registration opens on "
                f"{Cycle(anniversary=anniversary).reregistration_due.isoformat()}."
            )
        raise StateError(f"The application is {stored.label}; it cannot re-register.")
    return next_anniversary(anniversary)


def destroy_after(closed_on: dt.date) -> dt.date:
    """RULES.md section 13: kept 5 years after the case is closed (denied) or lapsed."""
    return same_date_years_later(closed_on, RETENTION_YEARS)
