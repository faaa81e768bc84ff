"""Sent outbox rows keep only what is still needed once the central ledger has them.

An outbox row's payload is the full copy of what it sent (a receipt with its lines, tenders
and journal). After the central commit the ledger is the copy of record: a resend of the row
is answered by its UUID alone (``ON CONFLICT (uuid) DO NOTHING``). The workstation keeps the
full payload through the reference pull's hold window (``unsynced_keys`` reads the rows sent
within it), then compacts it to:

- ``compacted``: the SHA-256 of the payload as it was sent (canonical JSON), so the local row
  still proves what the central one must hold;
- ``number`` (receipts, voids, anything numbered) for messages and the audit trail;
- for a receipt, its id, drawer session, change and cash tendered, and for a void the receipt
  it voided: what the store check compares with the tender rows (``drawer cash``).

Rows are compacted in outbox order from a mark (``integrity_marks`` 'outbox compacted'), so
each pass reads only the rows sent since the last one. A refused row (a sync exception) keeps
its payload for the supervisor; an unsent row stops the pass until it is sent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import text

from cashdesk.store.engine import transaction

if TYPE_CHECKING:
    from cashdesk.services.context import ServiceContext

MARK = "outbox compacted"
BATCH = 2000


def compact_payload(kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    """What a sent row keeps of ``payload`` (see the module's docstring)."""
    sent = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    kept: dict[str, Any] = {"compacted": hashlib.sha256(sent.encode()).hexdigest()}
    if "number" in payload:
        kept["number"] = payload["number"]
    if kind == "receipt":
        cash = sum(
            int(t["amount_cents"]) for t in payload.get("tenders", []) if t.get("kind") == "cash"
        )
        kept |= {
            "id": payload.get("id"),
            "drawer_session": payload.get("drawer_session", ""),
            "change_cents": payload.get("change_cents", 0),
            "tenders": [{"kind": "cash", "amount_cents": cash}] if cash else [],
        }
    elif kind == "void":
        kept["receipt_id"] = payload.get("receipt_id")
    return kept


def compact_sent(ctx: ServiceContext, *, older_than: dt.timedelta) -> int:
    """Compact the rows sent before ``now - older_than``; returns how many were compacted."""
    cutoff = (ctx.now() - older_than).astimezone(dt.UTC).replace(tzinfo=None)
    done = 0
    while True:
        with transaction(ctx.sessions) as s:
            mark = s.execute(
                text("SELECT value FROM integrity_marks WHERE name = :name"), {"name": MARK}
            ).scalar()
            rows = s.execute(
                text(
                    "SELECT o.id, o.kind, o.payload, o.sent_at, x.status FROM outbox o "
                    "LEFT JOIN sync_exceptions x ON x.outbox_id = o.id "
                    "WHERE o.id > :mark ORDER BY o.id LIMIT :n"
                ),
                {"mark": mark or 0, "n": BATCH},
            ).all()
            last = mark or 0
            compacted: list[dict[str, Any]] = []
            for outbox_id, kind, raw, sent_at, exception in rows:
                if sent_at is None:
                    if exception == "resolved":  # settled another way: never sent
                        last = outbox_id
                        continue
                    break
                if dt.datetime.fromisoformat(str(sent_at)) >= cutoff:
                    break
                last = outbox_id
                if exception is not None:
                    continue  # the supervisor's record of a refusal keeps its payload
                payload = json.loads(raw) if isinstance(raw, str) else raw
                if "compacted" not in payload:
                    kept = compact_payload(kind, payload)
                    compacted.append({"id": outbox_id, "payload": json.dumps(kept)})
            if compacted:
                s.execute(text("UPDATE outbox SET payload = :payload WHERE id = :id"), compacted)
            if last != (mark or 0):
                s.execute(
                    text(
                        "INSERT INTO integrity_marks (name, value, checked_at) "
                        "VALUES (:name, :value, :at) ON CONFLICT (name) DO UPDATE "
                        "SET value = excluded.value, checked_at = excluded.checked_at"
                    ),
                    {
                        "name": MARK,
                        "value": last,
                        "at": ctx.now().astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" "),
                    },
                )
            done += len(compacted)
        if len(rows) < BATCH or last != rows[-1][0]:
            return done
