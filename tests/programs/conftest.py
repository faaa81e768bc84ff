"""Petty cash and housing: the demo counter plus a second lead (to approve the first's
vouchers) and a housing program staff member."""

from __future__ import annotations

import pytest

from cashdesk.app import Cashdesk
from cashdesk.domain.roles import Operator, Role

PASSWORD = "riverbend1"
LEAD2_PIN = "7531"


@pytest.fixture
def lead2(desk: Cashdesk) -> Operator:
    desk.auth.create_user(
        username="lead2",
        full_name="Tomás Ortiz",
        role=Role.LEAD,
        password=PASSWORD,
        pin=LEAD2_PIN,
    )
    return desk.auth.sign_in("lead2", PASSWORD)


@pytest.fixture
def staff(desk: Cashdesk) -> Operator:
    desk.auth.create_user(
        username="hannah",
        full_name="Hannah O'Brien",
        role=Role.PROGRAM_STAFF,
        password=PASSWORD,
        pin="8642",
    )
    return desk.auth.sign_in("hannah", PASSWORD)


@pytest.fixture
def admin(desk: Cashdesk) -> Operator:
    return desk.auth.sign_in("admin", PASSWORD)


@pytest.fixture
def auditor(desk: Cashdesk) -> Operator:
    return desk.auth.sign_in("auditor", PASSWORD)
