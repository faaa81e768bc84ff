"""Helpers of the security tests."""

from __future__ import annotations

from sqlalchemy import func, select

from cashdesk.app import Cashdesk
from cashdesk.domain import tender as T
from cashdesk.domain.money import Money
from cashdesk.domain.receipt import ReceiptDraft
from cashdesk.domain.roles import Operator

PASSWORD = "riverbend1"
PINS = {"maria": "1111", "jose": "2222", "lead": "3333", "admin": "4444", "auditor": "5555"}


def sale(desk: Cashdesk, *tenders: T.Tender, payer: str = "Ada Park") -> ReceiptDraft:
    """62.34 of golf, copies and a Dial-a-Ride card; paid in cash unless tenders are given."""
    cat = desk.catalog.catalog()
    draft = ReceiptDraft(payer=payer)
    draft.add_line(cat.line("GOLF-R"))
    draft.add_line(cat.line("MISC", amount=Money(cents=1234), description="Copies"))
    draft.add_line(cat.line("DAR-10", alternate=True))
    for t in tenders or (T.cash(Money(cents=10000)),):
        draft.add_tender(t)
    return draft


def count(desk: Cashdesk, model: type) -> int:
    with desk.ctx.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def sign_in(desk: Cashdesk, username: str) -> Operator:
    return desk.auth.sign_in(username, PASSWORD)
