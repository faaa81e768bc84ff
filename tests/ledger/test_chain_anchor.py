"""Finding 4 of issue 16 against the real central ledger: each sync anchors the audit chain's
head there (insert-only); a rewrite of anchored history is found by `audit verify` and by the
next sync, even when it is consistent locally (the tail cut and the head moved back) or made
by someone holding the key."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
import pytest
from ledger_helpers import pay, scalar

from cashdesk.app import Cashdesk
from cashdesk.domain.audit_chain import ChainLink, compute_hash
from cashdesk.domain.roles import Operator
from cashdesk.services.audit import _links
from cashdesk.store.sealing import audit_key


def _synced(desk: Cashdesk, cashier: Operator) -> int:
    pay(desk, cashier, 1250)
    report = desk.sync.sync_once(pull=False)
    assert report.ok and report.audit_problem is None, report.lines()
    with sqlite3.connect(desk.engine.url.database or "") as conn:
        (top,) = conn.execute("SELECT last_id FROM audit_chain_head").fetchone()
    return int(top)


def test_each_sync_anchors_the_head_and_the_central_copy_is_insert_only(
    synced_desk: Cashdesk, open_drawer: Operator, central: str, ws_url: str, auditor: Operator
) -> None:
    top = _synced(synced_desk, open_drawer)
    assert scalar(central, "SELECT max(last_id) FROM audit_chain_heads") == top
    report = synced_desk.audit.verify(auditor, ledger_url=ws_url)
    assert report.ok and report.anchored == 1
    with psycopg.connect(ws_url, autocommit=True) as conn:
        for statement in (
            "UPDATE audit_chain_heads SET last_hash = 'x'",
            "DELETE FROM audit_chain_heads",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # another counter's heads
            conn.execute(
                "INSERT INTO audit_chain_heads (workstation, last_id, last_hash) "
                "VALUES ('W02', 1, 'forged')"
            )


def test_the_tail_deleted_and_the_head_moved_back_is_found(
    synced_desk: Cashdesk, open_drawer: Operator, ws_url: str, auditor: Operator
) -> None:
    top = _synced(synced_desk, open_drawer)
    db = Path(synced_desk.engine.url.database or "")
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM audit_log WHERE id > ?", (top - 3,))
        (last_hash,) = conn.execute(
            "SELECT entry_hash FROM audit_log WHERE id = ?", (top - 3,)
        ).fetchone()
        conn.execute("UPDATE audit_chain_head SET last_id = ?, last_hash = ?", (top - 3, last_hash))
    assert synced_desk.audit.verify(auditor, ledger_url="").ok  # locally consistent...
    report = synced_desk.audit.verify(auditor, ledger_url=ws_url)
    assert not report.ok and report.broken_at == top and "missing" in report.problem
    sync = synced_desk.sync.sync_once(pull=False)
    assert sync.audit_problem is not None and "anchored" in sync.audit_problem


def test_a_rewrite_by_someone_holding_the_key_is_found(
    synced_desk: Cashdesk, open_drawer: Operator, ws_url: str, auditor: Operator
) -> None:
    top = _synced(synced_desk, open_drawer)
    db = Path(synced_desk.engine.url.database or "")
    key = audit_key()
    with synced_desk.ctx.sessions() as s:
        links = [link for link in _links(s) if isinstance(link, ChainLink)]
    with sqlite3.connect(db) as conn:
        prev = links[1].prev_hash
        for i, link in enumerate(links[1:], start=1):
            subject = "someone-else" if i == 1 else link.subject
            forged = ChainLink(
                id=link.id,
                at=link.at,
                workstation_id=link.workstation_id,
                actor_id=link.actor_id,
                approver_id=link.approver_id,
                action=link.action,
                subject=subject,
                details=link.details,
                prev_hash=prev,
            )
            prev = compute_hash(forged, key)
            conn.execute(
                "UPDATE audit_log SET subject = ?, prev_hash = ?, entry_hash = ? WHERE id = ?",
                (subject, forged.prev_hash, prev, link.id),
            )
        conn.execute("UPDATE audit_chain_head SET last_hash = ? WHERE last_id = ?", (prev, top))
    assert synced_desk.audit.verify(auditor, ledger_url="").ok  # the key holder's chain...
    report = synced_desk.audit.verify(auditor, ledger_url=ws_url)
    assert not report.ok and report.broken_at == top and "rewritten" in report.problem


@pytest.fixture
def auditor(desk: Cashdesk) -> Operator:
    return desk.auth.sign_in("auditor", "riverbend1")
