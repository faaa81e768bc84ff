"""Integrity checks of a workstation store: what must hold whatever happened to the machine.

Every check is a function ``(session) -> iterable of Problem`` registered in ``CHECKS`` (in
order) with :func:`integrity_check`. An area that adds tables adds its checks the same way,
in a module the app imports (its ``<area>_models.py`` is a good place)::

    from cashdesk.store.integrity import Problem, integrity_check

    @integrity_check("deposits balanced")
    def _deposits(s: Session) -> Iterator[Problem]: ...

The checks read only. They run from ``cashdesk check``, at start after an unclean shutdown
(see app.py), and after every kill of the crash tests. They work on whole tables with a few
grouped queries, so a year of receipts is checked in well under a second.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from cashdesk.store.engine import StoreError, make_engine, store_errors


@dataclass(frozen=True, slots=True)
class Problem:
    check: str  # the check's name ("receipts complete")
    subject: str  # what is wrong: a receipt number, an entry id, a table
    message: str

    def __str__(self) -> str:
        return f"[{self.check}] {self.subject}: {self.message}"


@dataclass(frozen=True, slots=True)
class IntegrityReport:
    problems: tuple[Problem, ...]
    counts: dict[str, int]  # rows per table, for the summary line
    checks_run: tuple[str, ...]
    checked_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        counted = ", ".join(f"{n} {table.replace('_', ' ')}" for table, n in self.counts.items())
        verdict = "no problems" if self.ok else f"{len(self.problems)} problem(s)"
        return f"{len(self.checks_run)} checks over {counted}: {verdict}."


@dataclass(frozen=True, slots=True)
class StartupReport:
    """What the app found when it opened the store; the UI warns when ``needs_attention``."""

    unclean_shutdown: bool  # the last run ended without a clean close (crash, kill, power cut)
    integrity: IntegrityReport | None  # the checks run because of it (None after a clean close)

    @property
    def needs_attention(self) -> bool:
        return self.integrity is not None and not self.integrity.ok

    @property
    def message(self) -> str:
        """One paragraph for a dialog or the status bar ('' when there is nothing to say)."""
        if not self.unclean_shutdown or self.integrity is None:
            return ""
        if self.integrity.ok:
            return (
                "cashdesk was not closed properly last time; the store was checked and is "
                "complete: no payment was lost or half-saved."
            )
        first = "; ".join(str(p) for p in self.integrity.problems[:3])
        return (
            "cashdesk was not closed properly last time and the store check found "
            f"{len(self.integrity.problems)} problem(s): {first}. Call the finance office "
            "before taking payments (`cashdesk check` lists them all)."
        )


IntegrityCheck = Callable[[Session], Iterable[Problem]]
CHECKS: dict[str, IntegrityCheck] = {}
# Tables counted in the report's summary; areas append theirs.
COUNTED_TABLES: list[str] = [
    "receipts",
    "receipt_lines",
    "tenders",
    "journal_entries",
    "journal_lines",
    "audit_log",
    "outbox",
    "drawer_sessions",
]


def integrity_check(name: str) -> Callable[[IntegrityCheck], IntegrityCheck]:
    """Register a check under ``name`` (a later registration under a name replaces it)."""

    def register(fn: IntegrityCheck) -> IntegrityCheck:
        CHECKS[name] = fn
        return fn

    return register


def run_checks(
    session: Session, checks: dict[str, IntegrityCheck] | None = None
) -> IntegrityReport:
    """Run ``checks`` (all registered ones by default) on the store behind ``session``."""
    checks = CHECKS if checks is None else checks
    tables = set(inspect(session.connection()).get_table_names())
    missing = [t for t in ("receipts", "workstations", "outbox") if t not in tables]
    if missing:
        return IntegrityReport(
            problems=(
                Problem(
                    "schema",
                    ", ".join(missing),
                    "not a cashdesk store (tables missing); run `cashdesk init` on a new store",
                ),
            ),
            counts={},
            checks_run=("schema",),
        )
    problems: list[Problem] = []
    for name, check in checks.items():
        try:
            problems.extend(check(session))
        except (ValueError, KeyError, TypeError) as err:
            # Rows too damaged to read (a payload that is not JSON...) are a finding, not a
            # reason to stop checking the rest.
            problems.append(Problem(name, "check", f"could not finish: {err!r}"))
    counts = {
        table: int(session.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one())
        for table in COUNTED_TABLES
        if table in tables
    }
    return IntegrityReport(problems=tuple(problems), counts=counts, checks_run=tuple(checks))


def check_database(path: Path) -> IntegrityReport:
    """Open the SQLite file at ``path`` (never creating it) and run every check."""
    path = Path(path)
    if not path.is_file():
        raise StoreError(
            f"There is no database at {path}. Give the right file with --db, or set "
            "[store] path in the workstation config.",
            reason="missing",
        )
    engine = make_engine(path)
    try:
        with (
            store_errors(path, outcome="the check could not run"),
            Session(engine.execution_options(cashdesk_read_only=True)) as s,
        ):
            return run_checks(s)
    finally:
        engine.dispose()


# -- the checks -----------------------------------------------------------------------------


def _rows(s: Session, sql: str, **params: Any) -> list[Any]:
    return list(s.execute(text(sql), params))


@integrity_check("sqlite")
def _sqlite(s: Session) -> Iterator[Problem]:
    """SQLite's own structural check, and every foreign key pointing at a row."""
    results = [row[0] for row in _rows(s, "PRAGMA integrity_check")]
    if results != ["ok"]:
        for message in results[:20]:
            yield Problem("sqlite", "integrity_check", str(message))
    for table, rowid, parent, _fk in _rows(s, "PRAGMA foreign_key_check")[:20]:
        yield Problem("sqlite", f"{table} row {rowid}", f"points at a missing {parent} row")


@integrity_check("receipt numbers")
def _receipt_numbers(s: Session) -> Iterator[Problem]:
    """Per workstation, receipts 1..last_receipt_seq all exist, each with its own number."""
    seqs: dict[str, list[int]] = defaultdict(list)
    for ws, seq, number in _rows(s, "SELECT workstation_id, seq, number FROM receipts"):
        seqs[ws].append(seq)
        if number != f"{ws}-{seq:06d}":
            yield Problem("receipt numbers", number, f"does not match its sequence {seq}")
    for ws, last in _rows(s, "SELECT id, last_receipt_seq FROM workstations"):
        have = set(seqs.pop(ws, []))
        expected = set(range(1, (last or 0) + 1))
        if missing := sorted(expected - have):
            shown = ", ".join(f"{ws}-{n:06d}" for n in missing[:10])
            yield Problem(
                "receipt numbers", ws, f"{len(missing)} number(s) used but missing: {shown}"
            )
        if extra := sorted(have - expected):
            yield Problem(
                "receipt numbers",
                ws,
                f"receipts past the counter ({last}): {', '.join(map(str, extra[:10]))}",
            )
    for ws in seqs:
        yield Problem("receipt numbers", ws, "receipts for a workstation that is not set up")


@integrity_check("journal balanced")
def _journal_balanced(s: Session) -> Iterator[Problem]:
    for entry_id, kind, n, debit, credit in _rows(
        s,
        """SELECT e.id, e.kind, count(l.id), coalesce(sum(l.debit_cents), 0),
                  coalesce(sum(l.credit_cents), 0)
           FROM journal_entries e LEFT JOIN journal_lines l ON l.entry_id = e.id
           GROUP BY e.id""",
    ):
        if n < 2:
            yield Problem("journal balanced", f"{kind} entry {entry_id}", f"has {n} line(s)")
        elif debit != credit:
            yield Problem(
                "journal balanced",
                f"{kind} entry {entry_id}",
                f"debits {debit} and credits {credit} (cents) differ",
            )


def _grouped(s: Session, sql: str) -> dict[Any, tuple[Any, ...]]:
    return {row[0]: tuple(row[1:]) for row in _rows(s, sql)}


@integrity_check("receipts complete")
def _receipts_complete(s: Session) -> Iterator[Problem]:
    """Every receipt has its lines, tenders, journal entry, audit entry and outbox row (and a
    voided one its reversing entry, audit entry and outbox row), all agreeing on the amounts."""
    lines = _grouped(
        s, "SELECT receipt_id, count(*), sum(amount_cents) FROM receipt_lines GROUP BY receipt_id"
    )
    tenders = _grouped(
        s,
        """SELECT receipt_id, count(*), sum(amount_cents),
                  sum(CASE WHEN kind = 'cash' THEN amount_cents ELSE 0 END)
           FROM tenders GROUP BY receipt_id""",
    )
    entries: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
    for receipt_id, kind, entry_id, credit in _rows(
        s,
        """SELECT e.receipt_id, e.kind, e.id, coalesce(sum(l.credit_cents), 0)
           FROM journal_entries e LEFT JOIN journal_lines l ON l.entry_id = e.id
           WHERE e.receipt_id IS NOT NULL GROUP BY e.id""",
    ):
        entries[(receipt_id, kind)].append((entry_id, credit))
    audits = Counter(
        (action, subject)
        for action, subject in _rows(
            s,
            "SELECT action, subject FROM audit_log "
            "WHERE action IN ('receipt_posted', 'receipt_voided')",
        )
    )
    outbox = Counter(
        (kind, subject)
        for kind, subject in _rows(
            s, "SELECT kind, subject_id FROM outbox WHERE kind IN ('receipt', 'void')"
        )
    )
    for rid, number, status, total, tendered, change in _rows(
        s, "SELECT id, number, status, total_cents, tendered_cents, change_cents FROM receipts"
    ):
        missing: list[str] = []
        n_lines, line_sum = lines.get(rid, (0, 0))
        n_tenders, tender_sum, cash = tenders.get(rid, (0, 0, 0))
        if not n_lines:
            missing.append("no lines")
        elif line_sum != total:
            missing.append(f"lines add up to {line_sum}, not the total {total}")
        if not n_tenders:
            missing.append("no tenders")
        elif tender_sum != tendered:
            missing.append(f"tenders add up to {tender_sum}, not {tendered}")
        elif change > cash:
            missing.append(f"change {change} is more than the cash tendered {cash}")
        posted = entries.get((rid, "receipt"), [])
        if len(posted) != 1:
            missing.append(f"{len(posted)} journal entries (one expected)")
        elif posted[0][1] != total:
            missing.append(f"journal credits {posted[0][1]}, not the total {total}")
        if audits[("receipt_posted", number)] != 1:
            missing.append(f"{audits[('receipt_posted', number)]} audit entries for posting")
        if outbox[("receipt", rid)] != 1:
            missing.append(f"{outbox[('receipt', rid)]} outbox rows (one expected)")
        voids = entries.get((rid, "void"), [])
        if status == "voided":
            if len(voids) != 1:
                missing.append(f"voided with {len(voids)} reversing entries (one expected)")
            elif outbox[("void", voids[0][0])] != 1:
                missing.append("its void has no outbox row")
            if audits[("receipt_voided", number)] != 1:
                missing.append("its void has no audit entry")
        elif voids:
            missing.append(f"not voided, yet {len(voids)} reversing entries")
        for what in missing:
            yield Problem("receipts complete", number, what)


@integrity_check("drawer cash")
def _drawer_cash(s: Session) -> Iterator[Problem]:
    """Each drawer's expected cash (its bank plus cash tendered minus change on posted
    receipts) computed twice, from the tender rows and from the copies sent to the ledger in
    the outbox, must agree; and each drawer session has its audit entry and outbox row."""
    from_rows = _grouped(
        s,
        """SELECT d.id, d.opening_bank_cents
                + coalesce((SELECT sum(t.amount_cents) FROM tenders t
                            JOIN receipts r ON r.id = t.receipt_id
                            WHERE r.drawer_session_id = d.id AND r.status = 'posted'
                              AND t.kind = 'cash'), 0)
                - coalesce((SELECT sum(r.change_cents) FROM receipts r
                            WHERE r.drawer_session_id = d.id AND r.status = 'posted'), 0)
           FROM drawer_sessions d""",
    )
    voided = {
        json.loads(p)["receipt_id"] if isinstance(p, str) else p["receipt_id"]
        for (p,) in _rows(s, "SELECT payload FROM outbox WHERE kind = 'void'")
    }
    opened = {
        sid for (sid,) in _rows(s, "SELECT subject FROM audit_log WHERE action = 'drawer_open'")
    }
    sessions_sent = {
        sid for (sid,) in _rows(s, "SELECT subject_id FROM outbox WHERE kind = 'drawer_session'")
    }
    from_outbox: dict[str, int] = defaultdict(int)
    for (raw,) in _rows(s, "SELECT payload FROM outbox WHERE kind = 'receipt'"):
        payload = json.loads(raw) if isinstance(raw, str) else raw
        if payload.get("id") in voided:
            continue
        cash = sum(t["amount_cents"] for t in payload.get("tenders", []) if t["kind"] == "cash")
        from_outbox[payload.get("drawer_session", "")] += cash - int(payload["change_cents"])
    for sid, bank in _rows(s, "SELECT id, opening_bank_cents FROM drawer_sessions"):
        expected = from_rows[sid][0]
        copied = bank + from_outbox.pop(sid, 0)
        if expected != copied:
            yield Problem(
                "drawer cash",
                f"drawer session {sid}",
                f"expected cash {expected} from the tenders but {copied} from the outbox",
            )
        if sid not in opened:
            yield Problem("drawer cash", f"drawer session {sid}", "no audit entry for opening")
        if sid not in sessions_sent:
            yield Problem("drawer cash", f"drawer session {sid}", "no outbox row")
    for sid in from_outbox:
        yield Problem("drawer cash", f"drawer session {sid}", "receipts sent for no drawer session")


@integrity_check("posting order")
def _posting_order(s: Session) -> Iterator[Problem]:
    """Receipts were numbered in the order they were committed: the audit log and the outbox
    (both ordered by id, never by a clock that can be set back) list them in number order."""
    seq_of = {
        number: (ws, seq)
        for number, ws, seq in _rows(s, "SELECT number, workstation_id, seq FROM receipts")
    }
    for label, sql in (
        ("audit log", "SELECT subject FROM audit_log WHERE action = 'receipt_posted' ORDER BY id"),
        (
            "outbox",
            "SELECT r.number FROM outbox o JOIN receipts r ON r.id = o.subject_id "
            "WHERE o.kind = 'receipt' ORDER BY o.id",
        ),
    ):
        last: dict[str, int] = {}
        for (number,) in _rows(s, sql):
            if number not in seq_of:
                yield Problem("posting order", number, f"in the {label} but not a receipt")
                continue
            ws, seq = seq_of[number]
            if seq <= last.get(ws, 0):
                yield Problem("posting order", number, f"out of number order in the {label}")
            last[ws] = seq


@integrity_check("sealed rows")
def _sealed_rows(s: Session) -> Iterator[Problem]:
    """Every receipt, line, tender, journal entry and line, and user row still matches its
    seal (store/sealing.py): a change made to the file without the audit key shows here,
    however consistently it was made (the total, its lines, the journal and the outbox)."""
    from cashdesk.store.sealing import unsealed_rows

    for row in unsealed_rows(s):
        yield Problem("sealed rows", row, "changed after it was written (its seal does not match)")
