"""Transient occupancy tax returns (RULES.md section 5; revenue code TOT).

A quote has the tax line, always (a return with no taxable rents still files, at $0.00), then,
when paid after the due date, one line each for the first penalty, the second penalty and the
interest: RULES.md rounds each on its own, so each is its own line. Lines that come to $0.00
(a late return on a tiny tax) are left out.

Choices where RULES.md leaves room:

- "Paid late" is any day after the due date (the return is delinquent the day after it).
  Day 30 after the due date owes the first penalty only; day 31 owes both.
- Interest is tax x 0.5% x months, rounded once (not per month), the same way the business
  license penalty is; months are days late / 30 rounded up, so day 30 is 1 and day 31 is 2.
- Interest and penalties are on the tax only, never on each other.
- Rents are whole cents (a fraction of a cent is refused, not rounded).
- A return cannot be paid before its month has begun: that is a mistyped period.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from cashdesk.domain.calendar import (
    last_day_of_month,
    long_date,
    long_month,
    months_or_fraction,
)
from cashdesk.domain.inputs import require_date, require_decimal_amount, require_int
from cashdesk.domain.lines import ChargeLine
from cashdesk.domain.money import Money, total
from cashdesk.domain.quote import FeeQuote
from cashdesk.errors import ValidationError

CODE = "TOT"
GL_TAX = "101-130-31300"
GL_PENALTY_AND_INTEREST = "101-130-31310"

TAX_RATE = Decimal("0.12")
PENALTY_RATE = Decimal("0.10")
SECOND_PENALTY_AFTER_DAYS = 30
INTEREST_RATE_PER_MONTH = Decimal("0.005")


def tot_due_date(*, year: int, month: int) -> date:
    """A return for ``month`` of ``year`` is due on the last day of the following month."""
    year = require_int(year, field="year")
    month = require_int(month, field="month")
    if not 1 <= month <= 12:
        raise ValidationError(f"The return month must be 1 to 12, not {month}.")
    following_year, following_month = (year + 1, 1) if month == 12 else (year, month + 1)
    return last_day_of_month(following_year, following_month)


def quote_tot(
    *,
    year: int,
    month: int,
    gross_rents: Decimal,
    exempt_rents: Decimal = Decimal("0"),
    paid_on: date,
) -> FeeQuote:
    """The tax, penalties and interest a hotel's return for ``month`` of ``year`` owes."""
    due_on = tot_due_date(year=year, month=month)
    paid_on = require_date(paid_on, field="paid_on")
    gross = require_decimal_amount(gross_rents, field="Gross rents")
    exempt = require_decimal_amount(exempt_rents, field="Exempt rents")
    period = long_month(year, month)
    if exempt > gross:
        raise ValidationError(f"Exempt rents ({exempt}) cannot be more than gross rents ({gross}).")
    if paid_on < date(year, month, 1):
        raise ValidationError(
            f"The return for {period} cannot be paid before {period} begins; check the period."
        )

    taxable = gross - exempt
    tax = taxable.times(TAX_RATE)
    lines = [
        ChargeLine(
            code=CODE,
            description=f"Transient occupancy tax, {period} (12% of {taxable} taxable rents)",
            amount=tax,
            gl_account=GL_TAX,
        )
    ]
    notes: list[str] = []
    penalties = interest = Money.zero()
    days_late = (paid_on - due_on).days
    if days_late > 0:
        notes.append(f"Paid {days_late} days after the due date {long_date(due_on)}.")
        months = months_or_fraction(days_late)
        charges = [("Late penalty: 10% of the tax", tax.times(PENALTY_RATE))]
        if days_late > SECOND_PENALTY_AFTER_DAYS:
            charges.append(
                ("Second late penalty, over 30 days late: 10% of the tax", tax.times(PENALTY_RATE))
            )
        penalties = total(amount for _, amount in charges)
        interest = tax.times(INTEREST_RATE_PER_MONTH * months)
        charges.append(
            (f"Interest: {months} month{'s' if months != 1 else ''} x 0.5% of the tax", interest)
        )
        lines += [
            ChargeLine(
                code=CODE,
                description=f"{description}, {period}",
                amount=amount,
                gl_account=GL_PENALTY_AND_INTEREST,
            )
            for description, amount in charges
            if amount
        ]
    return FeeQuote.of(lines, notes=notes, penalties=penalties, interest=interest)
