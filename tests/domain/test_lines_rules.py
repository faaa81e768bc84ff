"""Rules moved into the domain by issue 15: a record added twice, the status rules of the
utility and citation caches, the renewal window, reasons, NSF fee lines, TOT quote parts."""

from __future__ import annotations

import datetime as dt

import pytest

from cashdesk.domain import citation as cit
from cashdesk.domain import utility as util
from cashdesk.domain.animal_license import renewal_is_open
from cashdesk.domain.inputs import require_reason
from cashdesk.domain.lines import ChargeLine, added_twice
from cashdesk.domain.money import Money
from cashdesk.domain.returned_checks import collects_fee_of
from cashdesk.errors import ValidationError


def line(description: str, cents: int, code: str = "UTIL", reference: str = "100001") -> ChargeLine:
    return ChargeLine(
        code=code,
        description=description,
        amount=Money(cents=cents),
        gl_account="510-000-13100",
        reference=reference,
    )


def test_a_record_added_twice_repeats_as_blocks() -> None:
    water, sewer = line("Water", 1200), line("Wastewater", 800)
    assert not added_twice([water, sewer])
    assert not added_twice([water])
    assert added_twice([water, sewer, water, sewer])
    assert added_twice([water, water])
    assert not added_twice([water, sewer, water])


def test_utility_status_after_a_restore_here() -> None:
    assert util.shown_status("disconnected", restored_here=True) == "active"
    assert util.shown_status("disconnected", restored_here=False) == "disconnected"
    assert util.shown_status("inactive", restored_here=True) == "inactive"


def test_citation_status_after_a_payment_here() -> None:
    assert cit.status_after_payments("open", paid_here=True) is cit.CitationStatus.PAID
    assert cit.status_after_payments("dismissed", paid_here=False) is cit.CitationStatus.DISMISSED
    assert cit.shown_status("contested", paid_here=True) == "paid, contest pending"
    assert cit.shown_status("open", paid_here=True) == "paid"
    assert cit.shown_status("open", paid_here=False) == "open"


def test_animal_renewals_open_90_days_before_the_expiry() -> None:
    expires = dt.date(2027, 3, 1)
    assert renewal_is_open(expires=expires, today=expires - dt.timedelta(days=90))
    assert not renewal_is_open(expires=expires, today=expires - dt.timedelta(days=91))
    assert renewal_is_open(expires=expires, today=expires + dt.timedelta(days=400))


def test_one_reason_rule() -> None:
    assert require_reason("  wrong \n customer ", asked="Why?") == "wrong customer"
    assert require_reason(" a  b ", asked="Why?") == "a b"  # three characters
    for short in ("", "  ", "ok", "\tx\n"):
        with pytest.raises(ValidationError, match="Why\\?"):
            require_reason(short, asked="Why?")


def test_nsf_fee_lines_are_told_by_code_and_reference() -> None:
    fee = line("Returned check fee (first)", 2500, code="NSF", reference="NSF-W01-0001")
    assert collects_fee_of(fee) == "NSF-W01-0001"
    assert collects_fee_of(line("Returned check fee", 2500, code="NSF", reference="")) is None
    assert (
        collects_fee_of(line("NSF-W01-0001", 2500, code="MISC", reference="NSF-W01-0001")) is None
    )


def test_void_eligibility() -> None:
    from cashdesk.domain.receipt import void_refusal

    today = dt.date(2026, 11, 26)

    def why(**changes: object) -> str | None:
        facts: dict[str, object] = {
            "number": "W01-000001",
            "status": "posted",
            "business_date": today,
            "today": today,
            "drawer_open": True,
        }
        facts.update(changes)
        return void_refusal(**facts)  # type: ignore[arg-type]

    assert why() is None
    assert why(status="voided") == "Receipt W01-000001 is already voided."
    assert "only today's receipts" in (why(business_date=today - dt.timedelta(days=1)) or "")
    assert "reopen it before the void" in (why(drawer_open=False) or "")


def test_renewal_year_and_received_date_rules() -> None:
    from cashdesk.domain.business_license import check_renewal_year
    from cashdesk.domain.inputs import received
    from cashdesk.errors import StateError

    today = dt.date(2026, 11, 26)
    check_renewal_year("BL-1", expires=dt.date(2026, 12, 31), year=2027, today=today)
    with pytest.raises(StateError, match="already licensed through"):
        check_renewal_year("BL-1", expires=dt.date(2026, 12, 31), year=2026, today=today)
    with pytest.raises(ValidationError, match="renew it for 2026 first"):
        check_renewal_year("BL-1", expires=dt.date(2025, 12, 31), year=2027, today=today)
    assert received("counter", None, today) == ("counter", None)
    assert received("mail", dt.date(2026, 11, 20), today) == ("mail", dt.date(2026, 11, 20))
    with pytest.raises(ValidationError, match="after today"):
        received("fax", dt.date(2026, 11, 27), today)
    with pytest.raises(ValidationError, match="postmark"):
        received("mail", None, today)
