"""Sync with the central ledger: push the outbox, pull the city's records, report the state.

``SyncService.sync_once`` is one pass (the CLI's ``cashdesk sync`` and the background
``SyncRunner`` both call it): read the outbox in order, push it in batches (cashdesk.ledger.push),
and mark rows sent only after the central commit; then pull reference data. A row the central
ledger refuses goes to the exceptions queue (``sync_exceptions``), where a supervisor retries
it or resolves it with a note (audited); the worker skips it meanwhile, so one bad row never
holds up the rest, and nothing is dropped silently.

If the process dies between the central commit and the local mark, the rows are sent again on
the next pass and the central ledger ignores them (``ON CONFLICT (uuid) DO NOTHING``).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
import re
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.orm import Session

from cashdesk import events
from cashdesk.domain.roles import Operator, Permission
from cashdesk.errors import NotFound, StateError, SyncError, ValidationError
from cashdesk.services.context import ServiceContext
from cashdesk.store.engine import transaction
from cashdesk.store.ledger_models import SyncExceptionRow, SyncStateRow
from cashdesk.store.models import OutboxRow, User
from cashdesk.store.security_models import AuditChainHead

if TYPE_CHECKING:
    import psycopg

log = logging.getLogger(__name__)

BATCH_SIZE = 500
# Exceptions in these states keep their outbox row out of the push ('retrying' lets it in).
PARKED = ("open", "resolved")
# Test hook: the process kills itself at this point, as a power cut would.
CRASH_ENV = "CASHDESK_SYNC_CRASH_AT"
MIN_NOTE = 5
_TOKEN_SPLIT = re.compile(r"[^0-9A-Za-z-]+")


@dataclass(frozen=True, slots=True)
class SyncStatus:
    """What the status bar shows."""

    configured: bool
    waiting: int  # outbox rows not yet in the central ledger (exceptions not counted)
    waiting_receipts: int
    oldest_waiting_at: dt.datetime | None
    offline_since: dt.datetime | None
    exceptions: int  # refused rows waiting for a supervisor
    last_success_at: dt.datetime | None
    last_error: str
    text: str

    @property
    def state(self) -> str:
        """'not_configured', 'offline', 'waiting' or 'synced'."""
        if not self.configured:
            return "not_configured"
        if self.offline_since is not None:
            return "offline"
        return "waiting" if self.waiting else "synced"


@dataclass(slots=True)
class SyncReport:
    """What one pass did."""

    sent: Counter[str] = field(default_factory=Counter)  # kind -> rows stored centrally
    already_there: int = 0  # rows the central ledger had already (sent before a crash)
    refused: list[str] = field(default_factory=list)  # "receipt W01-000007: reason"
    pulled: list[str] = field(default_factory=list)
    error: str | None = None
    # The local audit trail no longer holds what was anchored centrally (or does not verify).
    audit_problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def lines(self) -> list[str]:
        total = sum(self.sent.values())
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(self.sent.items()))
        out = [f"sent {total} rows" + (f" ({kinds})" if kinds else "")]
        if self.already_there:
            out.append(f"{self.already_there} rows were already in the central ledger")
        out += [f"refused: {r}" for r in self.refused]
        out += [f"reference {line}" for line in self.pulled]
        if self.audit_problem:
            out.append(f"AUDIT TRAIL: {self.audit_problem}")
        if self.error:
            out.append(f"stopped: {self.error}")
        return out


@dataclass(frozen=True, slots=True)
class SyncExceptionInfo:
    id: int
    outbox_id: int
    uuid: str
    kind: str
    subject: str  # the receipt number when there is one
    error: str
    first_seen_at: dt.datetime
    last_seen_at: dt.datetime
    attempts: int
    status: str
    note: str
    resolved_by: str | None
    resolved_at: dt.datetime | None


def backoff_delay(failures: int, *, base: float = 2.0, cap: float = 300.0) -> float:
    """Seconds to wait after ``failures`` failed passes in a row: doubling, capped, with
    jitter (half to all of it) so counters that lost the server together do not return in
    lockstep."""
    if failures <= 0:
        return 0.0
    ceiling: float = min(cap, base * 2 ** (failures - 1))
    return random.uniform(ceiling / 2, ceiling)


def _format_age(age: dt.timedelta) -> str:
    minutes = int(age.total_seconds() // 60)
    if minutes < 1:
        return "under a minute"
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h {minutes % 60} min"
    return f"{minutes // (24 * 60)} days"


def _tokens(value: Any) -> Iterator[str]:
    """Every text and number inside a payload, and the words of each text."""
    if isinstance(value, dict):
        for item in value.values():
            yield from _tokens(item)
    elif isinstance(value, list):
        for item in value:
            yield from _tokens(item)
    elif isinstance(value, str):
        yield value
        yield from (t for t in _TOKEN_SPLIT.split(value) if t)
    elif isinstance(value, int) and not isinstance(value, bool):
        yield str(value)


class SyncService:
    def __init__(self, ctx: ServiceContext, *, url: str | None = None) -> None:
        self.ctx = ctx
        self.url = url if url is not None else ctx.config.ledger_url
        self.batch_size = BATCH_SIZE
        # Called after a batch's central commit and before the local mark (fault tests).
        self.after_central_commit: Callable[[], None] | None = None
        self._lock = threading.Lock()

    # -- one pass ---------------------------------------------------------------------------
    def sync_once(self, *, url: str | None = None, pull: bool = True) -> SyncReport:
        """Push everything waiting, then (with ``pull``) pull reference data. Never raises for
        an unreachable or failing server: the report's ``error`` says what stopped it, the
        state (offline since...) is recorded, and the next pass starts where this one left."""
        # Imported here: psycopg is only needed once a sync runs, not to open the app.
        import psycopg

        from cashdesk.ledger.connection import connect
        from cashdesk.ledger.reference import pull_reference

        report = SyncReport()
        target = url or self.url
        with self._lock:
            if not target:
                report.error = "no central ledger is configured ([ledger] url)"
                self._emit_state()
                return report
            try:
                with connect(target) as conn:
                    self._push(conn, report)
                    self._anchor(conn, report)
                    self._compact()
                    if pull:
                        outcome = pull_reference(
                            conn,
                            self.ctx.sessions,
                            protected=self.unsynced_keys(),
                            now=self.ctx.now(),
                        )
                        report.pulled = outcome.lines()
            except (SyncError, psycopg.Error) as err:
                report.error = str(err).strip() or type(err).__name__
                log.info("sync stopped: %s", report.error)  # offline is normal; the status shows it
            self._record_attempt(report.error)
        self._emit_state()
        return report

    def _anchor(self, conn: psycopg.Connection[Any], report: SyncReport) -> None:
        """Compare the local audit chain with the heads anchored centrally, then anchor its
        head (ledger/anchor.py). A chain that does not verify, or no longer holds anchored
        history, is reported and not anchored (the central ledger keeps the last good head)."""
        from cashdesk.ledger.anchor import anchor_head, anchored_heads
        from cashdesk.services.audit import AuditService, verify_store

        ws = self.ctx.workstation_id
        with self.ctx.sessions() as s:
            chain = verify_store(s)
            head = s.get(AuditChainHead, 1)
            top = (head.last_id, head.last_hash) if head is not None else None
        chain = AuditService(self.ctx).compare_with_anchors(chain, anchored_heads(conn, ws))
        if not chain.ok:
            report.audit_problem = chain.problem
            log.error("audit trail: %s", chain.problem)
            return
        if top is not None and top[0] > 0:
            anchor_head(conn, ws, *top)

    def _push(self, conn: psycopg.Connection[Any], report: SyncReport) -> None:
        from cashdesk.ledger.push import push_batch

        after = 0
        while batch := self._next_batch(after):
            outcome = push_batch(conn, batch)
            self._crash_point("after_central_commit")
            if self.after_central_commit is not None:
                self.after_central_commit()
            self._mark(outcome.accepted, outcome.refused)
            report.sent.update(outcome.new)
            report.already_there += outcome.already_there
            report.refused += [
                f"{e.kind} {e.payload.get('number', e.subject_id)}: {reason}"
                for e, reason in outcome.refused
            ]
            after = batch[-1].outbox_id

    def _compact(self) -> None:
        """Sent rows past the hold window keep only what a resend and the store check need
        (services/outbox_compaction.py)."""
        from cashdesk.ledger.reference import HOLD_WINDOW
        from cashdesk.services.outbox_compaction import compact_sent

        compact_sent(self.ctx, older_than=HOLD_WINDOW)

    def _next_batch(self, after: int) -> list[Any]:
        from cashdesk.ledger.projections import OutboxEvent

        parked = exists().where(
            and_(SyncExceptionRow.outbox_id == OutboxRow.id, SyncExceptionRow.status.in_(PARKED))
        )
        with self.ctx.sessions() as s:
            rows = s.execute(
                select(
                    OutboxRow.id,
                    OutboxRow.uuid,
                    OutboxRow.kind,
                    OutboxRow.subject_id,
                    OutboxRow.payload,
                    OutboxRow.created_at,
                )
                .where(OutboxRow.sent_at.is_(None), OutboxRow.id > after, ~parked)
                .order_by(OutboxRow.id)
                .limit(self.batch_size)
            ).all()
        return [
            OutboxEvent(
                outbox_id=r.id,
                uuid=r.uuid,
                kind=r.kind,
                subject_id=r.subject_id,
                payload=r.payload,
                created_at=r.created_at,
                workstation=self.ctx.workstation_id,
            )
            for r in rows
        ]

    def _mark(self, accepted: list[int], refused: list[tuple[Any, str]]) -> None:
        """Record, in one local transaction, what the central ledger now holds and refused."""
        now = self.ctx.now()
        with transaction(self.ctx.sessions) as s:
            for start in range(0, len(accepted), 500):
                chunk = accepted[start : start + 500]
                s.execute(update(OutboxRow).where(OutboxRow.id.in_(chunk)).values(sent_at=now))
                s.execute(
                    update(SyncExceptionRow)
                    .where(
                        SyncExceptionRow.outbox_id.in_(chunk),
                        SyncExceptionRow.status == "retrying",
                    )
                    .values(status="resolved", resolved_at=now, note="sent on retry")
                )
            for event, reason in refused:
                row = s.scalar(
                    select(SyncExceptionRow).where(SyncExceptionRow.outbox_id == event.outbox_id)
                )
                if row is None:
                    s.add(
                        SyncExceptionRow(
                            outbox_id=event.outbox_id,
                            uuid=event.uuid,
                            kind=event.kind,
                            error=reason,
                            first_seen_at=now,
                            last_seen_at=now,
                            attempts=1,
                            status="open",
                            note="",
                        )
                    )
                else:
                    row.status, row.error, row.last_seen_at = "open", reason, now
                    row.attempts += 1
                self.ctx.audit(
                    s,
                    action="sync_row_refused",
                    actor_id=None,
                    subject=str(event.payload.get("number", event.subject_id))[:64],
                    at=now,
                    kind=event.kind,
                    uuid=event.uuid,
                    reason=reason[:400],
                )

    def _crash_point(self, where: str) -> None:
        if os.environ.get(CRASH_ENV) == where:
            os.kill(os.getpid(), signal.SIGKILL)

    def _record_attempt(self, error: str | None) -> None:
        now = self.ctx.now()
        with transaction(self.ctx.sessions) as s:
            state = s.get(SyncStateRow, self.ctx.workstation_id)
            if state is None:
                state = SyncStateRow(workstation_id=self.ctx.workstation_id, last_error="")
                s.add(state)
            state.last_attempt_at = now
            if error is None:
                state.last_success_at, state.offline_since, state.last_error = now, None, ""
            else:
                state.offline_since = state.offline_since or now
                state.last_error = error[:400]

    def unsynced_keys(self) -> dict[str, dt.datetime | None]:
        """What this counter changed in the city's records on its own: every value named by
        an outbox row not yet in the central ledger (mapped to None; open exceptions
        included) or sent within the hold window (mapped to when it was sent). The reference
        pull holds back central rows that do not know of these changes yet."""
        from cashdesk.ledger.reference import HOLD_WINDOW

        resolved = exists().where(
            and_(SyncExceptionRow.outbox_id == OutboxRow.id, SyncExceptionRow.status == "resolved")
        )
        since = self.ctx.now() - HOLD_WINDOW
        keys: dict[str, dt.datetime | None] = {}
        with self.ctx.sessions() as s:
            # Two reads, each on its index (the rows still waiting; the rows sent since), not
            # one OR that walks every row ever sent; merged back into outbox order.
            columns = (OutboxRow.id, OutboxRow.payload, OutboxRow.sent_at)
            waiting = s.execute(select(*columns).where(OutboxRow.sent_at.is_(None), ~resolved))
            recent = s.execute(select(*columns).where(OutboxRow.sent_at >= since))
            rows = sorted([*waiting, *recent], key=lambda row: int(row[0]))
            for _id, payload, sent_at in rows:
                for token in _tokens(payload):
                    if sent_at is None or token not in keys:
                        keys[token] = sent_at
                    elif (previous := keys[token]) is not None:
                        keys[token] = max(previous, sent_at)
        return keys

    def _emit_state(self) -> None:
        self.ctx.events.emit(events.SYNC_STATE, status=self.status())

    # -- what the status bar and the warnings show -------------------------------------------
    def status(self) -> SyncStatus:
        parked = exists().where(
            and_(SyncExceptionRow.outbox_id == OutboxRow.id, SyncExceptionRow.status.in_(PARKED))
        )
        with self.ctx.sessions() as s:
            waiting = s.execute(
                select(
                    func.count(),
                    func.count().filter(OutboxRow.kind == "receipt"),
                    func.min(OutboxRow.created_at),
                ).where(OutboxRow.sent_at.is_(None), ~parked)
            ).one()
            exceptions = (
                s.scalar(select(func.count()).where(SyncExceptionRow.status == "open")) or 0
            )
            state = s.get(SyncStateRow, self.ctx.workstation_id)
        count, receipts, oldest = int(waiting[0]), int(waiting[1]), waiting[2]
        offline = state.offline_since if state else None
        configured = bool(self.url)
        parts: list[str] = []
        if not configured:
            parts.append("Central ledger not configured")
        elif offline is not None:
            parts.append(f"Offline since {self.ctx.local_time(offline):%H:%M}")
        if count:
            age = _format_age(self.ctx.now() - oldest) if oldest else ""
            parts.append(f"{count} waiting (oldest {age})")
        elif configured and offline is None:
            parts.append("Synced")
        if exceptions:
            parts.append(f"{exceptions} sync exception{'s' if exceptions != 1 else ''}")
        return SyncStatus(
            configured=configured,
            waiting=count,
            waiting_receipts=receipts,
            oldest_waiting_at=oldest,
            offline_since=offline,
            exceptions=exceptions,
            last_success_at=state.last_success_at if state else None,
            last_error=state.last_error if state else "",
            text=" · ".join(parts),
        )

    def unsent_warning(self) -> str | None:
        """A warning for signing out, closing the day or resetting this workstation while
        records have not reached the central ledger; None when everything is there, and on
        a workstation with no central ledger configured (a demo, a counter working alone:
        its records have nowhere to go, and a warning at every sign-out would only teach
        people to ignore it)."""
        if not self.url:
            return None
        status = self.status()
        if not status.waiting and not status.exceptions:
            return None
        parts = []
        if status.waiting:
            receipts = status.waiting_receipts
            what = f"{receipts} receipt{'s' if receipts != 1 else ''} and " if receipts else ""
            when = (
                f" (oldest from {self.ctx.local_time(status.oldest_waiting_at):%Y-%m-%d %H:%M})"
                if status.oldest_waiting_at
                else ""
            )
            parts.append(
                f"{what}{status.waiting} record{'s' if status.waiting != 1 else ''} in all "
                f"have not reached the central ledger yet{when}"
            )
        if status.exceptions:
            parts.append(
                f"{status.exceptions} record{'s were' if status.exceptions != 1 else ' was'} "
                "refused by the central ledger and wait for a supervisor"
            )
        return (
            "; ".join(parts)
            + ". They are kept safely on this workstation; do not reset or reinstall it "
            "until they are sent."
        )

    # -- the exceptions queue ----------------------------------------------------------------
    def exceptions(
        self, operator: Operator, *, include_resolved: bool = False
    ) -> list[SyncExceptionInfo]:
        operator.require(Permission.VIEW_ALL_RECEIPTS)
        with self.ctx.sessions() as s:
            query = select(SyncExceptionRow, OutboxRow.payload, OutboxRow.subject_id).join(
                OutboxRow, OutboxRow.id == SyncExceptionRow.outbox_id
            )
            if not include_resolved:
                query = query.where(SyncExceptionRow.status != "resolved")
            rows = s.execute(query.order_by(SyncExceptionRow.id)).all()
            names = dict(s.execute(select(User.id, User.full_name)).tuples().all())
        return [
            SyncExceptionInfo(
                id=row.id,
                outbox_id=row.outbox_id,
                uuid=row.uuid,
                kind=row.kind,
                subject=str(payload.get("number", subject_id)),
                error=row.error,
                first_seen_at=row.first_seen_at,
                last_seen_at=row.last_seen_at,
                attempts=row.attempts,
                status=row.status,
                note=row.note,
                resolved_by=names.get(row.resolved_by_id) if row.resolved_by_id else None,
                resolved_at=row.resolved_at,
            )
            for row, payload, subject_id in rows
        ]

    def retry_exception(self, operator: Operator, exception_id: int) -> None:
        """Let the worker send the row again (after the cause was fixed centrally)."""
        operator.require(Permission.MANAGE_SYNC)
        with transaction(self.ctx.sessions) as s:
            row = self._exception(s, exception_id)
            if row.status != "open":
                raise StateError(f"Sync exception {exception_id} is {row.status}, not open.")
            row.status = "retrying"
            self.ctx.audit(
                s,
                action="sync_exception_retry",
                actor_id=operator.user_id,
                subject=row.uuid,
                kind=row.kind,
                outbox_id=row.outbox_id,
            )

    def resolve_exception(self, operator: Operator, exception_id: int, *, note: str) -> None:
        """Close an exception without sending its row (it was settled another way); the note
        says how, and stays with the row and in the audit log."""
        operator.require(Permission.MANAGE_SYNC)
        note = " ".join(note.split())
        if len(note) < MIN_NOTE:
            raise ValidationError("Write a note saying how the exception was resolved.")
        with transaction(self.ctx.sessions) as s:
            row = self._exception(s, exception_id)
            if row.status == "resolved":
                raise StateError(f"Sync exception {exception_id} is already resolved.")
            row.status, row.note = "resolved", note[:400]
            row.resolved_at, row.resolved_by_id = self.ctx.now(), operator.user_id
            self.ctx.audit(
                s,
                action="sync_exception_resolved",
                actor_id=operator.user_id,
                subject=row.uuid,
                kind=row.kind,
                outbox_id=row.outbox_id,
                note=note,
            )

    @staticmethod
    def _exception(s: Session, exception_id: int) -> SyncExceptionRow:
        row = s.get(SyncExceptionRow, exception_id)
        if row is None:
            raise NotFound(f"No sync exception {exception_id}.")
        return row


class SyncRunner:
    """The background worker: a thread that syncs every ``interval`` seconds, at once when a
    receipt is posted (EventBus 'receipt_posted'), and after a failure backs off
    exponentially (a new receipt does not cut a backoff short, so an offline counter does not
    hammer the network). Reference data is pulled every ``pull_every`` seconds (None: never).
    Each pass emits 'sync_state' with the new ``SyncStatus``."""

    def __init__(
        self,
        service: SyncService,
        *,
        interval: float = 30.0,
        pull_every: float | None = 300.0,
        backoff_base: float = 2.0,
        backoff_cap: float = 300.0,
    ) -> None:
        self.service = service
        self.interval = interval
        self.pull_every = pull_every
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.failures = 0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running:
            return
        self._stop.clear()
        self.service.ctx.events.subscribe(events.RECEIPT_POSTED, self.wake)
        self._thread = threading.Thread(target=self._run, name="cashdesk-sync", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        self.service.ctx.events.unsubscribe(events.RECEIPT_POSTED, self.wake)
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def wake(self, **_: Any) -> None:
        self._wake.set()

    def _run(self) -> None:
        last_pull = -float("inf")
        while not self._stop.is_set():
            pull = self.pull_every is not None and time.monotonic() - last_pull >= self.pull_every
            try:
                report = self.service.sync_once(pull=pull)
            except Exception:  # a bug must not kill the worker; it is logged and retried
                log.exception("sync pass failed")
                report = SyncReport(error="internal error")
            if report.ok:
                self.failures = 0
                if pull:
                    last_pull = time.monotonic()
                delay = self.interval
            else:
                self.failures += 1
                delay = backoff_delay(self.failures, base=self.backoff_base, cap=self.backoff_cap)
            self._sleep(delay)

    def _sleep(self, delay: float) -> None:
        deadline = time.monotonic() + delay
        while not self._stop.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            woke = self._wake.wait(remaining)
            self._wake.clear()
            if woke and self.failures == 0:
                return
