"""No card number (PAN) is ever written to the store: the one guard, at the session.

A ``before_flush`` listener on every session of the store checks every text value of every
new or changed object, and every string inside its JSON columns (outbox payloads, parked
sales, training receipts), with ``domain.privacy.refuse_card_number``. So whatever service or
screen a value came through (a money order serial, a check account, a returned-check reason,
a license holder's or animal's name and address, a user's full name, a parked sale's payer),
a card number typed into it stops the whole transaction with a message the cashier can act
on; nothing reaches the store, the outbox, the central ledger, a CSV, PDF or printout.

Not checked: hashes and digests (hex, and no one types them), and the audit trail, which
must record even a refused attempt and so redacts card numbers instead
(``ServiceContext.audit`` runs ``redact_pans`` over everything it records).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, String, Text, event, inspect
from sqlalchemy.orm import Session, sessionmaker

from cashdesk.domain.privacy import refuse_card_number

_SKIPPED_TABLES = frozenset({"audit_log", "audit_chain_head", "alembic_version"})
_SKIPPED_SUFFIXES = ("_hash", "sha256", "_digest", "_mac")


def _label(key: str) -> str:
    return key.replace("_", " ")


def _walk(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for v in value.values() for text in _walk(v)]
    if isinstance(value, list | tuple):
        return [text for v in value for text in _walk(v)]
    return []


def check_object(obj: Any) -> None:
    mapper = inspect(obj).mapper
    if mapper.local_table.name in _SKIPPED_TABLES:
        return
    for column in mapper.columns:
        key = column.key
        if key.endswith(_SKIPPED_SUFFIXES) or column.primary_key or column.foreign_keys:
            continue  # hashes, and keys the app makes: not typed by anyone
        if isinstance(column.type, String | Text):
            value = getattr(obj, key, None)
            if isinstance(value, str):
                refuse_card_number(_label(key), value)
        elif isinstance(column.type, JSON):
            for text in _walk(getattr(obj, key, None)):
                refuse_card_number("text entered", text)


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    for obj in (*session.new, *session.dirty):
        check_object(obj)


def install(factory: sessionmaker[Session]) -> None:
    """Guard every session ``factory`` makes."""
    event.listen(factory, "before_flush", _before_flush)
