"""The petty cash fund through its service: permissions, approvals, gapless numbers, counts,
replenishment, audit and outbox — and never a drawer."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from cashdesk.app import Cashdesk
from cashdesk.clock import FixedClock
from cashdesk.domain.money import Money
from cashdesk.domain.petty_cash import VoucherDraft
from cashdesk.domain.roles import Operator
from cashdesk.errors import PermissionDenied, StateError, ValidationError
from cashdesk.services.approvals import OverrideAction
from cashdesk.store.models import AuditEntry, DrawerSession, JournalEntry, OutboxRow, Receipt

from .conftest import LEAD2_PIN


def draft(cents: int, account: str = "101-150-52100", payee: str = "Office Depot") -> VoucherDraft:
    return VoucherDraft(
        payee=payee,
        purpose="Toner for the receipt printer",
        expense_account=account,
        amount=Money(cents=cents),
        receipt_attached=True,
    )


def test_a_small_voucher_needs_no_approval_and_numbers_are_gapless(
    desk: Cashdesk, lead: Operator
) -> None:
    first = desk.petty_cash.record_voucher(lead, draft(12_50))
    second = desk.petty_cash.record_voucher(lead, draft(25_00, "101-150-52200", "USPS"))
    assert (first.number, second.number) == ("PC-000001", "PC-000002")
    status = desk.petty_cash.status(lead)
    assert status.cash == Money(cents=300_00 - 37_50)
    assert status.open_total == Money(cents=37_50)
    with desk.ctx.sessions() as s:
        actions = list(
            s.scalars(select(AuditEntry.subject).where(AuditEntry.action == "petty_cash_voucher"))
        )
        kinds = list(s.scalars(select(OutboxRow.kind).where(OutboxRow.kind == "pc_voucher")))
        # the fund is not a drawer: no session, no receipt
        assert s.scalar(select(func.count()).select_from(DrawerSession)) == 0
        assert s.scalar(select(func.count()).select_from(Receipt)) == 0
    assert actions == ["PC-000001", "PC-000002"]
    assert kinds == ["pc_voucher", "pc_voucher"]


def test_over_25_needs_another_leads_approval_for_that_amount(
    desk: Cashdesk, lead: Operator, lead2: Operator
) -> None:
    with pytest.raises(PermissionDenied, match="another lead"):
        desk.petty_cash.record_voucher(lead, draft(25_01))
    with pytest.raises(PermissionDenied, match="own request"):
        desk.approvals.approve(
            lead,
            "lead",
            "3333",
            OverrideAction.PETTY_CASH_VOUCHER,
            "Meeting supplies",
            subject="25.01",
        )
    wrong = desk.approvals.approve(
        lead,
        "lead2",
        LEAD2_PIN,
        OverrideAction.PETTY_CASH_VOUCHER,
        "Meeting supplies",
        subject="25.00",
    )
    with pytest.raises(PermissionDenied, match="given for"):
        desk.petty_cash.record_voucher(lead, draft(25_01), approval=wrong)
    approval = desk.approvals.approve(
        lead,
        "lead2",
        LEAD2_PIN,
        OverrideAction.PETTY_CASH_VOUCHER,
        "Meeting supplies",
        subject="25.01",
    )
    voucher = desk.petty_cash.record_voucher(lead, draft(25_01), approval=approval)
    assert voucher.approver == "Tomás Ortiz"
    assert voucher.number == "PC-000001"  # the refusals used no number
    with pytest.raises(StateError, match="used already"):
        desk.petty_cash.record_voucher(lead, draft(25_01), approval=approval)
    with desk.ctx.sessions() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "petty_cash_voucher"))
        assert entry is not None and entry.approver_id == lead2.user_id


def test_over_75_is_refused_even_with_an_approval(
    desk: Cashdesk, lead: Operator, lead2: Operator
) -> None:
    approval = desk.approvals.approve(
        lead, "lead2", LEAD2_PIN, OverrideAction.PETTY_CASH_VOUCHER, "Big", subject="75.01"
    )
    with pytest.raises(ValidationError, match="over the petty cash limit"):
        desk.petty_cash.record_voucher(lead, draft(75_01), approval=approval)
    assert desk.petty_cash.vouchers(lead) == []


@pytest.mark.parametrize("who", ["maria", "admin", "auditor"])
def test_only_a_lead_keeps_the_fund(desk: Cashdesk, who: str) -> None:
    op = desk.auth.sign_in(who, "riverbend1")
    with pytest.raises(PermissionDenied):
        desk.petty_cash.record_voucher(op, draft(5_00))
    with pytest.raises(PermissionDenied):
        desk.petty_cash.status(op)
    with pytest.raises(PermissionDenied):
        desk.petty_cash.request_replenishment(op)


def test_a_lead_demoted_after_signing_in_is_refused(
    desk: Cashdesk, lead: Operator, admin: Operator
) -> None:
    from cashdesk.store.models import User

    with desk.ctx.sessions.begin() as s:
        user = s.get(User, lead.user_id)
        assert user is not None
        user.role = "cashier"
    with pytest.raises(PermissionDenied):
        desk.petty_cash.record_voucher(lead, draft(5_00))


def test_count_reports_a_difference_to_the_administrator(
    desk: Cashdesk, lead: Operator, admin: Operator, clock: FixedClock
) -> None:
    desk.petty_cash.record_voucher(lead, draft(43_00 - 25_00))  # 18.00
    desk.petty_cash.record_voucher(lead, draft(25_00))
    # 300 - 43 = 257.00 expected in cash
    balanced = desk.petty_cash.count_fund(lead, {"B20": 10, "B10": 5, "B1": 7})
    assert balanced.count.balanced
    clock.advance(days=7)
    with pytest.raises(ValidationError, match=r"short by \$1\.00"):
        desk.petty_cash.count_fund(lead, {"B20": 10, "B10": 5, "B1": 6})
    short = desk.petty_cash.count_fund(lead, {"B20": 10, "B10": 5, "B1": 6}, note="recounted twice")
    assert short.count.difference == Money(cents=-1_00)
    with desk.ctx.sessions() as s:
        reported = list(
            s.scalars(select(AuditEntry).where(AuditEntry.action == "petty_cash_difference"))
        )
        counts = s.scalar(
            select(func.count()).select_from(OutboxRow).where(OutboxRow.kind == "pc_count")
        )
    assert len(reported) == 1 and reported[0].details["difference"] == "-1.00"
    assert counts == 2
    seen = desk.petty_cash.counts(admin)  # the administrator reviews the counts
    assert [c.count.difference for c in seen] == [Money(cents=-1_00), Money.zero()]


def test_replenishment_request_journal_and_receipt_close_the_vouchers(
    desk: Cashdesk, lead: Operator, clock: FixedClock
) -> None:
    desk.petty_cash.record_voucher(lead, draft(20_00, "101-150-52100"))
    desk.petty_cash.record_voucher(lead, draft(7_35, "101-150-52200", "USPS"))
    desk.petty_cash.record_voucher(lead, draft(15_00, "101-150-52100"))
    request = desk.petty_cash.request_replenishment(lead)
    assert request.number == "PCR-000001"
    assert request.request.total == Money(cents=42_35)
    with desk.ctx.sessions() as s:
        entry = s.scalar(select(JournalEntry).where(JournalEntry.kind == "petty_cash"))
        assert entry is not None
        lines = {(jl.account, jl.debit_cents, jl.credit_cents) for jl in entry.lines}
    assert lines == {
        ("101-150-52100", 35_00, 0),
        ("101-150-52200", 7_35, 0),
        ("101-000-20100", 0, 42_35),
    }
    # a voucher after the request waits for the next one
    desk.petty_cash.record_voucher(lead, draft(3_00, "101-150-52900"))
    with pytest.raises(ValidationError, match="check is for"):
        desk.petty_cash.receive_replenishment(
            lead, "PCR-000001", check_amount=Money(cents=42_34), check_number="1001"
        )
    desk.petty_cash.receive_replenishment(
        lead, "pcr-000001", check_amount=Money(cents=42_35), check_number="1001"
    )
    status = desk.petty_cash.status(lead)
    assert [v.number for v in status.open_vouchers] == ["PC-000004"]
    assert status.cash == Money(cents=297_00)
    with pytest.raises(StateError, match="received already"):
        desk.petty_cash.receive_replenishment(
            lead, "PCR-000001", check_amount=Money(cents=42_35), check_number="1"
        )
    second = desk.petty_cash.request_replenishment(lead)
    assert [v.number for v in second.request.vouchers] == ["PC-000004"]


def test_replenishment_is_prompted_below_100(
    desk: Cashdesk, lead: Operator, lead2: Operator
) -> None:
    for _ in range(3):
        approval = desk.approvals.approve(
            lead, "lead2", LEAD2_PIN, OverrideAction.PETTY_CASH_VOUCHER, "Postage", subject="66.67"
        )
        desk.petty_cash.record_voucher(lead, draft(66_67, "101-150-52200"), approval=approval)
    status = desk.petty_cash.status(lead)
    assert status.cash == Money(cents=99_99)
    assert any("below" in r for r in status.replenish_reasons)


def test_month_end_prompts_replenishment(desk: Cashdesk, lead: Operator, clock: FixedClock) -> None:
    desk.petty_cash.record_voucher(lead, draft(5_00))
    assert desk.petty_cash.status(lead).replenish_reasons == ()
    clock.at = dt.datetime(2026, 11, 30, 20, 0, tzinfo=dt.UTC)  # Nov 30 in Riverbend
    assert desk.petty_cash.status(lead).replenish_reasons == ("it is the month end",)


def test_the_days_journal_export_carries_the_replenishment_entry(
    desk: Cashdesk, lead: Operator
) -> None:
    desk.petty_cash.record_voucher(lead, draft(8_25, "101-150-52900"))
    desk.petty_cash.request_replenishment(lead)
    export = desk.day_reports.journal(lead, desk.ctx.business_date())
    mine = [e for e in export.entries if e.kind == "petty_cash"]
    assert len(mine) == 1
    assert {(j.account, j.debit, j.credit) for j in mine[0].lines} == {
        ("101-150-52900", Money(cents=8_25), Money.zero()),
        ("101-000-20100", Money.zero(), Money(cents=8_25)),
    }
