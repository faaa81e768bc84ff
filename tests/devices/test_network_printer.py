"""A real python-escpos Network printer against a fake printer on loopback: status replies,
paper out, a printer that vanishes mid-job. The payment always stays posted; a receipt that
did not print is flagged for reprint."""

from __future__ import annotations

import time

import pytest
from device_fakes import READY, FakeMonotonic, FakeNetworkPrinter
from sqlalchemy import select

from cashdesk.app import Cashdesk
from cashdesk.devices.base import PrinterError
from cashdesk.devices.drawer import DrawerSettings, PrinterDrawer
from cashdesk.devices.escpos_printer import EscposPrinter, PrinterSettings, render_receipt
from cashdesk.devices.worker import PortWorker
from cashdesk.domain import tender as T
from cashdesk.domain.money import Money
from cashdesk.domain.receipt import ReceiptDraft
from cashdesk.domain.roles import Operator
from cashdesk.store.models import AuditEntry, Receipt


def settings(port: int, **overrides: object) -> PrinterSettings:
    values: dict[str, object] = {
        "transport": "network",
        "host": "127.0.0.1",
        "port": port,
        "timeout": 1.0,
        "status_timeout": 0.2,
        "wait_seconds": 2.0,
    }
    values.update(overrides)
    return PrinterSettings(**values)  # type: ignore[arg-type]


@pytest.fixture
def printer(fake_printer: FakeNetworkPrinter) -> EscposPrinter:
    p = EscposPrinter(settings(fake_printer.port), PortWorker("net"))
    yield p
    p.close()


def sale(desk: Cashdesk, *tenders: T.Tender) -> ReceiptDraft:
    cat = desk.catalog.catalog()
    draft = ReceiptDraft(payer="José Núñez")
    draft.add_line(cat.line("GOLF-R"))
    for t in tenders or (T.cash(Money(cents=5000)),):
        draft.add_tender(t)
    return draft


def receipt_row(desk: Cashdesk, number: str) -> Receipt:
    with desk.ctx.sessions() as s:
        row = s.scalar(select(Receipt).where(Receipt.number == number))
        assert row is not None
        return row


def open_drawer(desk: Cashdesk) -> Operator:
    operator = desk.auth.sign_in("maria", "riverbend1")
    desk.drawers.open_drawer(operator)
    return operator


# -- status ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "ok", "message"),
    [
        ({}, True, "Ready"),
        ({4: READY | 0x0C}, True, "paper is running low"),
        ({4: READY | 0x60, 2: READY | 0x20}, False, "out of paper: load a new roll"),
        ({1: READY | 0x08, 2: READY | 0x04}, False, "cover is open: close it"),
        ({1: READY | 0x08, 2: READY | 0x40}, False, "reports an error"),
        ({1: READY | 0x08}, False, "offline"),
    ],
)
def test_dle_eot_replies_map_to_clear_statuses(
    fake_printer: FakeNetworkPrinter,
    printer: EscposPrinter,
    status: dict[int, int],
    ok: bool,
    message: str,
) -> None:
    fake_printer.status.update(status)
    result = printer.status()
    assert result.ok is ok
    assert message in result.message
    assert fake_printer.queries[:1] == [1]


def test_a_silent_printer_is_reported_silent_quickly_not_as_adequate_paper(
    fake_printer: FakeNetworkPrinter, printer: EscposPrinter
) -> None:
    fake_printer.silent = True
    start = time.monotonic()
    result = printer.status()
    assert time.monotonic() - start < 1.5  # the status timeout, not python-escpos's 60 s
    assert not result.ok
    assert "does not answer" in result.message


def test_an_unreachable_printer_names_the_setting() -> None:
    p = EscposPrinter(settings(1), PortWorker("gone"))  # nothing listens on port 1
    result = p.status()
    assert not result.ok
    assert "devices.printer.host" in result.message
    p.close()


# -- printing -------------------------------------------------------------------------------


def test_a_receipt_goes_out_in_one_piece_after_a_status_check(
    fake_printer: FakeNetworkPrinter, printer: EscposPrinter
) -> None:
    from test_escpos_render import document

    doc = document()
    printer.print_receipt(doc, job_id="print:1")
    assert bytes(fake_printer.received) == render_receipt(doc)
    assert fake_printer.queries[:3] == [1, 2, 4]  # before: online, offline cause, paper
    assert len(fake_printer.queries) == 6  # and again after, to confirm it is still there
    printer.print_receipt(doc, job_id="print:1")  # a replay: dropped
    assert bytes(fake_printer.received) == render_receipt(doc)
    assert fake_printer.connections == 1


def test_paper_out_refuses_the_job_before_sending_it(
    fake_printer: FakeNetworkPrinter, printer: EscposPrinter
) -> None:
    from test_escpos_render import document

    fake_printer.status[4] = READY | 0x60
    with pytest.raises(PrinterError, match="out of paper"):
        printer.print_receipt(document(), job_id="print:2")
    assert fake_printer.received == b""
    fake_printer.status[4] = READY  # a new roll: the next job prints (after a reconnect)
    printer.print_receipt(document(), job_id="print:3")
    assert fake_printer.received.endswith(b"\x1dV\x01")


def test_payment_stays_posted_when_the_printer_is_out_of_paper(
    network_desk: Cashdesk, fake_printer: FakeNetworkPrinter
) -> None:
    operator = open_drawer(network_desk)
    fake_printer.status[4] = READY | 0x60
    posted = network_desk.payments.post_payment(operator, sale(network_desk))
    assert not posted.printed
    assert any("did not print" in p for p in posted.device_problems)
    row = receipt_row(network_desk, posted.number)
    assert row.status == "posted" and row.printed_at is None
    assert row.print_error is not None and "out of paper" in row.print_error
    # The drawer still opened for the cash (the kick went through the printer port).
    assert fake_printer.wait_for(lambda: b"\x1bp\x00\x32\x32" in fake_printer.received)

    fake_printer.status[4] = READY  # paper loaded: the reprint says REPRINT, and is audited
    again = network_desk.payments.reprint(operator, posted.number)
    assert again.printed
    assert b"*** REPRINT ***" in fake_printer.received
    assert receipt_row(network_desk, posted.number).printed_at is not None
    with network_desk.ctx.sessions() as s:
        assert s.scalar(select(AuditEntry).where(AuditEntry.action == "receipt_reprinted"))


def test_payment_stays_posted_when_the_printer_vanishes_mid_job(
    network_desk: Cashdesk, fake_printer: FakeNetworkPrinter
) -> None:
    operator = open_drawer(network_desk)
    fake_printer.vanish_after = 200  # bytes into the receipt, the printer is gone
    check = T.check(Money(cents=4000), routing="021000021", account="123456789", number="1001")
    posted = network_desk.payments.post_payment(operator, sale(network_desk, check))
    assert not posted.printed
    row = receipt_row(network_desk, posted.number)
    assert row.status == "posted" and row.total_cents == 4000
    assert row.printed_at is None
    assert row.print_error  # flagged for reprint, with the reason
    assert 0 < len(fake_printer.received) <= 200
    status = network_desk.ctx.devices.printer.status()
    assert not status.ok and "devices.printer.host" in status.message


def test_a_payment_does_not_wait_longer_than_the_setting_for_a_silent_printer(
    network_desk: Cashdesk, fake_printer: FakeNetworkPrinter
) -> None:
    operator = open_drawer(network_desk)
    fake_printer.silent = True
    start = time.monotonic()
    posted = network_desk.payments.post_payment(
        operator,
        sale(
            network_desk,
            T.check(Money(cents=4000), routing="021000021", account="123456789", number="7"),
        ),
    )
    assert time.monotonic() - start < 2.5  # wait_seconds = 2.0
    assert not posted.printed
    assert "does not answer" in (receipt_row(network_desk, posted.number).print_error or "")


# -- the drawer on the printer's port --------------------------------------------------------


@pytest.mark.parametrize(("pin", "kick"), [(2, b"\x1bp\x00\x32\x32"), (5, b"\x1bp\x01\x32\x32")])
def test_drawer_kick_goes_through_the_printer_port(
    fake_printer: FakeNetworkPrinter, printer: EscposPrinter, pin: int, kick: bytes
) -> None:
    drawer = PrinterDrawer(DrawerSettings(pin=pin, sensor=False), printer)
    drawer.kick(job_id="kick:1")
    drawer.kick(job_id="kick:1")  # replayed: dropped
    assert fake_printer.wait_for(lambda: kick in fake_printer.received)
    assert bytes(fake_printer.received) == kick


@pytest.mark.parametrize(("open_when", "open_level"), [("high", 0x04), ("low", 0x00)])
def test_drawer_sensor_polarity_and_left_open_alert(
    fake_printer: FakeNetworkPrinter, printer: EscposPrinter, open_when: str, open_level: int
) -> None:
    clock = FakeMonotonic()
    closed_level = 0x04 - open_level
    drawer = PrinterDrawer(
        DrawerSettings(open_when=open_when, alert_after=30, open_within=2),
        printer,
        clock=clock,
    )
    seen: list[str] = []
    drawer.watch_events(lambda e: seen.append(e.kind))
    fake_printer.status[1] = READY | closed_level
    drawer.poll()
    assert drawer.status().message == "Closed"
    drawer.kick(job_id="kick:A")
    fake_printer.status[1] = READY | open_level
    clock.advance(0.5)
    drawer.poll()
    assert seen == ["opened"]
    clock.advance(31)
    drawer.poll()
    assert seen == ["opened", "left_open"]
    status = drawer.status()
    assert not status.ok and "open for more than 30 s" in status.message
    fake_printer.status[1] = READY | closed_level
    drawer.poll()
    assert seen[-1] == "closed"
    assert drawer.status().ok


def test_a_drawer_that_does_not_open_is_reported(
    fake_printer: FakeNetworkPrinter, printer: EscposPrinter
) -> None:
    clock = FakeMonotonic()
    drawer = PrinterDrawer(DrawerSettings(open_within=2), printer, clock=clock)
    fake_printer.status[1] = READY  # pin 3 low: closed (open_when = high)
    drawer.kick(job_id="kick:B")
    clock.advance(2.5)
    assert [e.kind for e in drawer.poll()] == ["failed_open"]
    status = drawer.status()
    assert not status.ok and "did not open" in status.message
    assert drawer.watch.failed_opens == 1
