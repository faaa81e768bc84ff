"""seals: the audit chain keyed (HMAC), rows of record sealed, administrator recovery code

Issue 16, finding 4: the chain was plain SHA-256 with its head in the same file, so whoever
could write the file could rewrite it. At this upgrade:

- the existing chain is re-keyed in place: each entry is checked against the old (SHA-256)
  chain first and, while it holds, rehashed with HMAC-SHA256 under the audit key (kept outside
  the store, cashdesk.store.sealing). From the first entry that does not hold, nothing is
  rehashed, so `audit verify` keeps reporting that break: re-keying never launders an edit;
- receipts, lines, tenders, journal entries and lines and users get ``row_mac``, and the rows
  there are now are sealed as they stand (an edit made before the upgrade cannot be told);
- ``admin_recovery`` holds the hash of the administrator recovery code (finding 5).

The hashing is a frozen copy of cashdesk.domain.audit_chain and cashdesk.store.sealing as of
this revision; only the key is read through cashdesk (it lives outside the store).

Revision ID: 0080
Revises: 0090
Create Date: 2026-12-04
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0080"
down_revision = "0090"
branch_labels = None
depends_on = None

GENESIS = "0" * 64
SEALED = {
    "receipts": (
        ("id", "number", "workstation_id", "seq", "drawer_session_id", "cashier_id"),
        ("business_date", "posted_at", "payer", "total_cents", "tendered_cents", "change_cents"),
    ),
    "receipt_lines": (
        ("receipt_id", "line_no", "code", "description", "reference", "amount_cents"),
        ("gl_account",),
    ),
    "tenders": (
        ("receipt_id", "seq", "kind", "amount_cents", "check_routing", "check_account"),
        ("check_number", "card_last4", "card_approval", "reference"),
    ),
    "journal_entries": (
        ("id", "kind", "receipt_id", "workstation_id", "business_date", "posted_at"),
        ("description",),
    ),
    "journal_lines": (
        ("entry_id", "line_no", "account", "debit_cents", "credit_cents", "memo"),
        (),
    ),
    "users": (("id", "username"), ()),
}
_TIMES = {"posted_at"}
_DATES = {"business_date"}


def _utc(text_or_time: Any) -> dt.datetime:
    moment = (
        text_or_time
        if isinstance(text_or_time, dt.datetime)
        else dt.datetime.fromisoformat(str(text_or_time))
    )
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _plain(field: str, value: Any) -> Any:
    if value is None:
        return None
    if field in _TIMES:
        return _stamp(_utc(value))
    if field in _DATES:
        return value.isoformat() if isinstance(value, dt.date) else str(value)[:10]
    return value


def _seal(key: bytes, table: str, values: dict[str, Any]) -> str:
    canonical = json.dumps(
        {"table": table, **{k: _plain(k, v) for k, v in values.items()}},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode()
    return hmac.new(key, canonical, hashlib.sha256).hexdigest()


def _canonical(row: Any, prev: str) -> bytes:
    details = row.details if isinstance(row.details, dict) else json.loads(row.details or "{}")
    fields = {
        "id": row.id,
        "at": _stamp(_utc(row.at)),
        "workstation": row.workstation_id,
        "actor": row.actor_id,
        "approver": row.approver_id,
        "action": row.action,
        "subject": row.subject,
        "details": details,
        "prev": prev,
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _rekey_chain(conn: sa.Connection, key: bytes) -> None:
    log = sa.table(
        "audit_log",
        sa.column("id", sa.Integer()),
        sa.column("at", sa.String()),
        sa.column("workstation_id", sa.String()),
        sa.column("actor_id", sa.Integer()),
        sa.column("approver_id", sa.Integer()),
        sa.column("action", sa.String()),
        sa.column("subject", sa.String()),
        sa.column("details", sa.JSON()),
        sa.column("prev_hash", sa.String()),
        sa.column("entry_hash", sa.String()),
    )
    head = sa.table(
        "audit_chain_head",
        sa.column("id", sa.Integer()),
        sa.column("last_id", sa.Integer()),
        sa.column("last_hash", sa.String()),
    )
    old_prev, new_prev, expected_id = GENESIS, GENESIS, None
    head_row = conn.execute(sa.select(head.c.last_id, head.c.last_hash)).first()
    for row in conn.execute(sa.select(log).order_by(log.c.id)).all():
        try:
            old_hash = hashlib.sha256(_canonical(row, old_prev)).hexdigest()
        except (TypeError, ValueError):
            return
        holds = (
            row.prev_hash == old_prev
            and row.entry_hash == old_hash
            and (expected_id is None or row.id == expected_id)
        )
        if not holds:
            return  # from here on it stays as it was: `audit verify` reports the break
        new_hash = hmac.new(key, _canonical(row, new_prev), hashlib.sha256).hexdigest()
        conn.execute(
            log.update().where(log.c.id == row.id).values(prev_hash=new_prev, entry_hash=new_hash)
        )
        if head_row is not None and head_row.last_id == row.id and head_row.last_hash == old_hash:
            conn.execute(head.update().where(head.c.id == 1).values(last_hash=new_hash))
        old_prev, new_prev, expected_id = old_hash, new_hash, row.id + 1


def _seal_rows(conn: sa.Connection, key: bytes) -> None:
    for table_name, (first, rest) in SEALED.items():
        fields = (*first, *rest)
        table = sa.table(
            table_name,
            sa.column("rowid", sa.Integer()),
            *[sa.column(f) for f in fields],
            sa.column("row_mac", sa.String()),
        )
        for row in conn.execute(sa.select(table.c.rowid, *[table.c[f] for f in fields])).all():
            values = {f: getattr(row, f) for f in fields}
            conn.execute(
                table.update()
                .where(table.c.rowid == row.rowid)
                .values(row_mac=_seal(key, table_name, values))
            )


def upgrade() -> None:
    from cashdesk.store.sealing import audit_key  # the key only: it lives outside the store

    for table_name in SEALED:
        with op.batch_alter_table(table_name, schema=None) as batch_op:
            batch_op.add_column(sa.Column("row_mac", sa.String(length=64), nullable=True))
    op.create_table(
        "admin_recovery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_recovery")),
    )
    conn = op.get_bind()
    key = audit_key()
    _rekey_chain(conn, key)
    _seal_rows(conn, key)


def downgrade() -> None:
    op.drop_table("admin_recovery")
    for table_name in SEALED:
        with op.batch_alter_table(table_name, schema=None) as batch_op:
            batch_op.drop_column("row_mac")
