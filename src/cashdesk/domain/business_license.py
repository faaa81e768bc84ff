"""Business license tax (RULES.md section 1; revenue codes BLT-NEW and BLT-REN).

A quote has these lines, in this order:

1. the tax, always, even when it is $0.00 (an NP nonprofit): it is the line that says which
   license was issued for which year, so the receipt and the GL detail show the exemption;
2. the late penalty, only when there is one (a $0.00 penalty line would only be noise);
3. the state disability access fee, as two lines because it is credited to two accounts: the
   city's $3.60 and the state's $0.40. Every issuance and renewal pays it, exempt ones too.

Choices where RULES.md leaves room (each is also noted where it is applied):

- "$1.20 per $1,000 or fraction thereof above $50,000": a started thousand counts whole, and
  nothing is above $50,000 until a cent is. $50,000.00 owes $75.00; $50,000.01 owes $76.20.
  Likewise $1,000,000.00 owes $1,215.00 and $1,000,000.01 owes $1,215.60.
- Gross receipts are whole cents; a fraction of a cent is refused rather than rounded.
- A late renewal's months are calendar months past February of the license year, counted on
  across December: paid the following January is 11 months. The 5-month cap makes every
  payment from July of the license year on owe exactly 50%, so this choice never changes an
  amount; it only keeps the count well defined.
- Renewals paid before the license year (early) owe no penalty.
- A new license's penalty is the same 10% per month (capped at 5 months) applied to the tax the
  license owes, i.e. after the half-year proration.
- A new business may have started before the license year (it then pays the full year, its
  penalty counted from its start date as RULES.md says); a start date after the license year
  is refused as a keying mistake.
- Inputs that do not belong to the chosen class (gross receipts for a VM license, machines for
  GR, a start date on a renewal) are refused, not ignored: they point to a wrong class or a
  wrong box, and ignoring them would quote a fee the cashier did not mean.
- With the current schedules every half tax and every penalty comes out to whole cents; the
  rounding RULES.md asks for is still applied (half up, once) so a changed schedule stays right.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from cashdesk.domain.calendar import calendar_months_past, long_date, months_or_fraction
from cashdesk.domain.inputs import (
    require_bool,
    require_date,
    require_decimal_amount,
    require_int,
)
from cashdesk.domain.lines import ChargeLine
from cashdesk.domain.money import Money
from cashdesk.domain.quote import FeeQuote
from cashdesk.errors import StateError, ValidationError

CODE_NEW = "BLT-NEW"
CODE_RENEWAL = "BLT-REN"

GL_TAX = "101-120-31410"
GL_PENALTY = "101-120-31420"
GL_STATE_FEE_CITY_SHARE = "101-120-34110"
GL_STATE_FEE_STATE_SHARE = "101-000-22100"


class LicenseClass(StrEnum):
    GR = "GR"
    HB = "HB"
    CT = "CT"
    VM = "VM"
    NP = "NP"


CLASS_NAMES = {
    LicenseClass.GR: "general business",
    LicenseClass.HB: "home-based business",
    LicenseClass.CT: "contractor",
    LicenseClass.VM: "vending machines",
    LicenseClass.NP: "nonprofit, exempt",
}

# Gross receipts (GR) schedule, all in cents.
GR_BASE_TAX = Money(cents=75_00)
GR_BASE_RECEIPTS_CENTS = 50_000_00
GR_MIDDLE_RATE = Money(cents=1_20)  # per $1,000 or fraction, above $50,000 up to $1,000,000
GR_UPPER_RECEIPTS_CENTS = 1_000_000_00
GR_TOP_RATE = Money(cents=60)  # per $1,000 or fraction, above $1,000,000
GR_MAX_TAX = Money(cents=7_500_00)
_THOUSAND_DOLLARS_CENTS = 1_000_00

FLAT_TAX = {
    LicenseClass.HB: Money(cents=60_00),
    LicenseClass.CT: Money(cents=150_00),
    LicenseClass.NP: Money.zero(),
}
VM_TAX_PER_MACHINE = Money(cents=25_00)

PENALTY_RATE_PER_MONTH = Decimal("0.10")
MAX_PENALTY_MONTHS = 5
# Renewals turn delinquent after the last day of February of the license year.
RENEWAL_DELINQUENT_AFTER_MONTH = 2
NEW_LICENSE_GRACE_DAYS = 30
# New businesses starting on or after July 1 of the license year pay half the year.
HALF_YEAR_STARTS_MONTH = 7
HALF = Decimal("0.5")

STATE_FEE_CITY_SHARE = Money(cents=3_60)
STATE_FEE_STATE_SHARE = Money(cents=40)


def license_class_of(value: LicenseClass | str) -> LicenseClass:
    """The class for a code a cashier picked ("GR", "vm"); an unknown one is refused."""
    if isinstance(value, LicenseClass):
        return value
    if not isinstance(value, str):
        raise TypeError(f"license_class must be a LicenseClass or str, not {type(value).__name__}")
    try:
        return LicenseClass(value.strip().upper())
    except ValueError:
        choices = ", ".join(member.value for member in LicenseClass)
        raise ValidationError(
            f"{value!r} is not a business license class; choose one of {choices}."
        ) from None


def _thousands_or_fraction(cents: int) -> int:
    """Started $1,000 steps in an amount of cents (zero for nothing)."""
    if cents <= 0:
        return 0
    return -(-cents // _THOUSAND_DOLLARS_CENTS)


def gross_receipts_tax(gross_receipts: Decimal) -> Money:
    """Annual GR tax on a year's gross receipts (a Decimal of dollars, to the cent)."""
    receipts = require_decimal_amount(gross_receipts, field="Gross receipts").cents
    middle_band = min(receipts, GR_UPPER_RECEIPTS_CENTS) - GR_BASE_RECEIPTS_CENTS
    top_band = receipts - GR_UPPER_RECEIPTS_CENTS
    tax = (
        GR_BASE_TAX
        + GR_MIDDLE_RATE * _thousands_or_fraction(middle_band)
        + GR_TOP_RATE * _thousands_or_fraction(top_band)
    )
    return tax.min(GR_MAX_TAX)


def annual_tax(
    license_class: LicenseClass | str,
    *,
    gross_receipts: Decimal | None = None,
    machines: int | None = None,
) -> Money:
    """The full year's tax for a class; GR needs gross receipts, VM the number of machines."""
    klass = license_class_of(license_class)
    if klass is not LicenseClass.GR and gross_receipts is not None:
        raise ValidationError(
            f"Gross receipts apply only to GR licenses, not {klass.value}; leave them empty."
        )
    if klass is not LicenseClass.VM and machines is not None:
        raise ValidationError(
            f"A machine count applies only to VM licenses, not {klass.value}; leave it empty."
        )
    if klass is LicenseClass.GR:
        if gross_receipts is None:
            raise ValidationError(
                "A GR license needs the gross receipts of the prior year "
                "(for a new business, its estimate)."
            )
        return gross_receipts_tax(gross_receipts)
    if klass is LicenseClass.VM:
        if machines is None:
            raise ValidationError("A VM license needs the number of vending machines.")
        count = require_int(machines, field="machines")
        if count < 1:
            raise ValidationError(f"A VM license needs at least 1 machine, not {count}.")
        return VM_TAX_PER_MACHINE * count
    return FLAT_TAX[klass]


def renewal_penalty_months(*, license_year: int, paid_on: date) -> int:
    """Months a renewal is delinquent: March of the license year is 1, April 2, ...; at most 5.

    A payment in a later year counts on past December (January after is 11), then the cap.
    """
    months = calendar_months_past(
        year=license_year, month=RENEWAL_DELINQUENT_AFTER_MONTH, on=paid_on
    )
    return min(months, MAX_PENALTY_MONTHS)


def new_license_penalty_months(*, start_date: date, paid_on: date) -> int:
    """Months owed by a new license: none through day 30 after the start date, then one for
    each 30 days or fraction after the 30th day (day 31 to 60 is 1), at most 5."""
    days_after_grace = (paid_on - start_date).days - NEW_LICENSE_GRACE_DAYS
    return min(months_or_fraction(days_after_grace), MAX_PENALTY_MONTHS)


def late_penalty(tax: Money, months: int) -> Money:
    """Tax x 10% x months, rounded half up once (never per month)."""
    return tax.times(PENALTY_RATE_PER_MONTH * months)


def _tax_description(
    klass: LicenseClass,
    license_year: int,
    gross_receipts: Decimal | None,
    machines: int | None,
) -> str:
    detail = f"{klass.value} {CLASS_NAMES[klass]}"
    if gross_receipts is not None:
        detail += f", gross receipts ${gross_receipts:,.2f}"
    if machines is not None:
        detail += f", {machines} machine{'s' if machines != 1 else ''}"
    return f"Business license tax {license_year} ({detail})"


def quote_business_license(
    *,
    license_class: LicenseClass | str,
    license_year: int,
    paid_on: date,
    gross_receipts: Decimal | None = None,
    machines: int | None = None,
    new_business: bool = False,
    start_date: date | None = None,
) -> FeeQuote:
    """What a business license issuance (``new_business``) or renewal owes when paid on a date.

    New licenses need ``start_date``; renewals must not have one. ``expires`` is December 31
    of the license year (the license year is the calendar year).
    """
    klass = license_class_of(license_class)
    year = require_int(license_year, field="license_year")
    paid_on = require_date(paid_on, field="paid_on")
    is_new = require_bool(new_business, field="new_business")
    tax = annual_tax(klass, gross_receipts=gross_receipts, machines=machines)
    description = _tax_description(klass, year, gross_receipts, machines)
    notes: list[str] = []

    if is_new:
        code = CODE_NEW
        if start_date is None:
            raise ValidationError("A new business license needs the business start date.")
        start = require_date(start_date, field="start_date")
        if start.year > year:
            raise ValidationError(
                f"The start date {long_date(start)} is after license year {year}; "
                f"issue the new license for {start.year}."
            )
        if start >= date(year, HALF_YEAR_STARTS_MONTH, 1):
            tax = tax.times(HALF)
            description += ", half year"
            notes.append(f"Started {long_date(start)}, on or after July 1: half the annual tax.")
        months = new_license_penalty_months(start_date=start, paid_on=paid_on)
    else:
        code = CODE_RENEWAL
        if start_date is not None:
            raise ValidationError(
                "A start date applies only to a new business license, not a renewal."
            )
        months = renewal_penalty_months(license_year=year, paid_on=paid_on)

    if klass is LicenseClass.NP:
        notes.append("Nonprofit: no tax; the state disability access fee still applies.")

    lines = [ChargeLine(code=code, description=description, amount=tax, gl_account=GL_TAX)]
    penalty = late_penalty(tax, months)
    if penalty:
        lines.append(
            ChargeLine(
                code=code,
                description=f"Late penalty {year}: {months} month{'s' if months != 1 else ''}"
                f" x 10% of {tax}",
                amount=penalty,
                gl_account=GL_PENALTY,
            )
        )
        if months == MAX_PENALTY_MONTHS:
            notes.append("Late penalty is at its maximum of 5 months (50% of the tax).")
    lines += [
        ChargeLine(
            code=code,
            description="State disability access fee (city share)",
            amount=STATE_FEE_CITY_SHARE,
            gl_account=GL_STATE_FEE_CITY_SHARE,
        ),
        ChargeLine(
            code=code,
            description="State disability access fee (state share)",
            amount=STATE_FEE_STATE_SHARE,
            gl_account=GL_STATE_FEE_STATE_SHARE,
        ),
    ]
    return FeeQuote.of(lines, expires=date(year, 12, 31), notes=notes)


def check_renewal_year(number: str, *, expires: date, year: int, today: date) -> None:
    """A license is renewed one license year at a time, the year after the one it runs
    through, taken from January 1 of the year before."""
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
