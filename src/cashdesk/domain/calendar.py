"""Date arithmetic the fee rules share: month counts, anniversaries and ages.

Named ``calendar`` after what it models; it does not use (or shadow in practice) the standard
library module of the same name, because every import in cashdesk is absolute.
"""

from __future__ import annotations

from datetime import date, timedelta

# RULES.md: "a month is 30 days" wherever a rule counts months "or fraction thereof" in days.
DAYS_PER_MONTH = 30
# The city's senior age (RULES.md sections 2 and 6).
SENIOR_AGE = 62

_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def last_day_of_month(year: int, month: int) -> date:
    """The last day of ``month`` in ``year`` (February 29 in a leap year)."""
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def months_or_fraction(days: int) -> int:
    """Months of 30 days "or fraction thereof" in ``days``: a started month counts whole.

    Zero or negative days are no months at all (paid on time or early).
    """
    if days <= 0:
        return 0
    return -(-days // DAYS_PER_MONTH)


def calendar_months_past(*, year: int, month: int, on: date) -> int:
    """How many calendar months ``on`` falls after ``month`` of ``year``; zero if not after.

    Counts on across year ends: the December after February is 10, the January after 11.
    """
    return max(0, (on.year - year) * 12 + (on.month - month))


def same_date_years_later(start: date, years: int) -> date:
    """The same month and day ``years`` later; February 29 becomes March 1 in a non-leap year.

    RULES.md section 2 states this for licence terms; ages follow the same convention so the
    city has one answer to "when is someone born on February 29 a year older".
    """
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # February 29 in a year without one
        return date(start.year + years, 3, 1)


def age_on(*, born_on: date, on: date) -> int:
    """Age in whole years on a date; the birthday itself counts (62 on the 62nd birthday)."""
    years = on.year - born_on.year
    if same_date_years_later(born_on, years) > on:
        years -= 1
    return years


def is_senior(*, born_on: date, on: date) -> bool:
    """Aged 62 or over on ``on`` (a person turning 62 that day already is)."""
    return age_on(born_on=born_on, on=on) >= SENIOR_AGE


def long_date(day: date) -> str:
    """A date as a cashier reads it: "March 1, 2025" (fixed English, not the OS locale)."""
    return f"{_MONTH_NAMES[day.month - 1]} {day.day}, {day.year}"


def long_month(year: int, month: int) -> str:
    """A month as a cashier reads it: "March 2025"."""
    return f"{_MONTH_NAMES[month - 1]} {year}"


def days_between(start: date, end: date) -> int:
    """Whole calendar days from ``start`` to ``end`` (negative when ``end`` is earlier).

    A citation issued on March 1 and paid on March 22 is 21 days after issue: the issue day
    itself counts as day 0, which is how "paid more than 21 days after" is read.
    """
    return (end - start).days
