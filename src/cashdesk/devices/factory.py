"""Build the workstation's devices from its ``[devices.<role>]`` tables.

A table that cannot be used (an unknown model, a misspelt key, a serial port that does not
exist, a missing USB library) gives that role a Null device whose status is the problem,
naming the key; the counter still starts. A device that is configured right but switched off
gets its real driver, which reports the problem in its status and recovers when it is back.

Drivers are imported here only when a table asks for real hardware, so a simulated counter
(the demo, the tests, headless commands) never imports python-escpos.

A counter with real hardware (every key but ``kind`` is optional unless marked)::

    [devices.printer]
    kind = "network"            # or "usb" (vendor_id, product_id), "serial" (url, baudrate),
    host = "10.20.0.31"         #    "file" (path), "cups" (printer_name)
    port = 9100
    profile = "TM-T88V"         # a python-escpos model profile
    codepage = "CP858"          # pinned; must be one of the profile's pages
    code = "qr"                 # "qr" (native), "code128" or "none"
    cut = "partial"             # or "full"
    timeout = 2.0               # connect/write seconds (python-escpos's default is 60)
    status_timeout = 0.5        # one DLE EOT reply
    wait_seconds = 3.0          # how long a payment waits for its receipt before flagging it

    [devices.drawer]
    kind = "printer"            # the printer's drawer port; or "serial" (url, open_byte,
    pin = 2                     #    sensor_line = "cts"/"dsr"/"cd"/"ri")
    pulse_on_ms = 100
    pulse_off_ms = 100
    sensor = true               # DLE EOT 1, bit 2 (printer connector pin 3)
    open_when = "high"          # which sensor level means open
    open_within_seconds = 2.0   # after a kick; else "did not open"
    alert_after_seconds = 120   # open longer than this: "close the drawer"
    kick_max_age_seconds = 3.0  # a kick queued longer than this is never sent

    [devices.check_reader]
    kind = "serial"
    url = "/dev/ttyUSB0"        # any pyserial URL
    format = "magtek-0000"      # magtek-0001, magtek-0002, unifiedpos, axiohm, unicode, custom
    # symbols = { transit = "T", on_us = "U", amount = "$", dash = "-", unreadable = "?" }

    [devices.display]
    kind = "serial"
    url = "/dev/ttyUSB1"
    codepage = "CP437"
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable
from typing import Any

from cashdesk.devices.base import CashDrawer, CheckReader, CustomerDisplay, Devices, ReceiptPrinter
from cashdesk.devices.null import NullCheckReader, NullDisplay, NullDrawer, NullPrinter
from cashdesk.devices.settings import DeviceConfigError, Table
from cashdesk.devices.simulated import (
    SimulatedCheckReader,
    SimulatedDisplay,
    SimulatedDrawer,
    SimulatedPrinter,
)
from cashdesk.errors import ConfigError

log = logging.getLogger(__name__)

PRINTER_KINDS = ("network", "usb", "serial", "file", "cups")


def _is_device_path(url: str) -> bool:
    return "://" not in url


class _Builder:
    def __init__(self, tables: dict[str, dict[str, Any]]) -> None:
        self.tables = tables
        self.workers: dict[str, Any] = {}
        self.closers: list[Callable[[], None]] = []
        self.problems: dict[str, str] = {}

    def worker(self, key: str) -> Any:
        from cashdesk.devices.worker import PortWorker

        if key not in self.workers:
            self.workers[key] = PortWorker(key)
        return self.workers[key]

    def table(self, role: str) -> tuple[str, Table]:
        data = dict(self.tables.get(role, {"kind": "simulator"}))
        return str(data.get("kind", "simulator")), Table(role, data)

    def check_port(self, table: Table, key: str, url: str) -> None:
        if _is_device_path(url) and not os.path.exists(url):
            raise table.fail(key, f"the port {url} does not exist.")

    # -- roles -------------------------------------------------------------------------------
    def printer(self) -> ReceiptPrinter:
        kind, table = self.table("printer")
        if kind == "simulator":
            width = table.integer("width", 42, low=24, high=64)
            slip_station = table.flag("slip_station", True)
            table.finish()
            return SimulatedPrinter(width=width, slip_station=slip_station)
        if kind == "none":
            table.finish()
            return NullPrinter()
        from cashdesk.devices.escpos_printer import EscposPrinter, parse_printer

        settings = parse_printer(table, kind)
        table.finish()
        if kind == "serial":
            self.check_port(table, "url", settings.url)
        elif kind == "file" and not os.path.isdir(os.path.dirname(settings.path) or "."):
            raise table.fail("path", f"the folder of {settings.path} does not exist.")
        elif kind == "cups" and shutil.which("lp") is None:
            raise table.fail("kind", "CUPS printing needs the lp command, which is not installed.")
        elif kind == "usb":
            self.check_usb(table)
        printer = EscposPrinter(settings, self.worker(settings.port_key))
        self.closers.append(printer.close)
        return printer

    def check_usb(self, table: Table) -> None:
        try:
            import usb.backend.libusb0
            import usb.backend.libusb1
        except ImportError:  # pragma: no cover - pyusb is a dependency
            raise table.fail("kind", "USB printing needs pyusb, which is not installed.") from None
        if usb.backend.libusb1.get_backend() is None and usb.backend.libusb0.get_backend() is None:
            raise table.fail("kind", "USB printing needs libusb, which is not installed.")

    def drawer(self, printer: ReceiptPrinter) -> CashDrawer:
        kind, table = self.table("drawer")
        if kind == "simulator":
            table.finish()
            return SimulatedDrawer()
        if kind == "none":
            table.finish()
            return NullDrawer()
        from cashdesk.devices.drawer import PrinterDrawer, SerialDrawer, parse_drawer

        settings = parse_drawer(table, kind)
        table.finish()
        drawer: PrinterDrawer | SerialDrawer
        if kind == "printer":
            from cashdesk.devices.escpos_printer import EscposPrinter

            if not isinstance(printer, EscposPrinter):
                raise table.fail(
                    "kind",
                    '"printer" needs an ESC/POS printer in [devices.printer]'
                    + (", which is unavailable." if "printer" in self.problems else "."),
                )
            drawer = PrinterDrawer(settings, printer)
        else:
            self.check_port(table, "url", settings.url)
            drawer = SerialDrawer(settings, self.worker(f"serial:{settings.url}"))
        self.closers.append(drawer.close)
        drawer.start_monitor()
        return drawer

    def check_reader(self) -> CheckReader:
        kind, table = self.table("check_reader")
        if kind == "simulator":
            table.finish()
            return SimulatedCheckReader()
        if kind == "none":
            table.finish()
            return NullCheckReader()
        from cashdesk.devices.check_reader import SerialCheckReader, parse_reader

        settings = parse_reader(table)
        table.finish()
        self.check_port(table, "url", settings.url)
        reader = SerialCheckReader(settings)
        self.closers.append(reader.close)
        # Open the port now: opening flushes its input, so a check read before the first
        # read() would otherwise be lost. A failure shows in the status and is retried.
        reader.status()
        return reader

    def display(self) -> CustomerDisplay:
        kind, table = self.table("display")
        if kind == "simulator":
            width = table.integer("width", 20, low=8, high=40)
            table.finish()
            return SimulatedDisplay(width=width)
        if kind == "none":
            table.finish()
            return NullDisplay()
        from cashdesk.devices.pole_display import SerialPoleDisplay, parse_display

        settings = parse_display(table)
        table.finish()
        self.check_port(table, "url", settings.url)
        display = SerialPoleDisplay(settings, self.worker(f"serial:{settings.url}"))
        self.closers.append(display.close)
        return display

    def guarded(self, role: str, build: Callable[[], Any], null: Callable[[str], Any]) -> Any:
        try:
            return build()
        except DeviceConfigError as err:
            message = str(err)
        except ConfigError as err:  # pragma: no cover - every table error is a DeviceConfigError
            message = f"devices.{role}: {err}"
        log.warning("%s is unavailable: %s", role, message)
        self.problems[role] = message
        return null(message)


def build_devices(tables: dict[str, dict[str, Any]]) -> Devices:
    """The devices the ``[devices]`` tables describe; each unusable one as a Null device."""
    b = _Builder(tables)
    printer: ReceiptPrinter = b.guarded("printer", b.printer, NullPrinter)
    drawer: CashDrawer = b.guarded("drawer", lambda: b.drawer(printer), NullDrawer)
    reader: CheckReader = b.guarded("check_reader", b.check_reader, NullCheckReader)
    display: CustomerDisplay = b.guarded("display", b.display, NullDisplay)
    return Devices(
        printer=printer, drawer=drawer, check_reader=reader, display=display, closers=b.closers
    )
