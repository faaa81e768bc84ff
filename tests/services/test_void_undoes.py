"""A void puts back every record its receipt changed (issue 15's findings, one per kind), and a
property test: random receipts across every revenue kind, posted then voided, leave every
record table exactly as it was before the posting."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from cashdesk.app import Cashdesk
from cashdesk.domain import tender as T
from cashdesk.domain.lines import ChargeLine
from cashdesk.domain.money import Money
from cashdesk.domain.receipt import ReceiptDraft
from cashdesk.domain.roles import Operator
from cashdesk.errors import StateError, ValidationError
from cashdesk.services.batches import COLUMNS
from cashdesk.services.licenses import LicenseCharge
from cashdesk.services.payments import PostedReceipt
from cashdesk.services.posting import NoRecord, Pipeline
from cashdesk.store.models import Base
from cashdesk.store.records_models import PaymentBatchRow
from cashdesk.store.reference_models import AnimalLicenseRow, BusinessLicenseRow

TODAY = dt.date(2026, 11, 26)  # the business date of the `clock` fixture
REASON = "customer changed their mind"

# Rows a void legitimately adds or that belong to the receipt itself: the receipt, its lines,
# tenders, journal entries, the audit log and its chain head, the outbox, the workstation's
# receipt counter (a voided receipt keeps its number), and the license register (the history
# of issues: a voided issue stays listed with its receipt, shown voided).
NOT_RECORDS = frozenset(
    {
        "receipts",
        "receipt_lines",
        "tenders",
        "journal_entries",
        "journal_lines",
        "audit_log",
        "audit_chain_head",
        "outbox",
        "workstations",
        "issued_licenses",
    }
)


def snapshot(desk: Cashdesk) -> dict[str, list[tuple[Any, ...]]]:
    with desk.ctx.sessions() as s:
        return {
            name: sorted((tuple(row) for row in s.execute(select(table))), key=repr)
            for name, table in Base.metadata.tables.items()
            if name not in NOT_RECORDS
        }


def changed_tables(
    before: dict[str, list[tuple[Any, ...]]], after: dict[str, list[tuple[Any, ...]]]
) -> list[str]:
    return sorted(name for name in before if before[name] != after[name])


def pay(desk: Cashdesk, operator: Operator, *items: LicenseCharge | ChargeLine) -> PostedReceipt:
    draft = ReceiptDraft(payer="Test Payer")
    for item in items:
        if isinstance(item, LicenseCharge):
            item.add_to(draft)
        else:
            draft.add_line(item)
    draft.add_tender(T.cash(draft.total))
    return desk.payments.post_payment(operator, draft)


@pytest.fixture
def stocked(desk: Cashdesk, lead: Operator) -> Operator:
    desk.licenses.load_tag_stock(lead, prefix="T", first_no=30000, last_no=30009)
    return lead


# -- the findings, one per kind -------------------------------------------------------
def test_void_of_a_business_renewal_puts_bl_10000_back(
    desk: Cashdesk, open_drawer: Operator, lead: Operator
) -> None:
    with desk.ctx.sessions() as s:
        before = s.get(BusinessLicenseRow, "BL-10000")
        assert before is not None
        was = (before.expires, before.license_class, before.gross_receipts_cents, before.machines)
    charge = desk.licenses.renew_business_license(
        open_drawer, license_no="BL-10000", gross_receipts=Decimal("2500000")
    )
    posted = pay(desk, open_drawer, charge)
    assert desk.licenses.find_business_license("BL-10000").expires == dt.date(2027, 12, 31)
    desk.payments.void_receipt(lead, posted.number, reason=REASON)
    with desk.ctx.sessions() as s:
        after = s.get(BusinessLicenseRow, "BL-10000")
        assert after is not None
        assert (
            after.expires,
            after.license_class,
            after.gross_receipts_cents,
            after.machines,
        ) == was
    # The application is open again: the same charge posts on a new receipt (a re-ring).
    again = pay(desk, open_drawer, charge)
    assert desk.licenses.find_business_license("BL-10000").expires == dt.date(2027, 12, 31)
    register = desk.licenses.license_register(lead, start=TODAY, end=TODAY)
    assert [(e.license_no, e.status) for e in register] == [
        ("BL-10000", "voided"),
        ("BL-10000", "posted"),
    ]
    assert again.number != posted.number


def test_void_of_a_new_business_license_removes_it_and_gives_its_number_back(
    desk: Cashdesk, open_drawer: Operator, lead: Operator
) -> None:
    def new() -> LicenseCharge:
        return desk.licenses.apply_for_business_license(
            open_drawer,
            business_name="Corner Bakery",
            owner="Ana Ruiz",
            address="1 Main St",
            license_class="GR",
            gross_receipts=Decimal("40000"),
            start_date=dt.date(2026, 11, 1),
        )

    posted = pay(desk, open_drawer, new())
    desk.payments.void_receipt(lead, posted.number, reason=REASON)
    with desk.ctx.sessions() as s:
        assert s.get(BusinessLicenseRow, "BL-W01-00001") is None
    pay(desk, open_drawer, new())
    with desk.ctx.sessions() as s:
        assert s.get(BusinessLicenseRow, "BL-W01-00001") is not None  # the number, gapless


def test_void_of_an_animal_renewal_puts_al_50075_back_and_t30000_in_stock(
    desk: Cashdesk, open_drawer: Operator, lead: Operator, stocked: Operator
) -> None:
    with desk.ctx.sessions() as s:
        row = s.get(AnimalLicenseRow, "AL-50075")
        assert row is not None
        was = (row.issued, row.expires, row.tag_no)
    posted = pay(
        desk, open_drawer, desk.licenses.renew_animal_license(open_drawer, license_no="AL-50075")
    )
    renewed = desk.licenses.find_animal_license("AL-50075")
    assert renewed.tag_no == "T30000" and renewed.expires != was[1]
    desk.payments.void_receipt(lead, posted.number, reason=REASON)
    info = desk.licenses.find_animal_license("AL-50075")
    assert (info.issued, info.expires, info.tag_no) == was
    assert [(r.next_no, r.last_no) for r in desk.licenses.tag_stock()] == [(30000, 30009)]
    # The tag goes to the next license issued.
    pay(desk, open_drawer, desk.licenses.renew_animal_license(open_drawer, license_no="AL-50075"))
    assert desk.licenses.find_animal_license("AL-50075").tag_no == "T30000"


def test_a_tag_given_back_behind_a_later_one_is_stocked_again(
    desk: Cashdesk, open_drawer: Operator, lead: Operator, stocked: Operator
) -> None:
    first = pay(
        desk, open_drawer, desk.licenses.renew_animal_license(open_drawer, license_no="AL-50075")
    )
    new = desk.licenses.apply_for_animal_license(
        open_drawer,
        owner="Kim Lee",
        address="2 Oak Ave",
        animal_name="Rex",
        species="dog",
        altered=True,
        acquired_on=TODAY,
        rabies_expires=dt.date(2029, 6, 1),
    )
    pay(desk, open_drawer, new)  # takes T30001
    desk.payments.void_receipt(lead, first.number, reason=REASON)  # T30000 comes back
    stock = sorted((r.first_no, r.last_no, r.next_no) for r in desk.licenses.tag_stock())
    assert stock == [(30000, 30000, 30000), (30000, 30009, 30002)]
    # The range's tags first (oldest range first), then the one given back.
    issued = [
        pay(
            desk,
            open_drawer,
            desk.licenses.apply_for_animal_license(
                open_drawer,
                owner="Kim Lee",
                address="2 Oak Ave",
                animal_name=f"Pup {n}",
                species="dog",
                altered=True,
                acquired_on=TODAY,
                rabies_expires=dt.date(2029, 6, 1),
            ),
        )
        for n in range(9)
    ]
    assert len(issued) == 9
    assert desk.licenses.find_animal_license("AL-W01-00010").tag_no == "T30000"


def test_void_of_a_tot_return_lets_september_2026_of_tot_0042_be_filed_again(
    desk: Cashdesk, open_drawer: Operator, lead: Operator
) -> None:
    def september() -> LicenseCharge:
        return desk.licenses.file_tot_return(
            open_drawer,
            tot_operator_id="TOT-0042",
            year=2026,
            month=9,
            gross_rents=Decimal("10288.00"),
        )

    posted = pay(desk, open_drawer, september())
    with pytest.raises(StateError, match="already paid"):
        september()
    desk.payments.void_receipt(lead, posted.number, reason=REASON)
    again = pay(desk, open_drawer, september())
    with pytest.raises(StateError, match=f"already paid on receipt {again.number}"):
        september()


def test_tot_penalties_and_interest_are_fields_of_the_quote(desk: Cashdesk) -> None:
    quote = desk.licenses.quote_tot(
        year=2026, month=9, gross_rents=Decimal("10288.00"), paid_on=TODAY
    )
    # 12% of 10,288.00 = 1,234.56; one 10% penalty (26 days late); 1 month x 0.5% interest.
    assert quote.penalties == Money.parse("123.46")
    assert quote.interest == Money.parse("6.17")
    assert quote.total == Money.parse("1234.56") + quote.penalties + quote.interest


def test_void_of_a_batch_row_lets_the_row_be_posted_again(
    desk: Cashdesk, cashier: Operator, lead: Operator, tmp_path: Path
) -> None:
    citation = next(
        c
        for c in _city("citations")
        if c["status"] == "open" and dt.date.fromisoformat(c["issue_date"]) <= TODAY
    )
    due = desk.records.citation(citation["citation_no"]).amount_due
    assert due is not None
    path = tmp_path / "mail.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(COLUMNS)
        row = {
            "payer": "Mail Payer",
            "kind": "CIT",
            "reference": citation["citation_no"],
            "amount": due.plain(),
            "tender": "check",
            "check_routing": "021000021",
            "check_account": "40000001",
            "check_number": "1001",
            "postmark": "",
        }
        out.writerow([row[c] for c in COLUMNS])
    first = desk.batches.import_payments(cashier, path, batch="MAIL1")
    assert first.posted == 1
    [number] = first.receipt_numbers
    desk.payments.void_receipt(lead, number, reason=REASON)
    with desk.ctx.sessions() as s:
        assert s.scalar(select(PaymentBatchRow)) is None
    again = desk.batches.import_payments(cashier, path, batch="MAIL1")
    assert again.posted == 1 and again.already_posted == 0


def test_a_code_nobody_owns_is_refused_at_start() -> None:
    pipeline = Pipeline()
    pipeline.register(NoRecord("catalog", ("MISC",)))
    with pytest.raises(StateError, match="ZZZ"):
        pipeline.require_owners(["MISC", "ZZZ"])
    with pytest.raises(ValueError, match="owned by catalog"):
        pipeline.register(NoRecord("other", ("MISC",)))


def test_every_catalog_code_has_an_owner(desk: Cashdesk) -> None:
    codes = [c.code for c in desk.catalog.catalog()]
    assert codes and desk.payments.pipeline.unowned(codes) == []


def test_two_applications_on_one_license_in_one_receipt_are_refused(
    desk: Cashdesk, open_drawer: Operator, stocked: Operator
) -> None:
    renewal = desk.licenses.renew_animal_license(open_drawer, license_no="AL-50075")
    twice = desk.licenses.renew_animal_license(open_drawer, license_no="AL-50075")
    with pytest.raises(ValidationError, match="AL-50075 has two applications"):
        pay(desk, open_drawer, renewal, twice)


# -- the property: post then void leaves every record as it was -----------------------------
def _city(name: str) -> list[dict[str, str]]:
    from cashdesk.resources import city_dir

    with (city_dir() / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


KINDS = (
    "utility",
    "citation",
    "business_renewal",
    "business_new",
    "animal_renewal",
    "animal_new",
    "tag",
    "tot",
    "program",
    "misc",
    "nsf_fee",
)


def test_post_then_void_leaves_every_record_table_as_it_was(
    desk: Cashdesk, open_drawer: Operator, lead: Operator, stocked: Operator
) -> None:
    accounts = sorted(
        {i["account_no"] for i in _city("utility_bill_items")}
        & {a["account_no"] for a in _city("utility_accounts") if a["status"] == "active"}
    )[:6]
    citations = [
        c["citation_no"]
        for c in _city("citations")
        if c["status"] == "open" and dt.date.fromisoformat(c["issue_date"]) <= TODAY
    ][:6]
    current_animals = [
        a["license_no"]
        for a in _city("animal_licenses")
        if dt.date.fromisoformat(a["expires"]) >= TODAY and a["license_no"] != "AL-50075"
    ][:3]
    business = [
        b["license_no"]
        for b in _city("business_licenses")
        if dt.date.fromisoformat(b["expires"]).year == TODAY.year
    ][:3]
    assert accounts and citations and current_animals and business
    # An open returned-check fee to collect: a check receipt whose check came back.
    check_paid = pay_by_check(desk, open_drawer, Money.parse("20.00"))
    nsf = desk.records.process_returned_check(lead, check_paid.number)

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        kinds=st.lists(st.sampled_from(KINDS), min_size=1, max_size=5, unique=True),
        data=st.data(),
    )
    def post_and_void(kinds: list[str], data: st.DataObject) -> None:
        items: list[LicenseCharge | ChargeLine] = []
        for kind in kinds:
            items += build(desk, open_drawer, kind, data, locals_=context)
        before = snapshot(desk)
        posted = pay(desk, open_drawer, *items)
        if set(kinds) - {"program", "misc"}:  # these keep no record beyond the receipt
            assert changed_tables(before, snapshot(desk)), "the posting recorded nothing"
        desk.payments.void_receipt(lead, posted.number, reason=REASON)
        assert changed_tables(before, snapshot(desk)) == []
        for item in items:  # the open applications are not left behind
            if isinstance(item, LicenseCharge):
                desk.licenses.discard(item.application)

    context = {
        "accounts": accounts,
        "citations": citations,
        "animals": current_animals,
        "business": business,
        "nsf": nsf.number,
    }
    post_and_void()


def pay_by_check(desk: Cashdesk, operator: Operator, amount: Money) -> PostedReceipt:
    from cashdesk.domain.programs import misc_receipt

    draft = ReceiptDraft(payer="Bounced Payer")
    draft.add_line(misc_receipt(amount=amount, description="Copies"))
    draft.add_tender(T.check(amount, routing="021000021", account="55501234", number="501"))
    return desk.payments.post_payment(operator, draft)


def build(
    desk: Cashdesk,
    operator: Operator,
    kind: str,
    data: st.DataObject,
    *,
    locals_: dict[str, Any],
) -> list[LicenseCharge | ChargeLine]:
    from cashdesk.domain.programs import misc_receipt

    cents = st.integers(min_value=1, max_value=50_000)
    if kind == "utility":
        account = data.draw(st.sampled_from(locals_["accounts"]))
        view = desk.records.utility_account(account)
        most = max(view.max_payment.cents, 1) if view.max_payment else 50_000
        amount = Money(cents=data.draw(st.integers(min_value=1, max_value=most)))
        return list(desk.records.utility_payment(account, amount=amount).lines)
    if kind == "citation":
        return list(desk.records.citation_lines(data.draw(st.sampled_from(locals_["citations"]))))
    if kind == "business_renewal":
        number = data.draw(st.sampled_from(locals_["business"]))
        return [
            desk.licenses.renew_business_license(
                operator,
                license_no=number,
                gross_receipts=Decimal(data.draw(cents)) / 100,
            )
        ]
    if kind == "business_new":
        return [
            desk.licenses.apply_for_business_license(
                operator,
                business_name=data.draw(st.sampled_from(["Ada's", "Béla Bakery", "Ōta Tools"])),
                owner="Owner Name",
                address="3 Pine St",
                license_class="GR",
                gross_receipts=Decimal(data.draw(cents)) / 100,
                start_date=dt.date(2026, data.draw(st.integers(1, 11)), 1),
            )
        ]
    if kind == "animal_renewal":
        return [desk.licenses.renew_animal_license(operator, license_no="AL-50075")]
    if kind == "animal_new":
        return [
            desk.licenses.apply_for_animal_license(
                operator,
                owner="Pet Owner",
                address="4 Elm St",
                animal_name="Mochi",
                species=data.draw(st.sampled_from(["dog", "cat"])),
                altered=data.draw(st.booleans()),
                acquired_on=TODAY - dt.timedelta(days=data.draw(st.integers(0, 200))),
                rabies_expires=dt.date(2029, 6, 1),
            )
        ]
    if kind == "tag":
        number = data.draw(st.sampled_from(locals_["animals"]))
        return [desk.licenses.replace_tag(operator, license_no=number)]
    if kind == "tot":
        return [
            desk.licenses.file_tot_return(
                operator,
                tot_operator_id=data.draw(st.sampled_from(["TOT-0042", "TOT-0007"])),
                year=2026,
                month=data.draw(st.integers(1, 10)),
                gross_rents=Decimal(data.draw(st.integers(100_00, 900_000_00))) / 100,
            )
        ]
    if kind == "program":
        return [desk.programs.golf_card(holder_birth_date=dt.date(1950, 1, 1))]
    if kind == "misc":
        amount = Money(cents=data.draw(cents))
        return [misc_receipt(amount=amount, description="Copies")]
    assert kind == "nsf_fee"
    return [desk.records.fee_line(locals_["nsf"])]


def test_property_helpers_cover_every_owner(desk: Cashdesk) -> None:
    """The property's kinds reach every participant that owns codes."""
    owners = {p.name for p in desk.payments.pipeline.participants if p.codes}
    assert owners == {
        "utility",
        "citations",
        "returned_checks",
        "business",
        "animal",
        "tot",
        "programs",
        "catalog",
    }


def test_the_same_account_or_citation_twice_on_one_sale_is_refused(
    desk: Cashdesk, open_drawer: Operator
) -> None:
    """Not only the screen: posting refuses a record's lines put on the sale twice."""
    account = next(
        a["account_no"]
        for a in _city("utility_accounts")
        if a["status"] == "active"
        and any(i["account_no"] == a["account_no"] for i in _city("utility_bill_items"))
    )
    lines = list(desk.records.utility_payment(account, amount=Money.parse("10.00")).lines)
    with pytest.raises(ValidationError, match=f"Account {account} is on this sale twice"):
        pay(desk, open_drawer, *lines, *lines)
    citation = next(
        c["citation_no"]
        for c in _city("citations")
        if c["status"] == "open" and dt.date.fromisoformat(c["issue_date"]) <= TODAY
    )
    fine = list(desk.records.citation_lines(citation))
    with pytest.raises(ValidationError, match=f"Citation {citation} is on this sale twice"):
        pay(desk, open_drawer, *fine, *fine)
    pay(desk, open_drawer, *lines, *fine)  # once each is fine
