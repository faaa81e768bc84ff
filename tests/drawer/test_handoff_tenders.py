"""Relief handoffs (issue 24, defect 1): the cash stays in the drawer, the checks, money
orders and card batch go with the outgoing cashier's count; every check is counted and
deposited exactly once however many handoffs the drawer had."""

from __future__ import annotations

import pytest
from drawer_helpers import Pay, bank, check, counted, m
from sqlalchemy import func, select

from cashdesk.app import Cashdesk
from cashdesk.domain import tender as T
from cashdesk.domain.money import Money
from cashdesk.domain.roles import Operator
from cashdesk.errors import ValidationError
from cashdesk.store.drawer_models import DrawerCountRow
from cashdesk.store.models import DrawerSession, Receipt, TenderRow


def checks_posted(desk: Cashdesk) -> Money:
    with desk.ctx.sessions() as s:
        cents = s.scalar(
            select(func.sum(TenderRow.amount_cents))
            .join(Receipt, Receipt.id == TenderRow.receipt_id)
            .where(Receipt.status == "posted", TenderRow.kind == "check")
        )
    return Money(cents=int(cents or 0))


def test_two_handoffs_with_checks_on_both_sides_deposit_each_check_once(
    desk: Cashdesk, people: dict[str, Operator], pay: Pay
) -> None:
    maria, kim, jose, lead = (people[u] for u in ("maria", "kim", "jose", "lead"))
    bal = desk.balancing
    desk.drawers.open_drawer(maria, count=bank())
    pay(maria, "MISC", "500.00", check("500.00", "1001"))
    pay(maria, "MISC", "674.00", check("674.00", "1002"))
    pay(maria, "MISC", "50.00", T.cash(m("50")))
    pay(maria, "MISC", "20.00", T.money_order(m("20.00"), serial="MO-1"))

    first = bal.handoff(
        maria,
        kim,
        counted(m("250.00"), checks=(("1001", "500.00"), ("1002", "674.00")), mos=("20.00",)),
    )
    assert first.count.over_short == Money.zero() and first.count.state == "approved"
    assert first.terms.statement() == (
        "Stays in the drawer with Kim Ngô: the cash, $250.00, as Kim Ngô's starting bank.",
        "Goes with Maria Hernández's count to the safe: 2 checks ($1,174.00), 1 money order "
        "($20.00). Kim Ngô does not count or list them at the close.",
    )
    # The relief cashier's screen reads the same terms from the store.
    stored = bal.handed_over(kim)
    assert stored is not None and stored.statement() == first.terms.statement()

    pay(kim, "MISC", "149.00", check("149.00", "2001"))
    pay(kim, "MISC", "30.00", T.cash(m("30")))
    # Kim re-lists María's check at her handoff: refused, naming whose count it is in, and
    # nothing is written (the drawer stays open for Kim).
    with pytest.raises(ValidationError, match=r"1001 for \$500\.00 was handed over in Maria"):
        bal.handoff(
            kim, jose, counted(m("280.00"), checks=(("2001", "149.00"), ("1001", "500.00")))
        )
    current = desk.drawers.current()
    assert current is not None and current.cashier_name == "Kim Ngô"

    second = bal.handoff(kim, jose, counted(m("280.00"), checks=(("2001", "149.00"),)))
    assert second.count.over_short == Money.zero() and not second.count.needs_signoff
    assert "1 check ($149.00)" in second.terms.statement()[1]

    pay(jose, "MISC", "75.25", check("75.25", "3001"))
    pay(jose, "MISC", "10.00", T.cash(m("10")))
    # At the close, a check of either earlier count is refused the same way.
    with pytest.raises(ValidationError, match="handed over in Maria Hernández's count"):
        bal.submit_count(jose, counted(m("290.00"), checks=(("3001", "75.25"), ("1002", "674"))))
    with pytest.raises(ValidationError, match="handed over in Kim Ngô's count"):
        bal.submit_count(jose, counted(m("290.00"), checks=(("3001", "75.25"), ("2001", "149"))))
    with desk.ctx.sessions() as s:
        assert s.scalar(select(func.count()).select_from(DrawerCountRow)) == 2  # handoffs only
    # José is $3.00 short in cash: within the threshold, approved, and posted as such.
    close = bal.submit_count(jose, counted(m("287.00"), checks=(("3001", "75.25"),)))
    assert close.over_short == -m("3.00") and close.state == "approved"
    assert [v.difference for v in close.variances] == [-m("3.00"), m("0"), m("0"), m("0")]

    slip = desk.day_close.deposit(lead, bag_number="B-1")
    checks = [i for i in slip.items if i.kind.value == "check"]
    assert sorted(i.number for i in checks) == ["1001", "1002", "2001", "3001"]
    assert slip.checks == checks_posted(desk) + m("20.00")  # + María's money order
    assert total_checks(checks) == checks_posted(desk) == m("1398.25")
    # The cash: the bank back to the change fund, the rest in the bag.
    assert slip.currency + slip.coin == m("287.00") - m("200.00")
    z = desk.day_close.close_day(lead).report
    assert z.over_short == -m("3.00")
    by_tender = {t.kind.value: t.amount for t in z.by_tender}
    assert by_tender["check"] == total_checks(checks)
    with desk.ctx.sessions() as s:
        assert s.scalar(select(func.count()).select_from(DrawerSession)) == 3


def total_checks(items: list) -> Money:  # type: ignore[type-arg]
    return sum((i.amount for i in items), Money.zero())
