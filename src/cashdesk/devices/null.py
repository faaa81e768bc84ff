"""Null devices: a role with no device ("none"), or one whose config or port is unusable.

An unavailable device reports why in its status (the message names the config key) and
refuses work with that message, so the counter starts and a payment still posts: its receipt
is simply flagged unprinted.
"""

from __future__ import annotations

from cashdesk.devices.base import (
    CashDrawer,
    CheckRead,
    CheckReader,
    CheckReaderError,
    CustomerDisplay,
    DeviceStatus,
    DrawerError,
    PrinterError,
    ReceiptPrinter,
)
from cashdesk.devices.document import ReceiptDocument


class NullPrinter(ReceiptPrinter):
    def __init__(self, problem: str | None = None) -> None:
        self.problem = problem
        self.name = "Receipt printer" + ("" if problem else " (none)")

    def print_receipt(self, document: ReceiptDocument, *, job_id: str) -> None:
        raise PrinterError(
            self.problem or "No receipt printer is set up at this workstation: save it as a PDF."
        )

    def status(self) -> DeviceStatus:
        if self.problem:
            return DeviceStatus(self.name, False, self.problem)
        return DeviceStatus(self.name, True, "Not configured")


class NullDrawer(CashDrawer):
    """No drawer configured: a kick does nothing. An unavailable one: a kick fails."""

    def __init__(self, problem: str | None = None) -> None:
        self.problem = problem
        self.name = "Cash drawer" + ("" if problem else " (none)")

    def kick(self, *, job_id: str) -> None:
        if self.problem:
            raise DrawerError(self.problem)

    def status(self) -> DeviceStatus:
        if self.problem:
            return DeviceStatus(self.name, False, self.problem)
        return DeviceStatus(self.name, True, "Not configured")


class NullCheckReader(CheckReader):
    def __init__(self, problem: str | None = None) -> None:
        self.problem = problem
        self.name = "Check reader" + ("" if problem else " (none)")

    def read(self, *, timeout: float) -> CheckRead | None:
        raise CheckReaderError(
            self.problem or "No check reader is set up at this workstation: key the check."
        )

    def status(self) -> DeviceStatus:
        if self.problem:
            return DeviceStatus(self.name, False, self.problem)
        return DeviceStatus(self.name, True, "Not configured")


class NullDisplay(CustomerDisplay):
    """Shows nothing; the status says why when a configured display is unavailable."""

    def __init__(self, problem: str | None = None) -> None:
        self.problem = problem
        self.name = "Customer display" + ("" if problem else " (none)")
        self.lines = ("", "")

    def show(self, top: str, bottom: str) -> None:
        self.lines = (top, bottom)

    def status(self) -> DeviceStatus:
        if self.problem:
            return DeviceStatus(self.name, False, self.problem)
        return DeviceStatus(self.name, True, "Not configured")
