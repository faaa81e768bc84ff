"""The device service: statuses, No sale (audited, permission-checked), the receipt PDF, the
drawer events on the bus, and the ``cashdesk devices`` commands."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from cashdesk.app import Cashdesk
from cashdesk.devices.document import ReceiptDocument
from cashdesk.devices.drawer import DrawerEvent
from cashdesk.devices.simulated import KEPT, SimulatedDrawer, SimulatedPrinter
from cashdesk.domain import tender as T
from cashdesk.domain.money import Money
from cashdesk.domain.receipt import ReceiptDraft
from cashdesk.domain.roles import Operator
from cashdesk.errors import PermissionDenied, StateError, ValidationError
from cashdesk.reports.receipt_pdf import receipt_pdf
from cashdesk.store.models import AuditEntry


def post(desk: Cashdesk, operator: Operator, payer: str = "José Núñez") -> str:
    draft = ReceiptDraft(payer=payer)
    draft.add_line(desk.catalog.catalog().line("GOLF-R"))
    draft.add_tender(T.check(Money(cents=4000), routing="021000021", account="123456789",
                             number="1001"))  # fmt: skip
    return desk.payments.post_payment(operator, draft).number


def test_statuses_name_each_role(desk: Cashdesk) -> None:
    infos = desk.devices.statuses()
    assert [i.role for i in infos] == ["printer", "drawer", "check_reader", "display"]
    assert all(i.ok for i in infos)
    printer = desk.ctx.devices.printer
    assert isinstance(printer, SimulatedPrinter)
    printer.fail_with = "Printer out of paper"
    assert desk.devices.statuses()[0].message == "Printer out of paper"


def test_no_sale_is_audited_and_kicks(desk: Cashdesk, open_drawer: Operator) -> None:
    result = desk.devices.no_sale(open_drawer, reason="Change for a $20")
    assert result.opened
    drawer = desk.ctx.devices.drawer
    assert isinstance(drawer, SimulatedDrawer) and len(drawer.kicks) == 1
    assert drawer.kicks[0].startswith("nosale:")
    with desk.ctx.sessions() as s:
        audit = s.scalar(select(AuditEntry).where(AuditEntry.action == "drawer_no_sale"))
        assert audit is not None
        assert audit.actor_id == open_drawer.user_id
        assert audit.details["reason"] == "Change for a $20"


def test_no_sale_refusals(desk: Cashdesk, cashier: Operator) -> None:
    with pytest.raises(StateError, match="not open for you"):
        desk.devices.no_sale(cashier, reason="Change")
    desk.drawers.open_drawer(cashier)
    with pytest.raises(ValidationError, match="reason"):
        desk.devices.no_sale(cashier, reason="  ")
    auditor = desk.auth.sign_in("auditor", "riverbend1")
    with pytest.raises(PermissionDenied, match="without a sale"):
        desk.devices.no_sale(auditor, reason="Change")
    jose = desk.auth.sign_in("jose", "riverbend1")
    with pytest.raises(StateError):
        desk.devices.no_sale(jose, reason="Change")  # maria's drawer
    drawer = desk.ctx.devices.drawer
    assert isinstance(drawer, SimulatedDrawer) and drawer.kicks == []


def test_no_sale_reports_a_drawer_that_failed(desk: Cashdesk, open_drawer: Operator) -> None:
    drawer = desk.ctx.devices.drawer
    assert isinstance(drawer, SimulatedDrawer)
    drawer.fail_with = "The cash drawer did not open."
    result = desk.devices.no_sale(open_drawer, reason="Change")
    assert not result.opened and "did not open" in result.problem


def test_drawer_events_reach_the_event_bus(desk: Cashdesk) -> None:
    from cashdesk import events
    from cashdesk.devices.base import CashDrawer, DeviceStatus
    from cashdesk.services.devices import DeviceService

    class SensorDrawer(CashDrawer):
        name = "drawer"

        def __init__(self) -> None:
            self.listeners: list = []  # type: ignore[type-arg]

        def kick(self, *, job_id: str) -> None: ...

        def status(self) -> DeviceStatus:
            return DeviceStatus(self.name, True, "Closed")

        def watch_events(self, listener) -> None:  # type: ignore[no-untyped-def]
            self.listeners.append(listener)

    drawer = SensorDrawer()
    desk.ctx.devices.drawer = drawer
    DeviceService(desk.ctx)
    got: list[tuple[str, str]] = []
    desk.ctx.events.subscribe(
        events.DRAWER_STATUS, lambda kind, message: got.append((kind, message))
    )
    for listener in drawer.listeners:
        listener(DrawerEvent("left_open", "The cash drawer has been open for more than 120 s."))
    assert got == [("left_open", "The cash drawer has been open for more than 120 s.")]


def test_receipt_pdf_has_the_accented_names_and_the_masked_account(
    desk: Cashdesk, open_drawer: Operator
) -> None:
    number = post(desk, open_drawer, payer="Zoë Müller")
    pdf = desk.devices.receipt_pdf(open_drawer, number)
    reader = PdfReader(io.BytesIO(pdf))
    text = reader.pages[0].extract_text()
    assert "Zoë Müller" in text
    assert "Maria Hernández" in text
    assert "****6789" in text and "123456789" not in text
    assert number in text
    assert "DUPLICATE" not in text
    assert reader.metadata is not None and reader.metadata.title == f"Receipt {number}"
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert any("NotoSansMono" in str(f.get_object()["/BaseFont"]) for f in fonts.values())
    copy = desk.devices.receipt_pdf(open_drawer, number, copy_label="DUPLICATE")
    assert "*** DUPLICATE ***" in PdfReader(io.BytesIO(copy)).pages[0].extract_text()
    jose = desk.auth.sign_in("jose", "riverbend1")
    with pytest.raises(PermissionDenied):
        desk.devices.receipt_pdf(jose, number)


def test_receipt_pdf_of_a_document_with_a_reprint_label() -> None:
    from test_escpos_render import document

    text = PdfReader(io.BytesIO(receipt_pdf(document("REPRINT")))).pages[0].extract_text()
    assert "*** REPRINT ***" in text
    assert "José Núñez" in text and "$52.34" in text


def test_print_test_receipt(desk: Cashdesk) -> None:
    desk.devices.print_test_receipt()
    printer = desk.ctx.devices.printer
    assert isinstance(printer, SimulatedPrinter)
    assert "*** TEST ***" in printer.last_text and "Zoë Müller" in printer.last_text


def test_cli_devices_list_and_test(tmp_path: Path, demo_template: Path) -> None:
    db = tmp_path / "cli.db"
    shutil.copyfile(demo_template, db)
    config = tmp_path / "ws.toml"
    config.write_text('[devices.printer]\nkind = "serial"\nurl = "/dev/ttyGONE"\n')
    run = [sys.executable, "-m", "cashdesk.cli", "--db", str(db), "--config", str(config)]
    listed = subprocess.run([*run, "devices", "list"], capture_output=True, text=True, timeout=60)
    assert listed.returncode == 1
    assert "!! printer" in listed.stdout and "devices.printer.url" in listed.stdout
    assert "ok drawer" in listed.stdout
    tested = subprocess.run([*run, "devices", "test", "--print", "--display"],
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert tested.returncode == 1
    assert "printer: devices.printer.url" in tested.stdout
    assert "display: showing" in tested.stdout
    refused = subprocess.run([*run, "devices", "test", "--kick"],
                             capture_output=True, text=True, timeout=60)  # fmt: skip
    assert refused.returncode == 2 and "--kick needs --user" in refused.stderr


def test_cli_kick_signs_in_and_audits(
    desk: Cashdesk, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from cashdesk.cli import main
    from cashdesk.commands import devices as devices_cmd

    monkeypatch.setenv("CASHDESK_PASSWORD", "riverbend1")
    import contextlib

    @contextlib.contextmanager
    def this_desk(args):  # type: ignore[no-untyped-def]
        yield desk

    monkeypatch.setattr(devices_cmd, "opened_desk", this_desk)
    assert main(["devices", "test", "--kick", "--user", "maria"]) == 0
    assert "drawer: kicked" in capsys.readouterr().out
    drawer = desk.ctx.devices.drawer
    assert isinstance(drawer, SimulatedDrawer) and drawer.kicks[0].startswith("test-kick:")
    with desk.ctx.sessions() as s:
        assert s.scalar(select(AuditEntry).where(AuditEntry.action == "drawer_test_kick"))


def test_the_simulated_devices_remember_their_last_jobs_only() -> None:
    # The demo's devices run as long as the window: what they keep must not grow with it.
    printer, drawer = SimulatedPrinter(), SimulatedDrawer()
    document = ReceiptDocument(
        header=("City of Riverbend",),
        receipt_number="R-1",
        printed_time="2026-11-27 08:00",
        business_date="2026-11-27",
        workstation="T1",
        cashier="maria",
        payer="",
        lines=(),
        total="$0.00",
        tenders=(),
        change="$0.00",
    )
    for n in range(KEPT + 200):
        printer.print_receipt(document, job_id=f"print:{n}")
        drawer.kick(job_id=f"kick:{n}")
    assert len(printer.printed) == KEPT and len(drawer.kicks) == KEPT
    assert printer.printed[-1][0] == f"print:{KEPT + 199}"
    assert len(printer._seen_jobs) == KEPT
    printer.print_receipt(document, job_id=f"print:{KEPT + 199}")  # a replay of a recent job
    assert len(printer.printed) == KEPT and printer.printed[-2][0] == f"print:{KEPT + 198}"
