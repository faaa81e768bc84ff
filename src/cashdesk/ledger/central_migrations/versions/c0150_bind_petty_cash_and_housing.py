"""central ledger: the workstation binding covers petty cash and housing tables

Revision ID: c0150
Revises: c0140
Create Date: 2026-12-04

c0140 added petty cash and housing tables after c0080 bound every ledger table to its
workstation login, so a w01 login could insert vouchers, counts, replenishments or housing
events in W02's name. The same BEFORE INSERT trigger (``check_workstation_binding``) now
guards them: directly for tables with a ``workstation`` column, through the parent
replenishment for the replenishment's vouchers and the check received.
``parent_workstation`` learns the new parent table.
"""

from __future__ import annotations

from alembic import op

revision = "c0150"
down_revision = "c0140"
branch_labels = None
depends_on = None

BOUND = (
    "petty_cash_vouchers",
    "petty_cash_replenishments",
    "petty_cash_counts",
    "housing_application_events",
)
# table -> (parent table, column of the child holding the parent's id)
THROUGH_PARENT = {
    "petty_cash_replenishment_vouchers": ("petty_cash_replenishments", "replenishment_id"),
    "petty_cash_checks_received": ("petty_cash_replenishments", "replenishment_id"),
}


def _parent_workstation(with_replenishments: bool) -> str:
    replenishments = (
        """
    ELSIF parent = 'petty_cash_replenishments' THEN
        SELECT workstation INTO found FROM petty_cash_replenishments
        WHERE petty_cash_replenishments.id = parent_workstation.id;"""
        if with_replenishments
        else ""
    )
    return f"""
CREATE OR REPLACE FUNCTION parent_workstation(parent text, id uuid) RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    found text;
BEGIN
    IF parent = 'receipts' THEN
        SELECT workstation INTO found FROM receipts WHERE receipts.id = parent_workstation.id;
    ELSIF parent = 'journal_entries' THEN
        SELECT workstation INTO found FROM journal_entries
        WHERE journal_entries.id = parent_workstation.id;{replenishments}
    END IF;
    RETURN found;
END
$$;
"""


def upgrade() -> None:
    op.execute(_parent_workstation(with_replenishments=True))
    for table in BOUND:
        op.execute(
            f"CREATE TRIGGER bind_{table}_workstation BEFORE INSERT ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION check_workstation_binding()"
        )
    for table, (parent, column) in THROUGH_PARENT.items():
        op.execute(
            f"CREATE TRIGGER bind_{table}_workstation BEFORE INSERT ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION check_workstation_binding('{parent}', '{column}')"
        )


def downgrade() -> None:
    for table in (*BOUND, *THROUGH_PARENT):
        op.execute(f"DROP TRIGGER bind_{table}_workstation ON {table}")
    op.execute(_parent_workstation(with_replenishments=False))
