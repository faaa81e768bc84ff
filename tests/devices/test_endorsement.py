"""Check endorsement on the slip station of a TM-H6000-class printer: golden bytes, read back
with the independent decoder; what the simulated printer shows after a payment; the notice
when the printer has no slip station."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from escpos_decode import decode

from cashdesk.app import Cashdesk
from cashdesk.devices.endorsement import Endorsement, render_endorsement
from cashdesk.devices.escpos_printer import EscposPrinter, PrinterSettings
from cashdesk.devices.simulated import SimulatedPrinter
from cashdesk.devices.worker import PortWorker
from cashdesk.domain import tender as T
from cashdesk.domain.money import Money
from cashdesk.domain.receipt import ReceiptDraft
from cashdesk.domain.roles import Operator
from cashdesk.services.payments import PostedReceipt

GOLDEN = Path(__file__).parent / "golden" / "endorsement_tm_h6000_cp858.bin"

ENDORSEMENT = Endorsement(
    department="City of Riverbend Utility Billing – Pérez Łukasz",
    bank="Riverbend Community Bank",
    account="000123456789",
    receipt_number="W01-000042",
    business_date="2026-11-26",
    instrument="Check 1001 $40.00",
)


def test_endorsement_bytes_match_the_golden_file() -> None:
    data = render_endorsement(ENDORSEMENT, profile="TM-T88V", codepage="CP858")
    assert data == GOLDEN.read_bytes()


def test_the_endorsement_prints_on_the_slip_station_then_ejects_and_returns_to_the_roll() -> None:
    printed = decode(GOLDEN.read_bytes())
    assert printed.commands[:2] == ["ESC @", "ESC t 19"]  # init, then CP858 pinned
    assert "ESC c 48 4" in printed.commands  # ESC c 0 4: the slip station
    assert printed.commands[-2:] == ["FF", "ESC c 48 2"]  # eject the check; back to the roll
    assert printed.text("receipt") == ""  # nothing goes to the receipt roll
    assert printed.text("slip").splitlines() == [
        "FOR DEPOSIT ONLY",
        "City of Riverbend Utility Billing -",  # "–" and "Ł" transliterated, not "?"
        "Pérez Lukasz",
        "Riverbend Community Bank",
        "Account 000123456789",
        "Receipt W01-000042 2026-11-26",
        "Check 1001 $40.00",
    ]
    assert all(line.columns <= 40 for line in printed.lines)


def test_a_real_printer_with_a_slip_station_writes_the_endorsement(tmp_path: Path) -> None:
    out = tmp_path / "printer.bin"
    settings = PrinterSettings(transport="file", path=str(out), slip_station=True)
    printer = EscposPrinter(settings, PortWorker("file"))
    try:
        printer.endorse(ENDORSEMENT, job_id="endorse:1")
        printer.endorse(ENDORSEMENT, job_id="endorse:1")  # a replay prints nothing
    finally:
        printer.close()
    assert out.read_bytes() == GOLDEN.read_bytes()


def pay_by_check(desk: Cashdesk, operator: Operator, code: str = "GOLF-R") -> PostedReceipt:
    draft = ReceiptDraft(payer="José Núñez")
    draft.add_line(desk.catalog.catalog().line(code))
    draft.add_tender(T.check(Money(cents=4000), routing="021000021", account="123456789",
                             number="1001"))  # fmt: skip
    return desk.payments.post_payment(operator, draft)


def test_a_check_payment_is_endorsed_with_its_category_text(
    desk: Cashdesk, open_drawer: Operator
) -> None:
    config = desk.ctx.config
    desk.ctx.config = dataclasses.replace(
        config, endorsements={"program": "Riverbend Parks and Recreation"}
    )
    printer = desk.ctx.devices.printer
    assert isinstance(printer, SimulatedPrinter) and printer.slip_station
    posted = pay_by_check(desk, open_drawer)
    ((job, text),) = printer.endorsed
    assert job == f"endorse:{posted.id}:1"
    number = posted.number
    assert text.splitlines() == [
        "FOR DEPOSIT ONLY",
        "Riverbend Parks and Recreation",
        "Riverbend Community Bank",
        "Account 000123456789",
        f"Receipt {number} {desk.ctx.now():%Y-%m-%d}",
        "Check 1001 $40.00",
    ]
    assert posted.device_problems == ()


def test_without_a_category_text_the_default_department_line_is_used(
    desk: Cashdesk, open_drawer: Operator
) -> None:
    pay_by_check(desk, open_drawer)
    printer = desk.ctx.devices.printer
    assert isinstance(printer, SimulatedPrinter)
    assert printer.endorsed[0][1].splitlines()[1] == "City of Riverbend Finance Department"


def test_a_printer_without_a_slip_station_skips_with_a_notice(
    desk: Cashdesk, open_drawer: Operator
) -> None:
    desk.ctx.devices.printer = SimulatedPrinter(slip_station=False)
    posted = pay_by_check(desk, open_drawer)
    printer = desk.ctx.devices.printer
    assert isinstance(printer, SimulatedPrinter) and printer.endorsed == []
    assert printer.printed  # the receipt itself printed
    number = posted.number
    assert posted.device_problems == ()  # nothing went wrong with the printer
    assert posted.endorse_by_hand == (
        f"Stamp the back of Check 1001 $40.00 (receipt {number}) by hand: this printer cannot "
        "print on checks.",
    )


def test_a_cash_payment_endorses_nothing(desk: Cashdesk, open_drawer: Operator) -> None:
    draft = ReceiptDraft(payer="José Núñez")
    draft.add_line(desk.catalog.catalog().line("GOLF-R"))
    draft.add_tender(T.cash(Money(cents=4000)))
    desk.payments.post_payment(open_drawer, draft)
    printer = desk.ctx.devices.printer
    assert isinstance(printer, SimulatedPrinter) and printer.endorsed == []
