"""Training mode: a user flagged for training posts receipts that are not receipts.

They are validated like real ones (the same domain rules and posting checks), numbered in
their own series (``W01-T000001``, so the real series stays gapless), stored in
``training_receipts`` only, and printed under "TRAINING — NOT A RECEIPT". They never reach
the journal, a drawer's expected cash, the deposit, the outbox or the central ledger, and no
posted-hook runs for them (no bill is marked paid, no license issued). The drawer is not
kicked: there is no real money to put in it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cashdesk.devices.document import ReceiptDocument
from cashdesk.domain.money import Money
from cashdesk.domain.receipt import FinalReceipt, ReceiptDraft, draft_to_json
from cashdesk.domain.roles import Operator, Permission
from cashdesk.errors import DeviceError, NotFound, PermissionDenied, StateError
from cashdesk.services.context import ServiceContext
from cashdesk.services.documents import receipt_document
from cashdesk.services.payments import PaymentService, PostedReceipt
from cashdesk.services.posting import Posting
from cashdesk.store.engine import transaction
from cashdesk.store.models import Receipt, ReceiptLine, TenderRow, User, new_uuid
from cashdesk.store.security_models import TrainingReceipt

log = logging.getLogger(__name__)

TRAINING_LABEL = "TRAINING — NOT A RECEIPT"


def format_training_number(workstation_id: str, seq: int) -> str:
    return f"{workstation_id}-T{seq:06d}"


@dataclass(frozen=True, slots=True)
class TrainingReceiptSummary:
    number: str
    posted_at: dt.datetime
    cashier: str
    payer: str
    total: Money


def _content(final: FinalReceipt) -> dict[str, object]:
    """The receipt's lines and tenders as stored with a training receipt."""
    content = draft_to_json(ReceiptDraft(lines=list(final.lines), tenders=list(final.tenders)))
    del content["payer"]  # kept in its own column
    return content


def training_document(row: TrainingReceipt, ctx: ServiceContext, cashier: str) -> ReceiptDocument:
    """The printed form: the real receipt layout (masking included) under the training
    label at the top and the bottom. Built on a transient Receipt that is never stored."""
    shadow = Receipt(
        number=row.number,
        workstation_id=row.workstation_id,
        business_date=row.business_date,
        posted_at=row.posted_at,
        payer=row.payer,
        total_cents=row.total_cents,
        change_cents=row.change_cents,
        status="posted",
    )
    shadow.lines = [
        ReceiptLine(line_no=i, **line) for i, line in enumerate(row.content["lines"], start=1)
    ]
    shadow.tenders = [TenderRow(seq=i, **t) for i, t in enumerate(row.content["tenders"], start=1)]
    document = receipt_document(shadow, ctx.config, cashier=cashier)
    return dataclasses.replace(
        document,
        copy_label=TRAINING_LABEL,
        footer=(TRAINING_LABEL, *document.footer),
    )


class TrainingService:
    def __init__(self, ctx: ServiceContext, payments: PaymentService) -> None:
        self.ctx = ctx
        self.payments = payments

    def post(self, operator: Operator, final: FinalReceipt) -> PostedReceipt:
        """PaymentService.post_payment hands a training user's receipt here."""
        operator.require(Permission.TAKE_PAYMENT)
        if not operator.training:
            raise StateError("Only a user in training posts training receipts.")
        now = self.ctx.now()
        with transaction(self.ctx.sessions) as s:
            # The participants' checks refuse what a real receipt would be refused for; their
            # apply never runs: a training receipt changes no record.
            business_date = self.ctx.business_date(now)
            self.payments.pipeline.check(
                Posting(
                    session=s,
                    final=final,
                    operator=operator,
                    now=now,
                    business_date=business_date,
                    paid_on=business_date,
                )
            )
            seq = self._next_seq(s)
            row = TrainingReceipt(
                id=new_uuid(),
                number=format_training_number(self.ctx.workstation_id, seq),
                workstation_id=self.ctx.workstation_id,
                seq=seq,
                cashier_id=operator.user_id,
                business_date=business_date,
                posted_at=now,
                payer=final.payer[:120],
                total_cents=final.total.cents,
                tendered_cents=final.settlement.tendered.cents,
                change_cents=final.change.cents,
                content=_content(final),
            )
            s.add(row)
            self.ctx.audit(
                s,
                action="training_receipt_posted",
                actor_id=operator.user_id,
                subject=row.number,
                at=now,
                total=final.total.plain(),
                tenders=[t.kind.value for t in final.tenders],
            )
            document = training_document(row, self.ctx, operator.full_name)
            receipt_id, number = row.id, row.number
        printed = self._print(document, job_id=f"training:{receipt_id}")
        self.ctx.devices.display.show("TRAINING", f"Total {final.total}")
        return PostedReceipt(
            id=receipt_id,
            number=number,
            total=final.total,
            change=final.change,
            document=document,
            printed=printed,
            device_problems=() if printed else ("The training receipt did not print.",),
        )

    def receipts(self, operator: Operator) -> list[TrainingReceiptSummary]:
        """Today's training receipts here: one's own, or everyone's for those who see all."""
        with self.ctx.sessions() as s:
            query = (
                select(TrainingReceipt, User.full_name)
                .join(User, User.id == TrainingReceipt.cashier_id)
                .where(
                    TrainingReceipt.workstation_id == self.ctx.workstation_id,
                    TrainingReceipt.business_date == self.ctx.business_date(),
                )
                .order_by(TrainingReceipt.seq.desc())
            )
            if not operator.may(Permission.VIEW_ALL_RECEIPTS):
                query = query.where(TrainingReceipt.cashier_id == operator.user_id)
            return [
                TrainingReceiptSummary(
                    r.number, r.posted_at, name, r.payer, Money(cents=r.total_cents)
                )
                for r, name in s.execute(query)
            ]

    def reprint(self, operator: Operator, number: str) -> PostedReceipt:
        operator.require(Permission.REPRINT_RECEIPT)
        with transaction(self.ctx.sessions) as s:
            row = s.scalar(
                select(TrainingReceipt).where(TrainingReceipt.number == number.strip().upper())
            )
            if row is None:
                raise NotFound(f"No training receipt {number.strip()!r}.")
            if row.cashier_id != operator.user_id and not operator.may(
                Permission.VIEW_ALL_RECEIPTS
            ):
                raise PermissionDenied("A cashier sees only their own receipts.")
            cashier = s.get(User, row.cashier_id)
            document = training_document(row, self.ctx, cashier.full_name if cashier else "")
            self.ctx.audit(
                s,
                action="training_receipt_reprinted",
                actor_id=operator.user_id,
                subject=row.number,
            )
            receipt_id = row.id
            total, change = Money(cents=row.total_cents), Money(cents=row.change_cents)
        job = f"training-reprint:{receipt_id}:{self.ctx.now().timestamp()}"
        printed = self._print(document, job_id=job)
        return PostedReceipt(
            id=receipt_id,
            number=document.receipt_number,
            total=total,
            change=change,
            document=document,
            printed=printed,
            device_problems=() if printed else ("The training receipt did not print.",),
        )

    def _next_seq(self, s: Session) -> int:
        # Safe without a counter row: the transaction holds the write lock (BEGIN IMMEDIATE).
        top = s.scalar(
            select(func.max(TrainingReceipt.seq)).where(
                TrainingReceipt.workstation_id == self.ctx.workstation_id
            )
        )
        return int(top or 0) + 1

    def _print(self, document: ReceiptDocument, *, job_id: str) -> bool:
        try:
            self.ctx.devices.printer.print_receipt(document, job_id=job_id)
        except DeviceError as err:
            log.warning("training receipt %s did not print: %s", document.receipt_number, err)
            return False
        return True
