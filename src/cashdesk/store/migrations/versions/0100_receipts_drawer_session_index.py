"""receipts by drawer session: an index, so a drawer's status, expected figures and the day
reports' per-drawer counts read the session's receipts, not the whole history

IF NOT EXISTS: the speed work declares the same index (same name, same column); whichever
revision runs first makes it and the other leaves it.

Revision ID: 0100
Revises: 0070
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

revision = "0100"
down_revision = "0070"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_receipts_drawer_session ON receipts (drawer_session_id)"
    )


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_receipts_drawer_session")
