from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from cashdesk.app import Cashdesk
from cashdesk.domain import tender as T
from cashdesk.domain.money import Money
from cashdesk.domain.receipt import ReceiptDraft
from cashdesk.domain.roles import Operator
from cashdesk.errors import PermissionDenied, StateError, ValidationError
from cashdesk.services.context import ServiceContext
from cashdesk.store.models import (
    AuditEntry,
    JournalEntry,
    JournalLineRow,
    OutboxRow,
    Receipt,
    TenderRow,
    Workstation,
)


def m(text: str) -> Money:
    return Money.parse(text)


def sale(desk: Cashdesk, *tenders: T.Tender, payer: str = "José Núñez") -> ReceiptDraft:
    cat = desk.catalog.catalog()
    draft = ReceiptDraft(payer=payer)
    draft.add_line(cat.line("GOLF-R"))  # 40.00 golf fund
    draft.add_line(cat.line("MISC", amount=m("12.34"), description="Copies"))
    draft.add_line(cat.line("DAR-10", alternate=True))  # 10.00 transit fund
    for t in tenders or (T.cash(m("100")),):
        draft.add_tender(t)
    return draft


def count(desk: Cashdesk, model: type) -> int:
    with desk.ctx.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_post_payment_writes_everything_in_one_go(desk: Cashdesk, open_drawer: Operator) -> None:
    check = T.check(m("40"), routing="021000021", account="123456789", number="1001")
    posted = desk.payments.post_payment(open_drawer, sale(desk, check, T.cash(m("30"))))

    assert posted.number == "W01-000001"
    assert posted.change == m("7.66")
    assert posted.printed
    with desk.ctx.sessions() as s:
        r = s.scalar(select(Receipt).where(Receipt.number == "W01-000001"))
        assert r is not None
        assert (r.total_cents, r.tendered_cents, r.change_cents) == (6234, 7000, 766)
        assert [(ln.code, ln.amount_cents) for ln in r.lines] == [
            ("GOLF-R", 4000),
            ("MISC", 1234),
            ("DAR-10", 1000),
        ]
        assert [(t.kind, t.amount_cents, t.check_account) for t in r.tenders] == [
            ("check", 4000, "123456789"),
            ("cash", 3000, ""),
        ]
        entry = s.scalar(select(JournalEntry).where(JournalEntry.receipt_id == r.id))
        assert entry is not None
        lines = {(j.account, j.debit_cents, j.credit_cents) for j in entry.lines}
        assert lines == {
            ("101-000-10100", 1234, 0),
            ("230-000-10100", 1000, 0),
            ("520-000-10100", 4000, 0),
            ("520-700-34720", 0, 4000),
            ("101-150-36900", 0, 1234),
            ("230-600-34610", 0, 1000),
        }
        audit = s.scalar(select(AuditEntry).where(AuditEntry.action == "receipt_posted"))
        assert audit is not None and audit.subject == "W01-000001"
        assert audit.actor_id == open_drawer.user_id
        outbox = s.scalar(select(OutboxRow).where(OutboxRow.kind == "receipt"))
        assert outbox is not None and outbox.subject_id == r.id and outbox.sent_at is None
        assert outbox.payload["total_cents"] == 6234
        assert r.printed_at is not None
    # What printed is exactly the preview, with the check account masked.
    printer = desk.ctx.devices.printer
    assert printer.last_text == posted.text  # type: ignore[attr-defined]
    assert "****6789" in posted.text and "123456789" not in posted.text
    assert "José Núñez" in posted.text
    assert desk.ctx.devices.drawer.kicks == [f"kick:{posted.id}"]  # type: ignore[attr-defined]
    session = desk.drawers.current()
    assert session is not None
    # 200.00 bank + 30.00 cash − 7.66 change
    lead = desk.auth.sign_in("lead", "riverbend1")  # expected totals are for a supervisor
    assert desk.drawers.expected_cash(lead, session.id) == m("222.34")


def test_numbers_are_gapless_and_sequential(desk: Cashdesk, open_drawer: Operator) -> None:
    numbers = [desk.payments.post_payment(open_drawer, sale(desk)).number for _ in range(3)]
    assert numbers == ["W01-000001", "W01-000002", "W01-000003"]


@pytest.mark.parametrize("where", ["outbox", "commit"])
def test_failure_half_way_rolls_back_everything_and_keeps_numbering_gapless(
    desk: Cashdesk, open_drawer: Operator, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    desk.payments.post_payment(open_drawer, sale(desk))
    models = (Receipt, TenderRow, JournalLineRow, AuditEntry, OutboxRow)
    before = {model: count(desk, model) for model in models}

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError("disk went away")

    if where == "outbox":
        # Writing the outbox row is the transaction's last step.
        monkeypatch.setattr(ServiceContext, "enqueue", fail)
    else:
        # Everything is flushed; the commit itself fails.
        event.listen(desk.ctx.sessions, "before_commit", fail)
    with pytest.raises(OSError, match="disk went away"):
        desk.payments.post_payment(open_drawer, sale(desk))
    monkeypatch.undo()
    if where == "commit":
        event.remove(desk.ctx.sessions, "before_commit", fail)

    assert {model: count(desk, model) for model in models} == before
    with desk.ctx.sessions() as s:
        assert s.get(Workstation, "W01").last_receipt_seq == 1  # type: ignore[union-attr]
    assert desk.payments.post_payment(open_drawer, sale(desk)).number == "W01-000002"


def test_printer_failure_keeps_the_payment_and_flags_the_receipt(
    desk: Cashdesk, open_drawer: Operator
) -> None:
    desk.ctx.devices.printer.fail_with = "Printer out of paper"  # type: ignore[attr-defined]
    posted = desk.payments.post_payment(open_drawer, sale(desk))
    assert not posted.printed
    assert "did not print" in posted.device_problems[0]
    with desk.ctx.sessions() as s:
        r = s.scalar(select(Receipt).where(Receipt.number == posted.number))
        assert r is not None and r.status == "posted"
        assert r.printed_at is None and r.print_error == "Printer out of paper"
    desk.ctx.devices.printer.fail_with = None  # type: ignore[attr-defined]
    again = desk.payments.reprint(open_drawer, posted.number)
    assert again.printed
    assert "*** REPRINT ***" in desk.ctx.devices.printer.last_text  # type: ignore[attr-defined]
    with desk.ctx.sessions() as s:
        r = s.scalar(select(Receipt).where(Receipt.number == posted.number))
        assert r is not None and r.printed_at is not None and r.print_error is None
        assert s.scalar(select(AuditEntry).where(AuditEntry.action == "receipt_reprinted"))


def test_drawer_failure_does_not_undo_the_payment(desk: Cashdesk, open_drawer: Operator) -> None:
    desk.ctx.devices.drawer.fail_with = "Drawer did not open"  # type: ignore[attr-defined]
    posted = desk.payments.post_payment(open_drawer, sale(desk))
    assert posted.number == "W01-000001"
    assert any("Drawer did not open" in p for p in posted.device_problems)


def test_no_drawer_no_payment(desk: Cashdesk, cashier: Operator) -> None:
    with pytest.raises(StateError, match="Open a drawer"):
        desk.payments.post_payment(cashier, sale(desk))
    assert count(desk, Receipt) == 0


def test_another_cashiers_drawer_is_refused(desk: Cashdesk, open_drawer: Operator) -> None:
    jose = desk.auth.sign_in("jose", "riverbend1")
    with pytest.raises(StateError, match="open for Maria Hernández"):
        desk.payments.post_payment(jose, sale(desk))


def test_auditor_cannot_take_payments(desk: Cashdesk, open_drawer: Operator) -> None:
    auditor = desk.auth.sign_in("auditor", "riverbend1")
    with pytest.raises(PermissionDenied, match="may not take payments"):
        desk.payments.post_payment(auditor, sale(desk))


def test_lead_voids_todays_receipt_with_reversing_entry(
    desk: Cashdesk, open_drawer: Operator, lead: Operator
) -> None:
    posted = desk.payments.post_payment(open_drawer, sale(desk))
    summary = desk.payments.void_receipt(lead, posted.number, reason="Keyed the wrong item")
    assert summary.status == "voided"
    with desk.ctx.sessions() as s:
        r = s.scalar(select(Receipt).where(Receipt.number == posted.number))
        assert r is not None
        assert (r.status, r.voided_by_id, r.void_reason) == (
            "voided",
            lead.user_id,
            "Keyed the wrong item",
        )
        entries = s.scalars(select(JournalEntry).where(JournalEntry.receipt_id == r.id)).all()
        assert sorted(e.kind for e in entries) == ["receipt", "void"]
        net: dict[str, int] = {}
        for e in entries:
            for j in e.lines:
                net[j.account] = net.get(j.account, 0) + j.debit_cents - j.credit_cents
        assert set(net.values()) == {0}  # the void undoes the receipt in every account
        assert s.scalar(select(OutboxRow).where(OutboxRow.kind == "void")) is not None
        audit = s.scalar(select(AuditEntry).where(AuditEntry.action == "receipt_voided"))
        assert audit is not None and audit.details["reason"] == "Keyed the wrong item"
    session = desk.drawers.current()
    assert session is not None
    assert desk.drawers.expected_cash(lead, session.id) == m("200.00")
    # The number stays used: the next receipt does not reuse it.
    assert desk.payments.post_payment(open_drawer, sale(desk)).number == "W01-000002"
    with pytest.raises(StateError, match="already voided"):
        desk.payments.void_receipt(lead, posted.number, reason="again")


def test_void_rules(desk: Cashdesk, open_drawer: Operator, lead: Operator, clock) -> None:  # type: ignore[no-untyped-def]
    posted = desk.payments.post_payment(open_drawer, sale(desk))
    with pytest.raises(PermissionDenied, match="lead cashier"):
        desk.payments.void_receipt(open_drawer, posted.number, reason="mistake")
    with pytest.raises(ValidationError, match="reason"):
        desk.payments.void_receipt(lead, posted.number, reason="  ")
    clock.advance(days=1)
    with pytest.raises(StateError, match="only today's"):
        desk.payments.void_receipt(lead, posted.number, reason="mistake")


@pytest.mark.parametrize(
    ("build", "error"),
    [
        (lambda d: d.catalog.catalog().line("NOPE"), "Unknown revenue code"),
        (lambda d: Money.parse("-3"), "negative"),
        (lambda d: Money.parse("twelve"), "dollar amount"),
        (
            lambda d: T.check(Money(cents=1), routing="123456789", account="1234", number="1"),
            "check digit",
        ),
    ],
)
def test_bad_input_changes_nothing(desk: Cashdesk, open_drawer: Operator, build, error) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Exception, match=error):
        build(desk)
    assert count(desk, Receipt) == 0


def test_check_over_the_due_is_refused_before_posting(
    desk: Cashdesk, open_drawer: Operator
) -> None:
    draft = sale(desk, T.cash(m("62.34")))
    draft.tenders.clear()
    draft.tenders.append(
        T.check(m("70"), routing="021000021", account="123456789", number="5")
    )  # bypasses add_tender, as a buggy front end might
    with pytest.raises(ValidationError, match="no cash back"):
        desk.payments.post_payment(open_drawer, draft)
    assert count(desk, Receipt) == 0 and count(desk, OutboxRow) == 1  # the drawer's row only


def test_cashier_sees_only_own_receipts(
    desk: Cashdesk, open_drawer: Operator, lead: Operator
) -> None:
    posted = desk.payments.post_payment(open_drawer, sale(desk))
    jose = desk.auth.sign_in("jose", "riverbend1")
    assert desk.payments.todays_receipts(jose) == []
    with pytest.raises(PermissionDenied):
        desk.payments.receipt_text(jose, posted.number)
    assert [r.number for r in desk.payments.todays_receipts(lead)] == [posted.number]
    assert posted.number in desk.payments.receipt_text(lead, posted.number)


def test_nothing_after_the_commit_can_make_a_posted_payment_look_failed(
    desk: Cashdesk, open_drawer: Operator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug or a full disk while recording the print, a display that throws: the payment
    is posted and the caller gets the receipt with the problems, never an exception."""

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("unexpected")

    monkeypatch.setattr(desk.ctx.devices.display, "show", broken)
    monkeypatch.setattr(desk.ctx.devices.drawer, "kick", broken)
    monkeypatch.setattr(type(desk.payments), "_print", broken)
    posted = desk.payments.post_payment(open_drawer, sale(desk))
    assert posted.number == "W01-000001" and not posted.printed
    assert any("did not print" in p for p in posted.device_problems)
    assert any("Cash drawer" in p for p in posted.device_problems)
    assert count(desk, Receipt) == 1
