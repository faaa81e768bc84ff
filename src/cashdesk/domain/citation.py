"""Parking citations (RULES.md section 3, revenue code CIT).

What a citation owes depends only on its violation's base fine and on how many days after the
issue date it is paid:

- day 0 to day 21: the base fine, split into the $12.50 state and county surcharge and the rest;
- day 22 on: plus a late penalty equal to the base fine;
- day 52 on: plus the $25.00 registration hold fee (the citation has gone to the DMV).

A contested citation owes what was due on its contest date, however long the contest runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from cashdesk.domain.calendar import days_between
from cashdesk.domain.lines import ChargeLine
from cashdesk.domain.money import Money, total
from cashdesk.errors import ValidationError

REVENUE_CODE = "CIT"

GL_SURCHARGE = "101-000-22200"  # due to county: state and county surcharges
GL_FINE = "101-210-35110"
GL_LATE_PENALTY = "101-210-35120"
GL_REGISTRATION_HOLD = "101-210-35130"

# Every base fine carries the same surcharge; only the remainder is city revenue.
SURCHARGE = Money(cents=12_50)
REGISTRATION_HOLD_FEE = Money(cents=25_00)
# "More than N days after the issue date": day N itself is still inside the window.
LATE_AFTER_DAYS = 21
HOLD_AFTER_DAYS = 51


class CitationStatus(StrEnum):
    OPEN = "open"
    CONTESTED = "contested"
    PAID = "paid"
    DISMISSED = "dismissed"


def status_after_payments(cached: str, *, paid_here: bool) -> CitationStatus:
    """A citation a live payment at this counter paid is paid, whatever the cache says."""
    return CitationStatus.PAID if paid_here else CitationStatus(cached)


def shown_status(cached: str, *, paid_here: bool) -> str:
    """The status shown: a contested citation paid here stays contested centrally (the
    contest stays open), so it shows "paid, contest pending"."""
    if not paid_here:
        return cached
    return "paid, contest pending" if cached == CitationStatus.CONTESTED else "paid"


@dataclass(frozen=True, slots=True, kw_only=True)
class Violation:
    code: str
    description: str
    base_fine: Money


VIOLATIONS: dict[str, Violation] = {
    v.code: v
    for v in (
        Violation(
            code="RMC 10.16.010", description="street sweeping", base_fine=Money(cents=55_00)
        ),
        Violation(code="RMC 10.16.020", description="expired meter", base_fine=Money(cents=45_00)),
        Violation(code="RMC 10.16.030", description="red zone", base_fine=Money(cents=70_00)),
        Violation(
            code="RMC 10.16.040", description="overtime parking", base_fine=Money(cents=50_00)
        ),
        Violation(
            code="RMC 10.16.050", description="blocking a driveway", base_fine=Money(cents=65_00)
        ),
        Violation(
            code="CVC 22507.8", description="disabled parking space", base_fine=Money(cents=350_00)
        ),
    )
}


def violation(code: str) -> Violation:
    """The schedule entry for a violation code, or a message the cashier can act on."""
    found = VIOLATIONS.get(code.strip())
    if found is None:
        raise ValidationError(
            f"Violation code {code!r} is not in the parking fine schedule; "
            "refer the citation to the parking office."
        )
    return found


@dataclass(frozen=True, slots=True, kw_only=True)
class Citation:
    """A parking citation as the central system holds it (citations.csv).

    The violation code is not checked here: a citation with a code the schedule does not know
    must still load with the rest of the file; it is refused when someone tries to pay it.
    """

    citation_no: str
    plate: str
    plate_state: str
    issue_date: date
    violation_code: str
    status: CitationStatus
    contest_date: date | None = None

    def __post_init__(self) -> None:
        if not self.citation_no.strip():
            raise ValidationError("A citation needs a citation number.")
        # Accept the plain text the central system sends ("open") as well as the enum.
        try:
            object.__setattr__(self, "status", CitationStatus(self.status))
        except ValueError:
            raise ValidationError(
                f"Citation {self.citation_no} has an unknown status {self.status!r}."
            ) from None
        if self.status is CitationStatus.CONTESTED and self.contest_date is None:
            raise ValidationError(
                f"Citation {self.citation_no} is contested but has no contest date."
            )
        if self.contest_date is not None and self.contest_date < self.issue_date:
            raise ValidationError(
                f"Citation {self.citation_no} has a contest date before its issue date."
            )


def _pricing_date(citation: Citation, paid_on: date) -> date:
    """The date whose amount due applies.

    A pending contest freezes the amount at its contest date. A contest date later than the
    payment date (a data-entry slip) cannot make the citation owe more than it does today, so
    the earlier of the two is used.
    """
    if citation.status is CitationStatus.CONTESTED and citation.contest_date is not None:
        return min(citation.contest_date, paid_on)
    return paid_on


def citation_due(citation: Citation, *, paid_on: date) -> tuple[ChargeLine, ...]:
    """The lines a citation owes when paid on ``paid_on`` (the receipt's business date).

    Refuses paid and dismissed citations, unknown violation codes and a payment date before
    the issue date.
    """
    number = citation.citation_no
    if citation.status is CitationStatus.PAID:
        raise ValidationError(f"Citation {number} is already paid.")
    if citation.status is CitationStatus.DISMISSED:
        raise ValidationError(f"Citation {number} was dismissed; nothing is owed.")
    if paid_on < citation.issue_date:
        raise ValidationError(
            f"Citation {number} was issued on {citation.issue_date:%m/%d/%Y}, "
            f"after the payment date {paid_on:%m/%d/%Y}; check the business date."
        )
    v = violation(citation.violation_code)
    days = days_between(citation.issue_date, _pricing_date(citation, paid_on))
    label = f"{v.description} ({v.code})"

    def line(description: str, amount: Money, gl_account: str) -> ChargeLine:
        return ChargeLine(
            code=REVENUE_CODE,
            description=description,
            amount=amount,
            gl_account=gl_account,
            reference=number,
        )

    lines = [
        line(f"Parking fine: {label}", v.base_fine - SURCHARGE, GL_FINE),
        line("State and county surcharges", SURCHARGE, GL_SURCHARGE),
    ]
    if days > LATE_AFTER_DAYS:
        lines.append(line("Late payment penalty", v.base_fine, GL_LATE_PENALTY))
    if days > HOLD_AFTER_DAYS:
        lines.append(line("DMV registration hold fee", REGISTRATION_HOLD_FEE, GL_REGISTRATION_HOLD))
    return tuple(lines)


def citation_amount_due(citation: Citation, *, paid_on: date) -> Money:
    """The total of :func:`citation_due` (for look-up screens)."""
    return total(line.amount for line in citation_due(citation, paid_on=paid_on))
