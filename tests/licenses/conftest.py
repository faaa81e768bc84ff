"""Fixtures of the license counter: a tag stock loaded by the lead cashier, and helpers."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from cashdesk.app import Cashdesk
from cashdesk.domain import tender
from cashdesk.domain.receipt import ReceiptDraft
from cashdesk.domain.roles import Operator
from cashdesk.services.licenses import LicenseCharge, LicensePayment


@pytest.fixture
def tags(desk: Cashdesk, lead: Operator) -> list[str]:
    """Five tags, T30000 to T30004, in the stock."""
    desk.licenses.load_tag_stock(lead, prefix="T", first_no=30000, last_no=30004)
    return [f"T{n}" for n in range(30000, 30005)]


def draft_for(*charges: LicenseCharge, payer: str = "Müller Brewery") -> ReceiptDraft:
    """A draft with the charges' lines, paid exactly in cash."""
    draft = ReceiptDraft(payer=payer)
    for charge in charges:
        charge.add_to(draft)
    draft.add_tender(tender.cash(draft.total))
    return draft


def pay(desk: Cashdesk, operator: Operator, *charges: LicenseCharge) -> LicensePayment:
    return desk.licenses.pay(operator, draft_for(*charges))


def pdf_text(data: bytes) -> str:
    """The PDF's text with runs of blanks folded, so wrapped words compare simply."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())
