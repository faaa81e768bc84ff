"""What every service needs: the store, the config, the clock, devices and the event bus."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from cashdesk.clock import Clock, business_date
from cashdesk.config import Config
from cashdesk.devices.base import Devices
from cashdesk.domain.audit_chain import GENESIS, ChainLink, compute_hash, plain_json
from cashdesk.domain.privacy import redact_pans, redact_pans_in
from cashdesk.events import EventBus
from cashdesk.store.models import AuditEntry, OutboxRow
from cashdesk.store.sealing import audit_key
from cashdesk.store.security_models import AuditChainHead

_CHAIN_KEY = "cashdesk.audit_chain"


@dataclass(slots=True)
class ServiceContext:
    sessions: sessionmaker[Session]
    config: Config
    clock: Clock
    devices: Devices
    events: EventBus
    # Sessions for hot read-only paths (find-as-you-type): a plain BEGIN, so a search never
    # takes the write lock, waits behind a posting or holds one up. None: use ``sessions``.
    read_sessions: sessionmaker[Session] | None = None

    def reading(self) -> Session:
        """A session that only reads (see ``read_sessions``)."""
        return (self.read_sessions or self.sessions)()

    @property
    def workstation_id(self) -> str:
        return self.config.workstation_id

    def now(self) -> dt.datetime:
        return self.clock.now()

    def business_date(self, moment: dt.datetime | None = None) -> dt.date:
        return business_date(moment or self.clock.now(), self.config.tz)

    def local_time(self, moment: dt.datetime) -> dt.datetime:
        return moment.astimezone(self.config.tz)

    def audit(
        self,
        session: Session,
        *,
        action: str,
        actor_id: int | None,
        subject: str = "",
        approver_id: int | None = None,
        at: dt.datetime | None = None,
        **details: Any,
    ) -> AuditEntry:
        """Append an entry to the audit trail, hash-chained to the one before (by id).

        Runs inside the caller's transaction, which the store begins IMMEDIATE (the write
        lock is held from the start), so reading the chain's head here cannot race another
        writer: the entry, the head and the caller's changes commit or roll back together.
        """
        moment = at or self.now()
        # Typed text reaches the trail (a user name tried, a reason): no card number may.
        clean = redact_pans_in(plain_json(details))
        subject = redact_pans(subject)
        head = _chain_head(session)
        link = ChainLink(
            id=head.last_id + 1,
            at=moment,
            workstation_id=self.workstation_id,
            actor_id=actor_id,
            approver_id=approver_id,
            action=action,
            subject=subject,
            details=clean,
            prev_hash=head.last_hash,
        )
        entry_hash = compute_hash(link, audit_key())
        entry = AuditEntry(
            id=link.id,
            at=moment,
            workstation_id=self.workstation_id,
            actor_id=actor_id,
            approver_id=approver_id,
            action=action,
            subject=subject,
            details=clean,
            prev_hash=link.prev_hash,
            entry_hash=entry_hash,
        )
        head.last_id, head.last_hash = link.id, entry_hash
        session.add(entry)
        return entry

    def enqueue(
        self,
        session: Session,
        *,
        kind: str,
        subject_id: str,
        payload: dict[str, Any],
        at: dt.datetime | None = None,
    ) -> OutboxRow:
        """An outbox row for the central ledger, in the same transaction as its subject."""
        row = OutboxRow(
            kind=kind, subject_id=subject_id, payload=payload, created_at=at or self.now()
        )
        session.add(row)
        return row


def _chain_head(session: Session) -> AuditChainHead:
    """The chain's head row for this transaction, read once per transaction."""
    session.connection()  # begins the transaction if it has not begun
    transaction = session.get_transaction()
    cached = session.info.get(_CHAIN_KEY)
    if cached is not None and cached[0] is transaction:
        head: AuditChainHead = cached[1]
        return head
    with session.no_autoflush:
        found = session.get(AuditChainHead, 1, populate_existing=True)
        # An id past the head means a row written around this method; the next entry takes
        # the id after it (so nothing collides) and `audit verify` reports the stray row.
        top = int(session.scalar(select(func.max(AuditEntry.id))) or 0)
    if found is None:
        last_hash = session.scalar(select(AuditEntry.entry_hash).where(AuditEntry.id == top))
        found = AuditChainHead(id=1, last_id=top, last_hash=last_hash or GENESIS)
        session.add(found)
    elif top > found.last_id:
        found.last_id = top
    session.info[_CHAIN_KEY] = (transaction, found)
    return found
