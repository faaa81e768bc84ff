"""The 2x20 pole display: Epson ESC/POS display bytes, sent from its worker."""

from __future__ import annotations

import os
import tty

from cashdesk.app import Cashdesk
from cashdesk.devices.pole_display import (
    DisplaySettings,
    SerialPoleDisplay,
    init_bytes,
    show_bytes,
)
from cashdesk.devices.simulated import SimulatedDisplay
from cashdesk.devices.worker import PortWorker
from cashdesk.domain.money import Money
from cashdesk.services.devices import DeviceService, pole_line


def test_show_bytes_rewrite_both_lines_in_full() -> None:
    data = show_bytes("TOTAL DUE", "$62.34", codepage="CP437")
    assert data == (
        b"\x1f$\x01\x01" + b"TOTAL DUE".ljust(20) + b"\x1f$\x01\x02" + b"$62.34".ljust(20)
    )
    assert init_bytes("CP858") == b"\x1b@\x1fC\x00\x1bt\x13\x0c"
    assert b"Jos\x82" in show_bytes("José", "", codepage="CP437")


def test_pole_lines_keep_the_amount_whole() -> None:
    assert pole_line("TOTAL", "$62.34") == "TOTAL         $62.34"
    assert pole_line("Business license renewal", "$1,234.50") == "Business l $1,234.50"
    assert len(pole_line("x" * 40, "$1.00")) == 20


def test_serial_display_on_a_pty_receives_init_then_the_lines() -> None:
    master, slave = os.openpty()
    tty.setraw(slave)
    display = SerialPoleDisplay(DisplaySettings(url=os.ttyname(slave)), PortWorker("pole"))
    display.show(pole_line("PAID", "$100.00"), pole_line("CHANGE", "$12.34"))
    expected = init_bytes("CP437") + show_bytes(
        pole_line("PAID", "$100.00"), pole_line("CHANGE", "$12.34")
    )
    got = b""
    while len(got) < len(expected):
        got += os.read(master, 1024)
    assert got == expected
    assert display.status().ok
    display.close()
    os.close(master)
    os.close(slave)


def test_service_shows_line_total_and_change(desk: Cashdesk) -> None:
    display = desk.ctx.devices.display
    assert isinstance(display, SimulatedDisplay)
    service = DeviceService(desk.ctx)
    service.show_line("Golf round", Money(cents=4000))
    assert display.lines == ("Golf round    $40.00", "")
    service.show_total_due(Money(cents=6234))
    assert display.lines == ("TOTAL DUE", "              $62.34")
    service.show_change(Money(cents=10000), Money(cents=3766))
    assert display.lines == ("PAID         $100.00", "CHANGE        $37.66")


def test_a_40_column_display_gets_40_column_lines(desk: Cashdesk) -> None:
    wide = SimulatedDisplay(width=40)
    desk.ctx.devices.display = wide
    service = DeviceService(desk.ctx)
    service.show_line("Business license renewal, 2027", Money(cents=123450))
    assert wide.lines == ("Business license renewal, 2027 $1,234.50", "")
    service.show_change(Money(cents=10000), Money(cents=3766))
    assert wide.lines == ("PAID" + " " * 29 + "$100.00", "CHANGE" + " " * 28 + "$37.66")


def test_a_40_column_serial_display_writes_40_columns() -> None:
    master, slave = os.openpty()
    tty.setraw(slave)
    settings = DisplaySettings(url=os.ttyname(slave), width=40)
    display = SerialPoleDisplay(settings, PortWorker("pole40"))
    assert display.width == 40
    top = pole_line("Business license renewal, 2027", "$1,234.50", display.width)
    display.show(top, "")
    expected = init_bytes("CP437") + show_bytes(top, "", width=40)
    got = b""
    while len(got) < len(expected):
        got += os.read(master, 1024)
    assert got == expected
    assert b"Business license renewal, 2027 $1,234.50" in got
    display.close()
    os.close(master)
    os.close(slave)
