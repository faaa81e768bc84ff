"""A receipt draft: the lines a customer pays for and the tenders they pay with."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cashdesk.domain.lines import ChargeLine
from cashdesk.domain.money import Money, total
from cashdesk.domain.tender import (
    Settlement,
    Tender,
    TenderKind,
    check_tender_fits,
    remaining_due,
    settle,
)
from cashdesk.errors import ValidationError

MAX_LINES = 200
MAX_TENDERS = 20


@dataclass(slots=True)
class ReceiptDraft:
    """The receipt being built at the counter; mutable until it is posted."""

    payer: str = ""
    lines: list[ChargeLine] = field(default_factory=list)
    tenders: list[Tender] = field(default_factory=list)

    @property
    def total(self) -> Money:
        return total(line.amount for line in self.lines)

    @property
    def tendered(self) -> Money:
        return total(t.amount for t in self.tenders)

    @property
    def remaining(self) -> Money:
        return remaining_due(self.total, self.tenders)

    @property
    def change_due(self) -> Money:
        over = self.tendered - self.total
        return over if over.is_positive else Money.zero()

    @property
    def is_empty(self) -> bool:
        return not self.lines and not self.tenders

    def add_line(self, line: ChargeLine) -> None:
        if not line.amount.is_positive:
            raise ValidationError(f"{line.code}: the amount must be more than zero.")
        if len(self.lines) >= MAX_LINES:
            raise ValidationError(f"A receipt holds at most {MAX_LINES} lines.")
        if self.tenders:
            raise ValidationError("Remove the tenders before changing the lines.")
        self.lines.append(line)

    def remove_line(self, index: int) -> ChargeLine:
        if self.tenders:
            raise ValidationError("Remove the tenders before changing the lines.")
        return self.lines.pop(index)

    def add_tender(self, tender: Tender) -> None:
        if not self.lines:
            raise ValidationError("Add what is being paid before taking a tender.")
        if len(self.tenders) >= MAX_TENDERS:
            raise ValidationError(f"A receipt takes at most {MAX_TENDERS} tenders.")
        check_tender_fits(self.total, self.tenders, tender)
        if not self.remaining.is_positive:
            raise ValidationError("The receipt is already paid in full.")
        self.tenders.append(tender)

    def remove_tender(self, index: int) -> Tender:
        return self.tenders.pop(index)

    def settlement(self) -> Settlement:
        return settle(self.total, self.tenders)

    def freeze(self) -> FinalReceipt:
        """Validate everything and return the immutable receipt to post."""
        if not self.lines:
            raise ValidationError("The receipt has no lines.")
        for line in self.lines:
            if not line.amount.is_positive:
                raise ValidationError(f"{line.code}: the amount must be more than zero.")
        settlement = self.settlement()
        return FinalReceipt(
            payer=self.payer.strip(),
            lines=tuple(self.lines),
            tenders=tuple(self.tenders),
            settlement=settlement,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class FinalReceipt:
    """A validated receipt, ready to post."""

    payer: str
    lines: tuple[ChargeLine, ...]
    tenders: tuple[Tender, ...]
    settlement: Settlement

    @property
    def total(self) -> Money:
        return self.settlement.due

    @property
    def change(self) -> Money:
        return self.settlement.change


def draft_to_json(draft: ReceiptDraft) -> dict[str, Any]:
    """A draft as plain JSON (a parked sale, a training receipt's content); money in cents."""
    return {
        "payer": draft.payer,
        "lines": [
            {
                "code": line.code,
                "description": line.description,
                "amount_cents": line.amount.cents,
                "gl_account": line.gl_account,
                "reference": line.reference,
            }
            for line in draft.lines
        ],
        "tenders": [
            {
                "kind": t.kind.value,
                "amount_cents": t.amount.cents,
                "check_routing": t.check_routing,
                "check_account": t.check_account,
                "check_number": t.check_number,
                "card_last4": t.card_last4,
                "card_approval": t.card_approval,
                "reference": t.reference,
            }
            for t in draft.tenders
        ],
    }


def draft_from_json(data: dict[str, Any]) -> ReceiptDraft:
    lines = [
        ChargeLine(
            code=line["code"],
            description=line["description"],
            amount=Money(cents=int(line["amount_cents"])),
            gl_account=line["gl_account"],
            reference=line.get("reference", ""),
        )
        for line in data.get("lines", [])
    ]
    tenders = [
        Tender(
            kind=TenderKind(t["kind"]),
            amount=Money(cents=int(t["amount_cents"])),
            check_routing=t.get("check_routing", ""),
            check_account=t.get("check_account", ""),
            check_number=t.get("check_number", ""),
            card_last4=t.get("card_last4", ""),
            card_approval=t.get("card_approval", ""),
            reference=t.get("reference", ""),
        )
        for t in data.get("tenders", [])
    ]
    return ReceiptDraft(payer=data.get("payer", ""), lines=lines, tenders=tenders)


def void_refusal(
    *,
    number: str,
    status: str,
    business_date: date,
    today: date,
    drawer_open: bool,
) -> str | None:
    """Why a receipt cannot be voided, or None: only today's posted receipts (a closed day is
    locked), and only while their drawer is open (a counted drawer's count would go wrong)."""
    if status == "voided":
        return f"Receipt {number} is already voided."
    if business_date != today:
        return (
            f"Receipt {number} is from {business_date:%Y-%m-%d}; only today's receipts can be "
            "voided."
        )
    if not drawer_open:
        return (
            f"Receipt {number}'s drawer has been counted; a lead cashier must reopen it before "
            "the void, so the count stays right."
        )
    return None
