"""The day's journal export holds every journal entry of the business date, of every kind, and
its debits and credits per account are the store's journal lines of the date."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from decimal import Decimal

import pytest
from drawer_helpers import DAY, Pay, simulate_day
from sqlalchemy import func, select

from cashdesk.app import Cashdesk
from cashdesk.clock import FixedClock
from cashdesk.domain.roles import Operator
from cashdesk.reports.journal import journal_beancount, journal_csv
from cashdesk.store.models import JournalEntry, JournalLineRow, Receipt

STORED_KINDS = ("receipt", "void", "nsf")
CLOSE_KINDS = ("over_short", "change_fund")


@pytest.fixture
def day_with_nsf(
    desk: Cashdesk, people: dict[str, Operator], pay: Pay, clock: FixedClock
) -> dict[str, Operator]:
    """The simulated day, with maria's $40.00 check (GOLF-R, check 1001) returned before
    the close (the NSF reversal: debit the revenue, credit pooled cash)."""
    simulate_day(desk, people, pay, clock, close=False)
    with desk.ctx.sessions() as s:
        number = s.scalar(
            select(Receipt.number)
            .join(Receipt.lines)
            .where(Receipt.business_date == DAY)
            .where(Receipt.total_cents == 4000)
            .limit(1)
        )
    assert number is not None
    desk.records.process_returned_check(people["lead"], number)
    return people


def csv_rows(desk: Cashdesk, operator: Operator) -> list[dict[str, str]]:
    export = desk.day_reports.journal(operator, DAY)
    return list(csv.DictReader(io.StringIO(journal_csv(export))))


def per_account(rows: list[dict[str, str]]) -> dict[str, tuple[Decimal, Decimal]]:
    sums: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for row in rows:
        sums[row["account"]][0] += Decimal(row["debit"])
        sums[row["account"]][1] += Decimal(row["credit"])
    return {a: (d, c) for a, (d, c) in sums.items()}


def store_per_account(
    desk: Cashdesk, *, kinds: tuple[str, ...]
) -> dict[str, tuple[Decimal, Decimal]]:
    with desk.ctx.sessions() as s:
        rows = s.execute(
            select(
                JournalLineRow.account,
                func.sum(JournalLineRow.debit_cents),
                func.sum(JournalLineRow.credit_cents),
            )
            .join(JournalEntry, JournalEntry.id == JournalLineRow.entry_id)
            .where(JournalEntry.business_date == DAY, JournalEntry.kind.in_(kinds))
            .group_by(JournalLineRow.account)
        ).all()
    return {a: (Decimal(d) / 100, Decimal(c) / 100) for a, d, c in rows}


@pytest.mark.parametrize("kind", STORED_KINDS)
def test_each_stored_entry_kind_is_in_the_export(
    desk: Cashdesk, day_with_nsf: dict[str, Operator], kind: str
) -> None:
    lead = day_with_nsf["lead"]
    desk.day_close.close_day(lead)
    rows = [r for r in csv_rows(desk, lead) if r["kind"] == kind]
    with desk.ctx.sessions() as s:
        entries = s.scalars(
            select(JournalEntry).where(JournalEntry.business_date == DAY, JournalEntry.kind == kind)
        ).all()
        stored = sorted(
            (e.id, jl.account, jl.debit_cents, jl.credit_cents) for e in entries for jl in e.lines
        )
    assert entries, f"the simulated day has {kind} entries"
    exported = sorted(
        (
            r["journal_id"],
            r["account"],
            int(Decimal(r["debit"]) * 100),
            int(Decimal(r["credit"]) * 100),
        )
        for r in rows
    )
    assert exported == stored


@pytest.mark.parametrize("kind", CLOSE_KINDS)
def test_the_closes_own_postings_are_in_the_export(
    desk: Cashdesk, day_with_nsf: dict[str, Operator], kind: str
) -> None:
    lead = day_with_nsf["lead"]
    closed = desk.day_close.close_day(lead)
    rows = [r for r in csv_rows(desk, lead) if r["kind"] == kind]
    assert rows
    close_lines = [
        (line.account, line.debit.plain(), line.credit.plain(), line.memo)
        for line in closed.report.journal
        if line.memo.startswith("Over/short") == (kind == "over_short")
        and line.memo != "Receipts of the day"
    ]
    assert sorted(
        (r["account"], r["debit"], r["credit"], r["description"]) for r in rows
    ) == sorted(close_lines)
    if kind == "over_short":  # kim $12.35 short, drawer 2 $7.00 over
        nets = sorted(
            Decimal(r["debit"]) - Decimal(r["credit"])
            for r in rows
            if r["account"] != "101-000-10100"
        )
        assert nets == [Decimal("-7.00"), Decimal("12.35")]


def test_the_nsf_reversal_of_the_issue_is_exported(
    desk: Cashdesk, day_with_nsf: dict[str, Operator]
) -> None:
    rows = [r for r in csv_rows(desk, day_with_nsf["lead"]) if r["kind"] == "nsf"]
    assert {(r["account"], r["debit"], r["credit"]) for r in rows} == {
        ("520-700-34720", "40.00", "0.00"),  # the golf card's revenue given back
        ("520-000-10100", "0.00", "40.00"),  # the golf fund's pooled cash the bank took
    }


def test_export_debits_and_credits_per_account_are_the_days_journal_lines(
    desk: Cashdesk, day_with_nsf: dict[str, Operator]
) -> None:
    """Before the close there is no summary entry: the export is exactly the journal lines
    stored for the date, plus the counts' over/short and change fund (provisional)."""
    lead = day_with_nsf["lead"]
    rows = csv_rows(desk, lead)
    stored_rows = [r for r in rows if r["kind"] not in CLOSE_KINDS]
    with desk.ctx.sessions() as s:
        kinds = tuple(
            s.scalars(select(JournalEntry.kind).where(JournalEntry.business_date == DAY).distinct())
        )
    assert set(kinds) == set(STORED_KINDS)
    assert per_account(stored_rows) == store_per_account(desk, kinds=kinds)
    # After the close, the same: the summary entry restates the receipts and is not exported.
    desk.day_close.close_day(lead)
    closed_rows = [r for r in csv_rows(desk, lead) if r["kind"] not in CLOSE_KINDS]
    assert per_account(closed_rows) == store_per_account(desk, kinds=STORED_KINDS)
    debits = sum(Decimal(r["debit"]) for r in csv_rows(desk, lead))
    credits = sum(Decimal(r["credit"]) for r in csv_rows(desk, lead))
    assert debits == credits


def test_export_counts_by_kind_equal_the_stores(
    desk: Cashdesk, day_with_nsf: dict[str, Operator]
) -> None:
    lead = day_with_nsf["lead"]
    desk.day_close.close_day(lead)
    export = desk.day_reports.journal(lead, DAY)
    totals = {t.kind: (t.entries, t.debits) for t in export.totals}
    assert {t.kind: (t.entries, t.debits) for t in export.store_totals} == {
        k: v for k, v in totals.items() if k in STORED_KINDS
    }
    with desk.ctx.sessions() as s:
        receipts = s.scalar(
            select(func.count()).select_from(Receipt).where(Receipt.business_date == DAY)
        )
    assert totals["receipt"][0] == receipts and totals["void"][0] == 1 and totals["nsf"][0] == 1
    text = journal_beancount(export)
    assert text.count('kind: "') == len(export.entries)
