"""Drawer rules through the services: blind count, sign-off, recount, reopen, pickups,
paid-outs, shared drawers, handoffs and the day close's refusals."""

from __future__ import annotations

import dataclasses

import pytest
from drawer_helpers import DAY, Pay, bank, check, counted, m
from sqlalchemy import select

from cashdesk.app import Cashdesk
from cashdesk.domain import tender as T
from cashdesk.domain.drawer import CashCount
from cashdesk.domain.money import Money
from cashdesk.domain.roles import Operator
from cashdesk.errors import PermissionDenied, StateError, ValidationError
from cashdesk.store.models import AuditEntry, OutboxRow


def amounts_in(value: object) -> set[int]:
    """Every Money (in cents) anywhere inside a dataclass result."""
    found: set[int] = set()
    if isinstance(value, Money):
        found.add(value.cents)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            found |= amounts_in(getattr(value, f.name))
    elif isinstance(value, (tuple, list)):
        for item in value:
            found |= amounts_in(item)
    return found


def test_blind_count_never_shows_expected_before_submission(
    desk: Cashdesk, people: dict[str, Operator], pay: Pay
) -> None:
    maria = people["maria"]
    desk.drawers.open_drawer(maria, count=bank())
    pay(maria, "MISC", "123.45", T.cash(m("130")))
    pay(maria, "GOLF-R", None, check("40.00", "555"))
    expected_cash = m("323.45")
    status = desk.balancing.status(maria)
    assert status is not None and status.receipts == 2
    info = desk.drawers.current()
    assert expected_cash.cents not in amounts_in(status) | amounts_in(info)
    assert m("40.00").cents not in amounts_in(status)
    session_id = status.session.id
    with pytest.raises(PermissionDenied, match="hidden"):
        desk.drawers.expected_cash(maria, session_id)
    assert desk.drawers.expected_cash(people["lead"], session_id) == expected_cash  # a supervisor
    with pytest.raises(StateError, match="not been counted"):
        desk.balancing.count_result(maria, session_id)
    with pytest.raises(PermissionDenied):
        desk.day_reports.x_report(maria)
    # The count goes in first; then the expected figures come back.
    result = desk.balancing.submit_count(maria, counted(m("320.00"), checks=(("555", "40.00"),)))
    assert result.variances[0].expected == expected_cash
    assert result.over_short == -m("3.45") and result.state == "approved"
    assert result.approval_reason == "within the $5.00 threshold"
    assert desk.balancing.count_result(maria, session_id) == result


def test_supervisor_cannot_approve_own_variance_and_recount_is_allowed_once(
    desk: Cashdesk, people: dict[str, Operator], pay: Pay
) -> None:
    lead, sam = people["lead"], people["sam"]
    desk.drawers.open_drawer(lead, count=bank())
    pay(lead, "MISC", "50.00", T.cash(m("50")))
    first = desk.balancing.submit_count(lead, counted(m("240.00")))  # $10.00 short
    assert first.needs_signoff and first.state == "counted" and first.recount_allowed
    with pytest.raises(StateError, match="cannot sign off"):
        desk.balancing.approve(lead, first.session_id, reason="I checked it myself")
    with pytest.raises(PermissionDenied):
        desk.balancing.approve(people["maria"], first.session_id, reason="a cashier")
    second = desk.balancing.recount(lead, first.session_id, counted(m("241.00")))
    assert second.attempt == 2 and second.over_short == -m("9.00") and not second.recount_allowed
    with pytest.raises(StateError, match="once already"):
        desk.balancing.recount(lead, first.session_id, counted(m("250.00")))
    approved = desk.balancing.approve(sam, first.session_id, reason="Short $9.00; reviewed")
    assert approved.state == "approved" and approved.approved_by == "Samuel Østergaard"
    with desk.ctx.sessions() as s:
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "drawer_approved")).all()[
            -1
        ]
        assert audit.approver_id == sam.user_id and audit.details["reason"] == (
            "Short $9.00; reviewed"
        )
    with pytest.raises(StateError, match="approved"):
        desk.balancing.recount(lead, first.session_id, counted(m("250.00")))


def test_reopen_is_audited_and_the_drawer_counts_again(
    desk: Cashdesk, people: dict[str, Operator], pay: Pay
) -> None:
    maria, lead = people["maria"], people["lead"]
    desk.drawers.open_drawer(maria, count=bank())
    posted = pay(maria, "MISC", "20.00", T.cash(m("20")))
    result = desk.balancing.submit_count(maria, counted(m("220.00")))
    assert result.state == "approved"
    with pytest.raises(StateError, match="counted"):
        desk.payments.void_receipt(lead, posted.number, reason="wrong fee")
    with pytest.raises(PermissionDenied):
        desk.day_close.reopen(maria, result.session_id, reason="please")
    with pytest.raises(ValidationError, match="reason"):
        desk.day_close.reopen(lead, result.session_id, reason="")
    info = desk.day_close.reopen(lead, result.session_id, reason="Void needed after count")
    assert info.status == "open"
    desk.payments.void_receipt(lead, posted.number, reason="wrong fee")
    again = desk.balancing.submit_count(maria, counted(m("200.00")))
    assert again.attempt == 1 and again.over_short == Money.zero()
    with desk.ctx.sessions() as s:
        audit = s.scalar(select(AuditEntry).where(AuditEntry.action == "drawer_reopened"))
        assert audit is not None and audit.approver_id == lead.user_id
        assert audit.details["reason"] == "Void needed after count"
        assert s.scalar(select(OutboxRow).where(OutboxRow.kind == "drawer_reopened")) is not None


def test_pickups_paid_outs_and_opening_count(
    desk: Cashdesk, people: dict[str, Operator], pay: Pay
) -> None:
    maria, lead = people["maria"], people["lead"]
    with pytest.raises(ValidationError, match=r"counts \$190\.00"):
        desk.drawers.open_drawer(maria, count=CashCount.of({"B20": 9, "B10": 1}))
    desk.drawers.open_drawer(maria, count=bank())
    pay(maria, "MISC", "1800.01", T.cash(m("1800.01")))
    status = desk.balancing.status(maria)
    assert status is not None and status.needs_pickup
    with pytest.raises(PermissionDenied, match="lead cashier"):
        desk.balancing.pickup(maria, CashCount.of({"B100": 10}))
    with pytest.raises(ValidationError, match="more than zero"):
        desk.balancing.pickup(lead, CashCount.empty())
    result = desk.balancing.pickup(lead, CashCount.of({"B100": 10}))
    assert result.amount == m("1000") and result.seq == 1 and not result.needs_pickup
    with pytest.raises(StateError, match="Paid-outs"):
        desk.balancing.paid_out(maria, m("10"), reason="petty cash")
    final = desk.balancing.submit_count(maria, counted(m("1000.01")))
    assert final.variances[0].expected == m("1000.01") and final.over_short == Money.zero()


def test_shared_drawer_attribution_and_unshared_refusal(
    desk: Cashdesk, people: dict[str, Operator], pay: Pay
) -> None:
    maria, jose, lead = people["maria"], people["jose"], people["lead"]
    desk.drawers.open_drawer(maria, count=bank())
    with pytest.raises(StateError, match="handed over or shared"):
        pay(jose, "MISC", "5.00", T.cash(m("5")))
    with pytest.raises(PermissionDenied):
        desk.balancing.share(jose)
    assert desk.balancing.share(maria).shared
    pay(jose, "MISC", "5.00", T.cash(m("5")))
    pay(maria, "MISC", "7.00", T.cash(m("7")))
    status = desk.balancing.status(maria)
    assert status is not None and status.cashiers == ("José Núñez", "Maria Hernández")
    desk.balancing.submit_count(jose, counted(m("212.00")))  # a cashier on it may count it
    report = desk.day_reports.daily(lead, DAY)
    assert {c.cashier: c.total for c in report.by_cashier} == {
        "José Núñez": m("5.00"),
        "Maria Hernández": m("7.00"),
    }
    assert report.sessions[0].cashiers == ("José Núñez", "Maria Hernández")


def test_handoff_cannot_be_recounted_or_reopened(
    desk: Cashdesk, people: dict[str, Operator], pay: Pay
) -> None:
    maria, kim, lead = people["maria"], people["kim"], people["lead"]
    desk.drawers.open_drawer(maria, count=bank())
    pay(maria, "MISC", "30.00", T.cash(m("30")))
    with pytest.raises(ValidationError, match="another cashier"):
        desk.balancing.handoff(maria, maria, counted(m("230")))
    result = desk.balancing.handoff(maria, kim, counted(m("222.00")))  # $8.00 short
    assert result.count.needs_signoff and not result.count.recount_allowed
    assert result.next_session.cashier_name == "Kim Ngô"
    assert result.next_session.opening_bank == m("222.00")
    assert result.next_session.handed_from_id == result.count.session_id
    with pytest.raises(StateError, match="handoff count cannot be recounted"):
        desk.balancing.recount(maria, result.count.session_id, counted(m("230")))
    with pytest.raises(StateError, match="handed-over"):
        desk.day_close.reopen(lead, result.count.session_id, reason="recount it")
    pay(kim, "MISC", "10.00", T.cash(m("10")))
    closing = desk.balancing.submit_count(kim, counted(m("232.00")))
    assert closing.over_short == Money.zero() and closing.state == "approved"


def test_day_close_needs_every_drawer_approved(
    desk: Cashdesk, people: dict[str, Operator], pay: Pay
) -> None:
    maria, lead, sam = people["maria"], people["lead"], people["sam"]
    desk.drawers.open_drawer(maria, count=bank())
    pay(maria, "MISC", "30.00", T.cash(m("30")))
    with pytest.raises(PermissionDenied):
        desk.day_close.close_day(maria)
    with pytest.raises(StateError, match="Maria Hernández, opened 10:00 \\(open\\)"):
        desk.day_close.close_day(lead)
    result = desk.balancing.submit_count(maria, counted(m("200.00")))
    with pytest.raises(StateError, match="\\(counted\\)"):
        desk.day_close.close_day(lead)
    desk.balancing.approve(sam, result.session_id, reason="Short $30.00 reported to finance")
    closed = desk.day_close.close_day(lead)
    assert closed.report.over_short == -m("30.00")
    with pytest.raises(StateError, match="closed"):
        desk.day_close.reopen(sam, result.session_id, reason="too late")
    slip = desk.day_close.deposit(lead, bag_number="B1")
    assert slip.total == Money.zero() and slip.business_date == DAY  # the bank went back
    with pytest.raises(StateError, match="No approved drawer"):
        desk.day_close.deposit(lead, bag_number="B2")
