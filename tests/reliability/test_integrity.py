"""The integrity checks find each kind of damage they are there for (and pass a whole store)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from cashdesk.app import Cashdesk
from cashdesk.domain import tender as T
from cashdesk.domain.money import Money
from cashdesk.domain.receipt import ReceiptDraft
from cashdesk.domain.roles import Operator
from cashdesk.store import integrity
from cashdesk.store.integrity import (
    Marks,
    Problem,
    check_database,
    integrity_check,
    run_checks,
    stored_marks,
)


@pytest.fixture
def posted(desk: Cashdesk, open_drawer: Operator) -> Cashdesk:
    """Three receipts (cash with change, check, card) and the second one voided."""
    catalog = desk.catalog.catalog()
    tenders = [
        T.cash(Money(cents=5000)),
        T.check(Money(cents=4000), routing="021000021", account="123456789", number="77"),
        T.card(Money(cents=4000), last4="4242", approval="AB12"),
    ]
    for tender in tenders:
        draft = ReceiptDraft(payer="Ana")
        draft.add_line(catalog.line("GOLF-R"))
        draft.add_tender(tender)
        desk.payments.post_payment(open_drawer, draft)
    desk.payments.void_receipt(desk.auth.sign_in("lead", "riverbend1"), "W01-000002", reason="dup")
    return desk


def problems_after(desk: Cashdesk, *damage: str, since: Marks | None = None) -> set[str]:
    with desk.ctx.sessions() as s, s.begin():
        for sql in damage:
            s.execute(text(sql))
    with desk.ctx.sessions() as s:
        return {str(p) for p in run_checks(s, since=since).problems}


R1 = "(SELECT id FROM receipts WHERE number = 'W01-000001')"


def test_a_whole_store_passes(posted: Cashdesk) -> None:
    with posted.ctx.sessions() as s:
        report = run_checks(s)
    assert report.ok, report.problems
    assert report.counts["receipts"] == 3 and report.counts["journal_entries"] == 4
    assert "7 checks over 3 receipts" in report.summary()


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (
            [f"DELETE FROM tenders WHERE receipt_id = {R1}"],
            {"[receipts complete] W01-000001: no tenders"},
        ),
        (
            [
                "DELETE FROM journal_lines WHERE id = (SELECT min(l.id) FROM journal_lines l "
                f"JOIN journal_entries e ON e.id = l.entry_id WHERE e.receipt_id = {R1})"
            ],
            {"has 1 line(s)"},
        ),
        (
            [
                "UPDATE journal_lines SET debit_cents = debit_cents + 1 WHERE debit_cents > 0 "
                f"AND entry_id = (SELECT id FROM journal_entries WHERE receipt_id = {R1})"
            ],
            {"debits 4001 and credits 4000 (cents) differ"},
        ),
        (
            ["DELETE FROM audit_log WHERE subject = 'W01-000003'"],
            {"[receipts complete] W01-000003: 0 audit entries for posting"},
        ),
        (
            ["UPDATE workstations SET last_receipt_seq = 5"],
            {"[receipt numbers] W01: 2 number(s) used but missing: W01-000004, W01-000005"},
        ),
        (
            [f"UPDATE receipts SET total_cents = 4100, tendered_cents = 5100 WHERE id = {R1}"],
            {
                "[receipts complete] W01-000001: lines add up to 4000, not the total 4100",
                "[receipts complete] W01-000001: tenders add up to 5000, not 5100",
            },
        ),
        (
            ["UPDATE receipts SET status = 'posted' WHERE number = 'W01-000002'"],
            {"[receipts complete] W01-000002: not voided, yet 1 reversing entries"},
        ),
        (
            [f"UPDATE tenders SET amount_cents = 9000 WHERE receipt_id = {R1}"],
            {"expected cash 28000 from the tenders but 24000 from the outbox"},
        ),
        (
            ["UPDATE audit_log SET id = id + 1000 WHERE subject = 'W01-000001'"],
            {"[posting order] W01-000001: out of number order in the audit log"},
        ),
    ],
)
@pytest.mark.parametrize("incremental", [False, True], ids=["full", "incremental"])
def test_each_kind_of_damage_is_found(
    posted: Cashdesk, damage: list[str], expected: set[str], incremental: bool
) -> None:
    # Incrementally from no marks at all, every row is new: the incremental forms must find
    # the same damage (the drawer cash one per receipt rather than per drawer).
    if incremental:
        expected = {
            "the outbox copy says 4000 cash" if "from the outbox" in fragment else fragment
            for fragment in expected
        }
    found = problems_after(posted, *damage, since=Marks({}) if incremental else None)
    for fragment in expected:
        assert any(fragment in problem for problem in found), (fragment, found)


def test_the_check_reads_only_what_changed_since_the_last_clean_one(
    posted: Cashdesk, open_drawer: Operator
) -> None:
    path = Path(str(posted.engine.url.database))
    first = check_database(path)
    assert first.ok and not first.incremental  # no marks yet: everything is read
    with posted.ctx.sessions() as s:
        marks = stored_marks(s)
    assert marks is not None and marks.after("receipts") == 3 and marks.after("seq:W01") == 3
    # A later receipt, and damage to one checked before the marks: the incremental check
    # reads the new receipt only; --full finds the old damage.
    draft = ReceiptDraft(payer="Bo")
    draft.add_line(posted.catalog.catalog().line("GOLF-R"))
    draft.add_tender(T.cash(Money(cents=4000)))
    posted.payments.post_payment(open_drawer, draft)
    with posted.ctx.sessions() as s, s.begin():
        s.execute(text(f"DELETE FROM tenders WHERE receipt_id = {R1}"))
        s.execute(text("DELETE FROM audit_log WHERE subject = 'W01-000004'"))
    second = check_database(path)
    assert second.incremental and second.counts["receipts"] == 1
    assert "since the last clean check (1 receipts" in second.summary()
    assert {str(p) for p in second.problems} == {
        "[receipts complete] W01-000004: 0 audit entries for posting"
    }
    full = check_database(path, full=True)
    assert {
        "[receipts complete] W01-000001: no tenders",
        "[receipts complete] W01-000004: 0 audit entries for posting",
    } <= {str(p) for p in full.problems}
    with posted.ctx.sessions() as s:  # a check with problems leaves the marks where they were
        assert stored_marks(s) == marks


def test_an_area_adds_its_own_check(posted: Cashdesk) -> None:
    @integrity_check("deposits balanced")
    def _deposits(s: Session) -> Iterator[Problem]:
        yield Problem("deposits balanced", "deposit 1", "slip total differs")

    try:
        with posted.ctx.sessions() as s:
            report = run_checks(s)
        assert "deposits balanced" in report.checks_run
        assert [str(p) for p in report.problems] == [
            "[deposits balanced] deposit 1: slip total differs"
        ]
    finally:
        del integrity.CHECKS["deposits balanced"]
