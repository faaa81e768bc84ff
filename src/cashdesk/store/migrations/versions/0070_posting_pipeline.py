"""posting pipeline: license applications kept as data; what a license was before its renewal

Revision ID: 0070
Revises: 0060
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0070"
down_revision = "0060"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "license_applications",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("action", sa.String(length=12), nullable=False),
        sa.Column("summary", sa.String(length=200), nullable=False),
        sa.Column("params", sa.Text(), nullable=False),
        sa.Column("quoted_on", sa.Date(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("receipt_id", sa.String(length=36), nullable=True),
        sa.CheckConstraint(
            "status IN ('open','issued')", name=op.f("ck_license_applications_status")
        ),
        sa.ForeignKeyConstraint(
            ["receipt_id"],
            ["receipts.id"],
            name=op.f("fk_license_applications_receipt_id_receipts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_license_applications")),
    )
    with op.batch_alter_table("issued_licenses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prior", sa.Text(), nullable=False, server_default=""))
        batch_op.drop_constraint("uq_issued_licenses_application", type_="unique")
        batch_op.create_index(
            batch_op.f("ix_issued_licenses_application"), ["application"], unique=False
        )
    # A return of a receipt voided before this version was left behind by the void; the
    # period is open again (a void now removes the return with the receipt).
    op.execute(
        "DELETE FROM tot_returns WHERE receipt_id IN "
        "(SELECT id FROM receipts WHERE status = 'voided')"
    )


def downgrade() -> None:
    with op.batch_alter_table("issued_licenses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issued_licenses_application"))
        batch_op.create_unique_constraint("uq_issued_licenses_application", ["application"])
        batch_op.drop_column("prior")
    op.drop_table("license_applications")
