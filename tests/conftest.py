"""Fixtures shared by the whole suite: real objects on a real SQLite file."""

from __future__ import annotations

import os

# Before anything imports Qt: tests run with no display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest

from cashdesk.app import DEMO_PASSWORD, Cashdesk, initialise, open_cashdesk
from cashdesk.config import Config
from cashdesk.domain.roles import Operator
from cashdesk.services.auth import make_hasher


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Cashdesk]:
    """A demo workstation (W01, simulated devices) on a fresh SQLite file."""
    desk = open_cashdesk(Config(), tmp_path / "t.db", hasher=make_hasher(fast=True))
    initialise(desk, demo=True)
    yield desk
    desk.close()


@pytest.fixture
def cashier(desk: Cashdesk) -> Operator:
    """Maria Hernández, a cashier, signed in."""
    return desk.auth.sign_in("maria", DEMO_PASSWORD)


@pytest.fixture
def lead(desk: Cashdesk) -> Operator:
    """Zoë Müller, the lead cashier, signed in."""
    return desk.auth.sign_in("lead", DEMO_PASSWORD)
