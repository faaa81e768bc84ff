"""history indexes: reads that follow the day, not the history; the check's marks

Indexes for the reads a counter day makes (a drawer's receipts, the day's receipts in number
order, a receipt's journal entries, the outbox rows still waiting, the day's drawer sessions
and deposits), and ``integrity_marks``, where a clean ``cashdesk check`` records how far it
got so the next one reads only what came after.

Revision ID: 0090
Revises: 0070
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0090"
down_revision = "0070"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_receipts_day", "receipts", ["workstation_id", "business_date", "seq"])
    op.create_index("ix_receipts_drawer_session", "receipts", ["drawer_session_id"])
    op.create_index("ix_journal_entries_receipt", "journal_entries", ["receipt_id"])
    op.create_index(
        "ix_outbox_waiting",
        "outbox",
        ["id"],
        sqlite_where=sa.text("sent_at IS NULL"),
        postgresql_where=sa.text("sent_at IS NULL"),
    )
    op.create_index(
        "ix_drawer_sessions_day", "drawer_sessions", ["workstation_id", "business_date"]
    )
    op.create_index("ix_drawer_sessions_handed_from", "drawer_sessions", ["handed_from_id"])
    op.create_index("ix_deposits_day", "deposits", ["workstation_id", "business_date"])
    # A void's undo reads the licenses its receipt issued.
    op.create_index("ix_issued_licenses_receipt_id", "issued_licenses", ["receipt_id"])
    op.create_table(
        "integrity_marks",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("checked_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_integrity_marks")),
    )


def downgrade() -> None:
    op.drop_table("integrity_marks")
    op.drop_index("ix_issued_licenses_receipt_id", table_name="issued_licenses")
    op.drop_index("ix_deposits_day", table_name="deposits")
    op.drop_index("ix_drawer_sessions_handed_from", table_name="drawer_sessions")
    op.drop_index("ix_drawer_sessions_day", table_name="drawer_sessions")
    op.drop_index("ix_outbox_waiting", table_name="outbox")
    op.drop_index("ix_journal_entries_receipt", table_name="journal_entries")
    op.drop_index("ix_receipts_drawer_session", table_name="receipts")
    op.drop_index("ix_receipts_day", table_name="receipts")
