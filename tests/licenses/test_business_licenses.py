"""Business licenses at the counter: renewals and new licenses issued with their payment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from cashdesk.app import Cashdesk
from cashdesk.clock import FixedClock
from cashdesk.domain.money import Money
from cashdesk.domain.roles import Operator
from cashdesk.errors import NotFound, StateError, ValidationError
from cashdesk.store.license_models import IssuedLicenseRow
from cashdesk.store.models import OutboxRow, Receipt
from cashdesk.store.reference_models import BusinessLicenseRow

if TYPE_CHECKING:
    from .conftest import DraftFor, Pay, PdfText


def usd(text: str) -> Money:
    return Money.parse(text)


def test_renewal_is_issued_with_its_receipt_and_certificate(
    desk: Cashdesk, open_drawer: Operator, pay: Pay, pdf_text: PdfText
) -> None:
    charge = desk.licenses.renew_business_license(open_drawer, license_no="BL-10003")
    # HB, renewed for 2027 in November 2026 (early): 60.00 + 3.60 + 0.40, no penalty
    assert charge.summary == "Renewal of BL-10003 Müller Brewery for 2027"
    assert [(ln.code, ln.amount, ln.gl_account) for ln in charge.lines] == [
        ("BLT-REN", usd("60.00"), "101-120-31410"),
        ("BLT-REN", usd("3.60"), "101-120-34110"),
        ("BLT-REN", usd("0.40"), "101-000-22100"),
    ]
    assert all(ln.reference == charge.application for ln in charge.lines)
    assert charge.expires == dt.date(2027, 12, 31)

    paid = pay(open_drawer, charge)

    assert paid.receipt is not None and paid.receipt.total == usd("64.00")
    (issued,) = paid.issued
    assert (issued.license_no, issued.action, issued.receipt_number) == (
        "BL-10003",
        "renewal",
        paid.receipt.number,
    )
    assert (issued.term_start, issued.term_end) == (dt.date(2027, 1, 1), dt.date(2027, 12, 31))
    with desk.ctx.sessions() as s:
        lic = s.get(BusinessLicenseRow, "BL-10003")
        assert lic is not None and lic.expires == dt.date(2027, 12, 31)
        receipt = s.scalar(select(Receipt).where(Receipt.number == paid.receipt.number))
        assert receipt is not None
        # the receipt lines name the license, not the application
        assert {ln.reference for ln in receipt.lines} == {"BL-10003"}
        row = s.scalar(select(IssuedLicenseRow).where(IssuedLicenseRow.license_no == "BL-10003"))
        assert row is not None
        assert (row.fee_cents, row.penalty_cents, row.state_fee_cents, row.total_cents) == (
            6000,
            0,
            400,
            6400,
        )
        outbox = s.scalars(select(OutboxRow).where(OutboxRow.kind == "license")).all()
        assert [o.payload["license_no"] for o in outbox] == ["BL-10003"]
        receipt_payload = s.scalar(select(OutboxRow).where(OutboxRow.kind == "receipt"))
        assert receipt_payload is not None
        assert {ln["reference"] for ln in receipt_payload.payload["lines"]} == {"BL-10003"}
    assert "BL-10003" in paid.receipt.text

    text = pdf_text(issued.certificate)
    for expected in (
        "City of Riverbend",
        "BUSINESS LICENSE",
        "BL-10003",
        "Müller Brewery",
        "Fatima Brown",
        "4517 Madrone Ave",
        "HB — home-based business",
        "January 1, 2027 to December 31, 2027",
        "Renewal",
        f"receipt {paid.receipt.number}",
        "$64.00",
    ):
        assert expected in text, expected
    assert issued.certificate_path is not None
    assert issued.certificate_path.read_bytes() == issued.certificate
    # a reprint renders the same certificate
    assert pdf_text(desk.licenses.certificate(open_drawer, "BL-10003")) == text


def test_renewing_again_for_the_same_year_is_refused(
    desk: Cashdesk, open_drawer: Operator, pay: Pay
) -> None:
    pay(open_drawer, desk.licenses.renew_business_license(open_drawer, license_no="BL-10003"))
    with pytest.raises(StateError, match="already licensed through December 31, 2027"):
        desk.licenses.renew_business_license(open_drawer, license_no="bl-10003")
    with pytest.raises(StateError, match="renewals for 2028 are taken from January 1, 2027"):
        desk.licenses.renew_business_license(open_drawer, license_no="BL-10003", license_year=2028)
    with desk.ctx.sessions.begin() as s:  # a business that lapsed in 2025
        lapsed = s.get(BusinessLicenseRow, "BL-10004")
        assert lapsed is not None
        lapsed.expires = dt.date(2024, 12, 31)
    with pytest.raises(ValidationError, match="renew it for 2025 first"):
        desk.licenses.renew_business_license(
            open_drawer, license_no="BL-10004", license_year=2026, gross_receipts=Decimal("1")
        )
    with pytest.raises(NotFound, match="No business license"):
        desk.licenses.renew_business_license(open_drawer, license_no="BL-99999")


def test_two_drafts_for_one_renewal_issue_it_once(
    desk: Cashdesk, open_drawer: Operator, pay: Pay
) -> None:
    first = desk.licenses.renew_business_license(open_drawer, license_no="BL-10003")
    second = desk.licenses.renew_business_license(open_drawer, license_no="BL-10003")
    pay(open_drawer, first)
    with pytest.raises(StateError, match="already licensed through December 31, 2027"):
        pay(open_drawer, second)
    with desk.ctx.sessions() as s:
        assert len(s.scalars(select(Receipt)).all()) == 1


def test_gr_renewal_takes_declared_receipts_and_updates_the_file(
    desk: Cashdesk, open_drawer: Operator, pay: Pay
) -> None:
    with pytest.raises(ValidationError, match="gross receipts of the prior year"):
        desk.licenses.renew_business_license(open_drawer, license_no="BL-10000")
    charge = desk.licenses.renew_business_license(
        open_drawer, license_no="BL-10000", gross_receipts=Decimal("1000000.01")
    )
    assert charge.total == usd("1219.60")  # 1,215.60 + 4.00
    pay(open_drawer, charge)
    info = desk.licenses.find_business_license("BL-10000")
    assert info.gross_receipts == usd("1000000.01")
    assert info.expires == dt.date(2027, 12, 31)


def test_nonprofit_pays_only_the_state_fee(
    desk: Cashdesk, open_drawer: Operator, pay: Pay, pdf_text: PdfText
) -> None:
    with desk.ctx.sessions() as s:
        np_no = s.scalar(
            select(BusinessLicenseRow.license_no)
            .where(BusinessLicenseRow.license_class == "NP")
            .limit(1)
        )
    assert np_no is not None
    charge = desk.licenses.renew_business_license(open_drawer, license_no=np_no)
    # the quote keeps the $0.00 tax line; the receipt cannot carry a $0.00 line
    assert [ln.amount for ln in charge.quote.lines] == [usd("0"), usd("3.60"), usd("0.40")]
    assert [ln.amount for ln in charge.lines] == [usd("3.60"), usd("0.40")]
    (issued,) = pay(open_drawer, charge).issued
    assert issued.total == usd("4.00")
    assert "NP — nonprofit, exempt" in pdf_text(issued.certificate)


def test_mail_renewal_is_charged_on_its_postmark_date(
    desk: Cashdesk, open_drawer: Operator, clock: FixedClock, pay: Pay
) -> None:
    clock.advance(days=98)  # business date Thursday, March 4, 2027: 1 month delinquent
    assert desk.ctx.business_date() == dt.date(2027, 3, 4)
    at_counter = desk.licenses.renew_business_license(open_drawer, license_no="BL-10003")
    assert at_counter.total == usd("70.00")  # 60 + 6.00 penalty + 4
    mailed = desk.licenses.renew_business_license(
        open_drawer,
        license_no="BL-10003",
        received_via="mail",
        received_on=dt.date(2027, 2, 28),
    )
    assert mailed.total == usd("64.00")  # postmarked on the last day of February
    assert mailed.paid_on == dt.date(2027, 2, 28)
    desk.licenses.discard(at_counter.application)
    pay(open_drawer, mailed)
    (entry,) = desk.licenses.license_register(
        desk.auth.sign_in("auditor", "riverbend1"),
        start=dt.date(2027, 3, 1),
        end=dt.date(2027, 3, 31),
    )
    assert (entry.received_via, entry.penalty, entry.total) == ("mail", usd("0"), usd("64.00"))


@pytest.mark.parametrize(
    ("via", "received_on", "message"),
    [
        ("mail", None, "postmark date"),
        ("counter", dt.date(2026, 11, 1), "only to applications received by mail or fax"),
        ("fax", dt.date(2026, 11, 27), "after today"),
        ("email", dt.date(2026, 11, 1), "Received via must be one of"),
    ],
)
def test_received_dates_are_checked(
    desk: Cashdesk, open_drawer: Operator, via: str, received_on: dt.date | None, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        desk.licenses.renew_business_license(
            open_drawer, license_no="BL-10003", received_via=via, received_on=received_on
        )


def test_new_licenses_get_gapless_numbers(
    desk: Cashdesk, open_drawer: Operator, pay: Pay, pdf_text: PdfText
) -> None:
    def apply(name: str) -> object:
        return desk.licenses.apply_for_business_license(
            open_drawer,
            business_name=name,
            owner="Zoë Núñez",
            address="12 Main St",
            license_class="CT",
            start_date=dt.date(2026, 11, 2),
        )

    one, two = apply("Núñez Roofing"), apply("O'Brien & Sons Plumbing")
    # CT started November 2 (after July 1): half of 150.00 = 75.00; day 24, no penalty
    assert one.total == usd("79.00")  # type: ignore[attr-defined]
    paid = pay(open_drawer, one, two)  # type: ignore[arg-type]
    assert [i.license_no for i in paid.issued] == ["BL-W01-00001", "BL-W01-00002"]
    third = pay(open_drawer, apply("Third Co"))  # type: ignore[arg-type]
    assert [i.license_no for i in third.issued] == ["BL-W01-00003"]
    info = desk.licenses.find_business_license("BL-W01-00002")
    assert (info.business_name, info.license_class, info.expires) == (
        "O'Brien & Sons Plumbing",
        "CT",
        dt.date(2026, 12, 31),
    )
    text = pdf_text(paid.issued[1].certificate)
    assert "O'Brien & Sons Plumbing" in text
    assert "November 2, 2026 to December 31, 2026" in text
    assert "New license" in text


def test_new_license_paid_late_owes_the_penalty(desk: Cashdesk, open_drawer: Operator) -> None:
    charge = desk.licenses.apply_for_business_license(
        open_drawer,
        business_name="Late Vending",
        owner="Ana Thomas",
        address="1 Elm St",
        license_class="VM",
        machines=4,
        start_date=dt.date(2026, 9, 26),  # day 61 on November 26: 2 months
    )
    # 4 x 25 = 100, half year = 50.00; penalty 50 x 20% = 10.00; + 4.00
    assert [ln.amount for ln in charge.lines] == [
        usd(a) for a in ("50.00", "10.00", "3.60", "0.40")
    ]


def test_fees_that_changed_before_posting_are_refused(
    desk: Cashdesk, open_drawer: Operator, clock: FixedClock, draft_for: DraftFor
) -> None:
    clock.advance(days=94)  # Sunday, February 28, 2027: the last day without penalty
    charge = desk.licenses.renew_business_license(open_drawer, license_no="BL-10003")
    assert charge.total == usd("64.00")
    draft = draft_for(charge)
    clock.advance(days=1)  # March 1: the renewal is now delinquent
    with pytest.raises(ValidationError, match="different on March 1, 2027"):
        desk.licenses.pay(open_drawer, draft)
    assert desk.licenses.find_business_license("BL-10003").expires == dt.date(2026, 12, 31)
