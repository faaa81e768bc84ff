"""Finding 4 of issue 16, on the store file: someone who can write the database (but does not
hold the audit key, which lives outside it) rewrites the audit trail or a receipt; `audit
verify` and `check` find it. The attacks with the central anchor are in
tests/ledger/test_chain_anchor.py."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from pathlib import Path

from cashdesk.store.integrity import check_database

from .conftest import Counter


def _sha_chain_from(db: Path, start_id: int) -> None:
    """What the attacker can do without the key: recompute the old (unkeyed) hashes from
    ``start_id`` on, link by link, and move the head to the new last entry."""
    with sqlite3.connect(db) as conn:
        prev = conn.execute(
            "SELECT entry_hash FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT 1", (start_id,)
        ).fetchone()
        prev_hash = prev[0] if prev else "0" * 64
        rows = conn.execute(
            "SELECT id, at, workstation_id, actor_id, approver_id, action, subject, details "
            "FROM audit_log WHERE id >= ? ORDER BY id",
            (start_id,),
        ).fetchall()
        last = None
        for id_, at, ws, actor, approver, action, subject, details in rows:
            moment = dt.datetime.fromisoformat(at).replace(tzinfo=dt.UTC)
            fields = {
                "id": id_,
                "at": moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                "workstation": ws,
                "actor": actor,
                "approver": approver,
                "action": action,
                "subject": subject,
                "details": json.loads(details),
                "prev": prev_hash,
            }
            canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"))
            entry_hash = hashlib.sha256(canonical.encode()).hexdigest()
            conn.execute(
                "UPDATE audit_log SET prev_hash = ?, entry_hash = ? WHERE id = ?",
                (prev_hash, entry_hash, id_),
            )
            prev_hash, last = entry_hash, id_
        conn.execute(
            "UPDATE audit_chain_head SET last_id = ?, last_hash = ? WHERE id = 1", (last, prev_hash)
        )


def test_an_edited_and_rehashed_entry_is_found(counter: Counter, db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE audit_log SET subject = 'someone-else' WHERE id = 6")
    _sha_chain_from(db_path, 6)
    report = counter.desk.audit.verify(counter.people["auditor"])
    assert (report.ok, report.broken_at) == (False, 6)


def test_entries_deleted_in_the_middle_and_renumbered_are_found(
    counter: Counter, db_path: Path
) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute("DELETE FROM audit_log WHERE id IN (4, 5)")
        conn.execute("UPDATE audit_log SET id = id - 2 WHERE id > 5")
    _sha_chain_from(db_path, 4)
    report = counter.desk.audit.verify(counter.people["auditor"])
    assert not report.ok and report.broken_at == 4


def test_swapping_two_users_rows_to_reattribute_approvals_is_found(
    counter: Counter, db_path: Path
) -> None:
    """lead's approvals would be read as maria's: swap everything but the ids."""
    columns = "username, full_name, role, password_hash, pin_hash, active, training, row_mac"
    with sqlite3.connect(db_path) as conn:
        ids = dict(conn.execute("SELECT username, id FROM users").fetchall())
        lead = conn.execute(f"SELECT {columns} FROM users WHERE id = ?", (ids["lead"],)).fetchone()
        maria = conn.execute(
            f"SELECT {columns} FROM users WHERE id = ?", (ids["maria"],)
        ).fetchone()
        conn.execute("UPDATE users SET username = username || '-x'")
        assignments = ", ".join(f"{c.strip()} = ?" for c in columns.split(","))
        conn.execute(f"UPDATE users SET {assignments} WHERE id = ?", (*maria, ids["lead"]))
        conn.execute(f"UPDATE users SET {assignments} WHERE id = ?", (*lead, ids["maria"]))
        conn.execute(
            "UPDATE users SET username = substr(username, 1, length(username) - 2) "
            "WHERE username LIKE '%-x'"
        )
    report = counter.desk.audit.verify(counter.people["auditor"])
    assert not report.ok and "user rows were changed" in report.problem
    assert "lead" in report.problem and "maria" in report.problem
    problems = [str(p) for p in check_database(db_path, full=True).problems]
    assert any("[sealed rows] users lead" in p for p in problems)


def test_a_consistent_edit_of_a_receipts_amount_is_found_by_check(
    counter: Counter, db_path: Path
) -> None:
    """62.34 becomes 52.34 everywhere it shows: receipt, line, tender, journal, outbox."""
    assert check_database(db_path, full=True).ok
    with sqlite3.connect(db_path) as conn:
        (receipt_id,) = conn.execute(
            "SELECT id FROM receipts WHERE number = ?", (counter.receipt,)
        ).fetchone()
        conn.execute(
            "UPDATE receipts SET total_cents = total_cents - 1000, "
            "tendered_cents = tendered_cents - 1000 WHERE id = ?",
            (receipt_id,),
        )
        conn.execute(
            "UPDATE receipt_lines SET amount_cents = amount_cents - 1000 WHERE id = "
            "(SELECT id FROM receipt_lines WHERE receipt_id = ? ORDER BY amount_cents DESC "
            "LIMIT 1)",
            (receipt_id,),
        )
        conn.execute(
            "UPDATE tenders SET amount_cents = amount_cents - 1000 WHERE receipt_id = ?",
            (receipt_id,),
        )
        (entry_id,) = conn.execute(
            "SELECT id FROM journal_entries WHERE receipt_id = ?", (receipt_id,)
        ).fetchone()
        for side in ("debit_cents", "credit_cents"):
            conn.execute(
                f"UPDATE journal_lines SET {side} = {side} - 1000 WHERE entry_id = ? AND id = "
                f"(SELECT min(id) FROM journal_lines WHERE entry_id = ? AND {side} >= 1000)",
                (entry_id, entry_id),
            )
        payload = json.loads(
            conn.execute(
                "SELECT payload FROM outbox WHERE subject_id = ? AND kind = 'receipt'",
                (receipt_id,),
            ).fetchone()[0]
        )
        payload["total_cents"] = payload.get("total_cents", 6234) - 1000
        conn.execute(
            "UPDATE outbox SET payload = ? WHERE subject_id = ? AND kind = 'receipt'",
            (json.dumps(payload), receipt_id),
        )
    report = check_database(db_path, full=True)
    problems = [str(p) for p in report.problems if "sealed rows" in str(p)]
    assert any(f"receipts {counter.receipt}" in p for p in problems)
    assert any("receipt_lines" in p for p in problems)
    assert any("tenders" in p for p in problems)
    assert any("journal_lines" in p for p in problems)
