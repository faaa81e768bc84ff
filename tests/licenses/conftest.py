"""Fixtures of the license counter: a tag stock loaded by the lead cashier, and helpers to pay
applications and read PDFs (as fixtures, so test modules need no package imports)."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from pypdf import PdfReader

from cashdesk.app import Cashdesk
from cashdesk.domain import tender
from cashdesk.domain.receipt import ReceiptDraft
from cashdesk.domain.roles import Operator
from cashdesk.services.licenses import LicenseCharge, LicensePayment

DraftFor = Callable[..., ReceiptDraft]
Pay = Callable[..., LicensePayment]
PdfText = Callable[[bytes], str]


@pytest.fixture
def tags(desk: Cashdesk, lead: Operator) -> list[str]:
    """Five tags, T30000 to T30004, in the stock."""
    desk.licenses.load_tag_stock(lead, prefix="T", first_no=30000, last_no=30004)
    return [f"T{n}" for n in range(30000, 30005)]


def _draft_for(*charges: LicenseCharge, payer: str = "Müller Brewery") -> ReceiptDraft:
    draft = ReceiptDraft(payer=payer)
    for charge in charges:
        charge.add_to(draft)
    draft.add_tender(tender.cash(draft.total))
    return draft


@pytest.fixture
def draft_for() -> DraftFor:
    """A draft with the charges' lines, paid exactly in cash."""
    return _draft_for


@pytest.fixture
def pay(desk: Cashdesk) -> Pay:
    """Post the charges on one receipt through LicenseService.pay."""

    def paying(operator: Operator, *charges: LicenseCharge) -> LicensePayment:
        return desk.licenses.pay(operator, _draft_for(*charges))

    return paying


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


@pytest.fixture
def pdf_text() -> PdfText:
    """The PDF's text with runs of blanks folded, so wrapped words compare simply."""
    return _pdf_text
