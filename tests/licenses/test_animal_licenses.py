"""Animal licenses at the counter: tags from the stock, renewals, refusals, replacement tags,
service animals, and rollbacks that never consume a tag or a license number."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import event, func, select

from cashdesk.app import Cashdesk
from cashdesk.domain import tender
from cashdesk.domain.lines import ChargeLine
from cashdesk.domain.money import Money
from cashdesk.domain.receipt import ReceiptDraft
from cashdesk.domain.roles import Operator
from cashdesk.errors import PermissionDenied, StateError, ValidationError
from cashdesk.services.licenses import EMPTY_TAG_STOCK
from cashdesk.store.license_models import IssuedLicenseRow, LicenseCounterRow
from cashdesk.store.models import AuditEntry, OutboxRow, Receipt
from cashdesk.store.reference_models import AnimalLicenseRow

if TYPE_CHECKING:
    from .conftest import DraftFor, Pay, PdfText


def usd(text: str) -> Money:
    return Money.parse(text)


def new_dog(desk: Cashdesk, operator: Operator, **overrides: object):  # type: ignore[no-untyped-def]
    values: dict[str, object] = {
        "owner": "Søren O'Brien",
        "address": "1131 Cedar Ct",
        "animal_name": "Biscuit",
        "species": "dog",
        "altered": True,
        "acquired_on": dt.date(2026, 11, 1),
        "rabies_expires": dt.date(2030, 6, 30),
    }
    values.update(overrides)
    return desk.licenses.apply_for_animal_license(operator, **values)  # type: ignore[arg-type]


def count(desk: Cashdesk, model: type) -> int:
    with desk.ctx.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_new_license_takes_the_next_tag_and_a_new_number(
    desk: Cashdesk, open_drawer: Operator, tags: list[str], pay: Pay, pdf_text: PdfText
) -> None:
    charge = new_dog(desk, open_drawer, term_years=3)
    # altered dog, 3 years: 3 x 20.00; acquired 25 days ago, no late fee
    assert [ln.amount for ln in charge.lines] == [usd("60.00")]
    assert charge.expires == dt.date(2029, 11, 25)
    paid = pay(open_drawer, charge)
    (issued,) = paid.issued
    assert (issued.license_no, issued.tag_no) == ("AL-W01-00001", "T30000")
    assert (issued.term_start, issued.term_end) == (dt.date(2026, 11, 26), dt.date(2029, 11, 25))
    info = desk.licenses.find_animal_license("t30000")
    assert (info.license_no, info.animal_name, info.expires) == (
        "AL-W01-00001",
        "Biscuit",
        dt.date(2029, 11, 25),
    )
    text = pdf_text(issued.certificate)
    for expected in (
        "DOG LICENSE",
        "AL-W01-00001",
        "Biscuit (dog, altered)",
        "T30000",
        "Søren O'Brien",
        "November 26, 2026 to November 25, 2029",
    ):
        assert expected in text, expected
    with desk.ctx.sessions() as s:
        receipt = s.scalar(select(Receipt).where(Receipt.number == paid.receipt.number))  # type: ignore[union-attr]
        assert receipt is not None and {ln.reference for ln in receipt.lines} == {
            "AL-W01-00001 tag T30000"
        }
    assert [r.remaining for r in desk.licenses.tag_stock()] == [4]


def test_renewal_before_expiry_continues_the_term(
    desk: Cashdesk, open_drawer: Operator, tags: list[str], pay: Pay
) -> None:
    # AL-50076: Rocky, altered dog, licensed to December 19, 2026, rabies to July 25, 2027
    with pytest.raises(
        ValidationError, match="past the rabies vaccination expiry on July 25, 2027"
    ):
        desk.licenses.renew_animal_license(open_drawer, license_no="AL-50076")
    charge = desk.licenses.renew_animal_license(
        open_drawer, license_no="AL-50076", rabies_expires=dt.date(2029, 7, 1)
    )
    assert charge.total == usd("20.00")
    (issued,) = pay(open_drawer, charge).issued
    # runs on from the old expiry: December 20, 2026 to December 19, 2027
    assert (issued.term_start, issued.term_end, issued.tag_no) == (
        dt.date(2026, 12, 20),
        dt.date(2027, 12, 19),
        "T30000",
    )
    info = desk.licenses.find_animal_license("AL-50076")
    assert (info.tag_no, info.expires, info.rabies_expires) == (
        "T30000",
        dt.date(2027, 12, 19),
        dt.date(2029, 7, 1),
    )


def test_late_renewal_owes_the_late_fee(
    desk: Cashdesk, open_drawer: Operator, tags: list[str], pay: Pay
) -> None:
    # AL-50075: unaltered cat, expired October 17, 2026: 40 days late on November 26
    charge = desk.licenses.renew_animal_license(open_drawer, license_no="AL-50075")
    assert [(ln.amount, ln.gl_account) for ln in charge.lines] == [
        (usd("30.00"), "101-220-32210"),
        (usd("15.00"), "101-220-32220"),
    ]
    with pytest.raises(ValidationError, match="only for spayed or neutered"):
        desk.licenses.renew_animal_license(open_drawer, license_no="AL-50075", term_years=2)
    (issued,) = pay(open_drawer, charge).issued
    assert (issued.term_start, issued.term_end) == (dt.date(2026, 11, 26), dt.date(2027, 11, 25))
    (entry,) = desk.licenses.license_register(
        desk.auth.sign_in("auditor", "riverbend1"),
        start=dt.date(2026, 11, 26),
        end=dt.date(2026, 11, 26),
        kind="animal",
    )
    assert (entry.fee, entry.penalty, entry.total) == (usd("30.00"), usd("15.00"), usd("45.00"))


def test_senior_owner_pays_half(desk: Cashdesk, open_drawer: Operator, tags: list[str]) -> None:
    # AL-50086: owner born January 16, 1960 (66), altered dog
    charge = desk.licenses.renew_animal_license(
        open_drawer, license_no="AL-50086", rabies_expires=dt.date(2030, 1, 1), term_years=2
    )
    assert charge.total == usd("20.00")  # 2 x 20.00 / 2
    assert "Owner is 62 or over: half the license fee." in charge.notes


def test_renewal_far_before_expiry_is_refused(
    desk: Cashdesk, open_drawer: Operator, tags: list[str]
) -> None:
    with pytest.raises(StateError, match="licensed until July 17, 2028; renewals open 90 days"):
        desk.licenses.renew_animal_license(open_drawer, license_no="AL-50002")


def test_service_animal_is_licensed_without_a_receipt(
    desk: Cashdesk, open_drawer: Operator, tags: list[str]
) -> None:
    # AL-50095: a service dog, unaltered, licensed to December 19, 2026
    charge = desk.licenses.renew_animal_license(open_drawer, license_no="AL-50095")
    assert charge.total == usd("0") and not charge.needs_payment
    with pytest.raises(ValidationError, match="no lines"):
        ReceiptDraft(payer="x").freeze()
    done = desk.licenses.issue_without_payment(open_drawer, charge.application)
    assert done.receipt is None
    (issued,) = done.issued
    assert (issued.license_no, issued.tag_no, issued.total) == ("AL-50095", "T30000", usd("0"))
    with desk.ctx.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Receipt)) == 0
        audit = s.scalar(
            select(AuditEntry).where(AuditEntry.action == "license_issued_without_fee")
        )
        assert audit is not None and audit.subject == "AL-50095"
        outbox = s.scalar(select(OutboxRow).where(OutboxRow.kind == "license"))
        assert outbox is not None and outbox.payload["tag_no"] == "T30000"
    with pytest.raises(Exception, match="No open application"):
        desk.licenses.issue_without_payment(open_drawer, charge.application)


def test_a_charge_that_owes_money_cannot_skip_the_receipt(
    desk: Cashdesk, open_drawer: Operator, tags: list[str]
) -> None:
    charge = new_dog(desk, open_drawer)
    with pytest.raises(StateError, match=r"owes \$20.00"):
        desk.licenses.issue_without_payment(open_drawer, charge.application)
    assert count(desk, IssuedLicenseRow) == 0


def test_replacement_tag(desk: Cashdesk, open_drawer: Operator, tags: list[str], pay: Pay) -> None:
    charge = desk.licenses.replace_tag(open_drawer, license_no="AL-50005")
    assert [(ln.code, ln.amount, ln.gl_account) for ln in charge.lines] == [
        ("ANT", usd("5.00"), "101-220-32230")
    ]
    assert "replacing T25005" in charge.summary
    (issued,) = pay(open_drawer, charge).issued
    assert (issued.action, issued.tag_no, issued.total) == ("replacement", "T30000", usd("5.00"))
    assert desk.licenses.find_animal_license("AL-50005").tag_no == "T30000"
    with pytest.raises(StateError, match="expired on October 17, 2026; renew it instead"):
        desk.licenses.replace_tag(open_drawer, license_no="AL-50075")


def test_a_keyed_tag_line_is_refused(desk: Cashdesk, open_drawer: Operator) -> None:
    with pytest.raises(ValidationError, match="sold with its license"):
        desk.catalog.catalog().line("ANT")
    # A line built by hand (as a buggy screen might) is refused at posting too.
    draft = ReceiptDraft(payer="Walk-in")
    draft.add_line(
        ChargeLine(code="ANT", description="Tag", amount=usd("5.00"), gl_account="101-220-32230")
    )
    draft.add_tender(tender.cash(usd("5.00")))
    with pytest.raises(ValidationError, match="added by the license screens"):
        desk.payments.post_payment(open_drawer, draft)
    assert count(desk, Receipt) == 0


def test_empty_stock_stops_issuance(desk: Cashdesk, open_drawer: Operator) -> None:
    with pytest.raises(StateError) as refused:
        new_dog(desk, open_drawer)
    assert str(refused.value) == EMPTY_TAG_STOCK
    with pytest.raises(StateError, match="tag stock is empty"):
        desk.licenses.replace_tag(open_drawer, license_no="AL-50005")


def test_stock_used_up_between_application_and_payment(
    desk: Cashdesk, open_drawer: Operator, lead: Operator, pay: Pay
) -> None:
    desk.licenses.load_tag_stock(lead, prefix="T", first_no=40000, last_no=40000)
    first, second = new_dog(desk, open_drawer), new_dog(desk, open_drawer, animal_name="Pip")
    assert pay(open_drawer, first).issued[0].tag_no == "T40000"
    with pytest.raises(StateError, match="tag stock is empty"):
        pay(open_drawer, second)
    # the failed payment left nothing behind: no receipt, no license, no number used
    assert count(desk, Receipt) == 1
    assert count(desk, IssuedLicenseRow) == 1
    with desk.ctx.sessions() as s:
        assert s.get(LicenseCounterRow, "AL").last_no == 1  # type: ignore[union-attr]
    # a new range lets the same application through, with the next number
    desk.licenses.load_tag_stock(lead, prefix="T", first_no=40001, last_no=40009)
    assert [(i.license_no, i.tag_no) for i in pay(open_drawer, second).issued] == [
        ("AL-W01-00002", "T40001")
    ]


def test_rollback_never_consumes_a_tag_or_a_license_number(
    desk: Cashdesk, open_drawer: Operator, tags: list[str], pay: Pay, draft_for: DraftFor
) -> None:
    dog = new_dog(desk, open_drawer)
    business = desk.licenses.apply_for_business_license(
        open_drawer,
        business_name="Biscuit Bakery",
        owner="Ana Thomas",
        address="2 Main St",
        license_class="HB",
        start_date=dt.date(2026, 11, 20),
    )
    before = {model: count(desk, model) for model in (Receipt, IssuedLicenseRow, AnimalLicenseRow)}

    def fail(*_args: object) -> None:
        raise OSError("disk went away")

    event.listen(desk.ctx.sessions, "before_commit", fail)
    try:
        with pytest.raises(OSError, match="disk went away"):
            desk.licenses.pay(open_drawer, draft_for(dog, business))
    finally:
        event.remove(desk.ctx.sessions, "before_commit", fail)

    assert {m: count(desk, m) for m in before} == before
    assert [r.remaining for r in desk.licenses.tag_stock()] == [5]
    assert count(desk, LicenseCounterRow) == 0
    # the applications are still open: paying again issues the first numbers and tag
    paid = pay(open_drawer, dog, business)
    assert [(i.license_no, i.tag_no) for i in paid.issued] == [
        ("AL-W01-00001", "T30000"),
        ("BL-W01-00001", ""),
    ]
    assert paid.receipt is not None and paid.receipt.number == "W01-000001"
    # and once paid, an application cannot be paid again
    with pytest.raises(StateError, match="was already issued as AL-W01-00001"):
        pay(open_drawer, dog)


def test_changed_lines_are_refused(desk: Cashdesk, open_drawer: Operator, tags: list[str]) -> None:
    charge = desk.licenses.renew_animal_license(open_drawer, license_no="AL-50075")
    draft = ReceiptDraft(payer="Kenji Smith")
    draft.add_line(charge.lines[0])  # the late fee left off
    draft.add_tender(tender.cash(usd("30.00")))
    with pytest.raises(ValidationError, match="were changed on the receipt"):
        desk.licenses.pay(open_drawer, draft)
    assert count(desk, Receipt) == 0


@pytest.mark.parametrize(
    ("prefix", "first", "last", "message"),
    [
        ("T", 30004, 30010, "overlap the range T30000-T30004"),
        ("T", 25990, 26010, "Tag T25990 is already on an animal license"),
        ("TX", 5, 1, "is not a range"),
        ("T-", 1, 5, "up to 4 letters"),
        ("X", 0, 200_000, "at most 100,000 tags"),
    ],
)
def test_tag_stock_ranges_are_checked(
    desk: Cashdesk,
    lead: Operator,
    tags: list[str],
    prefix: str,
    first: int,
    last: int,
    message: str,
) -> None:
    with pytest.raises(ValidationError, match=message):
        desk.licenses.load_tag_stock(lead, prefix=prefix, first_no=first, last_no=last)
    assert len(desk.licenses.tag_stock()) == 1


def test_only_leads_and_admins_load_tags(desk: Cashdesk, cashier: Operator) -> None:
    with pytest.raises(PermissionDenied, match="load animal tag stock"):
        desk.licenses.load_tag_stock(cashier, prefix="T", first_no=1, last_no=2)


def test_licenses_issued_here_are_found_by_the_next_search(
    desk: Cashdesk, open_drawer: Operator, tags: list[str], pay: Pay
) -> None:
    def found(query: str) -> list[str]:
        return [r.key for r in desk.lookup.search(open_drawer, query, limit=5)]

    assert found("t30000") == []
    pay(open_drawer, new_dog(desk, open_drawer))
    # A new license, by its tag, its number and its owner's folded name.
    assert found("T30000") == ["AL-W01-00001"]
    assert "AL-W01-00001" in found("soren obrien biscuit")
    # A replacement tag: the new tag finds the license, the old one no longer does.
    assert found("T25005") == ["AL-50005"]
    pay(open_drawer, desk.licenses.replace_tag(open_drawer, license_no="AL-50005"))
    assert found("T30001") == ["AL-50005"]
    assert found("T25005") == []
