"""MICR check readers on a serial port (pyserial ``serial_for_url``: a device path, a pty,
``socket://`` or ``loop://`` all work).

A reader sends one line per check, ended by CR and/or LF. Its symbols are turned into the
Unicode E-13B symbols with the reader's mapping (domain/micr.py) right here at the edge, so
everything above sees one spelling; parsing (and refusing) is domain/micr.py's job.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from cashdesk.devices.base import CheckRead, CheckReader, CheckReaderError, DeviceStatus
from cashdesk.devices.settings import Table
from cashdesk.domain.micr import AMOUNT, DASH, ON_US, READER_MAPPINGS, TRANSIT, ReaderMapping
from cashdesk.domain.micr import normalise as normalise_micr

# A reader that already sends the Unicode E-13B symbols.
UNICODE_E13B = ReaderMapping(
    name="Unicode E-13B", transit=TRANSIT, on_us=ON_US, amount=AMOUNT, dash=DASH
)
MAPPINGS: dict[str, ReaderMapping] = {**READER_MAPPINGS, "unicode": UNICODE_E13B}

# Axiohm/CognitiveTPG readers put a status byte before the line.
AXIOHM_STATUS = {
    0: None,
    1: "The check reader could not read the check.",
    2: "No check was in the reader.",
    3: "The check jammed in the reader: remove it.",
    4: "The reader found no MICR line on the check.",
}
_RETRY = "Re-scan or key the check."
LINE_END = b"\r\n"
MAX_LINE = 256


@dataclass(frozen=True, slots=True, kw_only=True)
class ReaderSettings:
    url: str
    baudrate: int = 9600
    mapping: ReaderMapping
    status_byte: bool = False
    encoding: str = "latin-1"


def parse_reader(table: Table) -> ReaderSettings:
    fmt = table.choice("format", "magtek-0000", (*MAPPINGS, "custom"))
    symbols = table.table("symbols")
    if fmt == "custom" or symbols is not None:
        if symbols is None:
            raise table.fail("symbols", 'is required when format = "custom".')
        try:
            mapping = ReaderMapping(
                name=f"custom ({table.where})",
                transit=symbols.text("transit"),
                on_us=symbols.text("on_us"),
                amount=symbols.text("amount"),
                dash=symbols.text("dash"),
                unreadable=symbols.text("unreadable", "?"),
            )
        except ValueError as err:
            raise table.fail("symbols", str(err)) from None
        symbols.finish()
    else:
        mapping = MAPPINGS[fmt]
    encoding = table.choice(
        "encoding", "utf-8" if fmt == "unicode" else "latin-1", ("latin-1", "utf-8", "ascii")
    )
    return ReaderSettings(
        url=table.text("url"),
        baudrate=table.integer("baudrate", 9600, low=1200, high=921600),
        mapping=mapping,
        status_byte=table.flag("status_byte", fmt == "axiohm"),
        encoding=encoding,
    )


class SerialCheckReader(CheckReader):
    def __init__(self, settings: ReaderSettings) -> None:
        self.settings = settings
        self.name = f"Check reader ({settings.mapping.name}, {settings.url})"
        self._port: Any = None
        self._lock = threading.Lock()  # one reader, one port: reads never overlap
        self._pending = b""
        self.last_error: str | None = None

    def _open(self) -> Any:
        if self._port is None:
            import serial

            try:
                self._port = serial.serial_for_url(
                    self.settings.url, baudrate=self.settings.baudrate, timeout=0.1
                )
            except (serial.SerialException, ValueError) as err:
                self.last_error = (
                    f"The check reader port {self.settings.url} cannot be opened ({err}); "
                    "check devices.check_reader.url."
                )
                raise CheckReaderError(self.last_error) from err
        return self._port

    def _read_line(self, timeout: float) -> bytes | None:
        port = self._open()
        deadline = time.monotonic() + timeout
        while True:
            # A CR LF pair leaves an empty line behind: skip it.
            self._pending = self._pending.lstrip(LINE_END)
            ends = [i for i in (self._pending.find(b"\r"), self._pending.find(b"\n")) if i >= 0]
            if ends:
                cut = min(ends)
                line, self._pending = self._pending[:cut], self._pending[cut + 1 :]
                return line
            if len(self._pending) > MAX_LINE:
                self._pending = b""
                raise CheckReaderError(f"The check reader sent a garbled line. {_RETRY}")
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            port.timeout = min(left, 0.2)
            try:
                chunk = port.read(max(1, port.in_waiting))
            except OSError as err:
                self._port, self._pending = None, b""
                self.last_error = f"The check reader port {self.settings.url} failed ({err})."
                raise CheckReaderError(self.last_error) from err
            self._pending += chunk

    def read(self, *, timeout: float) -> CheckRead | None:
        with self._lock:
            raw = self._read_line(timeout)
        if raw is None:
            return None
        self.last_error = None
        if self.settings.status_byte:
            if not raw:
                raise CheckReaderError(f"The check reader sent an empty line. {_RETRY}")
            code, raw = raw[0] & 0x0F, raw[1:]
            problem = AXIOHM_STATUS.get(code, "The check reader reported an error.")
            if problem:
                raise CheckReaderError(f"{problem} {_RETRY}")
        try:
            text = raw.decode(self.settings.encoding)
        except UnicodeDecodeError:
            raise CheckReaderError(
                f"The check reader sent unreadable characters. {_RETRY}"
            ) from None
        return CheckRead(normalise_micr(text, self.settings.mapping))

    def status(self) -> DeviceStatus:
        try:
            with self._lock:
                self._open()
        except CheckReaderError as err:
            return DeviceStatus(self.name, False, str(err))
        if self.last_error:
            return DeviceStatus(self.name, False, self.last_error)
        return DeviceStatus(self.name, True, "Ready")

    def close(self) -> None:
        with self._lock:
            if self._port is not None:
                self._port.close()
                self._port = None
