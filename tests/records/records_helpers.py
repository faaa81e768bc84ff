"""Helpers for the records tests (imported by the test modules): the city's own data, and
posting through the real services."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from pathlib import Path

from sqlalchemy import select

from cashdesk.app import Cashdesk
from cashdesk.domain import tender as T
from cashdesk.domain.lines import ChargeLine
from cashdesk.domain.money import Money, total
from cashdesk.domain.receipt import ReceiptDraft
from cashdesk.domain.roles import Operator
from cashdesk.resources import city_dir
from cashdesk.services.payments import PostedReceipt
from cashdesk.store.models import JournalEntry

TODAY = dt.date(2026, 11, 26)  # the business date of the `clock` fixture


def m(text: str) -> Money:
    return Money.parse(text)


@cache
def city(name: str) -> tuple[dict[str, str], ...]:
    with (Path(city_dir()) / f"{name}.csv").open(newline="", encoding="utf-8-sig") as f:
        return tuple(csv.DictReader(f))


def first(name: str, predicate: Callable[[dict[str, str]], bool]) -> dict[str, str]:
    for row in city(name):
        if predicate(row):
            return row
    raise LookupError(f"no row of {name} fits")


def items_of(account_no: str) -> list[dict[str, str]]:
    return [r for r in city("utility_bill_items") if r["account_no"] == account_no]


def post(
    desk: Cashdesk,
    operator: Operator,
    lines: Iterable[ChargeLine],
    *,
    tender: T.Tender | None = None,
    payer: str = "Test Payer",
    drawer: str = "1",
) -> PostedReceipt:
    lines = list(lines)
    draft = ReceiptDraft(payer=payer)
    for line in lines:
        draft.add_line(line)
    draft.add_tender(tender or T.cash(total(x.amount for x in lines)))
    return desk.payments.post_payment(operator, draft, drawer=drawer)


def journal(desk: Cashdesk, receipt_number: str, kind: str) -> dict[str, tuple[int, int]]:
    """account -> (debit cents, credit cents) of the receipt's entry of ``kind``."""
    from cashdesk.store.models import Receipt

    with desk.ctx.sessions() as s:
        receipt = s.scalar(select(Receipt).where(Receipt.number == receipt_number))
        assert receipt is not None
        entry = s.scalar(
            select(JournalEntry).where(
                JournalEntry.receipt_id == receipt.id, JournalEntry.kind == kind
            )
        )
        assert entry is not None
        return {jl.account: (jl.debit_cents, jl.credit_cents) for jl in entry.lines}


def shape(lines: Sequence[ChargeLine]) -> list[tuple[str, str, str]]:
    return [(x.description, x.amount.plain(), x.gl_account) for x in lines]


def clerk(desk: Cashdesk) -> Operator:
    """maria's handle, to look records up with (straight from her row: signing in is tested
    on its own, and writes an audit entry)."""
    from cashdesk.services.auth import operator_of
    from cashdesk.store.models import User

    with desk.ctx.sessions() as s:
        user = s.scalar(select(User).where(User.username == "maria"))
    assert user is not None
    return operator_of(user, desk.auth.reader)
