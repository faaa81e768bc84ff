"""Simulated devices: the app runs and is tested with no hardware.

The simulated printer keeps what it printed (the rendered text), which is what the on-screen
preview shows; the others record what they were asked to do. Each can be told to fail, so
tests and the demo can show what a cashier sees when hardware misbehaves.
"""

from __future__ import annotations

import threading
from collections import deque

from cashdesk.devices.base import (
    CashDrawer,
    CheckRead,
    CheckReader,
    CustomerDisplay,
    Devices,
    DeviceStatus,
    DrawerError,
    PrinterError,
    ReceiptPrinter,
)
from cashdesk.devices.document import ReceiptDocument, render_text
from cashdesk.devices.endorsement import Endorsement, endorsement_text

DISPLAY_WIDTH = 20
# What a simulated device remembers: its last KEPT jobs, as a real printer's journal would.
# (It once kept every job since the start, so a demo window open for days grew without end.)
KEPT = 500


class SimulatedPrinter(ReceiptPrinter):
    name = "Receipt printer (simulated)"

    def __init__(self, *, width: int = 42, slip_station: bool = True) -> None:
        self.width = width
        self.slip_station = slip_station
        self.printed: list[tuple[str, str]] = []  # (job id, text)
        self.endorsed: list[tuple[str, str]] = []  # (job id, text on the back of the check)
        self.fail_with: str | None = None
        self._seen_jobs: set[str] = set()
        self._lock = threading.Lock()

    def print_receipt(self, document: ReceiptDocument, *, job_id: str) -> None:
        with self._lock:
            if self.fail_with:
                raise PrinterError(self.fail_with)
            if job_id in self._seen_jobs:
                return  # a replayed job: printed already
            self._seen_jobs.add(job_id)
            self.printed.append((job_id, render_text(document, self.width)))
            if len(self.printed) > KEPT:
                for old_job, _ in self.printed[:-KEPT]:
                    self._seen_jobs.discard(old_job)
                del self.printed[:-KEPT]

    def endorse(self, endorsement: Endorsement, *, job_id: str) -> None:
        if not self.slip_station:
            super().endorse(endorsement, job_id=job_id)
        with self._lock:
            if self.fail_with:
                raise PrinterError(self.fail_with)
            if any(seen == job_id for seen, _ in self.endorsed):
                return
            self.endorsed.append((job_id, endorsement_text(endorsement)))
            del self.endorsed[:-KEPT]

    @property
    def last_text(self) -> str:
        return self.printed[-1][1] if self.printed else ""

    def status(self) -> DeviceStatus:
        if self.fail_with:
            return DeviceStatus(self.name, False, self.fail_with)
        return DeviceStatus(self.name, True, "Ready")


class SimulatedDrawer(CashDrawer):
    name = "Cash drawer (simulated)"

    def __init__(self) -> None:
        self.kicks: list[str] = []
        self.fail_with: str | None = None

    def kick(self, *, job_id: str) -> None:
        if self.fail_with:
            raise DrawerError(self.fail_with)
        if job_id not in self.kicks:
            self.kicks.append(job_id)
            del self.kicks[:-KEPT]

    def status(self) -> DeviceStatus:
        if self.fail_with:
            return DeviceStatus(self.name, False, self.fail_with)
        return DeviceStatus(self.name, True, "Closed")


class SimulatedCheckReader(CheckReader):
    name = "Check reader (simulated)"

    def __init__(self) -> None:
        self.queue: deque[str] = deque()

    def insert(self, micr_line: str) -> None:
        self.queue.append(micr_line)

    def read(self, *, timeout: float) -> CheckRead | None:
        return CheckRead(self.queue.popleft()) if self.queue else None

    def status(self) -> DeviceStatus:
        return DeviceStatus(self.name, True, "Ready")


class SimulatedDisplay(CustomerDisplay):
    name = "Customer display (simulated)"

    def __init__(self, *, width: int = DISPLAY_WIDTH) -> None:
        self.width = width
        self.lines = ("", "")

    def show(self, top: str, bottom: str) -> None:
        self.lines = (top[: self.width], bottom[: self.width])

    def status(self) -> DeviceStatus:
        return DeviceStatus(self.name, True, "Ready")


def simulated_devices() -> Devices:
    return Devices(
        printer=SimulatedPrinter(),
        drawer=SimulatedDrawer(),
        check_reader=SimulatedCheckReader(),
        display=SimulatedDisplay(),
    )
