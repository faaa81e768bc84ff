"""The shared terminal: idle lock, PIN unlock, another cashier parking the sale, resuming."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from cashdesk.app import Cashdesk, open_cashdesk
from cashdesk.clock import FixedClock
from cashdesk.config import Config
from cashdesk.domain import tender as T
from cashdesk.domain.money import Money
from cashdesk.errors import AuthenticationError, StateError
from cashdesk.services.auth import make_hasher
from cashdesk.services.session import OPERATOR_CHANGED, TERMINAL_LOCKED, draft_from_json
from cashdesk.store.models import AuditEntry, Receipt
from cashdesk.store.security_models import ParkedSale

from .support import PASSWORD, PINS, count


def start_sale(desk: Cashdesk) -> None:
    cat = desk.catalog.catalog()
    draft = desk.terminal.draft
    draft.payer = "Ada Park"
    draft.add_line(cat.line("GOLF-R"))
    draft.add_line(cat.line("MISC", amount=Money(cents=1234), description="Copies"))
    check = T.check(Money(cents=2000), routing="021000021", account="987654321", number="77")
    draft.add_tender(check)


def test_idle_time_locks_the_terminal_and_keeps_the_sale(desk: Cashdesk, clock: FixedClock) -> None:
    locked: list[str] = []
    desk.ctx.events.subscribe(TERMINAL_LOCKED, lambda username, reason: locked.append(reason))
    terminal = desk.terminal
    assert terminal.idle_lock_seconds == 120
    terminal.sign_in("maria", PASSWORD)
    start_sale(desk)
    sale = terminal.draft
    clock.advance(seconds=119)
    assert not terminal.check_idle()
    terminal.touch()  # a key press restarts the wait
    clock.advance(seconds=119)
    assert not terminal.check_idle() and terminal.seconds_until_lock() == 1
    clock.advance(seconds=1)
    assert terminal.check_idle() and terminal.locked and locked == ["idle"]
    with pytest.raises(StateError, match="locked"):
        terminal.active_operator()
    with pytest.raises(StateError, match="locked"):
        _ = terminal.draft
    # The same cashier's PIN brings back the very same sale.
    op = terminal.unlock_with_pin("maria", PINS["maria"])
    assert op.username == "maria" and not terminal.locked
    assert terminal.draft is sale and sale.total == Money(cents=5234)
    assert count(desk, ParkedSale) == 0  # saved while locked, forgotten on unlock


def test_configured_idle_time(desk: Cashdesk, db_path: Path, clock: FixedClock) -> None:
    desk.close()
    short = open_cashdesk(
        Config(idle_lock_seconds=30), db_path, clock=clock, hasher=make_hasher(fast=True)
    )
    short.terminal.sign_in("jose", PASSWORD)
    clock.advance(seconds=30)
    assert short.terminal.check_idle()
    short.close()


def test_pin_unlock_is_for_the_same_cashier_and_wrong_pins_lock_the_account(
    desk: Cashdesk,
) -> None:
    terminal = desk.terminal
    terminal.sign_in("maria", PASSWORD)
    terminal.lock()
    with pytest.raises(AuthenticationError, match="Only Maria"):
        terminal.unlock_with_pin("jose", PINS["jose"])
    for _ in range(4):
        with pytest.raises(AuthenticationError, match="PIN is not right"):
            terminal.unlock_with_pin("maria", "0000")
    with pytest.raises(AuthenticationError, match="now locked"):
        terminal.unlock_with_pin("maria", "0000")
    with pytest.raises(AuthenticationError, match="locked"):
        terminal.unlock_with_pin("maria", PINS["maria"])
    assert terminal.locked
    with desk.ctx.sessions() as s:
        failed = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "terminal_unlock_failed")
        ).all()
    assert len(failed) == 6
    assert [e.details.get("attempts") for e in failed[:5]] == [1, 2, 3, 4, 5]
    # A password sign-in by maria is refused too until a lead unlocks her.
    with pytest.raises(AuthenticationError, match="locked"):
        terminal.switch_user("maria", PASSWORD)


def test_another_cashier_parks_the_sale_and_the_first_resumes_it(
    desk: Cashdesk, clock: FixedClock
) -> None:
    changes: list[tuple[str | None, str | None, bool]] = []
    desk.ctx.events.subscribe(
        OPERATOR_CHANGED,
        lambda username, previous, resumed: changes.append((username, previous, resumed)),
    )
    terminal = desk.terminal
    terminal.sign_in("maria", PASSWORD)
    start_sale(desk)
    maria_sale = terminal.draft
    with pytest.raises(StateError, match="Lock the terminal"):
        terminal.switch_user("jose", PASSWORD)
    clock.advance(minutes=3)
    assert terminal.check_idle()

    result = terminal.switch_user("jose", PASSWORD)
    assert (result.operator.username, result.resumed, result.parked_for) == ("jose", False, "maria")
    assert terminal.active_operator().username == "jose"
    assert terminal.draft.is_empty and terminal.draft is not maria_sale
    [parked] = terminal.parked_sales()
    assert (parked.username, parked.total, parked.lines) == ("maria", Money(cents=5234), 2)

    # What follows is jose's: his own drawer, his receipt.
    jose = terminal.active_operator()
    desk.drawers.open_drawer(jose, drawer="2")
    cat = desk.catalog.catalog()
    terminal.draft.add_line(cat.line("MISC", amount=Money(cents=500), description="Map"))
    terminal.draft.add_tender(T.cash(Money(cents=500)))
    posted = desk.payments.post_payment(jose, terminal.draft, drawer="2")
    terminal.new_sale()
    with desk.ctx.sessions() as s:
        receipt = s.scalar(select(Receipt).where(Receipt.number == posted.number))
        assert receipt is not None and receipt.cashier_id == jose.user_id

    # maria comes back: jose locks, she signs in and her sale is as she left it.
    terminal.lock()
    back = terminal.switch_user("maria", PASSWORD)
    assert back.resumed and terminal.draft is maria_sale
    assert maria_sale.payer == "Ada Park" and maria_sale.tenders[0].check_account == "987654321"
    assert terminal.parked_sales() == []
    assert changes == [("maria", None, False), ("jose", "maria", False), ("maria", "jose", True)]
    with desk.ctx.sessions() as s:
        audited = [
            (e.action, e.subject)
            for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))
            if e.action in {"sale_parked", "sale_resumed", "terminal_locked"}
        ]
    assert audited == [
        ("sale_parked", "maria"),
        ("terminal_locked", "maria"),
        ("terminal_locked", "jose"),
        ("sale_resumed", "maria"),
    ]


def test_a_parked_sale_survives_a_crash(
    desk: Cashdesk, db_path: Path, clock: FixedClock, tmp_path: Path
) -> None:
    desk.terminal.sign_in("maria", PASSWORD)
    start_sale(desk)
    desk.terminal.lock()
    desk.terminal.switch_user("jose", PASSWORD)
    # The process dies: no close, no sign-out. Copy the files as they are on disk.
    crashed = tmp_path / "after-crash.db"
    for suffix in ("", "-wal"):
        source = Path(f"{db_path}{suffix}")
        if source.exists():
            shutil.copyfile(source, Path(f"{crashed}{suffix}"))
    restarted = open_cashdesk(Config(), crashed, clock=clock, hasher=make_hasher(fast=True))
    try:
        assert [p.username for p in restarted.terminal.parked_sales()] == ["maria"]
        result = restarted.terminal.sign_in("maria", PASSWORD)
        assert result.resumed
        draft = restarted.terminal.draft
        assert draft.total == Money(cents=5234) and len(draft.tenders) == 1
        assert draft.tenders[0].check_number == "77"
    finally:
        restarted.close()


def test_sign_out_parks_an_unfinished_sale(desk: Cashdesk) -> None:
    desk.terminal.sign_in("maria", PASSWORD)
    start_sale(desk)
    desk.terminal.sign_out()
    assert desk.terminal.operator is None
    with pytest.raises(StateError, match="Nobody"):
        desk.terminal.active_operator()
    with desk.ctx.sessions() as s:
        row = s.scalar(select(ParkedSale))
        assert row is not None
        assert draft_from_json(row.draft).total == Money(cents=5234)
    assert desk.terminal.sign_in("maria", PASSWORD).resumed
