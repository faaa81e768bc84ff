"""Petty cash rules (RULES.md section 11), to the cent."""

from __future__ import annotations

import datetime as dt

import pytest

from cashdesk.domain.drawer import CashCount
from cashdesk.domain.money import Money
from cashdesk.domain.petty_cash import (
    FUND,
    PAYABLE_ACCOUNT,
    FundCount,
    VoucherDraft,
    VoucherLine,
    check_replenishment_received,
    check_voucher,
    destroy_after,
    fiscal_year_end,
    replenishment,
    replenishment_reasons,
    voucher_number,
    voucher_seq,
)
from cashdesk.errors import ValidationError


def _draft(cents: int, **kw: object) -> VoucherDraft:
    values: dict[str, object] = {
        "payee": "Riverbend Post Office",
        "purpose": "Certified mail for lien notices",
        "expense_account": "101-150-52200",
        "amount": Money(cents=cents),
        "receipt_attached": True,
    }
    values.update(kw)
    return VoucherDraft(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("cents", "needs_approval"),
    [(1, False), (24_99, False), (25_00, False), (25_01, True), (74_99, True), (75_00, True)],
)
def test_voucher_limits_at_and_around_each_threshold(cents: int, needs_approval: bool) -> None:
    checked = check_voucher(_draft(cents), cash_in_fund=FUND)
    assert checked.needs_approval is needs_approval
    assert checked.draft.amount == Money(cents=cents)


@pytest.mark.parametrize("cents", [75_01, 100_00, 0])
def test_over_75_and_zero_are_refused(cents: int) -> None:
    with pytest.raises(ValidationError):
        check_voucher(_draft(cents), cash_in_fund=FUND)


def test_a_voucher_cannot_pay_more_than_the_cash_in_the_fund() -> None:
    assert check_voucher(_draft(40_00), cash_in_fund=Money(cents=40_00)).draft.amount
    with pytest.raises(ValidationError, match="holds only"):
        check_voucher(_draft(40_01), cash_in_fund=Money(cents=40_00))


def test_expense_account_receipt_and_text_are_checked() -> None:
    with pytest.raises(ValidationError, match="expense account"):
        check_voucher(_draft(10_00, expense_account="101-150-36900"), cash_in_fund=FUND)
    with pytest.raises(ValidationError, match="original receipt"):
        check_voucher(_draft(10_00, receipt_attached=False), cash_in_fund=FUND)
    with pytest.raises(ValidationError, match="card number"):
        check_voucher(
            _draft(10_00, purpose="paid with 4111 1111 1111 1111".replace(" ", "")),
            cash_in_fund=FUND,
        )
    cleaned = check_voucher(_draft(10_00, payee="  Office   Depot "), cash_in_fund=FUND)
    assert cleaned.draft.payee == "Office Depot"


def test_voucher_numbers_are_six_digits_and_parse_back() -> None:
    assert voucher_number(1) == "PC-000001"
    assert voucher_number(123456) == "PC-123456"
    assert voucher_seq("pc-000042") == 42
    with pytest.raises(ValidationError):
        voucher_seq("W01-000001")


def test_fund_count_cash_plus_open_vouchers_equals_300() -> None:
    counted = CashCount.of({"B20": 10, "B10": 5, "B1": 7})  # $257.00
    balanced = FundCount(counted=counted, open_vouchers=Money(cents=43_00))
    assert balanced.cash == Money(cents=257_00)
    assert balanced.balanced and balanced.difference == Money.zero()
    short = FundCount(counted=counted, open_vouchers=Money(cents=42_99))
    assert short.difference == Money(cents=-1)
    over = FundCount(counted=counted, open_vouchers=Money(cents=43_01))
    assert over.difference == Money(cents=1)


def test_replenishment_prompts_below_100_and_at_month_end() -> None:
    mid = dt.date(2026, 11, 16)
    opened = dt.date(2026, 11, 2)
    assert (
        replenishment_reasons(
            cash_in_fund=Money(cents=100_00), today=mid, oldest_open_voucher=opened
        )
        == ()
    )
    below = replenishment_reasons(
        cash_in_fund=Money(cents=99_99), today=mid, oldest_open_voucher=opened
    )
    assert len(below) == 1 and "below" in below[0]
    for month_end in (dt.date(2026, 11, 30), dt.date(2028, 2, 29), dt.date(2027, 2, 28)):
        reasons = replenishment_reasons(
            cash_in_fund=FUND - Money(cents=5_00),
            today=month_end,
            oldest_open_voucher=month_end.replace(day=1),
        )
        assert reasons == ("it is the month end",)
    # February 28 of a leap year is not the month end
    assert (
        replenishment_reasons(
            cash_in_fund=Money(cents=295_00),
            today=dt.date(2028, 2, 28),
            oldest_open_voucher=dt.date(2028, 2, 1),
        )
        == ()
    )
    missed = replenishment_reasons(
        cash_in_fund=Money(cents=295_00),
        today=dt.date(2026, 12, 1),
        oldest_open_voucher=dt.date(2026, 11, 30),
    )
    assert len(missed) == 1 and "earlier month" in missed[0]
    # nothing open, nothing to replenish
    assert (
        replenishment_reasons(
            cash_in_fund=FUND, today=dt.date(2026, 11, 30), oldest_open_voucher=None
        )
        == ()
    )


def _line(n: int, account: str, cents: int) -> VoucherLine:
    return VoucherLine(
        number=voucher_number(n),
        paid_on=dt.date(2026, 11, n),
        payee="P",
        purpose="x",
        expense_account=account,
        amount=Money(cents=cents),
    )


def test_replenishment_groups_by_account_and_debits_expenses_crediting_payables() -> None:
    vouchers = [
        _line(3, "101-150-52900", 12_34),
        _line(1, "101-150-52200", 7_50),
        _line(2, "101-150-52100", 60_00),
        _line(4, "101-150-52200", 1_16),
    ]
    request = replenishment(vouchers)
    assert [g.account for g in request.groups] == [
        "101-150-52100",
        "101-150-52200",
        "101-150-52900",
    ]
    assert [g.total for g in request.groups] == [
        Money(cents=60_00),
        Money(cents=8_66),
        Money(cents=12_34),
    ]
    assert [v.number for v in request.groups[1].vouchers] == ["PC-000001", "PC-000004"]
    assert request.total == Money(cents=81_00)
    debits = {j.account: j.debit for j in request.journal if j.debit}
    credits = {j.account: j.credit for j in request.journal if j.credit}
    assert debits == {
        "101-150-52100": Money(cents=60_00),
        "101-150-52200": Money(cents=8_66),
        "101-150-52900": Money(cents=12_34),
    }
    assert credits == {PAYABLE_ACCOUNT: Money(cents=81_00)}
    assert PAYABLE_ACCOUNT == "101-000-20100"
    with pytest.raises(ValidationError):
        replenishment([])


def test_the_check_must_match_the_request() -> None:
    check_replenishment_received(requested=Money(cents=81_00), check_amount=Money(cents=81_00))
    with pytest.raises(ValidationError):
        check_replenishment_received(requested=Money(cents=81_00), check_amount=Money(cents=80_99))


def test_vouchers_are_kept_five_fiscal_years() -> None:
    assert fiscal_year_end(dt.date(2026, 6, 30)) == dt.date(2026, 6, 30)
    assert fiscal_year_end(dt.date(2026, 7, 1)) == dt.date(2027, 6, 30)
    assert destroy_after(dt.date(2026, 11, 26)) == dt.date(2032, 7, 1)
    assert destroy_after(dt.date(2026, 6, 30)) == dt.date(2031, 7, 1)
    assert destroy_after(dt.date(2028, 2, 29)) == dt.date(2033, 7, 1)
