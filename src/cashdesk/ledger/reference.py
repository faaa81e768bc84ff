"""Pulling the city's records from the central ledger into the workstation's cache.

Incremental by transaction: every central reference row carries ``change_xid``, the id of the
transaction that last wrote it (a trigger sets it). A pull reads, in one REPEATABLE READ
snapshot, the rows written by transactions with ids in [cursor, xmin), where xmin is the
oldest transaction still running at the snapshot: everything below xmin has finished, so no
row can commit later with an id the cursor already passed (the trap of "updated_at >
last pull" or a plain sequence, where a slow transaction commits behind the cursor). The new
cursor is xmin; rows of transactions still running are picked up next time.

Local changes are never overwritten by a central row that does not know of them yet. A
payment taken at this counter updates the cache at once (the records area's posted-hooks);
the central row shows that payment only once the receipt has been synced AND the city's
systems have processed it. So a pulled row whose key (account, citation or license number)
is named by an outbox row that is either not yet sent, or was sent after the central row was
last changed (``updated_at``), is held back: not applied, and the table's cursor stays at that
row's transaction so later pulls fetch it again (re-applying the rows after it is harmless).
As soon as the city changes the row after the payment arrived, the central row wins. Only
outbox rows sent within ``HOLD_WINDOW`` count, so a row the city never touches again is not
held for ever. (The comparison mixes the workstation's clock with the server's; a clock
skew of a few seconds only delays or hastens a hold by as much.)
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from cashdesk.store.engine import transaction
from cashdesk.store.ledger_models import ReferenceCursorRow
from cashdesk.store.models import Base
from cashdesk.store.reference_models import (
    AnimalLicenseRow,
    BusinessLicenseRow,
    CitationRow,
    ReturnedCheckRow,
    UtilityAccountRow,
    UtilityBillItemRow,
)

HOLD_WINDOW = dt.timedelta(days=7)

# key value -> None when a row naming it is still unsent, else when the last one was sent
Protected = Mapping[str, dt.datetime | None]


@dataclass(frozen=True, slots=True)
class ReferenceTable:
    model: type[Base]
    key: tuple[str, ...]  # how a central row finds its local row
    protect: str | None  # the column whose value, named by an unsent outbox row, holds it back

    @property
    def table(self) -> Table:
        table = self.model.__table__
        assert isinstance(table, Table)
        return table

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def pk(self) -> str:
        (column,) = self.table.primary_key.columns
        return column.name

    @property
    def columns(self) -> list[str]:
        """The columns a pull writes (a local surrogate id is not the central one's)."""
        if self.pk in self.key:
            return [c.name for c in self.table.columns]
        return [c.name for c in self.table.columns if c.name != self.pk]


# Parents first (bill items refer to accounts).
TABLES = (
    ReferenceTable(UtilityAccountRow, ("account_no",), "account_no"),
    # Bill items keep the central item id: the first load numbers them in file order on both
    # sides, and only the central billing system creates them.
    ReferenceTable(UtilityBillItemRow, ("id",), "account_no"),
    ReferenceTable(CitationRow, ("citation_no",), "citation_no"),
    ReferenceTable(BusinessLicenseRow, ("license_no",), "license_no"),
    ReferenceTable(AnimalLicenseRow, ("license_no",), "license_no"),
    # A counter may add returned checks of its own (NSF processing): matched by the check,
    # never by a surrogate id that could name a different local row.
    ReferenceTable(ReturnedCheckRow, ("routing", "account", "returned_on"), None),
)


@dataclass(slots=True)
class PullOutcome:
    applied: Counter[str] = field(default_factory=Counter)
    deleted: Counter[str] = field(default_factory=Counter)
    held: Counter[str] = field(default_factory=Counter)

    def lines(self) -> list[str]:
        out = []
        for spec in TABLES:
            name = spec.name
            parts = []
            if self.applied[name]:
                parts.append(f"{self.applied[name]} updated")
            if self.deleted[name]:
                parts.append(f"{self.deleted[name]} retired")
            if self.held[name]:
                parts.append(f"{self.held[name]} held back (unsent payments here)")
            if parts:
                out.append(f"{name.replace('_', ' ')}: {', '.join(parts)}")
        return out


def _central_rows(
    cur: psycopg.Cursor[Any], spec: ReferenceTable, since: int, below: int
) -> list[dict[str, Any]]:
    names = list(dict.fromkeys([*spec.key, *spec.columns]))
    cur.execute(
        sql.SQL(
            "SELECT {}, deleted, updated_at, change_xid::text::bigint FROM {} "
            "WHERE change_xid >= %s::text::xid8 AND change_xid < %s::text::xid8 "
            "ORDER BY change_xid"
        ).format(sql.SQL(", ").join(map(sql.Identifier, names)), sql.Identifier(spec.name)),
        (str(since), str(below)),
    )
    return [
        {
            **dict(zip(names, row[:-3], strict=True)),
            "_deleted": row[-3],
            "_updated_at": row[-2],
            "_xid": row[-1],
        }
        for row in cur.fetchall()
    ]


def _held(row: dict[str, Any], spec: ReferenceTable, protected: Protected) -> bool:
    if spec.protect is None:
        return False
    key = str(row[spec.protect])
    if key not in protected:
        return False
    sent_at = protected[key]
    return sent_at is None or row["_updated_at"] <= sent_at


def _apply(
    s: Session, spec: ReferenceTable, rows: list[dict[str, Any]], protected: Protected
) -> tuple[int, int, int, int | None]:
    """Write central rows into the cache; returns (applied, deleted, held, lowest held xid)."""
    table = spec.table
    key_cols = [table.c[k] for k in spec.key]
    local = {tuple(r[1:]): r[0] for r in s.execute(select(table.c[spec.pk], *key_cols))}
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    deletes: list[dict[str, Any]] = []
    held = 0
    held_xid: int | None = None
    for row in rows:
        if _held(row, spec, protected):
            held += 1
            held_xid = row["_xid"] if held_xid is None else min(held_xid, row["_xid"])
            continue
        existing = local.get(tuple(row[k] for k in spec.key))
        values = {c: row[c] for c in spec.columns}
        if row["_deleted"]:
            if existing is not None:
                deletes.append({"key_": existing})
        elif existing is None:
            inserts.append(values)
        else:
            updates.append({"key_": existing, **values})
    pk = table.c[spec.pk]
    if deletes:
        s.execute(delete(table).where(pk == bindparam("key_")), deletes)
    if updates:
        s.execute(update(table).where(pk == bindparam("key_")), updates)
    if inserts:
        s.execute(insert(table), inserts)
    return len(inserts) + len(updates), len(deletes), held, held_xid


def pull_reference(
    conn: psycopg.Connection[Any],
    sessions: sessionmaker[Session],
    *,
    protected: Protected,
    now: dt.datetime,
) -> PullOutcome:
    outcome = PullOutcome()
    with sessions() as s:
        cursors = {c.table_name: c.version for c in s.scalars(select(ReferenceCursorRow))}
    with conn.transaction(), conn.cursor() as cur:
        cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cur.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
        xmin_row = cur.fetchone()
        assert xmin_row is not None
        xmin = int(xmin_row[0])
        fetched = {
            spec.name: _central_rows(cur, spec, cursors.get(spec.name, 0), xmin) for spec in TABLES
        }
    with transaction(sessions) as s:
        for spec in TABLES:
            rows = fetched[spec.name]
            applied, deleted, held, held_xid = _apply(s, spec, rows, protected)
            outcome.applied[spec.name] += applied
            outcome.deleted[spec.name] += deleted
            outcome.held[spec.name] += held
            cursor = s.get(ReferenceCursorRow, spec.name)
            if cursor is None:
                cursor = ReferenceCursorRow(table_name=spec.name, version=0)
                s.add(cursor)
            cursor.version = xmin if held_xid is None else held_xid
            cursor.pulled_at = now
    return outcome
