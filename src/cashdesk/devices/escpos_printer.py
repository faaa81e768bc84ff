"""ESC/POS receipt printers through python-escpos 3.1 (USB, serial, network, file, CUPS).

Every receipt is built in a python-escpos ``Dummy`` (pure, fast, testable byte for byte) and
sent to the printer in ONE write from the port's worker thread, so two jobs can never
interleave and python-escpos's shared code-page state cannot leak between them.

python-escpos quirks handled here (checked against its 3.1 source):

- ``import escpos`` calls ``logging.basicConfig()`` and pickles its capabilities into a fresh
  temp folder; :func:`escpos_api` imports it lazily, points ``ESCPOS_CAPABILITIES_PICKLE_DIR``
  at cashdesk's cache folder and removes the root handler the import added.
- ``paper_status()`` says "adequate" when the printer does not answer: status is read here
  byte by byte with DLE EOT, and silence is reported as silence.
- socket errors, ``serial.SerialException`` and a bare ``AssertionError`` after a failed
  connect are not wrapped; after a failed open ``_device`` stays ``None`` and python-escpos
  never retries. Every such error becomes a :class:`PrinterError` and the connection is reset.
- a silent network printer blocks for its full timeout (60 s by default): timeouts are short
  settings here.
- the code page is pinned (``ESC t``) after ``ESC @``; text is reduced to what that page can
  print before python-escpos sees it (a base letter for an accent the page lacks, never a
  silent code-page switch the model may not have).
"""

from __future__ import annotations

import codecs
import logging
import os
import sys
import threading
import unicodedata
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from cashdesk.devices.base import DeviceStatus, PrinterError, ReceiptPrinter
from cashdesk.devices.document import ReceiptDocument, Style, clean, layout, map_text
from cashdesk.devices.endorsement import Endorsement, render_endorsement
from cashdesk.devices.settings import Table
from cashdesk.devices.worker import PortWorker
from cashdesk.errors import DeviceError

log = logging.getLogger(__name__)

TRANSPORTS = ("network", "usb", "serial", "file", "cups")
READABLE = frozenset({"network", "usb", "serial"})  # python-escpos reads replies on these only
CODES = ("qr", "code128", "none")

_import_lock = threading.Lock()


def _cache_dir() -> str:
    from platformdirs import user_cache_path

    path = user_cache_path("cashdesk", appauthor=False) / "escpos"
    path.mkdir(parents=True, exist_ok=True)
    return str(path)


def escpos_api() -> ModuleType:
    """``escpos.printer``, imported on first use without its side effects."""
    with _import_lock:
        if "escpos.printer" not in sys.modules:
            os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", _cache_dir())
            root = logging.getLogger()
            before = list(root.handlers)
            import escpos.printer  # noqa: F401  (the side effects are undone just below)

            for handler in root.handlers[:]:
                if handler not in before:
                    root.removeHandler(handler)
        return sys.modules["escpos.printer"]


def escpos_errors() -> tuple[type[BaseException], ...]:
    """Everything python-escpos and the transports under it raise without wrapping."""
    escpos_api()
    import escpos.exceptions
    import serial

    errors: list[type[BaseException]] = [
        escpos.exceptions.Error,
        OSError,  # socket errors, TimeoutError, serial.SerialException (an IOError)
        serial.SerialException,
        AssertionError,  # python-escpos asserts a device after a failed open
        ValueError,
    ]
    try:
        import usb.core

        errors += [usb.core.USBError, usb.core.NoBackendError]
    except ImportError:  # pragma: no cover - pyusb is a dependency
        pass
    return tuple(errors)


# -- settings ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class PrinterSettings:
    transport: str
    profile: str = "TM-T88V"
    codepage: str = "CP858"
    code: str = "qr"
    cut: str = "partial"
    host: str = ""
    port: int = 9100
    url: str = ""  # serial: a device path or any pyserial URL
    baudrate: int = 9600
    vendor_id: int = 0
    product_id: int = 0
    path: str = ""
    printer_name: str = ""
    timeout: float = 2.0  # connect / write
    status_timeout: float = 0.5  # one DLE EOT reply
    wait_seconds: float = 3.0  # how long a payment waits for its receipt
    check_status: bool = True
    slip_station: bool = False  # a TM-H6000-class printer: checks are endorsed on it

    @property
    def readable(self) -> bool:
        return self.transport in READABLE

    @property
    def port_key(self) -> str:
        """Names the physical port: devices on one port share one worker."""
        return {
            "network": f"network:{self.host}:{self.port}",
            "usb": f"usb:{self.vendor_id:04x}:{self.product_id:04x}",
            "serial": f"serial:{self.url}",
            "file": f"file:{self.path}",
            "cups": f"cups:{self.printer_name}",
        }[self.transport]

    @property
    def where(self) -> str:
        return {
            "network": f"{self.host}:{self.port}",
            "usb": f"USB {self.vendor_id:04x}:{self.product_id:04x}",
            "serial": self.url,
            "file": self.path,
            "cups": f"CUPS queue {self.printer_name}",
        }[self.transport]


def known_profiles() -> list[str]:
    escpos_api()
    from escpos.capabilities import CAPABILITIES

    return sorted(CAPABILITIES["profiles"])


def parse_printer(table: Table, transport: str) -> PrinterSettings:
    escpos_api()
    from escpos.capabilities import get_profile

    profile = table.text("profile", "TM-T88V")
    if profile not in known_profiles():
        raise table.fail("profile", f"unknown printer model {profile!r}.")
    codepage = table.text("codepage", "CP858").upper()
    if codepage not in get_profile(profile).get_code_pages():
        raise table.fail("codepage", f"the {profile} has no code page {codepage}.")
    try:
        codecs.lookup(codepage.lower())
    except LookupError:
        raise table.fail("codepage", f"{codepage} has no Python codec to check text.") from None
    values: dict[str, Any] = {
        "transport": transport,
        "profile": profile,
        "codepage": codepage,
        "code": table.choice("code", "qr", CODES),
        "cut": table.choice("cut", "partial", ("partial", "full")),
        "timeout": table.seconds("timeout", 2.0, low=0.1, high=30),
        "status_timeout": table.seconds("status_timeout", 0.5, low=0.05, high=5),
        "wait_seconds": table.seconds("wait_seconds", 3.0, low=0.1, high=30),
        "check_status": table.flag("check_status", True),
        "slip_station": table.flag("slip_station", False),
    }
    if transport == "network":
        values["host"] = table.text("host")
        values["port"] = table.integer("port", 9100, low=1, high=65535)
    elif transport == "usb":
        values["vendor_id"] = table.integer("vendor_id", None, low=1, high=0xFFFF, hex_ok=True)
        values["product_id"] = table.integer("product_id", None, low=1, high=0xFFFF, hex_ok=True)
    elif transport == "serial":
        values["url"] = table.text("url")
        values["baudrate"] = table.integer("baudrate", 9600, low=1200, high=921600)
    elif transport == "file":
        values["path"] = table.text("path")
    elif transport == "cups":
        values["printer_name"] = table.text("printer_name")
    return PrinterSettings(**values)


# -- rendering --------------------------------------------------------------------------------


def _encodes(text: str, codec: str) -> bool:
    try:
        text.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


def printable(text: str, codepage: str) -> str:
    """``text`` reduced to what the pinned code page can print, never to "?" where a reader
    would see a letter: a character the page has stays; one it lacks loses its accent ("é"
    on a page without it), else is transliterated by anyascii ("Ł" → "L", "–" → "-",
    "“" → '"', "北京" → "BeiJing"). Control characters become spaces (see ``clean``), so a
    name can never carry a printer command. The result may be longer than ``text``: lay out
    the result, not the original."""
    from anyascii import anyascii

    codec = codepage.lower()
    out: list[str] = []
    for ch in clean(text):
        if _encodes(ch, codec):
            out.append(ch)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        if base and _encodes(base, codec):
            out.append(base)
            continue
        ascii_text = anyascii(ch)
        out.append(ascii_text if _encodes(ascii_text, codec) else "?")
    return "".join(out)


def dummy(profile: str) -> Any:
    return escpos_api().Dummy(profile=profile)


def render_receipt(
    doc: ReceiptDocument,
    *,
    profile: str = "TM-T88V",
    codepage: str = "CP858",
    code: str = "qr",
    cut: str = "partial",
) -> bytes:
    """The ESC/POS bytes of one receipt: init, pinned code page, text, code, cut."""
    p = dummy(profile)
    width = p.profile.get_columns("a")
    p.hw("INIT")
    p.charcode(codepage)  # after INIT, which resets the printer's page to its default
    # Reduced to the code page first, then laid out: a transliteration can lengthen a name.
    for line in layout(map_text(doc, lambda text: printable(text, codepage)), width):
        text = line.text
        if line.style is Style.LABEL:
            # ESC ! clears bold, so bold goes in the same set() call, after the size.
            p.set(align="center", bold=True, double_width=True, double_height=True)
            p.textln(text.strip())
            p.set(align="left", bold=False, normal_textsize=True)
        elif line.style in (Style.TITLE, Style.BOLD):
            p.set(bold=True)
            p.textln(text)
            p.set(bold=False)
        else:
            p.textln(text)
    if code == "qr":
        p.set(align="center")
        p.qr(doc.receipt_number, native=True, size=6)  # native: the printer draws it
        p.set(align="left")
    elif code == "code128":
        # barcode() prints "Using hardware barcode renderer" on stdout; the hardware path is
        # called directly (python-escpos is pinned to 3.1). CODE128 needs the {B prefix.
        p._hw_barcode("{B" + doc.receipt_number, "CODE128", height=64, width=2, function_type="B")
        p.set(align="left")
    p.cut(mode="PART" if cut == "partial" else "FULL")
    return bytes(p.output)


def kick_bytes(pin: int, pulse_on_ms: int, pulse_off_ms: int, *, profile: str = "TM-T88V") -> bytes:
    """``ESC p m t1 t2``: m = 0 for pin 2, 1 for pin 5; t1/t2 in 2 ms units."""
    p = dummy(profile)
    m = {2: 0, 5: 1}[pin]
    p.cashdraw([27, 112, m, min(255, pulse_on_ms // 2), min(255, pulse_off_ms // 2)])
    return bytes(p.output)


# -- status -----------------------------------------------------------------------------------

STATUS_PRINTER = b"\x10\x04\x01"
STATUS_OFFLINE = b"\x10\x04\x02"
STATUS_PAPER = b"\x10\x04\x04"


def _valid(reply: int | None) -> bool:
    # Every DLE EOT reply has the shape 0xx1xx10.
    return reply is not None and reply & 0x93 == 0x12


@dataclass(frozen=True, slots=True)
class PrinterState:
    """What the DLE EOT replies say (``None`` fields: the printer did not answer that one)."""

    printer: int | None
    offline_cause: int | None = None
    paper: int | None = None

    @property
    def answered(self) -> bool:
        return _valid(self.printer)

    @property
    def offline(self) -> bool:
        return self.answered and bool(self.printer and self.printer & 0x08)

    @property
    def drawer_pin3_high(self) -> bool | None:
        return bool(self.printer & 0x04) if self.answered and self.printer is not None else None

    @property
    def cover_open(self) -> bool:
        return _valid(self.offline_cause) and bool(self.offline_cause and self.offline_cause & 0x04)

    @property
    def error(self) -> bool:
        return _valid(self.offline_cause) and bool(self.offline_cause and self.offline_cause & 0x40)

    @property
    def paper_out(self) -> bool:
        paper_end = _valid(self.paper) and bool(self.paper and self.paper & 0x60)
        stopped = _valid(self.offline_cause) and bool(
            self.offline_cause and self.offline_cause & 0x20
        )
        return paper_end or stopped

    @property
    def paper_near_end(self) -> bool:
        return _valid(self.paper) and bool(self.paper and self.paper & 0x0C)

    def problem(self) -> str | None:
        """Why a receipt cannot print now, as the cashier should read it (None: it can)."""
        if not self.answered:
            return "The receipt printer does not answer: check that it is on and connected."
        if self.cover_open:
            return "The receipt printer's cover is open: close it."
        if self.paper_out:
            return "The receipt printer is out of paper: load a new roll."
        if self.error:
            return "The receipt printer reports an error: switch it off and on again."
        if self.offline:
            return "The receipt printer is offline: check it for a paper jam."
        return None

    def summary(self) -> str:
        problem = self.problem()
        if problem:
            return problem
        if self.paper_near_end:
            return "Ready; paper is running low: change the roll soon."
        return "Ready"


# -- the driver -------------------------------------------------------------------------------


class EscposPrinter(ReceiptPrinter):
    """A real receipt printer. Its worker is shared with a drawer kicked through it."""

    def __init__(
        self, settings: PrinterSettings, worker: PortWorker, *, key: str = "devices.printer"
    ) -> None:
        self.settings = settings
        self.worker = worker
        self.key = key
        self.name = f"Receipt printer ({settings.profile}, {settings.where})"
        self.slip_station = settings.slip_station
        self._printer: Any = None  # the python-escpos object; touched only on the worker
        self.last_error: str | None = None

    # Everything below prefixed _job runs on the port's worker thread, under its lock.
    def _connection(self) -> Any:
        s = self.settings
        if self._printer is not None and self._printer._device not in (False, None):
            return self._printer
        api = escpos_api()
        try:
            if s.transport == "network":
                p = api.Network(s.host, port=s.port, timeout=s.timeout, profile=s.profile)
                p.open()
            elif s.transport == "usb":
                p = api.Usb(
                    s.vendor_id, s.product_id, timeout=int(s.timeout * 1000), profile=s.profile
                )
                p.open()
            elif s.transport == "serial":
                import serial

                # python-escpos's Serial opens device paths only; hand it a pyserial port so
                # any pyserial URL works (and tests can use loop://, socket:// or a pty).
                p = api.Serial(devfile=s.url, baudrate=s.baudrate, profile=s.profile)
                p.device = serial.serial_for_url(
                    s.url, baudrate=s.baudrate, timeout=s.status_timeout, write_timeout=s.timeout
                )
            elif s.transport == "file":
                p = api.File(s.path, profile=s.profile)
                p.open()
            else:
                p = api.LP(s.printer_name, profile=s.profile)
                p.open()
        except escpos_errors() as err:
            raise PrinterError(
                f"The receipt printer at {s.where} cannot be reached ({_reason(err)}); "
                f"check it is on and connected, and the setting {self._where_key()}."
            ) from err
        self._printer = p
        return p

    def _where_key(self) -> str:
        field = {
            "network": "host",
            "usb": "vendor_id",
            "serial": "url",
            "file": "path",
            "cups": "printer_name",
        }[self.settings.transport]
        return f"{self.key}.{field}"

    def _drop_connection(self) -> None:
        p, self._printer = self._printer, None
        if p is None:
            return
        try:
            p.close()
        except escpos_errors():
            pass
        p._device = False  # python-escpos never reopens a device left at None

    def _exchange(self, p: Any, query: bytes) -> int | None:
        """Send one DLE EOT query; its one-byte reply, or None when the printer is silent."""
        s = self.settings
        if s.transport == "network":
            sock = p.device
            sock.settimeout(s.status_timeout)
            try:
                sock.sendall(query)
                data = sock.recv(16)
            except TimeoutError:
                return None
            finally:
                sock.settimeout(s.timeout)
            if not data:
                raise ConnectionResetError("the printer closed the connection")
            return int(data[-1])
        if s.transport == "serial":
            port = p.device
            port.write(query)
            data = port.read(1)  # returns on the first byte; .read(16) would wait it out
            return int(data[0]) if data else None
        p._raw(query)
        data = p._read()
        return int(data[-1]) if data else None

    def _job_state(self) -> PrinterState:
        p = self._connection()
        printer = self._exchange(p, STATUS_PRINTER)
        if not _valid(printer):
            return PrinterState(printer)
        return PrinterState(
            printer, self._exchange(p, STATUS_OFFLINE), self._exchange(p, STATUS_PAPER)
        )

    def _job_print(self, data: bytes) -> None:
        s = self.settings
        try:
            p = self._connection()
            if s.readable and s.check_status:
                problem = self._job_state().problem()
                if problem:
                    raise PrinterError(problem)
            p._raw(data)  # the whole receipt in one write
            if s.transport == "cups":
                p.close()  # lp submits the job when its input closes
                self._printer = None
            if s.readable and s.check_status:
                after = self._job_state()
                if not after.answered:
                    raise PrinterError(
                        "The receipt printer stopped answering during the receipt: "
                        "check it, then reprint the receipt."
                    )
                if after.problem():
                    raise PrinterError(f"{after.problem()} Then reprint the receipt.")
        except PrinterError:
            self._drop_connection()
            raise
        except escpos_errors() as err:
            self._drop_connection()
            raise PrinterError(
                f"The receipt printer at {s.where} failed ({_reason(err)}): "
                "check it, then reprint the receipt."
            ) from err

    def job_write(self, data: bytes, what: str) -> None:
        """Write raw bytes (a drawer kick) on the worker thread; errors become PrinterError."""
        try:
            self._connection()._raw(data)
        except PrinterError:
            self._drop_connection()
            raise
        except escpos_errors() as err:
            self._drop_connection()
            raise PrinterError(f"{what} failed at {self.settings.where} ({_reason(err)}).") from err

    def job_state(self) -> PrinterState | None:
        """The printer's status (worker thread); None when the transport cannot read."""
        if not self.settings.readable:
            return None
        try:
            return self._job_state()
        except PrinterError:
            raise
        except escpos_errors() as err:
            self._drop_connection()
            raise PrinterError(
                f"The receipt printer at {self.settings.where} failed ({_reason(err)})."
            ) from err

    # -- the protocol ----------------------------------------------------------------------
    def print_receipt(self, document: ReceiptDocument, *, job_id: str) -> None:
        s = self.settings
        data = render_receipt(
            document, profile=s.profile, codepage=s.codepage, code=s.code, cut=s.cut
        )

        def stale(age: float) -> PrinterError:
            return PrinterError(
                f"The receipt printer was busy for {age:.1f} s; receipt "
                f"{document.receipt_number} was not printed: reprint it."
            )

        # A receipt the payment has stopped waiting for must not print later, unseen: it may
        # wait in the queue no longer than the payment waits for it.
        future = self.worker.submit(
            job_id, lambda: self._job_print(data), max_age=s.wait_seconds, stale=stale
        )
        try:
            future.result(timeout=s.wait_seconds)
        except TimeoutError:
            if future.cancel():
                message = (
                    f"The receipt printer was busy; receipt {document.receipt_number} "
                    "was not printed: reprint it."
                )
            else:
                message = (
                    f"The receipt printer is slow to answer: check whether receipt "
                    f"{document.receipt_number} came out, and reprint it if not."
                )
            self.last_error = message
            raise PrinterError(message) from None
        except PrinterError as err:
            self.last_error = str(err)
            raise
        self.last_error = None

    def endorse(self, endorsement: Endorsement, *, job_id: str) -> None:
        if not self.slip_station:
            super().endorse(endorsement, job_id=job_id)
        s = self.settings
        data = render_endorsement(endorsement, profile=s.profile, codepage=s.codepage)
        # The check waits in the slip station for as long as the printer needs; a job older
        # than the wait is dropped so a check is never endorsed minutes later, unseen.
        future = self.worker.submit(
            job_id,
            lambda: self.job_write(data, "Endorsing the check"),
            max_age=s.wait_seconds,
            stale=lambda age: PrinterError(
                f"The printer was busy for {age:.1f} s; the check of receipt "
                f"{endorsement.receipt_number} was not endorsed: stamp it by hand."
            ),
        )
        try:
            future.result(timeout=s.wait_seconds)
        except TimeoutError:
            future.cancel()
            raise PrinterError(
                f"The slip station did not answer; endorse the check of receipt "
                f"{endorsement.receipt_number} by hand."
            ) from None

    def status(self) -> DeviceStatus:
        if not self.settings.readable:
            if self.last_error:
                return DeviceStatus(self.name, False, self.last_error)
            return DeviceStatus(self.name, True, "Ready (this connection cannot report status)")
        try:
            state = self.worker.call(self.job_state, timeout=self.settings.wait_seconds)
        except TimeoutError:
            return DeviceStatus(self.name, False, "The receipt printer is busy or not answering.")
        except DeviceError as err:  # PrinterError, or a status read that waited too long
            return DeviceStatus(self.name, False, str(err))
        assert state is not None
        return DeviceStatus(self.name, state.problem() is None, state.summary())

    def close(self) -> None:
        self.worker.close()
        with self.worker.lock:
            self._drop_connection()


def _reason(err: BaseException) -> str:
    text = " ".join(str(err).split()) or type(err).__name__
    return text[:120]
