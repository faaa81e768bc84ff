"""Training receipts never reach the journal, the drawer, the outbox or the real numbering."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from cashdesk.domain import tender as T
from cashdesk.domain.money import Money
from cashdesk.errors import NotFound
from cashdesk.services.posting import NoRecord, Posting
from cashdesk.store.models import AuditEntry, JournalEntry, OutboxRow, Receipt, Workstation
from cashdesk.store.security_models import TrainingReceipt

from .conftest import Counter
from .support import PASSWORD, count, sale


def test_training_receipts_are_kept_apart(counter: Counter) -> None:
    desk, admin = counter.desk, counter.people["admin"]
    desk.users.set_training(admin, "jose", True)
    trainee = desk.auth.sign_in("jose", PASSWORD)
    before = {m: count(desk, m) for m in (Receipt, JournalEntry, OutboxRow)}
    drawer_before = desk.drawers.expected_cash(counter.people["lead"], counter.drawer_id)
    kicks_before = list(desk.ctx.devices.drawer.kicks)  # type: ignore[attr-defined]

    check = T.check(Money(cents=4000), routing="021000021", account="123456789", number="12")
    first = desk.payments.post_payment(trainee, sale(desk, check, T.cash(Money(cents=3000))))
    second = desk.payments.post_payment(trainee, sale(desk))
    assert (first.number, second.number) == ("W01-T000001", "W01-T000002")
    assert first.total == Money(cents=6234) and first.change == Money(cents=766)

    # Nothing real happened: no receipt, journal entry or outbox row; the drawer is as it was.
    assert {m: count(desk, m) for m in (Receipt, JournalEntry, OutboxRow)} == before
    assert desk.drawers.expected_cash(counter.people["lead"], counter.drawer_id) == drawer_before
    assert desk.ctx.devices.drawer.kicks == kicks_before  # type: ignore[attr-defined]
    assert count(desk, TrainingReceipt) == 2
    with desk.ctx.sessions() as s:
        assert not s.scalars(select(OutboxRow).where(OutboxRow.subject_id == first.id)).all()
        assert s.get(Workstation, "W01").last_receipt_seq == 1  # type: ignore[union-attr]
        audited = s.scalar(select(AuditEntry).where(AuditEntry.subject == first.number))
        assert audited is not None and audited.action == "training_receipt_posted"

    # The real series carries on without a gap.
    maria = counter.people["maria"]
    assert desk.payments.post_payment(maria, sale(desk)).number == "W01-000002"

    # Printed and previewed as what it is, with the check account masked.
    printed = desk.ctx.devices.printer.last_text  # type: ignore[attr-defined]
    assert "TRAINING — NOT A RECEIPT" in first.text
    assert first.text.count("TRAINING — NOT A RECEIPT") == 2  # top and bottom
    assert "****6789" in first.text and "123456789" not in first.text
    assert "TRAINING" not in printed  # maria's real receipt printed last, unlabelled

    # Not findable as a real receipt; listed and reprinted as training.
    with pytest.raises(NotFound):
        desk.payments.receipt_text(maria, first.number)
    assert [r.number for r in desk.training.receipts(trainee)] == [second.number, first.number]
    assert desk.training.receipts(maria) == []
    again = desk.training.reprint(trainee, first.number)
    assert "TRAINING — NOT A RECEIPT" in again.text


class _Spy(NoRecord):
    """A participant that notes which of its steps ran."""

    def __init__(self) -> None:
        super().__init__("spy", ())
        self.checked: list[str] = []
        self.applied: list[str] = []

    def check(self, posting: Posting) -> None:
        self.checked.append(posting.operator.username)

    def apply(self, posting: Posting, plan: None) -> None:
        self.applied.append(posting.posted.number)


def test_training_needs_no_drawer_and_runs_no_participant_apply(counter: Counter) -> None:
    desk = counter.desk
    desk.users.set_training(counter.people["admin"], "lead2", True)
    trainee = desk.auth.sign_in("lead2", "lead-two-pass")
    spy = _Spy()
    desk.payments.pipeline.register(spy)
    ran, checked = spy.applied, spy.checked
    posted = desk.payments.post_payment(trainee, sale(desk))
    assert posted.number == "W01-T000001"
    assert ran == [] and checked == ["lead2"]
