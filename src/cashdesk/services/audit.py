"""Reading, verifying and exporting the audit trail; recording configuration changes.

Entries are written only by ``ServiceContext.audit`` (hash-chained there). An auditor or the
finance administrator browses them with filters, verifies the chain, and exports a period to
CSV; an export is itself audited. Browsing writes nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session, aliased

from cashdesk.config import Config
from cashdesk.domain.audit_chain import ChainLink, ChainReport, verify_chain
from cashdesk.domain.roles import Operator, Permission
from cashdesk.errors import ValidationError
from cashdesk.outputs import OutputRefused, atomic_output, csv_writer
from cashdesk.services.context import ServiceContext
from cashdesk.store.engine import transaction
from cashdesk.store.models import AuditEntry, User
from cashdesk.store.sealing import audit_key, unsealed_rows
from cashdesk.store.security_models import AuditChainHead

MAX_PAGE = 1000
CONFIG_ACTIONS = ("config_recorded", "config_changed")
CSV_COLUMNS = (
    "id",
    "at_utc",
    "at_local",
    "workstation",
    "actor",
    "approver",
    "action",
    "subject",
    "details",
    "prev_hash",
    "entry_hash",
)


@dataclass(frozen=True, slots=True)
class AuditRecord:
    id: int
    at: dt.datetime
    workstation_id: str
    actor: str  # user name, "" for the system
    approver: str
    action: str
    subject: str
    details: dict[str, Any]
    entry_hash: str


@dataclass(frozen=True, slots=True)
class AuditExport:
    path: Path
    rows: int
    sha256: str


def _masked_url(url: str) -> str:
    """``url`` with its password masked, in the user part or as a ``password=`` (or any
    secret-named) parameter; the same redaction as the support bundle's."""
    from cashdesk.diagnostics import redact_secrets

    if not url:
        return url
    parts = urlsplit(url)
    if parts.password is not None:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        url = urlunsplit(parts._replace(netloc=netloc))
    return redact_secrets(url)


def _shown_details(action: str, details: dict[str, Any]) -> dict[str, Any]:
    """An entry's details as `audit list` and the CSV show them: a ledger password recorded
    in clear by an older version (config_recorded/changed) is masked on the way out."""
    if action not in CONFIG_ACTIONS:
        return details
    shown: dict[str, Any] = json.loads(_redact_json(json.dumps(details, ensure_ascii=False)))
    return shown


def _redact_json(text: str) -> str:
    from cashdesk.diagnostics import redact_secrets

    return redact_secrets(text)


def config_snapshot(config: Config) -> dict[str, Any]:
    """The settings worth auditing, as plain JSON (a password in the ledger URL masked)."""
    return {
        "workstation_id": config.workstation_id,
        "workstation_name": config.workstation_name,
        "timezone": config.timezone,
        "city_name": config.city_name,
        "db_path": str(config.db_path) if config.db_path else "",
        "ledger_url": _masked_url(config.ledger_url),
        "idle_lock_seconds": config.idle_lock_seconds,
        "drawer": {
            "starting_bank": config.drawer.starting_bank.plain(),
            "pickup_threshold": config.drawer.pickup_threshold.plain(),
            "variance_threshold": config.drawer.variance_threshold.plain(),
        },
        "devices": json.loads(json.dumps(config.devices, sort_keys=True, default=str)),
    }


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


class AuditService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    # -- reading ------------------------------------------------------------------------
    def browse(
        self,
        operator: Operator,
        *,
        start: dt.date | None = None,
        end: dt.date | None = None,
        actor: str | None = None,
        action: str | None = None,
        subject: str | None = None,
        workstation: str | None = None,
        before_id: int | None = None,
        limit: int = 200,
    ) -> list[AuditRecord]:
        """Entries newest first, filtered; ``start``/``end`` are local business dates
        (inclusive); page with ``before_id`` (the smallest id of the previous page)."""
        operator.require(Permission.VIEW_AUDIT)
        limit = max(1, min(limit, MAX_PAGE))
        with self.ctx.sessions() as s:
            query = self._query(s, start=start, end=end).order_by(AuditEntry.id.desc())
            if actor:
                query = query.where(self._actor.username == actor.strip().lower())
            if action:
                query = query.where(AuditEntry.action == action.strip())
            if subject:
                query = query.where(AuditEntry.subject == subject.strip())
            if workstation:
                query = query.where(AuditEntry.workstation_id == workstation.strip().upper())
            if before_id is not None:
                query = query.where(AuditEntry.id < before_id)
            return [self._record(*row) for row in s.execute(query.limit(limit))]

    def verify(self, operator: Operator, *, ledger_url: str | None = None) -> ChainReport:
        """Walk the whole chain; the report names the first broken link. With a central
        ledger (``ledger_url``, default the config's), the chain is also compared with every
        head anchored there (ledger/anchor.py); unreachable, the local check stands alone and
        ``ChainReport.anchored`` stays None."""
        operator.require(Permission.VIEW_AUDIT)
        with self.ctx.sessions() as s:
            report = verify_store(s)
        url = self.ctx.config.ledger_url if ledger_url is None else ledger_url
        if not url:
            return report
        import psycopg

        from cashdesk.ledger.anchor import anchored_heads
        from cashdesk.ledger.connection import connect

        try:
            with connect(url) as conn:
                anchors = anchored_heads(conn, self.ctx.workstation_id)
        except psycopg.Error:
            return report
        return self.compare_with_anchors(report, anchors)

    def compare_with_anchors(
        self, report: ChainReport, anchors: list[tuple[int, str]]
    ) -> ChainReport:
        """``report`` of the local chain, made to fail if it no longer holds the history
        anchored centrally (``anchors``: (last id, hash) of each head a sync sent)."""
        from cashdesk.ledger.anchor import rewritten

        with self.ctx.sessions() as s:

            def local_hash(entry_id: int) -> str | None:
                return s.scalar(select(AuditEntry.entry_hash).where(AuditEntry.id == entry_id))

            found = rewritten(anchors, local_hash)
        if found is None:
            return dataclasses.replace(report, anchored=len(anchors))
        first, problem = found
        return ChainReport(
            False, report.entries, report.last_id, first, problem, anchored=len(anchors)
        )

    # -- export -------------------------------------------------------------------------
    def export_csv(
        self,
        operator: Operator,
        path: Path,
        *,
        start: dt.date,
        end: dt.date,
        force: bool = False,
    ) -> AuditExport:
        """Write the entries of ``start``..``end`` (local dates, inclusive) to a CSV file,
        through ``outputs.atomic_output`` (never over the store; an existing file only with
        ``force``; readable by this user only); the export itself is audited."""
        operator.require(Permission.EXPORT_AUDIT)
        if end < start:
            raise ValidationError("The export period ends before it starts.")
        path = Path(path).expanduser()
        if not path.parent.is_dir():
            raise ValidationError(f"The folder {path.parent} does not exist.")
        rows = 0
        digest = hashlib.sha256()
        try:
            with (
                transaction(self.ctx.sessions) as s,
                atomic_output(path, force=force) as tmp,
            ):
                query = self._query(s, start=start, end=end).order_by(AuditEntry.id)
                with tmp.open("w", newline="", encoding="utf-8") as out:
                    writer = csv_writer(out)
                    writer.writerow(CSV_COLUMNS)
                    for entry, actor, approver in s.execute(query.execution_options(yield_per=500)):
                        row = self._csv_row(entry, actor, approver)
                        writer.writerow(row)
                        rows += 1
                digest.update(tmp.read_bytes())
                self.ctx.audit(
                    s,
                    action="audit_exported",
                    actor_id=operator.user_id,
                    subject=path.name[:64],
                    start=start.isoformat(),
                    end=end.isoformat(),
                    rows=rows,
                    sha256=digest.hexdigest(),
                )
        except OutputRefused:
            raise
        except OSError as err:
            raise ValidationError(f"The export could not be written: {err.strerror}") from None
        return AuditExport(path=path, rows=rows, sha256=digest.hexdigest())

    # -- configuration ------------------------------------------------------------------
    def record_config(self, config: Config) -> bool:
        """Audit the workstation's settings when they differ from the last recorded ones
        (the config is a TOML file edited outside the app, so a change is seen at start).
        True when an entry was written."""
        snapshot = config_snapshot(config)
        with transaction(self.ctx.sessions) as s:
            last = s.scalar(
                select(AuditEntry.details)
                .where(
                    AuditEntry.action.in_(CONFIG_ACTIONS),
                    AuditEntry.workstation_id == config.workstation_id,
                )
                .order_by(AuditEntry.id.desc())
                .limit(1)
            )
            # Compared (and any change recorded) with an older entry's ledger password masked.
            before = _shown_details("config_recorded", last or {}).get("settings")
            if before == snapshot:
                return False
            if before is None:
                self.ctx.audit(s, action="config_recorded", actor_id=None, settings=snapshot)
                return True
            old, new = _flatten(before), _flatten(snapshot)
            changed = {
                key: [old.get(key), new.get(key)]
                for key in sorted(set(old) | set(new))
                if old.get(key) != new.get(key)
            }
            self.ctx.audit(
                s,
                action="config_changed",
                actor_id=None,
                subject=str(config.source or "")[-64:],
                changed=changed,
                settings=snapshot,
            )
            return True

    # -- helpers ------------------------------------------------------------------------
    _actor = aliased(User, name="actor")
    _approver = aliased(User, name="approver")

    def _query(self, s: Session, *, start: dt.date | None, end: dt.date | None) -> Any:
        query = (
            select(AuditEntry, self._actor.username, self._approver.username)
            .outerjoin(self._actor, self._actor.id == AuditEntry.actor_id)
            .outerjoin(self._approver, self._approver.id == AuditEntry.approver_id)
        )
        if start is not None:
            query = query.where(AuditEntry.at >= self._midnight(start))
        if end is not None:
            query = query.where(AuditEntry.at < self._midnight(end + dt.timedelta(days=1)))
        return query

    def _midnight(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(), tzinfo=self.ctx.config.tz).astimezone(dt.UTC)

    @staticmethod
    def _record(entry: AuditEntry, actor: str | None, approver: str | None) -> AuditRecord:
        return AuditRecord(
            id=entry.id,
            at=entry.at,
            workstation_id=entry.workstation_id,
            actor=actor or "",
            approver=approver or "",
            action=entry.action,
            subject=entry.subject,
            details=_shown_details(entry.action, dict(entry.details or {})),
            entry_hash=entry.entry_hash,
        )

    def _csv_row(self, entry: AuditEntry, actor: str | None, approver: str | None) -> list[str]:
        details = json.dumps(
            _shown_details(entry.action, dict(entry.details or {})),
            sort_keys=True,
            ensure_ascii=False,
        )
        return [
            str(entry.id),
            entry.at.isoformat(),
            self.ctx.local_time(entry.at).isoformat(),
            entry.workstation_id,
            actor or "",
            approver or "",
            entry.action,
            entry.subject,
            details,
            entry.prev_hash,
            entry.entry_hash,
        ]


def _links(s: Session) -> Iterator[ChainLink | int]:
    """The chain's links in id order; a row whose time or details no longer parse (edited
    by hand) comes as its bare id, which ``verify_store`` reports as changed."""
    raw = (
        select(
            AuditEntry.id,
            type_coerce(AuditEntry.at, String),
            AuditEntry.workstation_id,
            AuditEntry.actor_id,
            AuditEntry.approver_id,
            AuditEntry.action,
            AuditEntry.subject,
            type_coerce(AuditEntry.details, String),
            AuditEntry.prev_hash,
            AuditEntry.entry_hash,
        )
        .order_by(AuditEntry.id)
        .execution_options(yield_per=1000)
    )
    for row in s.execute(raw):
        try:
            at = dt.datetime.fromisoformat(row[1]).replace(tzinfo=dt.UTC)
            details = json.loads(row[7])
            if not isinstance(details, dict):
                raise ValueError("details is not an object")
        except (TypeError, ValueError):
            yield int(row[0])
            continue
        yield ChainLink(
            id=row[0],
            at=at,
            workstation_id=row[2],
            actor_id=row[3],
            approver_id=row[4],
            action=row[5],
            subject=row[6],
            details=details,
            prev_hash=row[8],
            entry_hash=row[9],
        )


def verify_store(s: Session) -> ChainReport:
    head_row = s.get(AuditChainHead, 1)
    head = (head_row.last_id, head_row.last_hash) if head_row else None
    unreadable: list[int] = []

    def readable() -> Iterator[ChainLink]:
        for link in _links(s):
            if isinstance(link, int):
                unreadable.append(link)
                return
            yield link

    report = verify_chain(readable(), head, audit_key())
    if report.ok:
        # Entries name users by id: swapping two users' rows would re-attribute what they
        # did (a lead's approvals to a cashier). Each user row is sealed with its id.
        swapped = unsealed_rows(s, tables=("users",))
        if swapped:
            return ChainReport(
                False,
                report.entries,
                report.last_id,
                None,
                "user rows were changed, so entries would name the wrong people: "
                + ", ".join(swapped),
            )
    if unreadable and (report.ok or (report.broken_at or 0) >= unreadable[0]):
        bad = unreadable[0]
        return ChainReport(
            False,
            report.entries,
            report.last_id,
            bad,
            f"entry {bad} was changed after it was written",
        )
    return report
