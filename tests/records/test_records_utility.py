"""RULES.md section 4 (utility bills) through RecordsService, on the city's accounts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from records_helpers import TODAY, city, clerk, items_of, journal, m, post
from sqlalchemy import func, select

from cashdesk.app import Cashdesk
from cashdesk.domain import tender as T
from cashdesk.domain.money import Money, total
from cashdesk.domain.roles import Operator
from cashdesk.errors import StateError, ValidationError
from cashdesk.store.records_models import RecordPosting

ORDER = {"penalty": 0, "water": 1, "wastewater": 2}
RECEIVABLE = {"water": "501-000-12100", "penalty": "501-000-12100", "wastewater": "502-000-12100"}


def accounts(status: str, *, min_due_dates: int = 1, penalty: bool = False) -> list[str]:
    by_account: dict[str, list[dict[str, str]]] = defaultdict(list)
    for item in city("utility_bill_items"):
        by_account[item["account_no"]].append(item)
    out = []
    for row in city("utility_accounts"):
        items = by_account.get(row["account_no"], [])
        if row["status"] != status or len({i["due_date"] for i in items}) < min_due_dates:
            continue
        if penalty and not any(i["category"] == "penalty" for i in items):
            continue
        out.append(row["account_no"])
    return out


def expected_order(account_no: str) -> list[dict[str, str]]:
    return sorted(
        items_of(account_no),
        key=lambda i: (i["due_date"], ORDER[i["category"]], i["bill_date"], i["bill_no"]),
    )


def past_due(account_no: str) -> Money:
    return total(
        m(i["amount"]) for i in items_of(account_no) if dt.date.fromisoformat(i["due_date"]) < TODAY
    )


MULTI = accounts("active", min_due_dates=2, penalty=True)[:3]


@pytest.mark.parametrize("account_no", MULTI)
def test_open_items_by_due_date_and_amount_to_bring_current(
    desk: Cashdesk, account_no: str
) -> None:
    view = desk.records.utility_account(account_no)
    expected = expected_order(account_no)
    assert [(i.bill_no, i.category, i.open_amount.plain()) for i in view.items] == [
        (e["bill_no"], e["category"], e["amount"]) for e in expected
    ]
    assert view.open_balance == total(m(e["amount"]) for e in expected)
    assert view.past_due == past_due(account_no)
    assert view.status == "active" and view.restore_amount is None


@pytest.mark.parametrize("account_no", MULTI)
@pytest.mark.parametrize("how", ["exact", "partial", "one_cent", "overpay"])
def test_payment_applies_oldest_first_penalty_water_wastewater(
    desk: Cashdesk, account_no: str, how: str
) -> None:
    expected = expected_order(account_no)
    balance = total(m(e["amount"]) for e in expected)
    amount = {
        "exact": balance,
        "partial": m(expected[0]["amount"]) + Money(cents=1),
        "one_cent": Money(cents=1),
        "overpay": balance + m("10.00"),
    }[how]
    application = desk.records.utility_payment(account_no, amount=amount)
    left = amount
    want = []
    for e in expected:
        applied = m(e["amount"]).min(left)
        left = left - applied
        if applied:
            want.append((applied.plain(), RECEIVABLE[e["category"]], e["bill_no"]))
    if left:
        want.append((left.plain(), "501-000-21400", ""))  # credit balance
    got = [
        (x.amount.plain(), x.gl_account, x.description.split("bill ")[-1].split(" due")[0])
        for x in application.lines
    ]
    assert [(a, g) for a, g, _ in got] == [(a, g) for a, g, _ in want]
    assert [b for _, g, b in got if g != "501-000-21400"] == [b for _, g, b in want if b]
    assert total(x.amount for x in application.lines) == amount
    assert application.credit_balance == left


def test_gl_credits_each_funds_receivable_and_debits_its_pooled_cash(
    desk: Cashdesk, open_drawer: Operator
) -> None:
    account_no = MULTI[0]
    view = desk.records.utility_account(account_no)
    application = desk.records.utility_payment(account_no, amount=view.open_balance)
    posted = post(desk, open_drawer, application.lines)
    by_fund = defaultdict(int)
    for item in items_of(account_no):
        by_fund[RECEIVABLE[item["category"]]] += m(item["amount"]).cents
    entry = journal(desk, posted.number, "receipt")
    assert entry == {
        "501-000-10100": (by_fund["501-000-12100"], 0),
        "502-000-10100": (by_fund["502-000-12100"], 0),
        "501-000-12100": (0, by_fund["501-000-12100"]),
        "502-000-12100": (0, by_fund["502-000-12100"]),
    }
    # The receipt shows what each item received.
    assert [(d.description, d.amount) for d in posted.document.lines] == [
        (x.description, str(x.amount)) for x in application.lines
    ]
    assert str(application.lines[0].amount) in posted.text


def test_the_cache_reflects_a_posted_payment_at_once_and_a_void_restores_it(
    desk: Cashdesk, open_drawer: Operator, lead: Operator
) -> None:
    account_no = MULTI[1]
    before = desk.records.utility_account(account_no)
    amount = before.items[0].open_amount + m("1.00")
    posted = post(desk, open_drawer, desk.records.utility_payment(account_no, amount=amount).lines)
    after = desk.records.utility_account(account_no)
    assert after.open_balance == before.open_balance - amount
    assert len(after.items) == len(before.items) - 1
    assert after.items[0].open_amount == before.items[1].open_amount - m("1.00")
    [hit] = [r for r in desk.lookup.search(clerk(desk), account_no) if r.key == account_no]
    assert hit.amount_due == after.open_balance
    desk.payments.void_receipt(lead, posted.number, reason="keyed wrong account")
    assert desk.records.utility_account(account_no) == before


def test_offline_double_collection_at_the_same_counter_is_refused(
    desk: Cashdesk, open_drawer: Operator
) -> None:
    """Two drafts built from the same look-up: the second finds the bill already paid."""
    account_no = MULTI[2]
    balance = desk.records.utility_account(account_no).open_balance
    first_draft = desk.records.utility_payment(account_no, amount=balance).lines
    second_draft = desk.records.utility_payment(account_no, amount=balance).lines
    post(desk, open_drawer, first_draft)
    with pytest.raises(StateError, match="has changed"):
        post(desk, open_drawer, second_draft)
    assert desk.records.utility_account(account_no).open_balance == Money.zero()
    # A new payment now is a credit balance, not a second collection of the bill.
    again = desk.records.utility_payment(account_no, amount=m("20.00"))
    assert [x.gl_account for x in again.lines] == ["501-000-21400"]
    post(desk, open_drawer, again.lines)
    assert desk.records.utility_account(account_no).credit_balance == m("20.00")


def disconnected_with_past_due() -> str:
    return next(a for a in accounts("disconnected") if past_due(a))


def test_restoring_a_disconnected_account_takes_past_due_plus_45(
    desk: Cashdesk, open_drawer: Operator
) -> None:
    account_no = disconnected_with_past_due()
    view = desk.records.utility_account(account_no)
    assert view.status == "disconnected"
    assert view.restore_amount == past_due(account_no) + m("45.00")
    application = desk.records.utility_payment(account_no, amount=view.restore_amount, restore=True)
    assert application.restored
    assert (application.lines[0].amount, application.lines[0].gl_account) == (
        m("45.00"),
        "501-400-34410",
    )
    post(desk, open_drawer, application.lines)
    after = desk.records.utility_account(account_no)
    assert after.status == "active" and after.past_due == Money.zero()


def test_a_short_restore_payment_is_applied_without_fee_or_restore(
    desk: Cashdesk, open_drawer: Operator
) -> None:
    account_no = disconnected_with_past_due()
    view = desk.records.utility_account(account_no)
    assert view.restore_amount is not None
    short = view.restore_amount - Money(cents=1)
    application = desk.records.utility_payment(account_no, amount=short, restore=True)
    assert not application.restored and "not restored" in application.restore_note
    assert "501-400-34410" not in {x.gl_account for x in application.lines}
    post(desk, open_drawer, application.lines)
    assert desk.records.utility_account(account_no).status == "disconnected"


def test_restore_lines_are_refused_once_the_bill_changed(
    desk: Cashdesk, open_drawer: Operator
) -> None:
    account_no = disconnected_with_past_due()
    view = desk.records.utility_account(account_no)
    assert view.restore_amount is not None
    restore = desk.records.utility_payment(account_no, amount=view.restore_amount, restore=True)
    post(desk, open_drawer, desk.records.utility_payment(account_no, amount=m("5.00")).lines)
    with pytest.raises(StateError):
        post(desk, open_drawer, restore.lines)


def test_restore_is_only_for_disconnected_accounts(desk: Cashdesk) -> None:
    with pytest.raises(ValidationError, match="only a disconnected account"):
        desk.records.utility_payment(MULTI[0], amount=m("500"), restore=True)


def test_inactive_accounts_take_their_balance_but_no_credit(
    desk: Cashdesk, open_drawer: Operator
) -> None:
    account_no = next(a for a in accounts("inactive"))
    view = desk.records.utility_account(account_no)
    assert view.max_payment == view.open_balance and view.open_balance.is_positive
    with pytest.raises(ValidationError, match="closed"):
        desk.records.utility_payment(account_no, amount=view.open_balance + Money(cents=1))
    post(
        desk,
        open_drawer,
        desk.records.utility_payment(account_no, amount=view.open_balance).lines,
        tender=T.check(view.open_balance, routing="021000021", account="4445556667", number="77"),
    )
    assert desk.records.utility_account(account_no).open_balance == Money.zero()
    with pytest.raises(ValidationError, match="owes nothing"):
        desk.records.utility_payment(account_no, amount=m("1.00"))


def test_unknown_account_is_not_found(desk: Cashdesk) -> None:
    from cashdesk.errors import NotFound

    with pytest.raises(NotFound):
        desk.records.utility_account("999999")


def test_postings_record_what_each_item_received(desk: Cashdesk, open_drawer: Operator) -> None:
    account_no = MULTI[0]
    balance = desk.records.utility_account(account_no).open_balance
    post(desk, open_drawer, desk.records.utility_payment(account_no, amount=balance).lines)
    with desk.ctx.sessions() as s:
        cents = s.scalar(
            select(func.sum(RecordPosting.amount_cents)).where(
                RecordPosting.reference == account_no, RecordPosting.kind == "utility_item"
            )
        )
    assert cents == balance.cents
