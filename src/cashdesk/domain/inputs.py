"""Guards for the values fee rules take, shared so every rule refuses bad input the same way.

Wrong *types* are programming errors (``TypeError``); wrong *values* are something the cashier
typed (``ValidationError``, with a message naming the field).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from cashdesk.domain.calendar import long_date
from cashdesk.domain.money import MAX_CENTS, Money
from cashdesk.errors import ValidationError


def require_date(value: object, *, field: str) -> date:
    """A ``datetime.date``; a ``datetime`` is refused because rules work on business dates."""
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{field} must be a datetime.date, not {type(value).__name__}")
    return value


def require_birth_date(value: object, *, person: str, on: date, event: str) -> date:
    """A person's birth date, which cannot be after the day it is used on (a keying slip)."""
    born_on = require_date(value, field=f"{person} birth date")
    if born_on > on:
        raise ValidationError(
            f"The {person}'s birth date {long_date(born_on)} is after the {event}, {long_date(on)}."
        )
    return born_on


def require_int(value: object, *, field: str) -> int:
    """An ``int`` (``bool`` is refused even though Python counts it as one)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{field} must be an int, not {type(value).__name__}")
    return value


# A reason is asked for whatever is out of the ordinary (a void, a no-sale, an override, a
# drawer reopened, an over/short signed off): "ok" or "." does not say why.
MIN_REASON = 3


def require_reason(text: str, *, asked: str) -> str:
    """The reason a person gave, blanks folded: at least MIN_REASON characters, else
    ``asked`` (the question to put to them) is raised."""
    reason = " ".join(text.split())
    if len(reason) < MIN_REASON:
        raise ValidationError(asked)
    return reason


def require_bool(value: object, *, field: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{field} must be a bool, not {type(value).__name__}")
    return value


def require_decimal_amount(value: object, *, field: str) -> Money:
    """A dollar figure typed as a ``Decimal`` (gross receipts, rents): zero or more, to the cent
    (``Money.from_decimal``: exact, never rounded)."""
    if isinstance(value, float):
        raise TypeError(f"{field} is money and never a float: pass a Decimal")
    if not isinstance(value, Decimal):
        raise TypeError(f"{field} must be a Decimal, not {type(value).__name__}")
    if not value.is_finite():
        raise ValidationError(f"{field} must be a number.")
    if value < 0:
        raise ValidationError(f"{field} cannot be negative.")
    try:
        return Money.from_decimal(value)
    except ValidationError:
        raise ValidationError(f"{field} cannot have fractions of a cent ({value}).") from None


def require_charge_amount(value: object, *, field: str) -> Money:
    """An amount a line charges: ``Money``, more than zero, within one line's limit."""
    if not isinstance(value, Money):
        raise TypeError(f"{field} must be Money, not {type(value).__name__}")
    if not value.is_positive:
        raise ValidationError(f"{field} must be more than $0.00.")
    if value.cents > MAX_CENTS:
        raise ValidationError(f"{field} is over the limit of {Money(cents=MAX_CENTS)}.")
    return value


def require_text(value: object, *, field: str) -> str:
    """Text a person must fill in; surrounding blanks are dropped, all-blank is refused."""
    if not isinstance(value, str):
        raise TypeError(f"{field} must be text, not {type(value).__name__}")
    cleaned = value.strip()
    if not cleaned:
        raise ValidationError(f"Enter the {field.lower()}.")
    return cleaned


def optional_text(value: object, *, field: str) -> str:
    """Text a person may leave blank (a reference); surrounding blanks are dropped."""
    if not isinstance(value, str):
        raise TypeError(f"{field} must be text, not {type(value).__name__}")
    return value.strip()


RECEIVED_VIA = ("counter", "mail", "fax")


def received(
    received_via: str, received_on: date | None, business_date: date
) -> tuple[str, date | None]:
    """How an application came in, and the date it is charged as of: by mail its
    postmark, by fax the day it came in (never after today); at the counter, none."""
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
