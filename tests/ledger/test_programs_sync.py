"""Petty cash and housing reach the central ledger like receipts: insert-only rows and
events, exactly once, the replenishment's journal entry balanced."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest
from ledger_helpers import scalar

from cashdesk.app import Cashdesk
from cashdesk.domain.housing import Frequency, IncomeSource, Member
from cashdesk.domain.money import Money
from cashdesk.domain.petty_cash import VoucherDraft
from cashdesk.domain.roles import Operator, Role
from cashdesk.services.approvals import OverrideAction
from cashdesk.services.housing import ApplicationInput

pytestmark = pytest.mark.postgres


def voucher(desk: Cashdesk, lead: Operator, cents: int, account: str) -> None:
    desk.petty_cash.record_voucher(
        lead,
        VoucherDraft(
            payee="Riverbend Stationers",
            purpose="Supplies",
            expense_account=account,
            amount=Money(cents=cents),
            receipt_attached=True,
        ),
    )


def test_petty_cash_and_housing_sync_exactly_once(
    synced_desk: Cashdesk, lead: Operator, central: str, ws_url: str
) -> None:
    desk = synced_desk
    desk.auth.create_user(
        username="lead2", full_name="Tomás Ortiz", role=Role.LEAD, password="riverbend1", pin="7531"
    )
    voucher(desk, lead, 12_00, "101-150-52100")
    approval = desk.approvals.approve(
        lead, "lead2", "7531", OverrideAction.PETTY_CASH_VOUCHER, "Catering", subject="60.00"
    )
    desk.petty_cash.record_voucher(
        lead,
        VoucherDraft(
            payee="Café Luna",
            purpose="Council meeting",
            expense_account="101-150-52300",
            amount=Money(cents=60_00),
            receipt_attached=True,
        ),
        approval=approval,
    )
    desk.petty_cash.count_fund(
        lead, {"B100": 2, "B20": 1, "B5": 1, "B1": 2}, note="one dollar missing"
    )  # 227.00 + 72.00 = 299.00
    desk.petty_cash.request_replenishment(lead)
    desk.petty_cash.receive_replenishment(
        lead, "PCR-000001", check_amount=Money(cents=72_00), check_number="20417"
    )
    app = desk.housing.take_application(
        lead,
        ApplicationInput(
            members=[
                Member(name="Ana Díaz", born_on=dt.date(1970, 1, 1), relationship="applicant")
            ],
            sources=[
                IncomeSource(
                    member=0,
                    description="Pension",
                    amount=Money(cents=2_000_00),
                    frequency=Frequency.MONTHLY,
                    proof_received=True,
                )
            ],
            address="1 Oak Way, Riverbend",
            ssn_last4="4321",
            residence_proof=True,
        ),
    )
    desk.housing.decide(lead, app.number, approve=True)

    report = desk.sync.sync_once()
    assert report.ok, report.error
    assert report.sent == {
        "pc_voucher": 2,
        "pc_count": 1,
        "pc_replenishment": 1,
        "pc_replenished": 1,
        "housing": 2,
    }
    assert scalar(central, "SELECT sum(amount_cents) FROM petty_cash_vouchers") == 72_00
    assert scalar(central, "SELECT approver FROM petty_cash_vouchers WHERE seq = 2") == (
        "Tomás Ortiz"
    )
    assert scalar(central, "SELECT count(*) FROM petty_cash_replenishment_vouchers") == 2
    assert scalar(central, "SELECT difference_cents FROM petty_cash_differences") == -1_00
    assert scalar(central, "SELECT check_number FROM petty_cash_checks_received") == "20417"
    assert scalar(central, "SELECT count(*) FROM unbalanced_journal_entries") == 0
    assert (
        scalar(
            central, "SELECT sum(credit_cents) FROM journal_lines WHERE account = '101-000-20100'"
        )
        == 72_00
    )
    assert scalar(central, "SELECT kind FROM journal_entries") == "petty_cash"
    assert (
        scalar(
            central,
            "SELECT string_agg(event || ':' || status, ',' ORDER BY event_uuid IS NULL, "
            "(SELECT outbox_id FROM ledger_events e WHERE e.uuid = event_uuid)) "
            "FROM housing_application_events",
        )
        == "received:under_review,approved:approved"
    )
    assert (
        scalar(
            central,
            "SELECT payload->'members'->0->>'name' FROM ledger_events "
            "WHERE kind = 'housing' LIMIT 1",
        )
        == "Ana Díaz"
    )

    again = desk.sync.sync_once()
    assert again.ok and sum(again.sent.values()) == 0
    assert scalar(central, "SELECT count(*) FROM petty_cash_vouchers") == 2
    # insert-only: the workstation login may not change what it sent
    with psycopg.connect(ws_url) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("UPDATE petty_cash_vouchers SET amount_cents = 1")
