"""The day's journal for the ERP, read from the journal entries of the business date.

Every stored entry of the date is exported as itself (its id, kind and lines): receipts,
voids, returned checks (the NSF reversal) and any kind a later change adds. The day's close
stores one summary entry ("day") whose first part restates the posted receipts (memo
``Receipts of the day``) and whose rest is the close's own postings: over/short of each
drawer count and the change fund's starting banks. The export takes only that rest from it,
as two entries of their own ("over_short", "change_fund"), so nothing is counted twice. A day
not yet closed gets the same two from the counts so far (provisional).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from cashdesk.domain.gl import JournalLine
from cashdesk.domain.money import Money
from cashdesk.reports.data import ExportedEntry, KindTotal
from cashdesk.store.models import JournalEntry, JournalLineRow

DAY_SUMMARY_KIND = "day"
# The day summary restates the receipts under this memo (domain.drawer.day_journal).
RECEIPTS_MEMO = "Receipts of the day"
OVER_SHORT_MEMO = "Over/short"


def stored_entries(s: Session, workstation_id: str, day: dt.date) -> list[ExportedEntry]:
    """Every journal entry of ``day`` but the day summary, in the order they were posted."""
    rows = s.scalars(
        select(JournalEntry)
        .where(
            JournalEntry.workstation_id == workstation_id,
            JournalEntry.business_date == day,
            JournalEntry.kind != DAY_SUMMARY_KIND,
        )
        .options(selectinload(JournalEntry.lines))
        .order_by(JournalEntry.posted_at, JournalEntry.id)
    )
    return [
        ExportedEntry(
            id=row.id,
            kind=row.kind,
            description=row.description,
            lines=tuple(jl.journal_line() for jl in row.lines),
        )
        for row in rows
    ]


def close_entries(entry_id: str, day_lines: tuple[JournalLine, ...]) -> list[ExportedEntry]:
    """The close's own postings out of the day summary's lines."""
    own = [line for line in day_lines if line.memo != RECEIPTS_MEMO]
    over_short = tuple(line for line in own if line.memo.startswith(OVER_SHORT_MEMO))
    change_fund = tuple(line for line in own if not line.memo.startswith(OVER_SHORT_MEMO))
    out = []
    if over_short:
        out.append(
            ExportedEntry(
                id=f"{entry_id}-OVER-SHORT",
                kind="over_short",
                description="Over/short of the day's drawer counts",
                lines=over_short,
            )
        )
    if change_fund:
        out.append(
            ExportedEntry(
                id=f"{entry_id}-CHANGE-FUND",
                kind="change_fund",
                description="Starting banks issued from and returned to the change fund",
                lines=change_fund,
            )
        )
    return out


def store_totals(s: Session, workstation_id: str, day: dt.date) -> list[KindTotal]:
    """The same figures counted by the store itself (stored entries only), for the lead's
    cross-check of the export."""
    debits: dict[str, int] = {
        kind: int(cents)
        for kind, cents in s.execute(
            select(JournalEntry.kind, func.coalesce(func.sum(JournalLineRow.debit_cents), 0))
            .join(JournalLineRow, JournalLineRow.entry_id == JournalEntry.id)
            .where(
                JournalEntry.workstation_id == workstation_id,
                JournalEntry.business_date == day,
                JournalEntry.kind != DAY_SUMMARY_KIND,
            )
            .group_by(JournalEntry.kind)
        )
    }
    counts = s.execute(
        select(JournalEntry.kind, func.count())
        .where(
            JournalEntry.workstation_id == workstation_id,
            JournalEntry.business_date == day,
            JournalEntry.kind != DAY_SUMMARY_KIND,
        )
        .group_by(JournalEntry.kind)
    ).all()
    return [
        KindTotal(kind, int(n), Money(cents=int(debits.get(kind, 0)))) for kind, n in sorted(counts)
    ]
