"""The audit trail's hash chain: pure functions, no database.

Each entry holds the hash of the entry before it (``prev_hash``; the first holds ``GENESIS``)
and its own ``entry_hash``: HMAC-SHA256, keyed with the audit key (kept outside the store:
store/sealing.py), over the canonical JSON (sorted keys, no spaces, UTF-8) of its id, time,
workstation, actor, approver, action, subject, details and ``prev_hash``. Without the key
no one can rehash an edited entry; the chain's head is also anchored centrally at each sync.
The chain runs by id, never by time: a clock set backwards changes an entry's ``at``, not its
place. Changing any field, or deleting, inserting or reordering rows, breaks a link that
``verify_chain`` reports.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def plain_json(details: dict[str, Any]) -> dict[str, Any]:
    """``details`` as the JSON column will give it back (enums and tuples become strings
    and lists; anything else JSON cannot hold, Money or a date, its ``str``), so that what
    is hashed is what is stored."""
    result: dict[str, Any] = json.loads(json.dumps(details, default=str))
    return result


def canonical_time(at: dt.datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("audit times are timezone-aware")
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True, slots=True, kw_only=True)
class ChainLink:
    """The fields of one audit entry that the hash covers, plus the stored hashes."""

    id: int
    at: dt.datetime
    workstation_id: str
    actor_id: int | None
    approver_id: int | None
    action: str
    subject: str
    details: dict[str, Any]
    prev_hash: str
    entry_hash: str = ""


def canonical_bytes(link: ChainLink) -> bytes:
    fields = {
        "id": link.id,
        "at": canonical_time(link.at),
        "workstation": link.workstation_id,
        "actor": link.actor_id,
        "approver": link.approver_id,
        "action": link.action,
        "subject": link.subject,
        "details": link.details,
        "prev": link.prev_hash,
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def compute_hash(link: ChainLink, key: bytes) -> str:
    return hmac.new(key, canonical_bytes(link), hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainReport:
    """What `audit verify` found. ``broken_at`` is the id of the first entry whose link does
    not hold (or, for a missing tail, the id the head names)."""

    ok: bool
    entries: int
    last_id: int
    broken_at: int | None = None
    problem: str = ""
    # Heads anchored in the central ledger the chain was compared with (None: not compared).
    anchored: int | None = None


def verify_chain(
    links: Iterable[ChainLink], head: tuple[int, str] | None, key: bytes
) -> ChainReport:
    """Walk the entries in id order; ``head`` is (last id, last hash) as recorded with the
    newest entry, or None when the store has never had one."""
    expected_prev = GENESIS
    expected_id: int | None = None
    count = 0
    last_id = 0
    for link in links:
        if expected_id is not None and link.id != expected_id:
            missing = (
                f"entry {expected_id} is missing"
                if link.id == expected_id + 1
                else f"entries {expected_id} to {link.id - 1} are missing"
            )
            return ChainReport(False, count, last_id, expected_id, missing)
        if expected_id is None and link.prev_hash != GENESIS:
            # The first entry left links to one that is gone (a chain starts at GENESIS).
            first = 1 if link.id > 1 else link.id
            gone = f"entry {first} is" if link.id - first <= 1 else f"entries {first} to"
            missing = gone if link.id - first <= 1 else f"{gone} {link.id - 1} are"
            return ChainReport(False, 0, 0, first, f"{missing} missing from the start")
        if link.prev_hash != expected_prev:
            problem = f"its link to entry {last_id} does not match (that entry was changed)"
            return ChainReport(False, count, last_id, link.id, f"entry {link.id}: {problem}")
        if not hmac.compare_digest(compute_hash(link, key), link.entry_hash):
            return ChainReport(
                False, count, last_id, link.id, f"entry {link.id} was changed after it was written"
            )
        expected_prev = link.entry_hash
        expected_id = link.id + 1
        last_id = link.id
        count += 1
    if head is None:
        if count:
            return ChainReport(False, count, last_id, None, "the chain head record is missing")
        return ChainReport(True, 0, 0)
    head_id, head_hash = head
    if head_id > last_id:
        return ChainReport(
            False,
            count,
            last_id,
            last_id + 1,
            f"entries {last_id + 1} to {head_id} were deleted from the end of the trail"
            if head_id > last_id + 1
            else f"entry {head_id} was deleted from the end of the trail",
        )
    if head_id < last_id or head_hash != expected_prev:
        return ChainReport(
            False, count, last_id, head_id + 1, "entries after the recorded head were not chained"
        )
    return ChainReport(True, count, last_id)
