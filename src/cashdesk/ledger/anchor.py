"""The audit chain's head, anchored in the central ledger (issue 16, finding 4).

At each sync the workstation sends its chain head (last entry id and hash) to
``audit_chain_heads``, which keeps every head insert-only (the workstation login may not
update or delete it, and may write only its own workstation's). ``audit verify`` and ``sync``
fetch the heads anchored for this workstation and check that each still names the entry it
named: a rewrite of history already anchored (an entry edited and the chain rehashed, entries
removed and renumbered, the tail cut and the local head moved back) shows, even by someone
who holds the file and the key.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import psycopg


def anchored_heads(conn: psycopg.Connection[Any], workstation: str) -> list[tuple[int, str]]:
    # Its own transaction, ended here: the reference pull that follows sets its isolation.
    with conn.transaction(), conn.cursor() as cur:
        cur.execute("SELECT last_id, last_hash FROM anchored_heads(%s)", (workstation,))
        return [(int(i), str(h)) for i, h in cur.fetchall()]


def anchor_head(
    conn: psycopg.Connection[Any], workstation: str, last_id: int, last_hash: str
) -> bool:
    """Send the head; True when it is new centrally."""
    with conn.transaction(), conn.cursor() as cur:
        cur.execute(
            "INSERT INTO audit_chain_heads (workstation, last_id, last_hash) VALUES (%s, %s, %s) "
            "ON CONFLICT (workstation, last_id) DO NOTHING",
            (workstation, last_id, last_hash),
        )
        return cur.rowcount == 1


def rewritten(
    anchors: Sequence[tuple[int, str]], local_hash: Callable[[int], str | None]
) -> tuple[int, str] | None:
    """The first anchored entry the local chain no longer holds, and what happened to it
    (None: it holds all of them)."""
    for last_id, last_hash in anchors:
        if last_id == 0:
            continue
        here = local_hash(last_id)
        if here is None:
            return last_id, (
                f"entry {last_id}, anchored in the central ledger, is missing from this store's "
                "audit trail (history already anchored was removed)"
            )
        if here != last_hash:
            return last_id, (
                f"entry {last_id} differs from the one anchored in the central ledger "
                "(history already anchored was rewritten)"
            )
    return None
