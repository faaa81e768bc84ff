"""Who may do what with petty cash and housing applications: every role, every method, plus
the grants themselves (domain/roles.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from cashdesk.app import Cashdesk
from cashdesk.domain.housing import Frequency, IncomeSource, Member
from cashdesk.domain.money import Money
from cashdesk.domain.petty_cash import VoucherDraft
from cashdesk.domain.roles import Operator, Permission, Role, may
from cashdesk.errors import PermissionDenied
from cashdesk.services.housing import ApplicationInput

CASHIER, LEAD, ADMIN, AUDITOR, STAFF = (
    Role.CASHIER,
    Role.LEAD,
    Role.ADMIN,
    Role.AUDITOR,
    Role.PROGRAM_STAFF,
)
PLAYED_BY = {CASHIER: "maria", LEAD: "lead", ADMIN: "admin", AUDITOR: "auditor", STAFF: "hannah"}


def test_the_new_grants() -> None:
    assert {r for r in Role if may(r, Permission.PETTY_CASH)} == {LEAD}
    assert {r for r in Role if may(r, Permission.HOUSING_PROGRAM)} == {LEAD, ADMIN, STAFF}
    assert {r for r in Role if may(r, Permission.EXPORT_HOUSING)} == {ADMIN}
    # program staff handle no cash and see no receipts or audit trail
    assert [p for p in Permission if may(STAFF, p)] == [Permission.HOUSING_PROGRAM]
    assert Role.PROGRAM_STAFF.label == "Housing program staff"


DATA = ApplicationInput(
    members=[Member(name="Ana Díaz", born_on=dt.date(1970, 1, 1), relationship="applicant")],
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
    residence_proof=True,
)
DRAFT = VoucherDraft(
    payee="USPS",
    purpose="Stamps",
    expense_account="101-150-52200",
    amount=Money(cents=5_00),
    receipt_attached=True,
)

Call = Callable[[Cashdesk, Operator, str, Path], object]
MATRIX: dict[str, tuple[set[Role], Call]] = {
    "petty_cash.record_voucher": ({LEAD}, lambda d, o, n, t: d.petty_cash.record_voucher(o, DRAFT)),
    "petty_cash.status": ({LEAD}, lambda d, o, n, t: d.petty_cash.status(o)),
    "petty_cash.count_fund": ({LEAD}, lambda d, o, n, t: d.petty_cash.count_fund(o, {"B100": 3})),
    "petty_cash.counts": ({LEAD, ADMIN, AUDITOR}, lambda d, o, n, t: d.petty_cash.counts(o)),
    "housing.take_application": (
        {LEAD, ADMIN, STAFF},
        lambda d, o, n, t: d.housing.take_application(o, DATA),
    ),
    "housing.application": ({LEAD, ADMIN, STAFF}, lambda d, o, n, t: d.housing.application(o, n)),
    "housing.applications": ({LEAD, ADMIN, STAFF}, lambda d, o, n, t: d.housing.applications(o)),
    "housing.decide": (
        {LEAD, ADMIN, STAFF},
        lambda d, o, n, t: d.housing.decide(o, n, approve=True),
    ),
    "housing.reregistration_list": (
        {LEAD, ADMIN, STAFF},
        lambda d, o, n, t: d.housing.reregistration_list(o),
    ),
    "housing.export": ({ADMIN}, lambda d, o, n, t: d.housing.export(o, t / "x.csv")),
}


@pytest.mark.parametrize("role", list(PLAYED_BY), ids=str)
@pytest.mark.parametrize("method", list(MATRIX))
def test_program_role_matrix(
    desk: Cashdesk, staff: Operator, tmp_path: Path, method: str, role: Role
) -> None:
    number = desk.housing.take_application(staff, DATA).number
    allowed, call = MATRIX[method]
    operator = staff if role is STAFF else desk.auth.sign_in(PLAYED_BY[role], "riverbend1")
    if role in allowed:
        call(desk, operator, number, tmp_path)
    else:
        with pytest.raises(PermissionDenied):
            call(desk, operator, number, tmp_path)
    assert desk.audit.verify(desk.auth.sign_in("auditor", "riverbend1")).ok
