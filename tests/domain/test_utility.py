"""Utility bill payments, RULES.md section 4. Expected figures are worked out by hand."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cashdesk.domain.lines import ChargeLine
from cashdesk.domain.money import Money, total
from cashdesk.domain.utility import (
    AccountStatus,
    BillCategory,
    BillItem,
    UtilityAccount,
    UtilityApplication,
    application_order,
    apply_payment,
    restore_amount,
    utility_quote,
)
from cashdesk.errors import ValidationError

WATER_AR = "501-000-12100"
WASTEWATER_AR = "502-000-12100"
CREDIT = "501-000-21400"
RECONNECT = "501-400-34410"


def m(text: str) -> Money:
    return Money.parse(text)


def account(status: str = "active", number: str = "100000") -> UtilityAccount:
    return UtilityAccount(
        account_no=number,
        name="Test Customer",
        service_address="1 Main St",
        mailing_address="1 Main St, Riverbend CA 95100",
        status=AccountStatus(status),
    )


def item(due: str, category: str, amount: str, bill: str = "B1") -> BillItem:
    due_date = date.fromisoformat(due)
    return BillItem(
        bill_no=bill,
        bill_date=due_date - timedelta(days=21),
        due_date=due_date,
        category=BillCategory(category),
        amount=m(amount),
    )


def from_csv(rows: str) -> list[BillItem]:
    """Rows of utility_bill_items.csv (account_no,bill_no,bill_date,due_date,category,amount)."""
    items = []
    for row in rows.strip().splitlines():
        _, bill_no, bill_date, due_date, category, amount = row.strip().split(",")
        items.append(
            BillItem(
                bill_no=bill_no,
                bill_date=date.fromisoformat(bill_date),
                due_date=date.fromisoformat(due_date),
                category=BillCategory(category),
                amount=m(amount),
            )
        )
    return items


def lines_of(app: UtilityApplication) -> list[tuple[str, str]]:
    return [(line.gl_account, line.amount.plain()) for line in app.lines]


def applied_of(app: UtilityApplication) -> list[tuple[str, str, str]]:
    return [(a.item.category, a.applied.plain(), a.remaining.plain()) for a in app.allocations]


# -- real accounts from /work/shared/city ------------------------------------------------------

# utility_accounts.csv: 100112,William Haddad,6408 Lakeview Ter,...,disconnected
HADDAD = UtilityAccount(
    account_no="100112",
    name="William Haddad",
    service_address="6408 Lakeview Ter",
    mailing_address="7701 Sycamore Ln, Riverbend CA 95124",
    status=AccountStatus.DISCONNECTED,
)
HADDAD_ITEMS = from_csv(
    """
    100112,B100112-2608,2026-08-31,2026-09-21,water,216.82
    100112,B100112-2608,2026-08-31,2026-09-21,wastewater,28.50
    100112,B100112-2609,2026-09-30,2026-10-21,water,112.20
    100112,B100112-2609,2026-09-30,2026-10-21,wastewater,28.20
    100112,B100112-2609,2026-09-30,2026-10-21,penalty,22.96
    100112,B100112-2610,2026-10-30,2026-11-20,water,161.98
    100112,B100112-2610,2026-10-30,2026-11-20,wastewater,49.99
    """
)
# Open balance: 216.82 + 28.50 + 112.20 + 28.20 + 22.96 + 161.98 + 49.99 = 620.65.
# Paid on 11/20 the items due 11/20 are not yet past due:
#   past due = 216.82 + 28.50 + 22.96 + 112.20 + 28.20 = 408.68; restore = 408.68 + 45 = 453.68.
HADDAD_DAY = date(2026, 11, 20)


def test_haddad_quote() -> None:
    quote = utility_quote(HADDAD, HADDAD_ITEMS, on=HADDAD_DAY)
    assert quote.open_balance == m("620.65")
    assert quote.past_due == m("408.68")
    assert quote.not_yet_due == m("211.97")  # 161.98 + 49.99
    assert quote.restore_amount == m("453.68")
    assert quote.max_payment is None
    # a day later the November items are past due too: 620.65 + 45.00
    assert restore_amount(HADDAD_ITEMS, on=HADDAD_DAY + timedelta(days=1)) == m("665.65")


def test_haddad_restore_with_exact_amount() -> None:
    app = apply_payment(HADDAD, HADDAD_ITEMS, amount=m("453.68"), paid_on=HADDAD_DAY, restore=True)
    assert app.restored
    assert app.reconnection_fee == m("45.00")
    assert "Service restored" in app.restore_note
    # fee first, then oldest due date first; within 10/21 penalty, water, wastewater
    assert lines_of(app) == [
        (RECONNECT, "45.00"),
        (WATER_AR, "216.82"),
        (WASTEWATER_AR, "28.50"),
        (WATER_AR, "22.96"),  # the penalty belongs to the water fund
        (WATER_AR, "112.20"),
        (WASTEWATER_AR, "28.20"),
    ]
    assert applied_of(app) == [
        ("water", "216.82", "0.00"),
        ("wastewater", "28.50", "0.00"),
        ("penalty", "22.96", "0.00"),
        ("water", "112.20", "0.00"),
        ("wastewater", "28.20", "0.00"),
        ("water", "0.00", "161.98"),  # due today: not past due, not needed to restore
        ("wastewater", "0.00", "49.99"),
    ]
    assert app.past_due_before == m("408.68")
    assert app.past_due_after == Money.zero()
    assert app.open_balance_after == m("211.97")
    assert app.credit_balance == Money.zero()
    assert all(line.code == "UTIL" and line.reference == "100112" for line in app.lines)


def test_haddad_one_cent_short_is_accepted_but_not_restored() -> None:
    app = apply_payment(HADDAD, HADDAD_ITEMS, amount=m("453.67"), paid_on=HADDAD_DAY, restore=True)
    assert not app.restored
    assert app.reconnection_fee == Money.zero()  # no reconnection, no reconnection fee
    assert "Service not restored" in app.restore_note
    assert "$453.68" in app.restore_note
    assert "$0.01 short" in app.restore_note
    # 453.67 - 408.68 past due = 44.99 reaches the November water item
    assert applied_of(app)[-2:] == [("water", "44.99", "116.99"), ("wastewater", "0.00", "49.99")]
    assert total(line.amount for line in app.lines) == m("453.67")


def test_haddad_restore_with_overpayment_leaves_credit() -> None:
    app = apply_payment(HADDAD, HADDAD_ITEMS, amount=m("700.00"), paid_on=HADDAD_DAY, restore=True)
    assert app.restored
    # 700.00 - 45.00 - 620.65 = 34.35
    assert app.credit_balance == m("34.35")
    assert lines_of(app)[-1] == (CREDIT, "34.35")
    assert app.open_balance_after == Money.zero()


def test_haddad_payment_without_restore_takes_no_fee() -> None:
    app = apply_payment(HADDAD, HADDAD_ITEMS, amount=m("453.68"), paid_on=HADDAD_DAY)
    assert not app.restore_requested and not app.restored and app.restore_note == ""
    assert app.reconnection_fee == Money.zero()
    # 453.68 - 408.68 = 45.00 to the November water item
    assert applied_of(app)[-2] == ("water", "45.00", "116.98")


# utility_accounts.csv: 100063,Patricia Thomas,5983 Main St,...,active. Two of its bills share
# the number B100063-2610 (bill dates 10/02 and 10/31): the due date tells them apart.
THOMAS = account("active", "100063")
THOMAS_ITEMS = from_csv(
    """
    100063,B100063-2609,2026-09-02,2026-09-23,water,21.05
    100063,B100063-2609,2026-09-02,2026-09-23,wastewater,47.55
    100063,B100063-2610,2026-10-02,2026-10-23,water,224.34
    100063,B100063-2610,2026-10-02,2026-10-23,wastewater,57.55
    100063,B100063-2610,2026-10-02,2026-10-23,penalty,17.71
    100063,B100063-2610,2026-10-31,2026-11-21,water,165.83
    100063,B100063-2610,2026-10-31,2026-11-21,wastewater,33.09
    """
)


def test_thomas_partial_payment_partly_pays_an_item() -> None:
    app = apply_payment(THOMAS, THOMAS_ITEMS, amount=m("100.00"), paid_on=date(2026, 11, 21))
    # 100.00 - 21.05 - 47.55 - 17.71 = 13.69 left for the October water item
    assert lines_of(app) == [
        (WATER_AR, "21.05"),
        (WASTEWATER_AR, "47.55"),
        (WATER_AR, "17.71"),
        (WATER_AR, "13.69"),
    ]
    assert applied_of(app)[3] == ("water", "13.69", "210.65")  # 224.34 - 13.69
    assert [line.description for line in app.lines] == [
        "Water, bill B100063-2609 due 09/23/2026",
        "Wastewater, bill B100063-2609 due 09/23/2026",
        "Late penalty, bill B100063-2610 due 10/23/2026",
        "Water, bill B100063-2610 due 10/23/2026",
    ]
    # open 567.12 (21.05+47.55+224.34+57.55+17.71+165.83+33.09); past due on 11/21: 368.20
    assert app.open_balance_before == m("567.12")
    assert app.past_due_before == m("368.20")
    assert app.past_due_after == m("268.20")
    assert app.open_balance_after == m("467.12")


def test_thomas_overpayment_is_a_credit_balance() -> None:
    app = apply_payment(THOMAS, THOMAS_ITEMS, amount=m("600.00"), paid_on=date(2026, 11, 21))
    assert app.credit_balance == m("32.88")  # 600.00 - 567.12
    assert lines_of(app)[-1] == (CREDIT, "32.88")
    assert app.lines[-1].description == "Credit balance on account"
    assert all(a.paid_in_full for a in app.allocations)


def test_order_does_not_depend_on_load_order() -> None:
    shuffled = list(reversed(THOMAS_ITEMS))
    paid_on = date(2026, 11, 21)
    assert apply_payment(THOMAS, shuffled, amount=m("100.00"), paid_on=paid_on) == apply_payment(
        THOMAS, THOMAS_ITEMS, amount=m("100.00"), paid_on=paid_on
    )


# utility_accounts.csv: 100147,Hana Kowalski,9560 Cedar Ct,...,inactive
KOWALSKI = account("inactive", "100147")
KOWALSKI_ITEMS = from_csv(
    """
    100147,B100147-2610,2026-10-29,2026-11-19,water,215.05
    100147,B100147-2610,2026-10-29,2026-11-19,wastewater,75.52
    """
)  # unpaid balance 290.57


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("290.57", [("water", "215.05", "0.00"), ("wastewater", "75.52", "0.00")]),
        ("100.00", [("water", "100.00", "115.05"), ("wastewater", "0.00", "75.52")]),
        ("215.06", [("water", "215.05", "0.00"), ("wastewater", "0.01", "75.51")]),
    ],
)
def test_inactive_account_takes_its_unpaid_balance(
    amount: str, expected: list[tuple[str, str, str]]
) -> None:
    app = apply_payment(KOWALSKI, KOWALSKI_ITEMS, amount=m(amount), paid_on=date(2026, 12, 1))
    assert applied_of(app) == expected
    assert app.credit_balance == Money.zero()


def test_inactive_account_refuses_a_credit_balance() -> None:
    with pytest.raises(ValidationError, match=r"at most its unpaid balance of \$290\.57"):
        apply_payment(KOWALSKI, KOWALSKI_ITEMS, amount=m("290.58"), paid_on=date(2026, 12, 1))
    with pytest.raises(ValidationError, match="Account 100147 is closed and owes nothing"):
        apply_payment(KOWALSKI, [], amount=m("1.00"), paid_on=date(2026, 12, 1))


def test_inactive_quote_names_the_most_it_takes() -> None:
    quote = utility_quote(KOWALSKI, KOWALSKI_ITEMS, on=date(2026, 11, 19))
    assert quote.max_payment == m("290.57")
    assert quote.restore_amount is None
    assert quote.past_due == Money.zero()  # due 11/19 is not past due on 11/19


# -- ordering ----------------------------------------------------------------------------------


def test_within_one_due_date_penalty_then_water_then_wastewater() -> None:
    items = [
        item("2026-10-20", "wastewater", "10.00"),
        item("2026-10-20", "water", "10.00"),
        item("2026-10-20", "penalty", "10.00"),
        item("2026-09-20", "wastewater", "10.00"),  # older due date comes first, whatever it is
    ]
    ordered = application_order(items)
    assert [(i.due_date.month, i.category) for i in ordered] == [
        (9, "wastewater"),
        (10, "penalty"),
        (10, "water"),
        (10, "wastewater"),
    ]
    app = apply_payment(account(), items, amount=m("25.00"), paid_on=date(2026, 11, 1))
    # 10.00 to September wastewater, 10.00 to the penalty, 5.00 to October water
    assert applied_of(app) == [
        ("wastewater", "10.00", "0.00"),
        ("penalty", "10.00", "0.00"),
        ("water", "5.00", "5.00"),
        ("wastewater", "0.00", "10.00"),
    ]
    assert lines_of(app) == [(WASTEWATER_AR, "10.00"), (WATER_AR, "10.00"), (WATER_AR, "5.00")]


# -- past due and restore boundaries -------------------------------------------------------


@pytest.mark.parametrize(
    ("paid_on", "past_due", "restore"),
    [
        # items: 100.00 due 11/10 and 50.00 due 11/20
        (date(2026, 11, 10), "0.00", "45.00"),  # due today: not past due
        (date(2026, 11, 11), "100.00", "145.00"),
        (date(2026, 11, 20), "100.00", "145.00"),
        (date(2026, 11, 21), "150.00", "195.00"),
    ],
)
def test_past_due_means_due_date_before_paid_on(paid_on: date, past_due: str, restore: str) -> None:
    items = [item("2026-11-10", "water", "100.00"), item("2026-11-20", "water", "50.00")]
    quote = utility_quote(account("disconnected"), items, on=paid_on)
    assert quote.past_due == m(past_due)
    assert quote.restore_amount == m(restore)


@pytest.mark.parametrize(
    ("amount", "restored", "fee", "to_items", "credit"),
    [
        # past due 100.00 (due 11/10, paid 11/11) + 45.00 fee = 145.00 to restore
        ("145.00", True, "45.00", "100.00", "0.00"),
        ("144.99", False, "0.00", "144.99", "0.00"),  # 100.00 + 44.99 of the 50.00 not yet due
        ("195.00", True, "45.00", "150.00", "0.00"),
        ("200.00", True, "45.00", "150.00", "5.00"),
        ("30.00", False, "0.00", "30.00", "0.00"),  # less than the fee itself
    ],
)
def test_restore_amounts(amount: str, restored: bool, fee: str, to_items: str, credit: str) -> None:
    items = [item("2026-11-10", "water", "100.00"), item("2026-11-20", "water", "50.00")]
    app = apply_payment(
        account("disconnected"), items, amount=m(amount), paid_on=date(2026, 11, 11), restore=True
    )
    assert app.restored is restored
    assert app.reconnection_fee == m(fee)
    assert app.applied_to_items == m(to_items)
    assert app.credit_balance == m(credit)
    assert app.reconnection_fee + app.applied_to_items + app.credit_balance == m(amount)


def test_restore_with_nothing_past_due_takes_the_fee_alone() -> None:
    items = [item("2026-11-20", "water", "50.00")]  # not yet due on 11/11
    app = apply_payment(
        account("disconnected"), items, amount=m("45.00"), paid_on=date(2026, 11, 11), restore=True
    )
    assert app.restored
    assert lines_of(app) == [(RECONNECT, "45.00")]
    assert applied_of(app) == [("water", "0.00", "50.00")]


@pytest.mark.parametrize("status", ["active", "inactive"])
def test_restore_refused_unless_disconnected(status: str) -> None:
    with pytest.raises(ValidationError, match=f"is {status}; only a disconnected account"):
        apply_payment(
            account(status),
            [item("2026-11-10", "water", "10.00")],
            amount=m("100.00"),
            paid_on=date(2026, 11, 11),
            restore=True,
        )


def test_disconnected_account_may_take_a_credit_balance() -> None:
    app = apply_payment(account("disconnected"), [], amount=m("20.00"), paid_on=date(2026, 11, 11))
    assert lines_of(app) == [(CREDIT, "20.00")]


def test_active_account_with_no_open_items_takes_a_credit() -> None:
    app = apply_payment(account(), [], amount=m("0.01"), paid_on=date(2026, 11, 11))
    assert app.credit_balance == m("0.01")
    assert app.allocations == ()


# -- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize("cents", [0, -1, -10_000])
def test_zero_or_negative_payment_refused(cents: int) -> None:
    with pytest.raises(ValidationError, match=r"Payment amount must be more than \$0\.00\."):
        apply_payment(
            account(),
            [item("2026-11-10", "water", "10.00")],
            amount=Money(cents=cents),
            paid_on=date(2026, 11, 11),
        )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"amount": Money.zero()}, "open items must be more than"),
        ({"amount": Money(cents=-500)}, "open items must be more than"),
        ({"category": "sewer"}, "unknown item category 'sewer'"),
        ({"bill_date": date(2026, 12, 1)}, "due before its bill date"),
    ],
)
def test_bad_bill_items_refused(kwargs: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {
        "bill_no": "B1",
        "bill_date": date(2026, 10, 1),
        "due_date": date(2026, 10, 22),
        "category": "water",
        "amount": m("10.00"),
    }
    fields.update(kwargs)
    with pytest.raises(ValidationError, match=message):
        BillItem(**fields)  # type: ignore[arg-type]


def test_unknown_account_status_refused() -> None:
    with pytest.raises(ValidationError, match="unknown status 'closed'"):
        UtilityAccount(
            account_no="1",
            name="x",
            service_address="x",
            mailing_address="x",
            status="closed",  # type: ignore[arg-type]
        )


def test_status_and_category_text_become_enums() -> None:
    acct = UtilityAccount(
        account_no="1",
        name="x",
        service_address="x",
        mailing_address="x",
        status="disconnected",  # type: ignore[arg-type]
    )
    assert acct.status is AccountStatus.DISCONNECTED
    bill = BillItem(
        bill_no="B1",
        bill_date=date(2026, 10, 1),
        due_date=date(2026, 10, 22),
        category="penalty",  # type: ignore[arg-type]
        amount=m("1.00"),
    )
    assert bill.category is BillCategory.PENALTY
    assert bill.gl_account == WATER_AR


# -- properties ----------------------------------------------------------------------------

DAY0 = date(2026, 9, 1)

items_strategy = st.lists(
    st.builds(
        BillItem,
        bill_no=st.sampled_from(["B1", "B2", "B3"]),
        bill_date=st.just(DAY0),
        due_date=st.integers(min_value=0, max_value=90).map(lambda d: DAY0 + timedelta(days=d)),
        category=st.sampled_from(list(BillCategory)),
        amount=st.integers(min_value=1, max_value=50_000).map(lambda c: Money(cents=c)),
    ),
    max_size=8,
)


@given(
    items=items_strategy,
    cents=st.integers(min_value=1, max_value=300_000),
    status=st.sampled_from(list(AccountStatus)),
    restore=st.booleans(),
    day=st.integers(min_value=0, max_value=120),
)
def test_payment_application_properties(
    items: list[BillItem], cents: int, status: AccountStatus, restore: bool, day: int
) -> None:
    amount = Money(cents=cents)
    paid_on = DAY0 + timedelta(days=day)
    restore = restore and status is AccountStatus.DISCONNECTED
    open_balance = total(i.amount for i in items)
    try:
        app = apply_payment(account(status), items, amount=amount, paid_on=paid_on, restore=restore)
    except ValidationError:
        # the only refusal left: a closed account offered more than it owes
        assert status is AccountStatus.INACTIVE and amount > open_balance
        return

    assert total(line.amount for line in app.lines) == amount
    assert app.applied_to_items <= amount
    assert app.reconnection_fee + app.applied_to_items + app.credit_balance == amount
    assert all(line.amount.is_positive for line in app.lines)
    assert all(
        isinstance(line, ChargeLine) and line.reference == app.account_no for line in app.lines
    )
    for allocation in app.allocations:
        assert Money.zero() <= allocation.applied <= allocation.item.amount
    # a waterfall: an item receives money only once every earlier item is paid in full
    reached_unpaid = False
    for allocation in app.allocations:
        if reached_unpaid:
            assert allocation.applied == Money.zero()
        if not allocation.paid_in_full:
            reached_unpaid = True
    if app.credit_balance:
        assert all(a.paid_in_full for a in app.allocations)
        assert status is not AccountStatus.INACTIVE
    past_due = total(i.amount for i in items if i.due_date < paid_on)
    assert app.past_due_before == past_due
    assert app.restored == (restore and amount >= past_due + Money(cents=45_00))
    if app.restored:
        assert app.past_due_after == Money.zero()
