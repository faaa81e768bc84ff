"""Other counter items (RULES.md section 6): golf cards, Dial-a-Ride cards, invoiced charges,
and miscellaneous receipts. Each function returns one ``ChargeLine``. The returned check fee
(NSF) lives with the returned-check rules in ``returned_checks.py``.

Choices where RULES.md leaves room:

- Seniors are 62 or over on the sale date, for Dial-a-Ride as for golf (RULES.md gives no age
  for Dial-a-Ride; 62 is the city's senior age everywhere else).
- The price follows the buyer's status, not a code the cashier picks: a senior is sold GOLF-S
  and the reduced Dial-a-Ride fare, so nobody can be charged the wrong one by mistake.
- A golf card is for a calendar year, this year's by default; next year's may be sold early,
  a past year's is refused.
- Invoiced items (FAC-FEE, FAC-DEP, DUI) and MISC take any positive amount up to one line's
  limit ($10,000,000.00); the invoice number goes into the line's reference.
"""

from __future__ import annotations

from datetime import date

from cashdesk.domain.calendar import is_senior
from cashdesk.domain.inputs import (
    optional_text,
    require_birth_date,
    require_bool,
    require_charge_amount,
    require_date,
    require_int,
    require_text,
)
from cashdesk.domain.lines import ChargeLine
from cashdesk.domain.money import Money
from cashdesk.errors import ValidationError

GL_GOLF = "520-700-34720"
GL_DIAL_A_RIDE = "230-600-34610"
GL_MISC = "101-150-36900"

GOLF_RESIDENT = Money(cents=40_00)
GOLF_SENIOR = Money(cents=25_00)

# rides -> (code, full fare, senior/disabled fare)
DIAL_A_RIDE_CARDS = {
    10: ("DAR-10", Money(cents=20_00), Money(cents=10_00)),
    20: ("DAR-20", Money(cents=38_00), Money(cents=19_00)),
}

# code -> (what it is, GL account)
INVOICED_ITEMS = {
    "FAC-FEE": ("Facility rental fee", "101-310-34710"),
    "FAC-DEP": ("Facility rental deposit (refundable)", "101-000-21500"),
    "DUI": ("DUI emergency response cost recovery", "101-140-34190"),
}

# Every code a program sells (none keeps a record beyond its receipt).
CODES = frozenset(
    {"GOLF-R", "GOLF-S", *(code for code, _, _ in DIAL_A_RIDE_CARDS.values()), *INVOICED_ITEMS}
)


def golf_card(
    *, sold_on: date, holder_born_on: date | None = None, year: int | None = None
) -> ChargeLine:
    """A resident golf card for a calendar year (``year``, this year's by default).

    A holder 62 or over on the sale date gets the senior card, GOLF-S.
    """
    sold_on = require_date(sold_on, field="sold_on")
    card_year = sold_on.year if year is None else require_int(year, field="year")
    if card_year < sold_on.year:
        raise ValidationError(
            f"The {card_year} golf card year is over; sell a {sold_on.year} card."
        )
    senior = holder_born_on is not None and is_senior(
        born_on=require_birth_date(holder_born_on, person="holder", on=sold_on, event="sale date"),
        on=sold_on,
    )
    code, kind, price = (
        ("GOLF-S", "Senior", GOLF_SENIOR) if senior else ("GOLF-R", "Resident", GOLF_RESIDENT)
    )
    return ChargeLine(
        code=code, description=f"{kind} golf card {card_year}", amount=price, gl_account=GL_GOLF
    )


def dial_a_ride_card(
    *,
    rides: int,
    sold_on: date,
    rider_born_on: date | None = None,
    disabled: bool = False,
) -> ChargeLine:
    """A 10- or 20-ride Dial-a-Ride card; half fare for a senior (62+) or disabled rider."""
    count = require_int(rides, field="rides")
    sold_on = require_date(sold_on, field="sold_on")
    reduced = require_bool(disabled, field="disabled")
    if count not in DIAL_A_RIDE_CARDS:
        raise ValidationError(f"Dial-a-Ride cards are for 10 or 20 rides, not {count}.")
    if rider_born_on is not None:
        born_on = require_birth_date(rider_born_on, person="rider", on=sold_on, event="sale date")
        reduced = reduced or is_senior(born_on=born_on, on=sold_on)
    code, full_fare, reduced_fare = DIAL_A_RIDE_CARDS[count]
    return ChargeLine(
        code=code,
        description=f"Dial-a-Ride {count}-ride card{', senior/disabled' if reduced else ''}",
        amount=reduced_fare if reduced else full_fare,
        gl_account=GL_DIAL_A_RIDE,
    )


def invoiced_charge(*, code: str, amount: Money, invoice: str) -> ChargeLine:
    """A payment on an invoice: FAC-FEE, FAC-DEP or DUI, for the invoiced amount."""
    if not isinstance(code, str):
        raise TypeError(f"code must be text, not {type(code).__name__}")
    key = code.strip().upper()
    if key not in INVOICED_ITEMS:
        raise ValidationError(
            f"{code!r} is not an invoiced item; choose one of {', '.join(INVOICED_ITEMS)}."
        )
    what, gl_account = INVOICED_ITEMS[key]
    charged = require_charge_amount(amount, field=f"{what} amount")
    number = require_text(invoice, field="Invoice number")
    return ChargeLine(
        code=key,
        description=f"{what}, invoice {number}",
        amount=charged,
        gl_account=gl_account,
        reference=number,
    )


def misc_receipt(*, amount: Money, description: str, reference: str = "") -> ChargeLine:
    """A miscellaneous receipt: the keyed amount, with a description the cashier must give."""
    charged = require_charge_amount(amount, field="Miscellaneous amount")
    what = require_text(description, field="Description of the miscellaneous receipt")
    return ChargeLine(
        code="MISC",
        description=what,
        amount=charged,
        gl_account=GL_MISC,
        reference=optional_text(reference, field="reference"),
    )
