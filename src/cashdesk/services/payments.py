"""Posting, voiding and reprinting receipts.

Posting writes the receipt, its lines and tenders, the journal entry, the audit entry and the
outbox row in ONE transaction, allocating the receipt number inside it; a failure anywhere
rolls all of it back, the number included, so numbering stays gapless. Devices are driven
only after the commit: a printer that fails never undoes a payment, it leaves the receipt
flagged unprinted for a reprint.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from cashdesk import events
from cashdesk.devices.document import ReceiptDocument, render_text
from cashdesk.domain.gl import distribute, reverse
from cashdesk.domain.inputs import require_reason
from cashdesk.domain.money import Money
from cashdesk.domain.privacy import redact_pans, shown_account
from cashdesk.domain.receipt import FinalReceipt, ReceiptDraft, void_refusal
from cashdesk.domain.roles import Operator, Permission, may
from cashdesk.domain.tender import TenderKind
from cashdesk.errors import DeviceError, NotFound, PermissionDenied, StateError, ValidationError
from cashdesk.services.approvals import Approval, OverrideAction, use_approval
from cashdesk.services.catalog import CatalogService
from cashdesk.services.context import ServiceContext
from cashdesk.services.devices import check_endorsements, endorse_checks, pole_line
from cashdesk.services.documents import receipt_document
from cashdesk.services.drawers import DEFAULT_DRAWER, business_date_for, open_session_row
from cashdesk.services.posting import BatchRowKey, Pipeline, Posting, Voiding
from cashdesk.store.engine import StoreError, transaction
from cashdesk.store.models import (
    DrawerSession,
    JournalEntry,
    Receipt,
    ReceiptLine,
    TenderRow,
    Workstation,
    journal_line_rows,
    new_uuid,
)

log = logging.getLogger(__name__)


def format_receipt_number(workstation_id: str, seq: int) -> str:
    return f"{workstation_id}-{seq:06d}"


@dataclass(frozen=True, slots=True)
class PostedReceipt:
    id: str
    number: str
    total: Money
    change: Money
    document: ReceiptDocument
    printed: bool
    device_problems: tuple[str, ...] = ()
    # What the cashier must do by hand for the checks and money orders the printer did not
    # endorse (no slip station, a failed endorsement): shown on the payment result.
    endorse_by_hand: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return render_text(self.document)


@dataclass(frozen=True, slots=True)
class ReceiptSummary:
    id: str
    number: str
    posted_at: dt.datetime
    business_date: dt.date
    cashier: str
    payer: str
    total: Money
    status: str
    printed: bool


def _receipt_payload(r: Receipt, entry: JournalEntry) -> dict[str, object]:
    return {
        "id": r.id,
        "number": r.number,
        "workstation": r.workstation_id,
        "drawer_session": r.drawer_session_id,
        "cashier_id": r.cashier_id,
        "business_date": r.business_date.isoformat(),
        "posted_at": r.posted_at.isoformat(),
        "payer": r.payer,
        "total_cents": r.total_cents,
        "change_cents": r.change_cents,
        "lines": [
            {
                "code": line.code,
                "description": line.description,
                "reference": line.reference,
                "amount_cents": line.amount_cents,
                "gl_account": line.gl_account,
            }
            for line in r.lines
        ],
        "tenders": [
            {
                "kind": t.kind,
                "amount_cents": t.amount_cents,
                "check_routing": t.check_routing,
                "check_account": t.check_account,
                "check_number": t.check_number,
                "card_last4": t.card_last4,
                "card_approval": t.card_approval,
                "reference": t.reference,
            }
            for t in r.tenders
        ],
        "journal_entry": entry_payload(entry),
    }


def entry_payload(entry: JournalEntry) -> dict[str, object]:
    return {
        "id": entry.id,
        "kind": entry.kind,
        "business_date": entry.business_date.isoformat(),
        "lines": [
            {
                "account": jl.account,
                "debit_cents": jl.debit_cents,
                "credit_cents": jl.credit_cents,
                "memo": jl.memo,
            }
            for jl in entry.lines
        ],
    }


# Posts a training user's receipt apart from the real ones (services/training.py).
TrainingPoster = Callable[[Operator, FinalReceipt], "PostedReceipt"]


@dataclass(frozen=True, slots=True)
class TenderView:
    kind: str
    label: str
    amount: Money
    detail: str  # check number and account (masked unless the viewer may see it), card ****1234


@dataclass(frozen=True, slots=True)
class ReceiptDetail:
    summary: ReceiptSummary
    lines: tuple[tuple[str, str, Money], ...]  # (description, reference, amount)
    tenders: tuple[TenderView, ...]
    change: Money
    void_reason: str


class PaymentService:
    def __init__(self, ctx: ServiceContext, catalog: CatalogService) -> None:
        self.ctx = ctx
        self.catalog = catalog
        # Every kind of record a receipt touches (services/posting.py), registered once.
        self.pipeline = Pipeline()
        self.training_poster: TrainingPoster | None = None

    # -- posting ------------------------------------------------------------------------
    def post_payment(
        self,
        operator: Operator,
        receipt: ReceiptDraft | FinalReceipt,
        *,
        drawer: str = DEFAULT_DRAWER,
        devices: bool = True,
        paid_on: dt.date | None = None,
        batch_row: BatchRowKey | None = None,
    ) -> PostedReceipt:
        """``devices=False`` posts without printing, kicking or displaying: a mail or lockbox
        batch has no customer at the counter and no cash in the counter's drawer. ``paid_on``
        (a mail row's postmark) is the date penalties are computed as of, the receipt's
        business date when not given; ``batch_row`` is the batch row the receipt posts."""
        operator.require(Permission.TAKE_PAYMENT)
        final = receipt.freeze() if isinstance(receipt, ReceiptDraft) else receipt
        known = self.catalog.catalog()
        accounts = self.catalog.gl_accounts()
        for line in final.lines:
            if line.code not in known:
                raise ValidationError(f"Unknown revenue code {line.code!r}.")
            if line.gl_account not in accounts:
                raise ValidationError(f"{line.code}: GL account {line.gl_account} is not known.")
        journal = distribute(final.lines)  # validates balance before anything is written
        if operator.training:
            # Never a real receipt: no journal, drawer, deposit, outbox or posted-hooks.
            if self.training_poster is None:
                raise StateError("Training mode is not available at this workstation.")
            return self.training_poster(operator, final)

        now = self.ctx.now()
        with transaction(self.ctx.sessions, outcome="the payment was not saved") as s:
            session_row = open_session_row(s, self.ctx.workstation_id, drawer)
            if session_row is None:
                raise StateError("Open a drawer before taking payments.")
            if session_row.cashier_id != operator.user_id and not session_row.shared:
                raise StateError(
                    f"Drawer {drawer} is open for {session_row.cashier.full_name}; "
                    "it must be handed over or shared before you take payments on it."
                )
            business_date = business_date_for(s, self.ctx, now)
            posting = Posting(
                session=s,
                final=final,
                operator=operator,
                now=now,
                business_date=business_date,
                paid_on=paid_on or business_date,
                batch_row=batch_row,
            )
            self.pipeline.check(posting)
            seq = self._next_seq(s)
            row = Receipt(
                id=new_uuid(),  # set now, not at flush, so the journal can name it unflushed
                number=format_receipt_number(self.ctx.workstation_id, seq),
                workstation_id=self.ctx.workstation_id,
                seq=seq,
                drawer_session_id=session_row.id,
                cashier_id=operator.user_id,
                # After the day close, late receipts belong to the next business date.
                business_date=business_date,
                posted_at=now,
                payer=final.payer[:120],
                total_cents=final.total.cents,
                tendered_cents=final.settlement.tendered.cents,
                change_cents=final.change.cents,
                status="posted",
            )
            row.lines = [
                ReceiptLine(
                    line_no=i,
                    code=line.code,
                    description=line.description,
                    reference=line.reference,
                    amount_cents=line.amount.cents,
                    gl_account=line.gl_account,
                )
                for i, line in enumerate(final.lines, start=1)
            ]
            row.tenders = [
                TenderRow(
                    seq=i,
                    kind=t.kind.value,
                    amount_cents=t.amount.cents,
                    check_routing=t.check_routing,
                    check_account=t.check_account,
                    check_number=t.check_number,
                    card_last4=t.card_last4,
                    card_approval=t.card_approval,
                    reference=t.reference,
                )
                for i, t in enumerate(final.tenders, start=1)
            ]
            s.add(row)
            entry = JournalEntry(
                id=new_uuid(),
                kind="receipt",
                receipt=row,
                workstation_id=self.ctx.workstation_id,
                business_date=row.business_date,
                posted_at=now,
                description=f"Receipt {row.number}",
            )
            entry.lines = journal_line_rows(journal)
            s.add(entry)
            posting.receipt = row
            self.pipeline.apply(posting)
            self.ctx.audit(
                s,
                action="receipt_posted",
                actor_id=operator.user_id,
                subject=row.number,
                at=now,
                total=final.total.plain(),
                tenders=[t.kind.value for t in final.tenders],
            )
            self.ctx.enqueue(
                s, kind="receipt", subject_id=row.id, payload=_receipt_payload(row, entry), at=now
            )
            document = receipt_document(row, self.ctx.config, cashier=operator.full_name)
            receipt_id, number = row.id, row.number
            endorsements = check_endorsements(
                self.ctx.config,
                receipt_number=row.number,
                business_date=f"{row.business_date:%Y-%m-%d}",
                tenders=final.tenders,
                categories=(known.get(line.code).category for line in final.lines),
            )

        printed, problems, by_hand = False, tuple[str, ...](), tuple[str, ...]()
        if devices:
            printed, problems = self._after_commit(
                receipt_id,
                document,
                kick=any(t.kind is TenderKind.CASH for t in final.tenders),
                display=(
                    pole_line("TOTAL", str(final.total), self.ctx.devices.display.width),
                    pole_line("CHANGE", str(final.change), self.ctx.devices.display.width),
                ),
            )
            by_hand = tuple(
                endorse_checks(self.ctx.devices.printer, endorsements, receipt_id=receipt_id)
            )
        self.ctx.events.emit(events.RECEIPT_POSTED, number=number, total=final.total)
        return PostedReceipt(
            id=receipt_id,
            number=number,
            total=final.total,
            change=final.change,
            document=document,
            printed=printed,
            device_problems=problems,
            endorse_by_hand=by_hand,
        )

    def _next_seq(self, s: Session) -> int:
        seq = s.execute(
            update(Workstation)
            .where(Workstation.id == self.ctx.workstation_id)
            .values(last_receipt_seq=Workstation.last_receipt_seq + 1)
            .returning(Workstation.last_receipt_seq)
        ).scalar_one_or_none()
        if seq is None:
            raise StateError(
                f"Workstation {self.ctx.workstation_id} is not set up in this database; "
                "run `cashdesk init`."
            )
        return int(seq)

    def _after_commit(
        self,
        receipt_id: str,
        document: ReceiptDocument,
        *,
        kick: bool,
        display: tuple[str, str],
    ) -> tuple[bool, tuple[str, ...]]:
        """Drive the devices once the payment is committed.

        Nothing here may undo the payment or make it look unposted: every failure, expected
        (a DeviceError) or not (a bug, a full disk when recording the print), becomes a
        problem the cashier reads beside the posted receipt, and the log keeps the detail.
        The broad excepts are deliberate: a cashier told "error" after the money was taken
        would take it again.
        """
        problems: list[str] = []
        try:
            printed = self._print(receipt_id, document, job_id=f"print:{receipt_id}")
        except Exception:
            log.exception("recording the print of receipt %s failed", document.receipt_number)
            printed = False
        if not printed:
            problems.append("The receipt did not print; reprint it when the printer is back.")
        if kick:
            try:
                self.ctx.devices.drawer.kick(job_id=f"kick:{receipt_id}")
            except DeviceError as err:
                log.warning("drawer kick failed: %s", err)
                problems.append(f"Cash drawer: {err}")
            except Exception:
                log.exception("drawer kick failed")
                problems.append("Cash drawer: it could not be opened; open it with No sale.")
        try:
            self.ctx.devices.display.show(*display)
        except Exception as err:  # a customer display never matters more than the payment
            log.warning("customer display failed: %s", err)
        return printed, tuple(problems)

    def _print(self, receipt_id: str, document: ReceiptDocument, *, job_id: str) -> bool:
        error: str | None = None
        try:
            self.ctx.devices.printer.print_receipt(document, job_id=job_id)
        except DeviceError as err:
            error = str(err)[:200]
            log.warning("receipt %s did not print: %s", document.receipt_number, err)
        try:
            with transaction(self.ctx.sessions) as s:
                values: dict[str, object] = {"print_error": error}
                if error is None:
                    values["printed_at"] = self.ctx.now()
                s.execute(update(Receipt).where(Receipt.id == receipt_id).values(**values))
        except StoreError:
            # The payment is committed; a full disk must not make it look refused (the
            # cashier would take it twice). The flag stays as it was; the log has the cause.
            log.exception("receipt %s: its print status was not saved", document.receipt_number)
        self.ctx.events.emit(
            events.RECEIPT_PRINTED, number=document.receipt_number, ok=error is None, error=error
        )
        return error is None

    # -- voids and reprints -------------------------------------------------------------
    def void_receipt(
        self,
        operator: Operator,
        number: str,
        *,
        reason: str = "",
        approval: Approval | None = None,
    ) -> ReceiptSummary:
        """Void a receipt of today's business date; the number is kept.

        A lead cashier voids another cashier's receipt directly. A cashier's request (or a
        lead's for their own receipt) needs a supervisor's ``approval`` for this receipt
        (ApprovalService.approve with OverrideAction.VOID); its reason is the void's reason
        unless one is given. The audit entry names who asked, who approved, and why.
        """
        if approval is None:
            operator.require(Permission.VOID_RECEIPT)
        else:
            operator.require(Permission.REQUEST_VOID)
            reason = reason or approval.reason
        reason = require_reason(redact_pans(reason), asked="Give the reason for the void.")
        now = self.ctx.now()
        with transaction(self.ctx.sessions) as s:
            row = self._load(s, number)
            self._check_visible(operator, row)
            if approval is None and row.cashier_id == operator.user_id:
                raise PermissionDenied(
                    "Your own receipt needs another supervisor's approval to be voided."
                )
            today = business_date_for(s, self.ctx, now)  # a closed day is locked
            drawer_row = s.get(DrawerSession, row.drawer_session_id)
            refusal = void_refusal(
                number=row.number,
                status=row.status,
                business_date=row.business_date,
                today=today,
                drawer_open=drawer_row is None or drawer_row.status == "open",
            )
            if refusal is not None:
                raise StateError(refusal)
            original = s.scalar(
                select(JournalEntry)
                .where(JournalEntry.receipt_id == row.id, JournalEntry.kind == "receipt")
                .options(selectinload(JournalEntry.lines))
            )
            if original is None:
                raise StateError(f"Receipt {row.number} has no journal entry to reverse.")
            if approval is not None:
                use_approval(
                    self.ctx,
                    s,
                    approval,
                    requester=operator,
                    action=OverrideAction.VOID,
                    subject=row.number,
                )
            lines = tuple(jl.journal_line() for jl in original.lines)
            row.status = "voided"
            row.voided_at = now
            row.voided_by_id = operator.user_id
            row.void_reason = reason[:200]
            voiding = Voiding(session=s, receipt=row, operator=operator, now=now)
            self.pipeline.undo(voiding)
            entry = JournalEntry(
                kind="void",
                receipt_id=row.id,
                workstation_id=self.ctx.workstation_id,
                business_date=today,
                posted_at=now,
                description=f"Void of receipt {row.number}: {reason}"[:200],
            )
            entry.lines = journal_line_rows(reverse(lines))
            s.add(entry)
            s.flush()
            self.ctx.audit(
                s,
                action="receipt_voided",
                actor_id=operator.user_id,
                approver_id=approval.approver_id if approval else operator.user_id,
                subject=row.number,
                at=now,
                **{
                    **(approval.audit_details() if approval else {}),
                    "reason": reason,
                    "total": Money(cents=row.total_cents).plain(),
                },
            )
            self.ctx.enqueue(
                s,
                kind="void",
                subject_id=entry.id,
                at=now,
                payload={
                    "receipt_id": row.id,
                    "number": row.number,
                    "voided_at": now.isoformat(),
                    "voided_by": operator.username,
                    "approved_by": approval.approver_username if approval else operator.username,
                    "reason": reason,
                    "journal_entry": entry_payload(entry),
                    # What the void put back (a license's expiry, a TOT return...).
                    "undone": voiding.undone,
                },
            )
            summary = self._summary(row)
        self.ctx.events.emit(events.RECEIPT_VOIDED, number=summary.number)
        return summary

    def reprint(self, operator: Operator, number: str) -> PostedReceipt:
        operator.require(Permission.REPRINT_RECEIPT)
        with transaction(self.ctx.sessions) as s:
            row = self._load(s, number)
            self._check_visible(operator, row)
            label = "DUPLICATE" if row.printed_at is not None else "REPRINT"
            document = receipt_document(row, self.ctx.config, copy_label=label)
            self.ctx.audit(s, action="receipt_reprinted", actor_id=operator.user_id, subject=number)
            receipt_id = row.id
            total_, change = Money(cents=row.total_cents), Money(cents=row.change_cents)
        job = f"reprint:{receipt_id}:{self.ctx.now().timestamp()}"
        printed = self._print(receipt_id, document, job_id=job)
        return PostedReceipt(
            id=receipt_id,
            number=number,
            total=total_,
            change=change,
            document=document,
            printed=printed,
            device_problems=() if printed else ("The receipt did not print.",),
        )

    # -- reading ------------------------------------------------------------------------
    def receipt_text(self, operator: Operator, number: str) -> str:
        with self.ctx.sessions() as s:
            row = self._load(s, number)
            self._check_visible(operator, row)
            return render_text(receipt_document(row, self.ctx.config))

    def receipt_detail(self, operator: Operator, number: str) -> ReceiptDetail:
        """A receipt for a screen: check accounts whole only for a lead cashier."""
        with self.ctx.sessions() as s:
            row = self._load(s, number)
            self._check_visible(operator, row)
            tenders = []
            for t in row.tenders:
                kind = TenderKind(t.kind)
                detail = ""
                if kind is TenderKind.CHECK:
                    detail = (
                        f"Check #{t.check_number} acct {shown_account(operator, t.check_account)}"
                    )
                elif kind is TenderKind.CARD:
                    detail = f"Card ****{t.card_last4} auth {t.card_approval}"
                elif kind is TenderKind.MONEY_ORDER and t.reference:
                    detail = f"Money order #{t.reference}"
                tenders.append(TenderView(t.kind, kind.label, Money(cents=t.amount_cents), detail))
            return ReceiptDetail(
                summary=self._summary(row),
                lines=tuple(
                    (ln.description, ln.reference, Money(cents=ln.amount_cents)) for ln in row.lines
                ),
                tenders=tuple(tenders),
                change=Money(cents=row.change_cents),
                void_reason=row.void_reason or "",
            )

    def todays_receipts(self, operator: Operator) -> list[ReceiptSummary]:
        """Today's receipts at this workstation: all of them for a lead, else one's own."""
        with self.ctx.sessions() as s:
            query = (
                select(Receipt)
                .where(
                    Receipt.workstation_id == self.ctx.workstation_id,
                    Receipt.business_date == self.ctx.business_date(),
                )
                .options(selectinload(Receipt.cashier))
                .order_by(Receipt.seq.desc())
            )
            if not may(operator.role, Permission.VIEW_ALL_RECEIPTS):
                query = query.where(Receipt.cashier_id == operator.user_id)
            return [self._summary(r) for r in s.scalars(query)]

    def _load(self, s: Session, number: str) -> Receipt:
        row = s.scalar(
            select(Receipt)
            .where(Receipt.number == number.strip().upper())
            .options(selectinload(Receipt.lines), selectinload(Receipt.tenders))
        )
        if row is None:
            raise NotFound(f"No receipt {number.strip()!r}.")
        return row

    def _check_visible(self, operator: Operator, row: Receipt) -> None:
        if row.cashier_id != operator.user_id and not may(
            operator.role, Permission.VIEW_ALL_RECEIPTS
        ):
            raise PermissionDenied("A cashier sees only their own receipts.")

    @staticmethod
    def _summary(r: Receipt) -> ReceiptSummary:
        return ReceiptSummary(
            id=r.id,
            number=r.number,
            posted_at=r.posted_at,
            business_date=r.business_date,
            cashier=r.cashier.full_name,
            payer=r.payer,
            total=Money(cents=r.total_cents),
            status=r.status,
            printed=r.printed_at is not None,
        )
