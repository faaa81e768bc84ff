"""The audit key, and the seals (HMACs) that make a posted record's rows tamper-evident.

Someone who can write the database file could once rewrite the audit trail and rehash it, or
change a receipt's amount consistently in its lines, tenders, journal and outbox (issue 16,
finding 4). Two things stop that:

- **A key outside the store.** Every audit chain link and every seal is an HMAC-SHA256 keyed
  with ``audit_key()``: 32 random bytes in a file readable by the service account only (0600,
  in a 0700 folder), by default ``<platformdirs user config>/cashdesk/audit.key``, or the file
  ``$CASHDESK_AUDIT_KEY_FILE`` names (tests point it at a temporary file). It is made on first
  use. Whoever restores a store on another machine brings the key with it (README). Without
  the key nothing can be resealed, so an edit shows in ``cashdesk check`` and ``audit verify``.
- **Seals on the rows of record.** Each receipt, receipt line, tender, journal entry and
  journal line, and each user (its id and user name, so that swapping two users' rows to
  re-attribute approvals shows), carries ``row_mac``: the HMAC of its fields that never
  change after posting (``SEALED``). The store writes it (a mapper event, so every service
  gets it); an update by the app to a sealed field reseals the row; ``unsealed_rows`` lists
  every row whose seal does not match. The audit entry of each posting names the receipt and
  its total, and the chain's head is anchored centrally at every sync, so deleting a whole
  record (rows and seals) shows too.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import json
import os
import secrets
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import event, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapper, Session

KEY_ENV = "CASHDESK_AUDIT_KEY_FILE"
KEY_BYTES = 32

# The fields of each sealed table that never change once written (by table name, so that
# `cashdesk check` reads them without loading the ORM models).
SEALED: dict[str, tuple[str, ...]] = {
    "receipts": (
        "id",
        "number",
        "workstation_id",
        "seq",
        "drawer_session_id",
        "cashier_id",
        "business_date",
        "posted_at",
        "payer",
        "total_cents",
        "tendered_cents",
        "change_cents",
    ),
    "receipt_lines": (
        "receipt_id",
        "line_no",
        "code",
        "description",
        "reference",
        "amount_cents",
        "gl_account",
    ),
    "tenders": (
        "receipt_id",
        "seq",
        "kind",
        "amount_cents",
        "check_routing",
        "check_account",
        "check_number",
        "card_last4",
        "card_approval",
        "reference",
    ),
    "journal_entries": (
        "id",
        "kind",
        "receipt_id",
        "workstation_id",
        "business_date",
        "posted_at",
        "description",
    ),
    "journal_lines": ("entry_id", "line_no", "account", "debit_cents", "credit_cents", "memo"),
    "users": ("id", "username"),
}
_TIMES = frozenset({"posted_at"})  # stored as text by SQLite, read back as datetimes
_DATES = frozenset({"business_date"})

_key_lock = threading.Lock()
_keys: dict[Path, bytes] = {}
_by_env: dict[str, bytes] = {}  # the key by $CASHDESK_AUDIT_KEY_FILE ("" for the default)


def key_path() -> Path:
    named = os.environ.get(KEY_ENV)
    if named:
        return Path(named).expanduser()
    return _default_key_path()


@functools.cache
def _default_key_path() -> Path:
    from platformdirs import user_config_path

    return user_config_path("cashdesk", appauthor=False) / "audit.key"


def audit_key() -> bytes:
    """The audit key (made, 0600, on first use; read once per process)."""
    named = os.environ.get(KEY_ENV, "")
    cached = _by_env.get(named)
    if cached is not None:
        return cached
    path = key_path()
    with _key_lock:
        if path in _keys:
            _by_env[named] = _keys[path]
            return _keys[path]
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass  # another process made it meanwhile
            else:
                with os.fdopen(fd, "w", encoding="ascii") as f:
                    f.write(secrets.token_hex(KEY_BYTES) + "\n")
                    f.flush()
                    os.fsync(f.fileno())
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
        if len(key) < 16:
            raise ValueError(f"the audit key in {path} is too short")
        _keys[path] = _by_env[named] = key
        return key


def _plain(field: str, value: Any) -> Any:
    """A sealed field's value in one form, whether it came from the ORM or raw from SQLite."""
    if value is None:
        return None
    if field in _TIMES:
        moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
        moment = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
        return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if field in _DATES:
        return value.isoformat() if isinstance(value, dt.date) else str(value)[:10]
    return value


def seal(table: str, values: dict[str, Any], key: bytes | None = None) -> str:
    """The HMAC-SHA256 of ``values`` (the sealed fields of one row of ``table``)."""
    canonical = json.dumps(
        {"table": table, **{k: _plain(k, v) for k, v in values.items()}},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode()
    return hmac.new(key or audit_key(), canonical, hashlib.sha256).hexdigest()


def _seal_of(target: Any, key: bytes | None = None) -> str:
    table = type(target).__tablename__
    return seal(table, {f: getattr(target, f) for f in SEALED[table]}, key)


def _fill_defaults(target: Any) -> None:
    """Give the sealed fields left unset the scalar defaults the INSERT would give them, so
    the seal covers what is stored."""
    table = type(target).__table__
    for field in SEALED[table.name]:
        default = table.c[field].default
        if getattr(target, field, None) is None and default is not None and default.is_scalar:
            setattr(target, field, default.arg)


def _before_insert(_mapper: Mapper[Any], _connection: Connection, target: Any) -> None:
    _fill_defaults(target)
    if "id" in SEALED[type(target).__tablename__] and getattr(target, "id", None) is None:
        column = type(target).__table__.c.id
        if column.default is not None and callable(getattr(column.default, "arg", None)):
            target.id = column.default.arg(None)  # the uuid the INSERT would have made
        else:
            return  # an integer id: sealed after the insert
    target.row_mac = _seal_of(target)


def _after_insert(_mapper: Mapper[Any], connection: Connection, target: Any) -> None:
    if target.row_mac is None:  # its id came from the INSERT
        mac = _seal_of(target)
        table = type(target).__table__
        connection.execute(update(table).where(table.c.id == target.id).values(row_mac=mac))
        target.row_mac = mac


def _before_update(_mapper: Mapper[Any], _connection: Connection, target: Any) -> None:
    target.row_mac = _seal_of(target)


def install() -> None:
    """Seal every row of the sealed tables the ORM writes (once per process)."""
    from cashdesk.store.models import (
        JournalEntry,
        JournalLineRow,
        Receipt,
        ReceiptLine,
        TenderRow,
        User,
    )

    for model in (Receipt, ReceiptLine, TenderRow, JournalEntry, JournalLineRow, User):
        if not event.contains(model, "before_insert", _before_insert):
            event.listen(model, "before_insert", _before_insert)
            event.listen(model, "after_insert", _after_insert)
            event.listen(model, "before_update", _before_update)


def unsealed_rows(
    s: Session,
    key: bytes | None = None,
    *,
    limit: int = 200,
    tables: tuple[str, ...] | None = None,
    window: dict[str, tuple[int, int]] | None = None,
) -> list[str]:
    """Every sealed row whose seal does not match its fields (edited without the key), as
    'receipts W01-000003' or 'receipt_lines receipt_id=… line_no=2'; at most ``limit``."""
    key = key or audit_key()
    found: list[str] = []
    for table, fields in SEALED.items():
        if tables is not None and table not in tables:
            continue
        columns = ", ".join(f'"{f}"' for f in fields)
        sql, params = f'SELECT {columns}, row_mac FROM "{table}"', {}
        if window is not None and table in window:  # only rows after a clean check's mark
            sql += " WHERE rowid > :lo AND rowid <= :hi"
            params = dict(zip(("lo", "hi"), window[table], strict=True))
        for row in s.execute(text(sql), params).mappings():
            values = {f: row[f] for f in fields}
            if row["row_mac"] is None or not hmac.compare_digest(
                row["row_mac"], seal(table, values, key)
            ):
                found.append(f"{table} {_name(values)}")
                if len(found) >= limit:
                    return found
    return found


def _name(values: dict[str, Any]) -> str:
    for field in ("number", "username"):
        if field in values:
            return str(values[field])
    parts = [f"{k}={v}" for k, v in values.items() if k in ("receipt_id", "entry_id", "id")]
    parts += [f"{k}={v}" for k, v in values.items() if k in ("line_no", "seq")]
    return " ".join(parts)
