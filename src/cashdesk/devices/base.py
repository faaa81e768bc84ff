"""The device protocols. Each has a simulator (simulated.py) and a Null version."""

from __future__ import annotations

import abc
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cashdesk.devices.document import ReceiptDocument
from cashdesk.devices.endorsement import Endorsement
from cashdesk.errors import DeviceError

log = logging.getLogger(__name__)


class PrinterError(DeviceError):
    pass


class NoSlipStation(PrinterError):
    """The printer cannot endorse: the check is to be stamped by hand."""


class DrawerError(DeviceError):
    pass


class CheckReaderError(DeviceError):
    pass


class DisplayError(DeviceError):
    pass


@dataclass(frozen=True, slots=True)
class DeviceStatus:
    name: str
    ok: bool
    message: str


class ReceiptPrinter(abc.ABC):
    name = "Receipt printer"
    slip_station = False  # an Epson TM-H6000-class printer endorses checks on its slip station

    @abc.abstractmethod
    def print_receipt(self, document: ReceiptDocument, *, job_id: str) -> None:
        """Print the document; raise PrinterError with an actionable message on failure."""

    def endorse(self, endorsement: Endorsement, *, job_id: str) -> None:
        """Print the endorsement on the back of the check in the slip station."""
        raise NoSlipStation(
            f"This printer has no slip station: endorse the check of receipt "
            f"{endorsement.receipt_number} with the department's stamp."
        )

    @abc.abstractmethod
    def status(self) -> DeviceStatus: ...


class CashDrawer(abc.ABC):
    name = "Cash drawer"

    @abc.abstractmethod
    def kick(self, *, job_id: str) -> None:
        """Open the drawer."""

    @abc.abstractmethod
    def status(self) -> DeviceStatus: ...

    def watch_events(self, listener: Callable[[Any], None]) -> None:  # noqa: B027
        """Call ``listener`` with each DrawerEvent (drawers with a sensor override this)."""


@dataclass(frozen=True, slots=True)
class CheckRead:
    """What a MICR reader read off a check, normalised to E-13B Unicode symbols."""

    micr_line: str


class CheckReader(abc.ABC):
    name = "Check reader"

    @abc.abstractmethod
    def read(self, *, timeout: float) -> CheckRead | None:
        """Wait up to ``timeout`` seconds for a check; None when none was inserted."""

    @abc.abstractmethod
    def status(self) -> DeviceStatus: ...


class CustomerDisplay(abc.ABC):
    name = "Customer display"
    width = 20  # characters per line: 20 on a 2x20 pole display, 40 on a 2x40 one

    @abc.abstractmethod
    def show(self, top: str, bottom: str) -> None:
        """Show two lines (each cut to the display's width)."""

    @abc.abstractmethod
    def status(self) -> DeviceStatus: ...


@dataclass(slots=True)
class Devices:
    printer: ReceiptPrinter
    drawer: CashDrawer
    check_reader: CheckReader
    display: CustomerDisplay
    # What to close when the workstation shuts down (port workers, sensor pollers, ports).
    closers: list[Callable[[], None]] = field(default_factory=list)

    def statuses(self) -> list[DeviceStatus]:
        return [d.status() for d in (self.printer, self.drawer, self.check_reader, self.display)]

    def close(self) -> None:
        for close in reversed(self.closers):
            try:
                close()
            except Exception:  # closing one device must not keep the others open
                log.exception("closing a device failed")
        self.closers.clear()
