"""Drawer fixtures: the counter's people and a receipt-posting helper."""

from __future__ import annotations

import pytest
from drawer_helpers import PASSWORD, Pay, m

from cashdesk.app import Cashdesk
from cashdesk.domain import tender as T
from cashdesk.domain.receipt import ReceiptDraft
from cashdesk.domain.roles import Operator, Role
from cashdesk.services.payments import PostedReceipt


@pytest.fixture
def people(desk: Cashdesk) -> dict[str, Operator]:
    """maria and jose (cashiers), kim (a relief cashier), lead (Zoë Müller), and sam, a
    second lead cashier to sign off what the first may not."""
    desk.auth.create_user(username="kim", full_name="Kim Ngô", role=Role.CASHIER, password=PASSWORD)
    desk.auth.create_user(
        username="sam", full_name="Samuel Østergaard", role=Role.LEAD, password=PASSWORD
    )
    return {u: desk.auth.sign_in(u, PASSWORD) for u in ("maria", "jose", "kim", "lead", "sam")}


@pytest.fixture
def pay(desk: Cashdesk) -> Pay:
    """Post a receipt: ``pay(op, "MISC", "12.34", T.cash(...), drawer="1")``."""

    def _pay(
        op: Operator,
        code: str,
        amount: str | None,
        *tenders: T.Tender,
        drawer: str = "1",
        payer: str = "Renée Dubois",
        reference: str = "",
    ) -> PostedReceipt:
        cat = desk.catalog.catalog()
        draft = ReceiptDraft(payer=payer)
        if amount is None:
            draft.add_line(cat.line(code))
        else:
            draft.add_line(
                cat.line(code, amount=m(amount), description=f"{code} payment", reference=reference)
            )
        for t in tenders:
            draft.add_tender(t)
        return desk.payments.post_payment(op, draft, drawer=drawer)

    return _pay
