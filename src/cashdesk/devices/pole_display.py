"""A 2x20 or 2x40 (the ``width`` setting) customer (pole) display speaking the Epson ESC/POS
display command set (DM-D).

``ESC @`` initialises, ``US C 0`` hides the cursor, ``ESC t n`` picks the code page, ``CLR``
clears, ``US $ x y`` moves to column x of line y. Each update rewrites both lines in full
(padded to the width), so no stale character is ever left on the glass.

Updates never block a payment: they go to the display's worker and are dropped if they
cannot be sent within a couple of seconds (an old total is worse than none).
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass
from typing import Any

from cashdesk.devices.base import CustomerDisplay, DeviceStatus, DisplayError
from cashdesk.devices.escpos_printer import printable
from cashdesk.devices.settings import Table
from cashdesk.devices.worker import PortWorker
from cashdesk.errors import DeviceError

log = logging.getLogger(__name__)

INIT = b"\x1b\x40"
CURSOR_OFF = b"\x1f\x43\x00"
CLEAR = b"\x0c"
CODE_PAGES = {"CP437": 0, "CP850": 2, "CP860": 3, "CP863": 4, "CP865": 5, "CP1252": 16,
              "CP866": 17, "CP852": 18, "CP858": 19}  # fmt: skip
STALE_AFTER = 2.0


def move_to(column: int, line: int) -> bytes:
    return b"\x1f\x24" + bytes([column, line])


def init_bytes(codepage: str) -> bytes:
    return INIT + CURSOR_OFF + b"\x1bt" + bytes([CODE_PAGES[codepage]]) + CLEAR


def show_bytes(top: str, bottom: str, *, width: int = 20, codepage: str = "CP437") -> bytes:
    out = b""
    for line_no, text in ((1, top), (2, bottom)):
        text = printable(text, codepage)[:width].ljust(width)
        out += move_to(1, line_no) + text.encode(codepage.lower())
    return out


@dataclass(frozen=True, slots=True, kw_only=True)
class DisplaySettings:
    url: str
    baudrate: int = 9600
    width: int = 20
    codepage: str = "CP437"


def parse_display(table: Table) -> DisplaySettings:
    codepage = table.text("codepage", "CP437").upper()
    if codepage not in CODE_PAGES:
        raise table.fail("codepage", f"must be one of {', '.join(CODE_PAGES)}, not {codepage!r}.")
    return DisplaySettings(
        url=table.text("url"),
        baudrate=table.integer("baudrate", 9600, low=1200, high=115200),
        width=table.integer("width", 20, low=8, high=40),
        codepage=codepage,
    )


class SerialPoleDisplay(CustomerDisplay):
    def __init__(self, settings: DisplaySettings, worker: PortWorker) -> None:
        self.settings = settings
        self.worker = worker
        self.name = f"Customer display ({settings.url})"
        self.width = settings.width
        self._port: Any = None
        self._ids = itertools.count(1)
        self.lines = ("", "")
        self.last_error: str | None = None

    def _job_show(self, top: str, bottom: str) -> None:
        import serial

        s = self.settings
        try:
            if self._port is None:
                self._port = serial.serial_for_url(
                    s.url, baudrate=s.baudrate, timeout=0.5, write_timeout=1.0
                )
                self._port.write(init_bytes(s.codepage))
            self._port.write(show_bytes(top, bottom, width=s.width, codepage=s.codepage))
            self._port.flush()
        except (serial.SerialException, OSError, ValueError) as err:
            self._port = None
            self.last_error = f"The customer display at {s.url} failed ({err})."
            raise DisplayError(self.last_error) from err
        self.last_error = None

    def show(self, top: str, bottom: str) -> None:
        self.lines = (top[: self.settings.width], bottom[: self.settings.width])
        future = self.worker.submit(
            f"show:{next(self._ids)}", lambda: self._job_show(top, bottom), max_age=STALE_AFTER
        )
        future.add_done_callback(_log_failure)

    def status(self) -> DeviceStatus:
        if self.last_error:
            return DeviceStatus(self.name, False, self.last_error)
        return DeviceStatus(self.name, True, "Ready")

    def close(self) -> None:
        self.worker.close()
        if self._port is not None:
            self._port.close()


def _log_failure(future: Any) -> None:
    if future.cancelled():
        return
    err = future.exception()
    if isinstance(err, DeviceError):
        log.warning("customer display: %s", err)
