"""central ledger: each login writes only its own workstation's rows; audit chain heads

Revision ID: c0080
Revises: c0001
Create Date: 2026-12-04

A workstation login could insert rows in another workstation's name (a receipt W02-000003
"from" W01), so W02's real receipt was then refused as a duplicate and the gap report showed
a false gap (issue 16, finding 2). Now:

- ``workstation_logins`` maps each login role to the one workstation it writes for
  (``cashdesk central init --login w01 --workstation W01``).
- A BEFORE INSERT trigger on every ledger table checks the row's workstation against the
  inserting role (``current_user``): directly for tables with a ``workstation`` column, through
  the parent receipt or journal entry for lines, tenders and voids. A role in the workstation
  group with no mapping, or a mismatch, is refused (insufficient_privilege). Being a trigger,
  it holds whatever the INSERT looks like (single or multi-row, ``… SELECT``, ``ON CONFLICT``).
  Roles outside the group (the database owner running init, a superuser) are not bound.
- ``audit_chain_heads``: every head of each workstation's local audit chain that a sync sent
  (insert-only, like the rest); ``anchored_heads(ws)`` gives a workstation its own heads back,
  which ``audit verify`` and ``sync`` compare with the local chain.
"""

from __future__ import annotations

from alembic import op

revision = "c0080"
down_revision = "c0001"
branch_labels = None
depends_on = None

WORKSTATION_ROLE = "cashdesk_workstation"  # ledger.central.WORKSTATION_ROLE
BOUND = ("ledger_events", "receipts", "journal_entries", "drawer_sessions", "audit_chain_heads")
# table -> (parent table, column of the child holding the parent's id)
THROUGH_PARENT = {
    "receipt_lines": ("receipts", "receipt_id"),
    "tenders": ("receipts", "receipt_id"),
    "voids": ("receipts", "receipt_id"),
    "journal_lines": ("journal_entries", "entry_id"),
}

UPGRADE = f"""
CREATE TABLE workstation_logins (
    login        name PRIMARY KEY,
    workstation  text NOT NULL
);

CREATE TABLE audit_chain_heads (
    workstation  text        NOT NULL,
    last_id      bigint      NOT NULL CHECK (last_id >= 0),
    last_hash    text        NOT NULL,
    anchored_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workstation, last_id)
);

-- The workstation the inserting role may write for: NULL for roles outside the workstation
-- group (not bound), '' for a member with no mapping (bound to nothing: refused).
CREATE FUNCTION bound_workstation(role name) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT CASE
        WHEN (SELECT rolsuper FROM pg_roles WHERE rolname = role) THEN NULL
        WHEN NOT pg_has_role(role, '{WORKSTATION_ROLE}', 'MEMBER') THEN NULL
        ELSE coalesce((SELECT workstation FROM workstation_logins WHERE login = role), '')
    END
$$;

CREATE FUNCTION parent_workstation(parent text, id uuid) RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    found text;
BEGIN
    IF parent = 'receipts' THEN
        SELECT workstation INTO found FROM receipts WHERE receipts.id = parent_workstation.id;
    ELSIF parent = 'journal_entries' THEN
        SELECT workstation INTO found FROM journal_entries
        WHERE journal_entries.id = parent_workstation.id;
    END IF;
    RETURN found;
END
$$;

CREATE FUNCTION check_workstation_binding() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    allowed text := bound_workstation(current_user);
    row_ws text;
BEGIN
    IF allowed IS NULL THEN
        RETURN NEW;
    END IF;
    IF TG_NARGS = 0 THEN
        row_ws := NEW.workstation;
    ELSE
        row_ws := parent_workstation(TG_ARGV[0], (to_jsonb(NEW) ->> TG_ARGV[1])::uuid);
    END IF;
    IF allowed = '' OR row_ws IS DISTINCT FROM allowed THEN
        RAISE EXCEPTION 'login % may write only its own workstation''s rows (%), not %''s',
            current_user, nullif(allowed, ''), coalesce(row_ws, 'an unknown workstation')
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;

-- The heads anchored for ``ws``: a workstation login may read its own only.
CREATE FUNCTION anchored_heads(ws text) RETURNS TABLE (last_id bigint, last_hash text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    allowed text := bound_workstation(session_user);
BEGIN
    IF allowed IS NOT NULL AND allowed IS DISTINCT FROM ws THEN
        RAISE EXCEPTION 'login % may read only its own workstation''s chain heads', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN QUERY SELECT h.last_id, h.last_hash FROM audit_chain_heads h
        WHERE h.workstation = ws ORDER BY h.last_id;
END
$$;
REVOKE ALL ON FUNCTION anchored_heads(text) FROM PUBLIC;
"""


def upgrade() -> None:
    op.execute(UPGRADE)
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
    op.execute(
        "DROP FUNCTION anchored_heads(text), check_workstation_binding(), "
        "parent_workstation(text, uuid), bound_workstation(name);"
        "DROP TABLE audit_chain_heads, workstation_logins;"
    )
