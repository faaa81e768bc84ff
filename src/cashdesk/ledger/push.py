"""Pushing a batch of outbox rows into the central ledger, idempotently.

One central transaction per batch: the raw events go in with ``INSERT … ON CONFLICT (uuid) DO
NOTHING RETURNING uuid``, and only the events that were new get their typed rows, so a batch
sent twice (the workstation died before it could mark the rows sent) changes nothing the
second time: at-least-once delivery, exactly-once effect.

When the server refuses something in the batch (a constraint or a bad value), the batch is
sent again row by row, each in a savepoint, so the one bad row is set aside (the caller puts
it in the exceptions queue) and every other row still goes in. Connection and server failures
are not the row's fault: they propagate, nothing is marked, and the caller retries later.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql

from cashdesk.errors import CashdeskError
from cashdesk.ledger.projections import TABLE_ORDER, OutboxEvent, Row, project

# What makes one row unacceptable (as opposed to the network or server being unwell).
ROW_REFUSALS: tuple[type[BaseException], ...] = (
    psycopg.errors.IntegrityError,
    psycopg.errors.DataError,
)
PAYLOAD_REFUSALS: tuple[type[BaseException], ...] = (ValueError, KeyError, TypeError, CashdeskError)

# A batch travels as one JSON document per statement (json.dumps is C; adapting arrays or
# thousands of executemany parameters in Python was most of the push time).
INSERT_EVENTS = """
INSERT INTO ledger_events (uuid, workstation, outbox_id, kind, subject_id, payload, created_at)
SELECT (e->>'uuid')::uuid, e->>'workstation', (e->>'outbox_id')::bigint, e->>'kind',
       e->>'subject_id', e->'payload', (e->>'created_at')::timestamptz
FROM jsonb_array_elements(%s::jsonb) AS e
ON CONFLICT (uuid) DO NOTHING
RETURNING uuid::text
"""


@dataclass(slots=True)
class BatchOutcome:
    """What the central ledger did with a batch. ``accepted`` are the outbox ids now held
    centrally (new or already there); ``refused`` pairs each refused event with the reason."""

    accepted: list[int] = field(default_factory=list)
    new: Counter[str] = field(default_factory=Counter)  # kind -> rows stored by this batch
    already_there: int = 0
    refused: list[tuple[OutboxEvent, str]] = field(default_factory=list)


def _describe(err: BaseException) -> str:
    if isinstance(err, psycopg.Error):
        diag = err.diag
        detail = f" ({diag.message_detail})" if diag.message_detail else ""
        where = f" [{diag.constraint_name}]" if diag.constraint_name else ""
        return f"{diag.message_primary or err}{detail}{where}"[:1000]
    if isinstance(err, KeyError):
        return f"the payload has no {err.args[0]!r}"
    return f"{type(err).__name__}: {err}"[:1000]


def _json(value: object) -> str:
    def encode(o: object) -> str:
        if isinstance(o, dt.date | dt.datetime):
            return o.isoformat()
        raise TypeError(f"{type(o).__name__} is not JSON")

    return json.dumps(value, default=encode, ensure_ascii=False)


def _insert_events(cur: psycopg.Cursor[Any], events: Sequence[OutboxEvent]) -> set[str]:
    document = [
        {
            "uuid": e.uuid,
            "workstation": e.workstation,
            "outbox_id": e.outbox_id,
            "kind": e.kind,
            "subject_id": e.subject_id,
            "payload": e.payload,
            "created_at": e.created_at,
        }
        for e in events
    ]
    cur.execute(INSERT_EVENTS, (_json(document),))
    return {row[0] for row in cur.fetchall()}


def _insert_rows(cur: psycopg.Cursor[Any], rows: Sequence[Row]) -> None:
    """One COPY per table and column set, parents first. The rows belong to events that were
    new in this transaction (``_insert_events``), so nothing is there to conflict with; a row
    the server refuses (a constraint, the workstation-binding trigger, which COPY fires like
    any INSERT) fails the batch as an INSERT would, and ``push_batch`` goes row by row."""
    by_shape: dict[tuple[str, tuple[str, ...]], list[dict[str, Any]]] = defaultdict(list)
    for table, values in rows:
        by_shape[(table, tuple(values))].append(values)
    order = {table: i for i, table in enumerate(TABLE_ORDER)}
    for (table, columns), batch in sorted(
        by_shape.items(), key=lambda item: order.get(item[0][0], len(order))
    ):
        names = sql.SQL(", ").join(map(sql.Identifier, columns))
        statement = sql.SQL("COPY {table} ({names}) FROM STDIN").format(
            table=sql.Identifier(table), names=names
        )
        with cur.copy(statement) as copy:
            for values in batch:
                copy.write_row([_copy_value(values[c]) for c in columns])


def _copy_value(value: object) -> object:
    # COPY's text format takes a dict or list only as JSON text.
    return _json(value) if isinstance(value, dict | list) else value


def push_batch(conn: psycopg.Connection[Any], events: Sequence[OutboxEvent]) -> BatchOutcome:
    """Store ``events`` centrally and commit. Raises psycopg errors other than row refusals
    (the connection dropped, the server went away): then nothing may be marked sent."""
    outcome = BatchOutcome()
    projected: list[tuple[OutboxEvent, list[Row]]] = []
    for event in events:
        try:
            projected.append((event, project(event)))
        except PAYLOAD_REFUSALS as err:
            outcome.refused.append((event, _describe(err)))
    if not projected:
        return outcome
    try:
        with conn.transaction(), conn.cursor() as cur:
            new = _insert_events(cur, [e for e, _ in projected])
            _insert_rows(cur, [row for e, rows in projected if e.uuid in new for row in rows])
    except ROW_REFUSALS:
        # Someone in the batch is refused: find out who, one savepoint per row.
        return _push_one_by_one(conn, projected, outcome)
    for event, _ in projected:
        outcome.accepted.append(event.outbox_id)
        if event.uuid in new:
            outcome.new[event.kind] += 1
        else:
            outcome.already_there += 1
    return outcome


def _push_one_by_one(
    conn: psycopg.Connection[Any],
    projected: list[tuple[OutboxEvent, list[Row]]],
    outcome: BatchOutcome,
) -> BatchOutcome:
    accepted: list[tuple[OutboxEvent, bool]] = []
    refused: list[tuple[OutboxEvent, str]] = []
    with conn.transaction(), conn.cursor() as cur:
        for event, rows in projected:
            try:
                with conn.transaction():  # a savepoint
                    is_new = bool(_insert_events(cur, [event]))
                    if is_new:
                        _insert_rows(cur, rows)
            except ROW_REFUSALS as err:
                refused.append((event, _describe(err)))
            else:
                accepted.append((event, is_new))
    # Counted only once the transaction above has committed.
    for event, is_new in accepted:
        outcome.accepted.append(event.outbox_id)
        if is_new:
            outcome.new[event.kind] += 1
        else:
            outcome.already_there += 1
    outcome.refused.extend(refused)
    return outcome
