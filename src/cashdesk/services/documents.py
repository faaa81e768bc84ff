"""Build the device-neutral receipt document from a stored receipt."""

from __future__ import annotations

from cashdesk.config import Config
from cashdesk.devices.document import DocumentLine, ReceiptDocument
from cashdesk.domain.money import Money
from cashdesk.domain.tender import TenderKind, mask_account
from cashdesk.store.models import Receipt, TenderRow


def _tender_line(t: TenderRow) -> DocumentLine:
    kind = TenderKind(t.kind)
    detail = ""
    if kind is TenderKind.CHECK:
        detail = f"Check #{t.check_number} acct {mask_account(t.check_account)}"
    elif kind is TenderKind.CARD:
        detail = f"Card ****{t.card_last4} auth {t.card_approval}"
    elif kind is TenderKind.MONEY_ORDER and t.reference:
        detail = f"Money order #{t.reference}"
    return DocumentLine(
        description=kind.label, amount=str(Money(cents=t.amount_cents)), reference=detail
    )


def receipt_document(
    receipt: Receipt, config: Config, *, copy_label: str = "", cashier: str | None = None
) -> ReceiptDocument:
    """``cashier`` saves loading the cashier's row when the caller knows the name."""
    local = receipt.posted_at.astimezone(config.tz)
    notes: list[str] = []
    if receipt.status == "voided":
        copy_label = "VOID"
        notes.append(f"Voided: {receipt.void_reason or ''}")
    return ReceiptDocument(
        header=(config.city_name, "Finance Department", config.workstation_name),
        receipt_number=receipt.number,
        printed_time=local.strftime("%Y-%m-%d %H:%M"),
        business_date=receipt.business_date.isoformat(),
        workstation=receipt.workstation_id,
        cashier=cashier if cashier is not None else receipt.cashier.full_name,
        payer=receipt.payer,
        lines=tuple(
            DocumentLine(
                description=line.description,
                amount=str(Money(cents=line.amount_cents)),
                reference=line.reference,
            )
            for line in receipt.lines
        ),
        total=str(Money(cents=receipt.total_cents)),
        tenders=tuple(_tender_line(t) for t in receipt.tenders),
        change=str(Money(cents=receipt.change_cents)),
        footer=("Thank you",),
        copy_label=copy_label,
        notes=tuple(notes),
    )
