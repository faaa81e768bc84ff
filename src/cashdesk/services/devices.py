"""What a cashier (or the status bar, or ``cashdesk devices``) asks of the counter's hardware.

- :meth:`DeviceService.statuses`: one line per device, for the status bar to poll (call it
  off the GUI thread: a real printer answers a status query over the wire).
- :meth:`DeviceService.read_check`: wait for a check in the MICR reader and return its parsed
  fields; a doubtful read raises a ValidationError ending "Re-scan or key the check."
  Refusing a returned check is the payment path's job (every check tender is checked there,
  keyed or read), not this method's.
- :meth:`DeviceService.no_sale`: open the drawer without a payment, with a reason (audited).
- the customer display: a line's amount, the total due, the change.
- :meth:`DeviceService.receipt_pdf`: any visible receipt as a PDF.
- :func:`check_endorsements` / :func:`endorse_checks`: after a payment, the back of each
  check and money order, printed on the slip station (or a notice to stamp it by hand).

Drawer sensor events (opened, closed, did not open, left open) are re-emitted on the event bus
as ``events.DRAWER_STATUS`` with ``kind`` and ``message``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from cashdesk import events
from cashdesk.config import Config
from cashdesk.devices.base import (
    CashDrawer,
    CheckReader,
    CustomerDisplay,
    Devices,
    DeviceStatus,
    ReceiptPrinter,
)
from cashdesk.devices.document import DocumentLine, ReceiptDocument
from cashdesk.devices.endorsement import Endorsement
from cashdesk.domain.inputs import require_reason
from cashdesk.domain.micr import parse_micr
from cashdesk.domain.money import Money
from cashdesk.domain.roles import Operator, Permission, may
from cashdesk.domain.tender import Tender, TenderKind
from cashdesk.errors import DeviceError, NotFound, PermissionDenied, StateError
from cashdesk.services.context import ServiceContext
from cashdesk.services.documents import receipt_document
from cashdesk.services.drawers import DEFAULT_DRAWER, open_session_row
from cashdesk.store.engine import transaction
from cashdesk.store.models import Receipt, new_uuid

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    """One device as the status bar shows it."""

    role: str  # printer, drawer, check_reader, display
    name: str
    ok: bool
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ScannedCheck:
    """A check read by the MICR reader: what fills the check tender."""

    routing: str
    account: str
    number: str  # "" when the check carries no serial number: the cashier keys it
    amount: Money | None  # only on a check a bank has already encoded
    masked_account: str


@dataclass(frozen=True, slots=True)
class NoSaleResult:
    opened: bool
    problem: str = ""


class DeviceService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        ctx.devices.drawer.watch_events(self._drawer_event)

    def _drawer_event(self, event: object) -> None:
        self.ctx.events.emit(
            events.DRAWER_STATUS,
            kind=getattr(event, "kind", ""),
            message=getattr(event, "message", ""),
        )

    # -- status -------------------------------------------------------------------------
    def statuses(self) -> list[DeviceInfo]:
        out = statuses_of(self.ctx.devices)
        self.ctx.events.emit(events.DEVICE_STATUS, statuses=out)
        return out

    # -- check reader -------------------------------------------------------------------
    def read_check(self, timeout: float = 10.0) -> ScannedCheck | None:
        """Wait up to ``timeout`` s for a check; None when none was inserted."""
        read = self.ctx.devices.check_reader.read(timeout=timeout)
        if read is None:
            return None
        line = parse_micr(read.micr_line)  # MicrError: "... Re-scan or key the check."
        return ScannedCheck(
            routing=line.routing,
            account=line.account,
            number=line.serial or "",
            amount=line.amount,
            masked_account=line.masked_account,
        )

    # -- drawer -------------------------------------------------------------------------
    def no_sale(
        self, operator: Operator, *, reason: str, drawer: str = DEFAULT_DRAWER
    ) -> NoSaleResult:
        """Open the cash drawer without a payment; the cashier's own open drawer only."""
        operator.require(Permission.NO_SALE)
        reason = require_reason(reason, asked="Give the reason for opening the drawer.")
        job = new_uuid()
        with transaction(self.ctx.sessions) as s:
            session_row = open_session_row(s, self.ctx.workstation_id, drawer)
            if session_row is None or session_row.cashier_id != operator.user_id:
                raise StateError(f"Drawer {drawer} is not open for you: open it first.")
            self.ctx.audit(
                s,
                action="drawer_no_sale",
                actor_id=operator.user_id,
                subject=session_row.id,
                drawer=drawer,
                reason=reason[:200],
                job=job,
            )
        try:
            self.ctx.devices.drawer.kick(job_id=f"nosale:{job}")
        except DeviceError as err:
            log.warning("no-sale kick failed: %s", err)
            return NoSaleResult(False, str(err))
        return NoSaleResult(True)

    def test_kick(self, operator: Operator, *, drawer: str = DEFAULT_DRAWER) -> NoSaleResult:
        """Kick the drawer to test it (``cashdesk devices test --kick``), audited. While a
        drawer session is open, only its own cashier may pop it."""
        operator.require(Permission.NO_SALE)
        job = new_uuid()
        with transaction(self.ctx.sessions) as s:
            session_row = open_session_row(s, self.ctx.workstation_id, drawer)
            if session_row is not None and session_row.cashier_id != operator.user_id:
                raise StateError(
                    f"Drawer {drawer} is open for {session_row.cashier.full_name}: "
                    "only they may open it."
                )
            self.ctx.audit(
                s, action="drawer_test_kick", actor_id=operator.user_id, drawer=drawer, job=job
            )
        try:
            self.ctx.devices.drawer.kick(job_id=f"test-kick:{job}")
        except DeviceError as err:
            return NoSaleResult(False, str(err))
        return NoSaleResult(True)

    # -- printer ------------------------------------------------------------------------
    def print_test_receipt(self) -> None:
        """A test receipt (accented names, a QR code, the cut); raises PrinterError."""
        config = self.ctx.config
        now = self.ctx.local_time(self.ctx.now())
        document = ReceiptDocument(
            header=(config.city_name, "Finance Department", config.workstation_name),
            receipt_number=f"{config.workstation_id}-TEST",
            printed_time=now.strftime("%Y-%m-%d %H:%M"),
            business_date=now.date().isoformat(),
            workstation=config.workstation_id,
            cashier="José Núñez",
            payer="Zoë Müller",
            lines=(DocumentLine(description="Printer test: àéîõü ÀÉÎÕÜ ñ ç €", amount="$0.00"),),
            total="$0.00",
            tenders=(),
            change="$0.00",
            footer=("Not a receipt",),
            copy_label="TEST",
        )
        self.ctx.devices.printer.print_receipt(document, job_id=f"test:{new_uuid()}")

    def receipt_pdf(self, operator: Operator, number: str, *, copy_label: str = "") -> bytes:
        """Receipt ``number`` as a PDF, for email or the archive (``copy_label`` e.g.
        "DUPLICATE" for a copy handed out later; a voided receipt is labelled VOID)."""
        from cashdesk.reports.receipt_pdf import receipt_pdf

        with self.ctx.sessions() as s:
            row = s.scalar(
                select(Receipt)
                .where(Receipt.number == number.strip().upper())
                .options(selectinload(Receipt.lines), selectinload(Receipt.tenders))
            )
            if row is None:
                raise NotFound(f"No receipt {number.strip()!r}.")
            if row.cashier_id != operator.user_id and not may(
                operator.role, Permission.VIEW_ALL_RECEIPTS
            ):
                raise PermissionDenied("A cashier sees only their own receipts.")
            document = receipt_document(row, self.ctx.config, copy_label=copy_label)
        return receipt_pdf(document)

    # -- customer display ---------------------------------------------------------------
    def show_line(self, description: str, amount: Money) -> None:
        self._show(description, str(amount), "", "")

    def show_total_due(self, total: Money) -> None:
        self._show("TOTAL DUE", "", "", str(total))

    def show_change(self, tendered: Money, change: Money) -> None:
        self._show("PAID", str(tendered), "CHANGE", str(change))

    def clear_display(self) -> None:
        self.ctx.devices.display.show("", "")

    def _show(self, top_left: str, top_right: str, bottom_left: str, bottom_right: str) -> None:
        display = self.ctx.devices.display
        display.show(
            pole_line(top_left, top_right, display.width),
            pole_line(bottom_left, bottom_right, display.width),
        )


POLE_WIDTH = 20


def pole_line(left: str, right: str, width: int = POLE_WIDTH) -> str:
    """``left`` and ``right`` on one display line; the amount always shows in full."""
    room = width - len(right) - (1 if right and left else 0)
    left = left[: max(room, 0)]
    return (left + " " * (width - len(left) - len(right)) + right)[:width].rstrip()


# -- check endorsement ----------------------------------------------------------------------
ENDORSED_KINDS = (TenderKind.CHECK, TenderKind.MONEY_ORDER)


def check_endorsements(
    config: Config,
    *,
    receipt_number: str,
    business_date: str,
    tenders: Sequence[Tender],
    categories: Iterable[str],
) -> list[Endorsement]:
    """What to print on the back of each check and money order of a receipt. The department
    line is the one configured for the receipt's revenue category ([endorsement] in the
    workstation config); a receipt paying several categories gets the default line."""
    found = set(categories)
    category = found.pop() if len(found) == 1 else "default"
    department = config.endorsement_text(category)
    out: list[Endorsement] = []
    for tender in tenders:
        if tender.kind not in ENDORSED_KINDS:
            continue
        number = tender.check_number or tender.reference
        what = tender.kind.label + (f" {number}" if number else "")
        out.append(
            Endorsement(
                department=department,
                bank=config.bank.name,
                account=config.bank.account,
                receipt_number=receipt_number,
                business_date=business_date,
                instrument=f"{what} {tender.amount}",
            )
        )
    return out


def endorse_checks(
    printer: ReceiptPrinter, endorsements: Sequence[Endorsement], *, receipt_id: str
) -> list[str]:
    """Endorse each instrument on the slip station, after the payment is committed; what the
    cashier must do by hand instead (no slip station, a failure) comes back as notices."""
    if not endorsements:
        return []
    if not printer.slip_station:
        items = "; ".join(e.instrument for e in endorsements)
        return [
            f"Stamp the back of {items} (receipt {endorsements[0].receipt_number}) by hand: "
            "this printer cannot print on checks."
        ]
    notices: list[str] = []
    for i, endorsement in enumerate(endorsements, start=1):
        try:
            printer.endorse(endorsement, job_id=f"endorse:{receipt_id}:{i}")
        except DeviceError as err:
            log.warning("endorsement of receipt %s failed: %s", endorsement.receipt_number, err)
            notices.append(f"{endorsement.instrument} was not endorsed ({err}): stamp it.")
    return notices


def statuses_of(d: Devices) -> list[DeviceInfo]:
    """Each device's status (no store needed: ``cashdesk devices list`` asks this alone)."""
    each: list[tuple[str, ReceiptPrinter | CashDrawer | CheckReader | CustomerDisplay]] = [
        ("printer", d.printer),
        ("drawer", d.drawer),
        ("check_reader", d.check_reader),
        ("display", d.display),
    ]
    out = []
    for role, device in each:
        try:
            status = device.status()
        except DeviceError as err:  # a status read must never take the status bar down
            status = DeviceStatus(device.name, False, str(err))
        out.append(DeviceInfo(role, status.name, status.ok, status.message))
    return out
