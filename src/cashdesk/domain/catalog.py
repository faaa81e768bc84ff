"""Revenue codes: what a cashier can sell or collect, and how each is priced.

The city's revenue_codes.csv states pricing in words; ``parse_pricing`` reads the three forms
it uses: a fixed price ("40.00"), a fixed price with an alternate ("20.00 (10.00
senior/disabled)", "25.00 first / 35.00 later"), and a keyed amount ("as keyed", "as
invoiced"). Anything else is priced by a schedule (utility bills, licenses, citations, TOT)
and needs its own rule module; the counter cannot key those as a plain line.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass

from cashdesk.domain.lines import ChargeLine, fund_of
from cashdesk.domain.money import Money
from cashdesk.domain.search_text import fold
from cashdesk.errors import NotFound, ValidationError

# Codes that keep no record beyond their receipt (a misc receipt, a suspense payment, a
# utility deposit or setup fee): the plain "catalog" posting participant owns them.
PLAIN_CODES = frozenset({"MISC", "SUSP", "UDEP", "USET"})


class Pricing(enum.StrEnum):
    FIXED = "fixed"  # the price is set; the cashier may pick the alternate price
    KEYED = "keyed"  # the cashier keys the amount (an invoice, a misc receipt)
    SCHEDULE = "schedule"  # computed by a fee rule from a record or inputs


@dataclass(frozen=True, slots=True, kw_only=True)
class RevenueCode:
    code: str
    description: str
    category: str
    pricing: Pricing
    gl_account: str | None
    price: Money | None = None
    alt_price: Money | None = None
    alt_label: str = ""
    pricing_text: str = ""

    @property
    def needs_reference(self) -> bool:
        """Invoiced items name the invoice they pay."""
        return "invoiced" in self.pricing_text

    @property
    def needs_description(self) -> bool:
        return self.code == "MISC"

    @property
    def counter_sale(self) -> bool:
        """Can be keyed as a plain line at the counter: not computed by a schedule, and not a
        license item (a replacement tag, ANT, has a fixed price but is sold with the license
        it replaces a tag for, so the tag number is issued with the payment)."""
        return self.pricing is not Pricing.SCHEDULE and self.category != "license"


_FIXED = re.compile(r"^(?P<price>\d+\.\d{2})$")
_FIXED_ALT_PAREN = re.compile(r"^(?P<price>\d+\.\d{2}) \((?P<alt>\d+\.\d{2}) (?P<label>[^)]+)\)$")
# A fixed price with the case it applies to: "100.00 (renters)" (a deposit renters pay).
_FIXED_FOR = re.compile(r"^(?P<price>\d+\.\d{2}) \((?P<label>[^)0-9]+)\)$")
_FIXED_ALT_SLASH = re.compile(
    r"^(?P<price>\d+\.\d{2}) (?P<first>\w+) / (?P<alt>\d+\.\d{2}) (?P<label>\w+)$"
)


def parse_pricing(text: str) -> tuple[Pricing, Money | None, Money | None, str]:
    """(pricing, price, alternate price, alternate label) from revenue_codes.csv's words."""
    text = text.strip()
    if m := _FIXED.match(text):
        return Pricing.FIXED, Money.parse(m["price"]), None, ""
    if m := _FIXED_ALT_PAREN.match(text):
        return Pricing.FIXED, Money.parse(m["price"]), Money.parse(m["alt"]), m["label"]
    if m := _FIXED_ALT_SLASH.match(text):
        return Pricing.FIXED, Money.parse(m["price"]), Money.parse(m["alt"]), m["label"]
    if m := _FIXED_FOR.match(text):
        return Pricing.FIXED, Money.parse(m["price"]), None, ""
    if text in {"as keyed", "as invoiced", "as received"}:
        return Pricing.KEYED, None, None, ""
    return Pricing.SCHEDULE, None, None, ""


def revenue_code_from_row(row: dict[str, str]) -> RevenueCode:
    pricing, price, alt, label = parse_pricing(row["pricing"])
    gl = row["gl_account"].strip()
    try:
        fund_of(gl)
        gl_account: str | None = gl
    except ValidationError:
        if pricing is not Pricing.SCHEDULE:
            raise ValidationError(f"Revenue code {row['code']} has no GL account.") from None
        gl_account = None  # e.g. UTIL: "see RULES.md section 4", the rule picks the account
    return RevenueCode(
        code=row["code"].strip().upper(),
        description=row["description"].strip(),
        category=row["category"].strip(),
        pricing=pricing,
        gl_account=gl_account,
        price=price,
        alt_price=alt,
        alt_label=label,
        pricing_text=row["pricing"].strip(),
    )


# A receipt line's description and reference as stored (receipt_lines columns): text over
# these is refused where it is keyed, never cut.
DESCRIPTION_LIMIT = 120
REFERENCE_LIMIT = 40


class Catalog:
    """The revenue codes a workstation knows, by code."""

    def __init__(self, codes: Iterable[RevenueCode]) -> None:
        self._codes = {c.code: c for c in codes}

    def __contains__(self, code: str) -> bool:
        return code.strip().upper() in self._codes

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._codes.values())

    def get(self, code: str) -> RevenueCode:
        key = code.strip().upper()
        try:
            return self._codes[key]
        except KeyError:
            raise NotFound(f"Unknown revenue code {code.strip()!r}.") from None

    def counter_codes(self) -> list[RevenueCode]:
        return [c for c in self._codes.values() if c.counter_sale]

    def find(self, text: str) -> list[RevenueCode]:
        """The counter codes whose code or description holds every word typed (any case,
        accents ignored), by code; a code that starts with the text comes first."""
        words = fold(text).split()
        found = [
            c
            for c in sorted(self.counter_codes(), key=lambda c: c.code)
            if all(w in fold(f"{c.code} {c.description}") for w in words)
        ]
        first = fold(text).strip()
        return sorted(found, key=lambda c: not (first and fold(c.code).startswith(first)))

    def line(
        self,
        code: str,
        *,
        amount: Money | None = None,
        alternate: bool = False,
        reference: str = "",
        description: str = "",
    ) -> ChargeLine:
        """A receipt line for a fixed or keyed code, refusing what the code does not allow."""
        rc = self.get(code)
        reference = reference.strip()
        description = description.strip()
        if rc.pricing is Pricing.SCHEDULE:
            raise ValidationError(
                f"{rc.code} ({rc.description}) is computed from the city's records; "
                "look up the account, citation or license instead."
            )
        if not rc.counter_sale:
            raise ValidationError(
                f"{rc.code} ({rc.description}) is sold with its license: look up the license."
            )
        if rc.pricing is Pricing.FIXED:
            assert rc.price is not None
            if alternate and rc.alt_price is None:
                raise ValidationError(f"{rc.code} has no alternate price.")
            fixed = rc.alt_price if alternate and rc.alt_price is not None else rc.price
            if amount is not None and amount != fixed:
                raise ValidationError(f"{rc.code} is priced at {fixed}; the amount is not keyed.")
            amount = fixed
        elif amount is None:
            raise ValidationError(f"Key the amount for {rc.code}.")
        if not amount.is_positive:
            raise ValidationError(f"{rc.code}: the amount must be more than zero.")
        if rc.needs_reference and not reference:
            raise ValidationError(f"{rc.code} needs the invoice number it pays.")
        if rc.needs_description and not description:
            raise ValidationError(f"{rc.code} needs a description of what is received.")
        assert rc.gl_account is not None
        prefix = f"{rc.description}: " if description else rc.description
        suffix = f" ({rc.alt_label})" if alternate and rc.alt_label else ""
        room = DESCRIPTION_LIMIT - len(prefix) - len(suffix)
        if len(description) > room:
            # Never cut: a receipt must say in full what was paid for.
            raise ValidationError(
                f"The description is {len(description)} characters; {rc.code} leaves room "
                f"for at most {room}. Shorten it."
            )
        if len(reference) > REFERENCE_LIMIT:
            raise ValidationError(
                f"The reference is {len(reference)} characters; at most {REFERENCE_LIMIT} fit."
            )
        return ChargeLine(
            code=rc.code,
            description=f"{prefix}{description}{suffix}",
            amount=amount,
            gl_account=rc.gl_account,
            reference=reference,
        )
