"""Device fixtures: a fake network printer and a workstation wired to it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from device_fakes import FakeNetworkPrinter

from cashdesk.app import Cashdesk, open_cashdesk
from cashdesk.clock import FixedClock
from cashdesk.config import parse_config
from cashdesk.services.auth import make_hasher


@pytest.fixture
def fake_printer() -> Iterator[FakeNetworkPrinter]:
    fake = FakeNetworkPrinter()
    yield fake
    fake.close()


def network_tables(port: int, **drawer: Any) -> dict[str, Any]:
    return {
        "devices": {
            "printer": {
                "kind": "network",
                "host": "127.0.0.1",
                "port": port,
                "profile": "TM-T88V",
                "codepage": "CP858",
                "timeout": 1.0,
                "status_timeout": 0.2,
                "wait_seconds": 2.0,
            },
            "drawer": {"kind": "printer", "pin": 2, **drawer},
        }
    }


@pytest.fixture
def network_desk(
    tmp_path: Path, clock: FixedClock, demo_template: Path, fake_printer: FakeNetworkPrinter
) -> Iterator[Cashdesk]:
    """The demo store with a real ESC/POS network printer (the fake) and a drawer on it."""
    db = tmp_path / "network.db"
    shutil.copyfile(demo_template, db)
    config = parse_config(network_tables(fake_printer.port, sensor=False))
    desk = open_cashdesk(config, db, clock=clock, hasher=make_hasher(fast=True))
    yield desk
    desk.close()
