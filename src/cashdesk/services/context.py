"""What every service needs: the store, the config, the clock, devices and the event bus."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from cashdesk.clock import Clock, business_date
from cashdesk.config import Config
from cashdesk.devices.base import Devices
from cashdesk.events import EventBus
from cashdesk.store.models import AuditEntry, OutboxRow


@dataclass(slots=True)
class ServiceContext:
    sessions: sessionmaker[Session]
    config: Config
    clock: Clock
    devices: Devices
    events: EventBus

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
        entry = AuditEntry(
            at=at or self.now(),
            workstation_id=self.workstation_id,
            actor_id=actor_id,
            approver_id=approver_id,
            action=action,
            subject=subject,
            details=details,
        )
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
