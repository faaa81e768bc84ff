"""Finding 3 of issue 16: a card number typed into any free-text field is refused before
anything is written (the store's one guard, store/card_guard.py), so it reaches neither the
store, nor the outbox (and so the central ledger), nor a CSV, PDF or printout."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from cashdesk.app import Cashdesk
from cashdesk.domain import tender as T
from cashdesk.domain.money import Money
from cashdesk.domain.privacy import typed_card_number
from cashdesk.domain.roles import Operator, Role
from cashdesk.errors import ValidationError
from cashdesk.store.models import OutboxRow, Receipt
from cashdesk.store.security_models import ParkedSale

from .support import PASSWORD, sale

VISA = "4111111111111111"
TYPED = ["4111 1111 1111 1111", "4111-1111-1111-1111", "378282246310005", VISA]


def test_the_detector_finds_typed_card_numbers_and_not_other_numbers() -> None:
    for text in TYPED:
        assert typed_card_number(f"ref {text} x") is not None, text
    assert typed_card_number("4111 1111 1111 1112") is None  # fails Luhn
    assert typed_card_number("021000021 12345678901 1001") is None  # a MICR line's parts
    assert typed_card_number("2026-11-26 W01-000001 555-123-4567") is None
    assert typed_card_number("a" * 40 + VISA + "f" * 20) is None  # inside a digest
    assert typed_card_number("1234abcd-4111-1111-1111-111111111111") is None  # a UUID


def _all_bytes(db: Path) -> bytes:
    wal = Path(f"{db}-wal")
    return db.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def _outbox(desk: Cashdesk) -> int:
    with desk.ctx.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(OutboxRow)) or 0)


@pytest.fixture
def attempt(desk: Cashdesk, db_path: Path) -> Callable[[Callable[[], object]], None]:
    """Run ``action`` (which types the card number somewhere): it is refused with a message
    for the cashier, and no form of the number is in the store file or the outbox."""

    def run(action: Callable[[], object]) -> None:
        outbox = _outbox(desk)
        with pytest.raises(ValidationError, match="looks like a card number"):
            action()
        assert _outbox(desk) == outbox
        data = _all_bytes(db_path)
        for form in ("4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111"):
            assert form.encode() not in data, form

    return run


def test_money_order_serial_and_check_account(
    desk: Cashdesk, open_drawer: Operator, attempt: Callable[[Callable[[], object]], None]
) -> None:
    money_order = T.money_order(Money(cents=6234), serial="4111 1111 1111 1111")
    attempt(lambda: desk.payments.post_payment(open_drawer, sale(desk, money_order)))
    check = T.check(Money(cents=6234), routing="021000021", account=VISA, number="1001")
    attempt(lambda: desk.payments.post_payment(open_drawer, sale(desk, check)))
    with desk.ctx.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Receipt)) == 0


def test_returned_check_reason(
    desk: Cashdesk, open_drawer: Operator, lead: Operator, attempt: Callable[..., None]
) -> None:
    check = T.check(Money(cents=6234), routing="021000021", account="5550001", number="1001")
    posted = desk.payments.post_payment(open_drawer, sale(desk, check))
    attempt(
        lambda: desk.records.process_returned_check(
            lead, posted.number, reason="card 4111-1111-1111-1111"
        )
    )
    with desk.ctx.sessions() as s:
        row = s.scalar(select(Receipt).where(Receipt.number == posted.number))
        assert row is not None and row.status == "posted"


@pytest.mark.parametrize("field", ["business_name", "owner", "address"])
def test_business_license_fields(
    field: str, desk: Cashdesk, open_drawer: Operator, attempt: Callable[..., None]
) -> None:
    values = {"business_name": "Núñez Roofing", "owner": "Zoë Núñez", "address": "12 Main St"}
    values[field] = f"Acct {TYPED[0]}"

    def apply_and_pay() -> object:
        charge = desk.licenses.apply_for_business_license(
            open_drawer, license_class="CT", start_date=dt.date(2026, 11, 2), **values
        )
        return desk.licenses.pay(open_drawer, _draft(charge))

    attempt(apply_and_pay)


@pytest.mark.parametrize("field", ["owner", "address", "animal_name"])
def test_animal_license_fields(
    field: str,
    desk: Cashdesk,
    open_drawer: Operator,
    lead: Operator,
    attempt: Callable[..., None],
) -> None:
    desk.licenses.load_tag_stock(lead, prefix="T", first_no=1, last_no=5)
    values: dict[str, object] = {
        "owner": "Søren O'Brien",
        "address": "1131 Cedar Ct",
        "animal_name": "Biscuit",
        "species": "dog",
        "altered": True,
        "acquired_on": dt.date(2026, 11, 1),
        "rabies_expires": dt.date(2030, 6, 30),
    }
    values[field] = f"x {TYPED[1]}"

    def apply_and_pay() -> object:
        charge = desk.licenses.apply_for_animal_license(open_drawer, **values)  # type: ignore[arg-type]
        return desk.licenses.pay(open_drawer, _draft(charge))

    attempt(apply_and_pay)


def _draft(charge: object) -> object:
    from cashdesk.domain.receipt import ReceiptDraft

    draft = ReceiptDraft(payer="Ada Park")
    charge.add_to(draft)  # type: ignore[attr-defined]
    draft.add_tender(T.cash(draft.total))
    return draft


def test_user_full_name(
    desk: Cashdesk, people: dict[str, Operator], attempt: Callable[..., None]
) -> None:
    attempt(
        lambda: desk.users.add_user(
            people["admin"],
            username="kim",
            full_name=f"Kim {TYPED[0]}",
            role=Role.CASHIER,
            password="kims-password",
        )
    )


def test_parked_sale_payer_is_not_parked_and_the_terminal_still_locks(
    desk: Cashdesk, db_path: Path
) -> None:
    terminal = desk.terminal
    terminal.sign_in("maria", PASSWORD)
    terminal.draft.payer = TYPED[0]
    terminal.draft.add_line(desk.catalog.catalog().line("GOLF-R"))
    terminal.lock()
    assert terminal.locked
    with desk.ctx.sessions() as s:
        assert s.scalar(select(func.count()).select_from(ParkedSale)) == 0
    assert VISA.encode() not in _all_bytes(db_path)
    assert TYPED[0].encode() not in _all_bytes(db_path)
