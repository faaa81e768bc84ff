"""Devices from the config: bad tables name their key and leave the device unavailable."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from device_fakes import FakeNetworkPrinter

from cashdesk.app import open_cashdesk
from cashdesk.clock import FixedClock
from cashdesk.config import parse_config
from cashdesk.devices.check_reader import SerialCheckReader
from cashdesk.devices.drawer import PrinterDrawer, SerialDrawer
from cashdesk.devices.escpos_printer import EscposPrinter
from cashdesk.devices.factory import build_devices
from cashdesk.devices.null import NullCheckReader, NullDisplay, NullDrawer, NullPrinter
from cashdesk.devices.pole_display import SerialPoleDisplay
from cashdesk.devices.simulated import SimulatedPrinter
from cashdesk.errors import ConfigError
from cashdesk.services.auth import make_hasher


@pytest.mark.parametrize(
    ("role", "table", "key", "problem"),
    [
        ("printer", {"kind": "network", "host": "10.0.0.9", "profile": "TM-T99"},
         "devices.printer.profile", "unknown printer model 'TM-T99'"),
        ("printer", {"kind": "network"}, "devices.printer.host", "is required"),
        ("printer", {"kind": "network", "host": "h", "port": 70000},
         "devices.printer.port", "between 1 and 65535"),
        ("printer", {"kind": "network", "host": "h", "codepage": "CP999"},
         "devices.printer.codepage", "no code page CP999"),
        ("printer", {"kind": "network", "host": "h", "hots": "x"},
         "devices.printer.hots", "is not a setting"),
        ("printer", {"kind": "serial", "url": "/dev/ttyNOWHERE"},
         "devices.printer.url", "/dev/ttyNOWHERE does not exist"),
        ("printer", {"kind": "usb", "vendor_id": "0x04b8", "product_id": "zz"},
         "devices.printer.product_id", "must be a number"),
        ("printer", {"kind": "file", "path": "/no/such/folder/lp0"},
         "devices.printer.path", "does not exist"),
        ("drawer", {"kind": "printer", "pin": 3}, "devices.drawer.pin", "must be 2 or 5"),
        ("drawer", {"kind": "serial", "url": "loop://", "open_when": "sideways"},
         "devices.drawer.open_when", "high, low"),
        ("check_reader", {"kind": "serial", "url": "loop://", "format": "magtek-9999"},
         "devices.check_reader.format", "magtek-0000"),
        ("check_reader", {"kind": "serial", "url": "loop://", "format": "custom"},
         "devices.check_reader.symbols", "is required"),
        ("display", {"kind": "serial", "url": "loop://", "codepage": "CP1"},
         "devices.display.codepage", "must be one of"),
    ],
)  # fmt: skip
def test_a_bad_table_gives_a_null_device_whose_status_names_the_key(
    role: str, table: dict[str, Any], key: str, problem: str
) -> None:
    devices = build_devices({role: table})
    device = getattr(devices, role)
    assert type(device).__name__.startswith("Null")
    status = device.status()
    assert not status.ok
    assert status.message.startswith(key)
    assert problem in status.message
    devices.close()


def test_a_drawer_on_an_unavailable_printer_is_unavailable_too() -> None:
    devices = build_devices(
        {"printer": {"kind": "network", "host": "h", "profile": "X"}, "drawer": {"kind": "printer"}}
    )
    assert isinstance(devices.printer, NullPrinter) and isinstance(devices.drawer, NullDrawer)
    assert "devices.drawer.kind" in devices.drawer.status().message
    devices.close()


def test_real_drivers_share_the_printer_port_worker(fake_printer: FakeNetworkPrinter) -> None:
    devices = build_devices(
        {
            "printer": {"kind": "network", "host": "127.0.0.1", "port": fake_printer.port},
            "drawer": {"kind": "printer", "pin": 5, "sensor": False},
            "check_reader": {"kind": "serial", "url": "loop://", "format": "magtek-0001"},
            "display": {"kind": "serial", "url": "loop://"},
        }
    )
    assert isinstance(devices.printer, EscposPrinter)
    assert isinstance(devices.drawer, PrinterDrawer)
    assert devices.drawer.worker is devices.printer.worker
    assert isinstance(devices.check_reader, SerialCheckReader)
    assert isinstance(devices.display, SerialPoleDisplay)
    assert [s.ok for s in devices.statuses()] == [True, True, True, True]
    devices.close()


def test_serial_drawer_kicks_with_its_byte_and_reads_cts() -> None:
    devices = build_devices(
        {"drawer": {"kind": "serial", "url": "loop://", "open_byte": "0x07", "sensor": True}}
    )
    drawer = devices.drawer
    assert isinstance(drawer, SerialDrawer)
    drawer.kick(job_id="k1")
    port = drawer._port
    assert port.read(1) == b"\x07"  # loop:// hands the byte back
    port.rts = True  # loop:// wires RTS to CTS: the drawer reports open
    assert drawer.worker.call(drawer._job_sensor, timeout=1) is True
    port.rts = False
    assert drawer.worker.call(drawer._job_sensor, timeout=1) is False
    devices.close()


def test_none_means_no_device_and_no_complaint() -> None:
    devices = build_devices({role: {"kind": "none"} for role in
                             ("printer", "drawer", "check_reader", "display")})  # fmt: skip
    assert isinstance(devices.printer, NullPrinter) and devices.printer.status().ok
    assert isinstance(devices.check_reader, NullCheckReader)
    assert isinstance(devices.display, NullDisplay)
    devices.drawer.kick(job_id="nothing to kick")  # no drawer: nothing happens
    devices.close()


def test_a_misspelt_kind_is_a_config_error_naming_the_key() -> None:
    with pytest.raises(ConfigError, match=r"devices\.printer\.kind 'netwrok'"):
        parse_config({"devices": {"printer": {"kind": "netwrok"}}})


def test_the_app_starts_and_posts_with_an_unavailable_printer(
    tmp_path: Path, demo_template: Path, clock: FixedClock
) -> None:
    from cashdesk.domain import tender as T
    from cashdesk.domain.money import Money
    from cashdesk.domain.receipt import ReceiptDraft

    db = tmp_path / "bad.db"
    shutil.copyfile(demo_template, db)
    config = parse_config(
        {"devices": {"printer": {"kind": "serial", "url": "/dev/ttyGONE"}, "drawer": {}}}
    )
    desk = open_cashdesk(config, db, clock=clock, hasher=make_hasher(fast=True))
    try:
        infos = {i.role: i for i in desk.devices.statuses()}
        assert not infos["printer"].ok
        assert infos["printer"].message.startswith("devices.printer.url")
        operator = desk.auth.sign_in("maria", "riverbend1")
        desk.drawers.open_drawer(operator)
        draft = ReceiptDraft(payer="Zoë Müller")
        draft.add_line(desk.catalog.catalog().line("GOLF-R"))
        draft.add_tender(T.cash(Money(cents=4000)))
        posted = desk.payments.post_payment(operator, draft)
        assert not posted.printed and posted.number == "W01-000001"
    finally:
        desk.close()


def test_a_simulated_counter_never_imports_python_escpos() -> None:
    code = (
        "import sys; from cashdesk.devices.factory import build_devices; "
        "from cashdesk.config import Config; build_devices(Config().devices); "
        "assert 'escpos' not in sys.modules; print('clean')"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)  # fmt: skip
    assert result.stdout.strip() == "clean", result.stderr
    devices = build_devices({"printer": {"kind": "simulator", "width": 32}})
    assert isinstance(devices.printer, SimulatedPrinter) and devices.printer.width == 32


def test_importing_the_driver_leaves_logging_alone_and_pickles_into_the_cache(
    tmp_path: Path,
) -> None:
    code = (
        "import logging, os; from cashdesk.devices.escpos_printer import escpos_api; "
        "escpos_api(); assert logging.getLogger().handlers == [], logging.getLogger().handlers; "
        "print(os.listdir(os.environ['ESCPOS_CAPABILITIES_PICKLE_DIR']))"
    )
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path)}
    import os

    env["PYTHONPATH"] = os.environ.get("PYTHONPATH", "")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, env=env)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "capabilities.pickle" in result.stdout
    assert (tmp_path / "cashdesk" / "escpos").is_dir()
