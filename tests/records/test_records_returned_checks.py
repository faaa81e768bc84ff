"""Returned checks: refusal at posting (RULES.md section 7) and NSF processing by a lead."""

from __future__ import annotations

import pytest
from records_helpers import city, journal, m, post
from sqlalchemy import select

from cashdesk.app import Cashdesk
from cashdesk.domain import tender as T
from cashdesk.domain.lines import ChargeLine
from cashdesk.domain.micr import ON_US, TRANSIT, parse_micr
from cashdesk.domain.money import Money
from cashdesk.domain.receipt import ReceiptDraft
from cashdesk.domain.roles import Operator
from cashdesk.errors import PermissionDenied, StateError, ValidationError
from cashdesk.store.models import AuditEntry, OutboxRow, Receipt
from cashdesk.store.reference_models import ReturnedCheckRow

GOOD_ROUTING = "021000021"


def golf(desk: Cashdesk) -> list[ChargeLine]:
    return [desk.catalog.catalog().line("GOLF-R")]


@pytest.mark.parametrize("row", city("returned_checks")[:5], ids=lambda r: r["payer"])
@pytest.mark.parametrize("how", ["keyed", "keyed_with_zeros", "micr"])
def test_a_check_on_the_returned_list_is_refused_at_posting(
    desk: Cashdesk, open_drawer: Operator, row: dict[str, str], how: str
) -> None:
    amount = m("40.00")
    if how == "micr":
        line = parse_micr(f"{TRANSIT}{row['routing']}{TRANSIT} {row['account']}{ON_US} 1234")
        tender = T.check(amount, routing=line.routing, account=line.account, number="1234")
    else:
        account = row["account"] if how == "keyed" else "000" + row["account"]
        tender = T.check(amount, routing=row["routing"], account=account, number="55")
    with pytest.raises(ValidationError, match="returned-check list"):
        post(desk, open_drawer, golf(desk), tender=tender)
    with desk.ctx.sessions() as s:
        assert s.scalar(select(Receipt)) is None


def test_a_check_not_on_the_list_is_taken(desk: Cashdesk, open_drawer: Operator) -> None:
    tender = T.check(m("40.00"), routing=GOOD_ROUTING, account="99887766", number="12")
    assert post(desk, open_drawer, golf(desk), tender=tender).number == "W01-000001"


def utility_by_check(
    desk: Cashdesk, operator: Operator, account_no: str, *, bank_account: str, payer: str
) -> tuple[str, Money]:
    balance = desk.records.utility_account(account_no).open_balance
    lines = desk.records.utility_payment(account_no, amount=balance).lines
    tender = T.check(balance, routing=GOOD_ROUTING, account=bank_account, number="101")
    return post(desk, operator, lines, tender=tender, payer=payer).number, balance


def account_with_balance(index: int = 0) -> str:
    with_items = {i["account_no"] for i in city("utility_bill_items")}
    active = [a["account_no"] for a in city("utility_accounts") if a["status"] == "active"]
    return [a for a in active if a in with_items][index]


def test_nsf_reverses_the_receipt_reopens_the_bill_and_charges_the_fee(
    desk: Cashdesk, open_drawer: Operator, lead: Operator
) -> None:
    account_no = account_with_balance()
    before = desk.records.utility_account(account_no)
    number, balance = utility_by_check(
        desk, open_drawer, account_no, bank_account="11112222", payer="Søren Núñez"
    )
    assert desk.records.utility_account(account_no).open_balance == Money.zero()

    result = desk.records.process_returned_check(lead, number, reason="NSF")

    assert result.fee == m("25.00") and result.check_amount == balance
    assert result.number == "NSF-W01-0001"
    assert any(account_no in line for line in result.reopened)
    assert desk.records.utility_account(account_no) == before  # the bill is owed again
    # The NSF entry is the exact reverse of the receipt's entry.
    original = journal(desk, number, "receipt")
    assert journal(desk, number, "nsf") == {a: (c, d) for a, (d, c) in original.items()}
    # The payer's check is now refused.
    with pytest.raises(ValidationError, match="returned-check list"):
        post(
            desk,
            open_drawer,
            golf(desk),
            tender=T.check(m("40"), routing=GOOD_ROUTING, account="11112222", number="102"),
        )
    with desk.ctx.sessions() as s:
        listed = s.scalar(select(ReturnedCheckRow).where(ReturnedCheckRow.account == "11112222"))
        assert listed is not None and listed.payer == "Søren Núñez"
        audit = s.scalar(select(AuditEntry).where(AuditEntry.action == "returned_check_processed"))
        assert audit is not None and audit.actor_id == lead.user_id
        outbox = s.scalar(select(OutboxRow).where(OutboxRow.kind == "returned_check"))
        assert outbox is not None and outbox.payload["fee_cents"] == 2500
        assert outbox.payload["account_last4"] == "2222"
    # The fee is an open charge until collected with code NSF and the NSF number.
    [open_fee] = desk.records.open_returned_check_fees(payer="Soren Nunez")
    assert open_fee.fee == m("25.00") and open_fee.receipt_number == number
    fee_receipt = post(desk, open_drawer, [desk.records.fee_line(result.number)])
    assert journal(desk, fee_receipt.number, "receipt")["101-150-36910"] == (0, 2500)
    assert desk.records.open_returned_check_fees() == []
    with pytest.raises(StateError, match="already paid"):
        desk.records.fee_line(result.number)


def test_later_returned_checks_of_the_same_payer_cost_35(
    desk: Cashdesk, open_drawer: Operator, lead: Operator
) -> None:
    first, _ = utility_by_check(
        desk, open_drawer, account_with_balance(0), bank_account="5550001", payer="José O'Brien"
    )
    assert desk.records.process_returned_check(lead, first).fee == m("25.00")
    # Same payer (name folded), a different bank account: a later one.
    second, _ = utility_by_check(
        desk, open_drawer, account_with_balance(1), bank_account="5550002", payer="Jose OBrien"
    )
    assert desk.records.process_returned_check(lead, second).fee == m("35.00")
    # Someone else's first returned check is $25.00 again.
    third, _ = utility_by_check(
        desk, open_drawer, account_with_balance(2), bank_account="5550003", payer="Ana Thomas"
    )
    assert desk.records.process_returned_check(lead, third).fee == m("25.00")


def test_nsf_on_a_citation_reopens_it(
    desk: Cashdesk, open_drawer: Operator, lead: Operator
) -> None:
    row = next(r for r in city("citations") if r["status"] == "open")
    lines = desk.records.citation_lines(row["citation_no"])
    amount = Money(cents=sum(x.amount.cents for x in lines))
    posted = post(
        desk,
        open_drawer,
        lines,
        tender=T.check(amount, routing=GOOD_ROUTING, account="7778889", number="9"),
    )
    assert desk.records.citation(row["citation_no"]).status == "paid"
    desk.records.process_returned_check(lead, posted.number)
    assert desk.records.citation(row["citation_no"]).status == "open"


def test_nsf_is_for_a_lead_once_per_check_and_not_for_split_or_cash(
    desk: Cashdesk, open_drawer: Operator, lead: Operator
) -> None:
    number, _ = utility_by_check(
        desk, open_drawer, account_with_balance(), bank_account="123123123", payer="A Payer"
    )
    with pytest.raises(PermissionDenied):
        desk.records.process_returned_check(open_drawer, number)
    desk.records.process_returned_check(lead, number)
    with pytest.raises(StateError, match="already returned"):
        desk.records.process_returned_check(lead, number)
    with pytest.raises(StateError, match="cannot also be voided"):
        desk.payments.void_receipt(lead, number, reason="oops")
    cash = post(desk, open_drawer, golf(desk))
    with pytest.raises(ValidationError, match="not paid by check"):
        desk.records.process_returned_check(lead, cash.number)
    cat = desk.catalog.catalog()
    draft_lines = [cat.line("GOLF-R"), cat.line("GOLF-S")]
    draft = ReceiptDraft(payer="Split Payer")
    for line in draft_lines:
        draft.add_line(line)
    draft.add_tender(T.check(m("40"), routing=GOOD_ROUTING, account="456456456", number="3"))
    draft.add_tender(T.cash(m("25")))
    posted = desk.payments.post_payment(open_drawer, draft)
    with pytest.raises(ValidationError, match="split payment"):
        desk.records.process_returned_check(lead, posted.number)
