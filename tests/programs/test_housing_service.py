"""Housing applications through their service: who may see them, every view audited, the
checklist and decisions, re-registration, lapse, export and the SSN rule."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from sqlalchemy import select

from cashdesk.app import Cashdesk
from cashdesk.clock import FixedClock
from cashdesk.domain.housing import Frequency, IncomeSource, Member, Status
from cashdesk.domain.money import Money
from cashdesk.domain.roles import Operator, Role
from cashdesk.errors import PermissionDenied, StateError, ValidationError
from cashdesk.services.housing import ApplicationInput
from cashdesk.store.models import AuditEntry, OutboxRow

ROSA = Member(name="Rosa Peña", born_on=dt.date(1980, 5, 1), relationship="applicant")
LUIS = Member(name="Luis Peña", born_on=dt.date(2012, 3, 9), relationship="child")


def application(
    *, monthly_cents: int = 3_000_00, proofs: bool = True, residence: bool = True, ssn: str = "6789"
) -> ApplicationInput:
    return ApplicationInput(
        members=[ROSA, LUIS],
        sources=[
            IncomeSource(
                member=0,
                description="Wages, Riverbend Bakery",
                amount=Money(cents=monthly_cents),
                frequency=Frequency.MONTHLY,
                proof_received=proofs,
            )
        ],
        address="12 Alder St, Riverbend",
        phone="555-0100",
        ssn_last4=ssn,
        residence_proof=residence,
    )


def actions(desk: Cashdesk, action: str) -> list[AuditEntry]:
    with desk.ctx.sessions() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_intake_with_everything_goes_under_review_and_is_sent(
    desk: Cashdesk, staff: Operator
) -> None:
    detail = desk.housing.take_application(staff, application())
    assert detail.number == "HA-000001"
    assert detail.status is Status.UNDER_REVIEW
    assert detail.worksheet.annual_income == Money(cents=36_000_00)
    assert detail.worksheet.limit == Money(cents=47_200_00)
    assert detail.ssn_last4 == "6789"
    with desk.ctx.sessions() as s:
        sent = s.scalar(select(OutboxRow).where(OutboxRow.kind == "housing"))
    assert sent is not None and sent.payload["event"] == "received"


def test_the_checklist_drives_documents_pending_to_under_review(
    desk: Cashdesk, staff: Operator
) -> None:
    detail = desk.housing.take_application(staff, application(proofs=False, residence=False))
    assert detail.status is Status.DOCUMENTS_PENDING
    assert detail.missing == ("residence", "income:1")
    with pytest.raises(StateError, match="under review"):
        desk.housing.decide(staff, detail.number, approve=True)
    partly = desk.housing.record_documents(staff, detail.number, residence_proof=True)
    assert partly.status is Status.DOCUMENTS_PENDING and partly.missing == ("income:1",)
    done = desk.housing.record_documents(staff, detail.number, income_proofs=[1])
    assert done.status is Status.UNDER_REVIEW and done.missing == ()


def test_approve_and_deny(desk: Cashdesk, staff: Operator, lead: Operator) -> None:
    ok = desk.housing.take_application(staff, application())
    approved = desk.housing.decide(lead, ok.number, approve=True)  # leads have it too
    assert approved.status is Status.APPROVED
    assert approved.anniversary == dt.date(2027, 11, 26)
    assert "within the program's limit" in approved.decision_reason
    over = desk.housing.take_application(staff, application(monthly_cents=3_933_34))
    assert not over.worksheet.eligible  # 47,200.08 > 47,200.00
    with pytest.raises(ValidationError, match="over the limit"):
        desk.housing.decide(staff, over.number, approve=True)
    with pytest.raises(ValidationError, match="reason"):
        desk.housing.decide(staff, over.number, approve=False)
    denied = desk.housing.decide(
        staff, over.number, approve=False, reason="Income over the limit for a household of 2"
    )
    assert denied.status is Status.DENIED and denied.closed_on == dt.date(2026, 11, 26)
    assert denied.destroy_after == dt.date(2031, 11, 26)


@pytest.mark.parametrize("who", ["maria", "auditor"])
def test_applications_are_for_program_staff_and_above(
    desk: Cashdesk, staff: Operator, who: str
) -> None:
    number = desk.housing.take_application(staff, application()).number
    op = desk.auth.sign_in(who, "riverbend1")
    with pytest.raises(PermissionDenied):
        desk.housing.application(op, number)
    with pytest.raises(PermissionDenied):
        desk.housing.applications(op)
    with pytest.raises(PermissionDenied):
        desk.housing.take_application(op, application())


def test_every_view_is_audited(desk: Cashdesk, staff: Operator, admin: Operator) -> None:
    number = desk.housing.take_application(staff, application()).number
    desk.housing.application(staff, number)
    desk.housing.application(admin, number)
    listed = desk.housing.applications(staff, text="peña")
    assert [a.number for a in listed] == [number]
    viewed = actions(desk, "housing_application_viewed")
    assert [(e.actor_id, e.subject) for e in viewed] == [
        (staff.user_id, number),
        (admin.user_id, number),
    ]
    assert actions(desk, "housing_applications_listed")[0].details["shown"] == [number]


def test_export_is_for_an_administrator_only(
    desk: Cashdesk, staff: Operator, lead: Operator, admin: Operator, tmp_path: Path
) -> None:
    desk.housing.take_application(staff, application())
    target = tmp_path / "applications.csv"
    for op in (staff, lead):
        with pytest.raises(PermissionDenied):
            desk.housing.export(op, target)
    assert not target.exists()
    assert desk.housing.export(admin, target) == 1
    text = target.read_text(encoding="utf-8")
    assert "HA-000001" in text and "Rosa Peña" in text and ",6789," in text
    assert os.stat(target).st_mode & 0o777 == 0o600
    assert actions(desk, "housing_export")[0].details["rows"] == 1


def test_a_whole_ssn_or_card_number_is_refused_anywhere(desk: Cashdesk, staff: Operator) -> None:
    with pytest.raises(ValidationError, match="last four"):
        desk.housing.take_application(staff, application(ssn="123-45-6789"))
    bad_note = application()
    bad_note = ApplicationInput(
        members=[Member(name="Rosa 123456789", born_on=ROSA.born_on, relationship="applicant")],
        sources=bad_note.sources,
        address=bad_note.address,
        residence_proof=True,
    )
    with pytest.raises(ValidationError, match="social security"):
        desk.housing.take_application(staff, bad_note)
    card = ApplicationInput(members=[ROSA], sources=[], address="4111111111111111 Alder St")
    with pytest.raises(ValidationError, match="card number"):
        desk.housing.take_application(staff, card)
    assert desk.housing.applications(staff) == []


def test_reregistration_list_renewal_and_lapse(
    desk: Cashdesk, staff: Operator, clock: FixedClock
) -> None:
    first = desk.housing.take_application(staff, application()).number
    second = desk.housing.take_application(staff, application()).number
    desk.housing.decide(staff, first, approve=True)
    desk.housing.decide(staff, second, approve=True)  # anniversary 2027-11-26
    with pytest.raises(StateError, match="opens on 2027-09-27"):
        desk.housing.reregister(staff, first, application())
    clock.at = dt.datetime(2027, 9, 27, 18, 0, tzinfo=dt.UTC)  # due: 60 days before
    listing = desk.housing.reregistration_list(staff)
    assert [a.number for a in listing.due] == [first, second] and listing.lapsed == ()
    renewed = desk.housing.reregister(staff, first, application(monthly_cents=3_100_00))
    assert renewed.status is Status.RENEWED
    assert renewed.anniversary == dt.date(2028, 11, 26)  # the cycle is kept
    assert renewed.worksheet.annual_income == Money(cents=37_200_00)
    clock.at = dt.datetime(2027, 12, 26, 18, 0, tzinfo=dt.UTC)  # anniversary + 30 days
    listing = desk.housing.reregistration_list(staff)
    assert [a.number for a in listing.lapsed] == [second] and listing.due == ()
    lapsed = desk.housing.application(staff, second)
    assert lapsed.status is Status.LAPSED and lapsed.closed_on == dt.date(2027, 12, 26)
    assert lapsed.destroy_after == dt.date(2032, 12, 26)
    with pytest.raises(StateError, match="lapsed"):
        desk.housing.reregister(staff, second, application())


def test_reregistration_over_the_limit_is_denied(
    desk: Cashdesk, staff: Operator, clock: FixedClock
) -> None:
    number = desk.housing.take_application(staff, application()).number
    desk.housing.decide(staff, number, approve=True)
    clock.at = dt.datetime(2027, 11, 1, 18, 0, tzinfo=dt.UTC)
    denied = desk.housing.reregister(staff, number, application(monthly_cents=4_000_00))
    assert denied.status is Status.DENIED
    assert "over the program's limit" in denied.decision_reason


def test_the_demo_store_has_a_program_staff_member_for_the_housing_screens(
    desk: Cashdesk,
) -> None:
    omar = desk.auth.sign_in("omar", "riverbend1")
    assert omar.role is Role.PROGRAM_STAFF
    number = desk.housing.take_application(omar, application()).number
    assert [a.number for a in desk.housing.applications(omar)] == [number]
