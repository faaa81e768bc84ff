"""Fixtures of the security tests.

Every commit on the store is durable (synchronous=FULL), so state many tests share is built
once per session in a template file that each test copies, like the shared demo template.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from cashdesk.app import Cashdesk, open_cashdesk
from cashdesk.clock import FixedClock
from cashdesk.config import Config
from cashdesk.domain.roles import Operator, Role
from cashdesk.services.auth import make_hasher, operator_of
from cashdesk.store.models import User

from .support import sale

# The shared `clock` fixture's morning: 10:00 in Riverbend on 2026-11-26.
MORNING = dt.datetime(2026, 11, 26, 18, 0, tzinfo=dt.UTC)


def operators(desk: Cashdesk) -> dict[str, Operator]:
    """Every user as an Operator, looked up (signing in is tested on its own, and each
    sign-in is a durable commit)."""
    with desk.ctx.sessions() as s:
        return {u.username: operator_of(u, desk.auth.reader) for u in s.scalars(select(User))}


@pytest.fixture
def people(desk: Cashdesk) -> dict[str, Operator]:
    """The demo users: maria and jose (cashiers), lead, admin, auditor."""
    return operators(desk)


@dataclass
class Counter:
    desk: Cashdesk
    people: dict[str, Operator]
    receipt: str
    drawer_id: str
    tmp: Path


@pytest.fixture(scope="session")
def counter_template(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo store after: a second lead cashier (lead2, PIN 6802) was added, maria opened
    drawer 1 and posted W01-000001 (62.34 in cash)."""
    path = tmp_path_factory.mktemp("counter") / "counter.db"
    shutil.copyfile(demo_template, path)
    desk = open_cashdesk(Config(), path, clock=FixedClock(MORNING), hasher=make_hasher(fast=True))
    people = operators(desk)
    desk.users.add_user(
        people["admin"],
        username="lead2",
        full_name="Second Lead",
        role=Role.LEAD,
        password="lead-two-pass",
        pin="6802",
    )
    desk.drawers.open_drawer(people["maria"])
    desk.payments.post_payment(people["maria"], sale(desk))
    desk.close()
    return path


@pytest.fixture
def counter(
    counter_template: Path, db_path: Path, clock: FixedClock, tmp_path: Path
) -> Iterator[Counter]:
    shutil.copyfile(counter_template, db_path)
    desk = open_cashdesk(Config(), db_path, clock=clock, hasher=make_hasher(fast=True))
    drawer = desk.drawers.current()
    assert drawer is not None
    yield Counter(desk, operators(desk), "W01-000001", drawer.id, tmp_path)
    desk.close()
