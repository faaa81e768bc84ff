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
import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from cashdesk.store.engine import StoreError, make_engine, store_errors

log = logging.getLogger(__name__)


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
    # Only what changed since the last clean check was read (``counts`` are the new rows).
    incremental: bool = False
    # How far this check read (stored when it is clean, for the next incremental check).
    marks: Marks | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        counted = ", ".join(f"{n} {table.replace('_', ' ')}" for table, n in self.counts.items())
        verdict = "no problems" if self.ok else f"{len(self.problems)} problem(s)"
        if self.incremental:
            return (
                f"{len(self.checks_run)} checks over what changed since the last clean check "
                f"({counted}): {verdict}."
            )
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
# Tables whose rows a clean check marks (the highest rowid it read): rows are only ever added
# to them, so what came after the mark is what changed (a void adds its entry, audit entry
# and outbox row; the receipt it voids is found through its entry).
MARKED_TABLES = (
    "receipts",
    "receipt_lines",
    "tenders",
    "journal_entries",
    "journal_lines",
    "audit_log",
    "outbox",
    "drawer_sessions",
)


@dataclass(frozen=True, slots=True)
class Marks:
    """How far a check read: per table the highest rowid, per workstation (``seq:W01``) the
    receipt counter."""

    values: dict[str, int]

    def after(self, name: str) -> int:
        return self.values.get(name, 0)


IncrementalCheck = Callable[[Session, Marks, Marks], Iterable[Problem]]
# The built-in checks' incremental forms, by name: (session, since, upto) -> problems.
INCREMENTAL: dict[str, IncrementalCheck] = {}


def incremental_form(name: str) -> Callable[[IncrementalCheck], IncrementalCheck]:
    def register(fn: IncrementalCheck) -> IncrementalCheck:
        INCREMENTAL[name] = fn
        return fn

    return register


def current_marks(s: Session) -> Marks:
    """The marks of the store as this session sees it (one read snapshot)."""
    maxima = ", ".join(f'(SELECT coalesce(max(rowid), 0) FROM "{t}")' for t in MARKED_TABLES)
    row = s.execute(text(f"SELECT {maxima}")).one()
    values = {table: int(value) for table, value in zip(MARKED_TABLES, row, strict=True)}
    for ws, last in _rows(s, "SELECT id, last_receipt_seq FROM workstations"):
        values[f"seq:{ws}"] = int(last or 0)
    return Marks(values)


def _table_names(s: Session) -> set[str]:
    # sqlite_master directly: the SQLAlchemy inspector costs more than a whole small check.
    return {name for (name,) in _rows(s, "SELECT name FROM sqlite_master WHERE type = 'table'")}


def _stamp(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")


def stored_marks(s: Session) -> Marks | None:
    """The marks of the last clean check; None when there was none (or the store predates
    them): then the check reads everything."""
    if "integrity_marks" not in _table_names(s):
        return None
    values = {
        name: int(value) for name, value in _rows(s, "SELECT name, value FROM integrity_marks")
    }
    return Marks(values) if values else None


def save_marks(engine: Engine, report: IntegrityReport) -> None:
    """Record a clean report's marks, so the next check starts there. A store that cannot
    be written (a read-only copy) is checked all the same: it only stays unmarked."""
    if not report.ok or report.marks is None:
        return
    try:
        with Session(engine) as s, s.begin():
            if "integrity_marks" not in _table_names(s):
                return
            at = _stamp(report.checked_at)
            s.execute(
                text(
                    "INSERT INTO integrity_marks (name, value, checked_at) "
                    "VALUES (:name, :value, :at) ON CONFLICT (name) DO UPDATE "
                    "SET value = excluded.value, checked_at = excluded.checked_at"
                ),
                [
                    {"name": name, "value": value, "at": at}
                    for name, value in report.marks.values.items()
                ],
            )
    except OperationalError as err:
        log.warning("the check's marks were not saved: %s", err)


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
    session: Session,
    checks: dict[str, IntegrityCheck] | None = None,
    *,
    since: Marks | None = None,
    progress: Callable[[str], None] | None = None,
) -> IntegrityReport:
    """Run ``checks`` (all registered ones by default) on the store behind ``session``.

    With ``since`` (the marks of the last clean check) only what changed after it is read:
    the built-in checks have an incremental form (``INCREMENTAL``); a check registered
    without one runs whole. The counts are then the rows checked, not the table sizes."""
    checks = CHECKS if checks is None else checks
    tables = _table_names(session)
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
    upto = current_marks(session)
    problems: list[Problem] = []
    for name, check in checks.items():
        if progress is not None:
            progress(name)
        try:
            if since is not None and name in INCREMENTAL:
                problems.extend(INCREMENTAL[name](session, since, upto))
            else:
                problems.extend(check(session))
        except (ValueError, KeyError, TypeError) as err:
            # Rows too damaged to read (a payload that is not JSON...) are a finding, not a
            # reason to stop checking the rest.
            problems.append(Problem(name, "check", f"could not finish: {err!r}"))
    if since is not None:
        marked = [table for table in MARKED_TABLES if table in tables]
        row = session.execute(
            text(
                "SELECT "
                + ", ".join(
                    f'(SELECT count(*) FROM "{t}" WHERE rowid > :lo_{t} AND rowid <= :hi_{t})'
                    for t in marked
                )
            ),
            _window(since, upto),
        ).one()
        counts = {table: int(n) for table, n in zip(marked, row, strict=True)}
    else:
        counts = {
            table: int(session.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one())
            for table in COUNTED_TABLES
            if table in tables
        }
    return IntegrityReport(
        problems=tuple(problems),
        counts=counts,
        checks_run=tuple(checks),
        incremental=since is not None,
        marks=upto,
    )


def check_database(
    path: Path, *, full: bool = False, progress: Callable[[str], None] | None = None
) -> IntegrityReport:
    """Open the SQLite file at ``path`` (never creating it) and check it: what changed since
    the last clean check, or everything with ``full`` (or when no check was ever clean). A
    clean check records how far it read, in a short write of its own after the reading."""
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
            since = None if full else stored_marks(s)
            report = run_checks(s, since=since, progress=progress)
        if report.ok:
            save_marks(engine, report)
        return report
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
        receipt = _ReceiptRow(rid, number, status, total, tendered, change)
        for what in _receipt_gaps(receipt, lines, tenders, entries, audits, outbox, whole=True):
            yield Problem("receipts complete", number, what)


@dataclass(frozen=True)
class _ReceiptRow:
    id: str
    number: str
    status: str
    total: int
    tendered: int
    change: int


def _receipt_gaps(
    r: _ReceiptRow,
    lines: Mapping[str, tuple[int, int]],
    tenders: Mapping[str, tuple[int, int, int]],
    entries: Mapping[tuple[str, str], list[tuple[str, int]]],
    audits: Counter[tuple[str, str]],
    outbox: Counter[tuple[str, str]],
    *,
    whole: bool,
) -> list[str]:
    """What a receipt lacks: its lines, tenders, journal entry, audit entry and outbox row,
    and its void's. ``whole`` False (the incremental check, for a receipt from before the
    marks that a new void touched) leaves out its own rows, checked whole back then."""
    missing: list[str] = []
    if whole:
        n_lines, line_sum = lines.get(r.id, (0, 0))
        n_tenders, tender_sum, cash = tenders.get(r.id, (0, 0, 0))
        if not n_lines:
            missing.append("no lines")
        elif line_sum != r.total:
            missing.append(f"lines add up to {line_sum}, not the total {r.total}")
        if not n_tenders:
            missing.append("no tenders")
        elif tender_sum != r.tendered:
            missing.append(f"tenders add up to {tender_sum}, not {r.tendered}")
        elif r.change > cash:
            missing.append(f"change {r.change} is more than the cash tendered {cash}")
    posted = entries.get((r.id, "receipt"), [])
    if len(posted) != 1:
        missing.append(f"{len(posted)} journal entries (one expected)")
    elif posted[0][1] != r.total:
        missing.append(f"journal credits {posted[0][1]}, not the total {r.total}")
    if whole:
        if audits[("receipt_posted", r.number)] != 1:
            missing.append(f"{audits[('receipt_posted', r.number)]} audit entries for posting")
        if outbox[("receipt", r.id)] != 1:
            missing.append(f"{outbox[('receipt', r.id)]} outbox rows (one expected)")
    voids = entries.get((r.id, "void"), [])
    if r.status == "voided":
        if len(voids) != 1:
            missing.append(f"voided with {len(voids)} reversing entries (one expected)")
        elif outbox[("void", voids[0][0])] != 1:
            # In the incremental check a void after the marks (the only way here for a
            # receipt before them) wrote its outbox row and audit entry after them as well.
            missing.append("its void has no outbox row")
        if audits[("receipt_voided", r.number)] != 1:
            missing.append("its void has no audit entry")
    elif voids:
        missing.append(f"not voided, yet {len(voids)} reversing entries")
    return missing


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


@incremental_form("sealed rows")
def _sealed_rows_since(s: Session, since: Marks, upto: Marks) -> Iterator[Problem]:
    """The rows written since the last clean check (and the users, a small table), so a day
    close reads no growing table whole; `cashdesk check` (whole) reads every seal."""
    from cashdesk.store.sealing import unsealed_rows

    window = {t: (since.after(t), upto.after(t)) for t in MARKED_TABLES}
    for row in unsealed_rows(s, window=window):
        yield Problem("sealed rows", row, "changed after it was written (its seal does not match)")


# -- the incremental forms: only rows after the marks, each read by rowid range or index ----
#
# Sound because every row a posting, a void or a drawer opening writes is written in the one
# transaction that writes the rest, and a check's marks are taken in one read snapshot: a
# receipt after the mark has its lines, tenders, entry, audit entry and outbox row after the
# marks of their tables too. What a receipt before the mark had was checked whole already.
# (``+column`` keeps SQLite on the rowid range instead of an index on that column.)


def _new(table: str) -> str:
    return f"{table}.rowid > :lo_{table} AND {table}.rowid <= :hi_{table}"


def _window(since: Marks, upto: Marks) -> dict[str, int]:
    params: dict[str, int] = {}
    for table in MARKED_TABLES:
        params[f"lo_{table}"], params[f"hi_{table}"] = since.after(table), upto.after(table)
    return params


@incremental_form("sqlite")
def _sqlite_since(s: Session, since: Marks, upto: Marks) -> Iterator[Problem]:
    """Every foreign key of a new row points at a row (the page-level ``integrity_check``
    runs with ``--full``)."""
    keys = _rows(
        s,
        'SELECT m.name, p."table", p."from", coalesce(p."to", \'rowid\') FROM sqlite_master m '
        "JOIN pragma_foreign_key_list(m.name) p WHERE m.type = 'table' AND m.name IN ("
        + ", ".join(f"'{t}'" for t in MARKED_TABLES)
        + ")",
    )
    if not keys:
        return
    # One statement for every key of every marked table: a start after a crash runs this.
    orphans = " UNION ALL ".join(
        f"SELECT * FROM (SELECT '{table}', {table}.rowid, '{parent}' FROM \"{table}\" "
        f'LEFT JOIN "{parent}" p ON p."{target}" = {table}."{column}" '
        f'WHERE {_new(table)} AND {table}."{column}" IS NOT NULL AND p.rowid IS NULL LIMIT 20)'
        for table, parent, column, target in keys
    )
    for table, rowid, parent in _rows(s, orphans, **_window(since, upto)):
        yield Problem("sqlite", f"{table} row {rowid}", f"points at a missing {parent} row")


@incremental_form("receipt numbers")
def _receipt_numbers_since(s: Session, since: Marks, upto: Marks) -> Iterator[Problem]:
    """The receipts numbered after the last clean check are exactly the counter's next ones."""
    seqs: dict[str, list[int]] = defaultdict(list)
    for ws, seq, number in _rows(
        s,
        f"SELECT workstation_id, seq, number FROM receipts WHERE {_new('receipts')}",
        **_window(since, upto),
    ):
        seqs[ws].append(seq)
        if number != f"{ws}-{seq:06d}":
            yield Problem("receipt numbers", number, f"does not match its sequence {seq}")
    for ws, last in _rows(s, "SELECT id, last_receipt_seq FROM workstations"):
        have = set(seqs.pop(ws, []))
        first = since.after(f"seq:{ws}") + 1
        expected = set(range(first, (last or 0) + 1))
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


@incremental_form("journal balanced")
def _journal_balanced_since(s: Session, since: Marks, upto: Marks) -> Iterator[Problem]:
    for entry_id, kind, n, debit, credit in _rows(
        s,
        f"""SELECT journal_entries.id, journal_entries.kind, count(l.id),
                   coalesce(sum(l.debit_cents), 0), coalesce(sum(l.credit_cents), 0)
            FROM journal_entries LEFT JOIN journal_lines l ON l.entry_id = journal_entries.id
            WHERE {_new("journal_entries")} GROUP BY journal_entries.rowid""",
        **_window(since, upto),
    ):
        if n < 2:
            yield Problem("journal balanced", f"{kind} entry {entry_id}", f"has {n} line(s)")
        elif debit != credit:
            yield Problem(
                "journal balanced",
                f"{kind} entry {entry_id}",
                f"debits {debit} and credits {credit} (cents) differ",
            )


def _payload(raw: Any) -> dict[str, Any]:
    value = json.loads(raw) if isinstance(raw, str) else raw
    if not isinstance(value, dict):
        raise TypeError("an outbox payload is not a JSON object")
    return value


@incremental_form("receipts complete")
def _receipts_complete_since(s: Session, since: Marks, upto: Marks) -> Iterator[Problem]:
    """The new receipts (and those a new entry voided) are whole, as in the full check."""
    params = _window(since, upto)
    touched = (
        f"SELECT id FROM receipts WHERE {_new('receipts')} UNION "
        f"SELECT receipt_id FROM journal_entries WHERE {_new('journal_entries')} "
        "AND receipt_id IS NOT NULL"
    )
    receipts = _rows(
        s,
        "SELECT id, number, status, total_cents, tendered_cents, change_cents, rowid "
        f"FROM receipts WHERE id IN ({touched})",
        **params,
    )
    if not receipts:
        return
    lines = {
        rid: (n, total)
        for rid, n, total in _rows(
            s,
            "SELECT receipt_id, count(*), sum(amount_cents) FROM receipt_lines "
            f"WHERE receipt_id IN ({touched}) GROUP BY receipt_id",
            **params,
        )
    }
    tenders = {
        rid: (n, total, cash)
        for rid, n, total, cash in _rows(
            s,
            """SELECT receipt_id, count(*), sum(amount_cents),
                      sum(CASE WHEN kind = 'cash' THEN amount_cents ELSE 0 END)
               FROM tenders WHERE receipt_id IN ("""
            + touched
            + ") GROUP BY receipt_id",
            **params,
        )
    }
    entries: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
    for receipt_id, kind, entry_id, credit in _rows(
        s,
        """SELECT e.receipt_id, e.kind, e.id, coalesce(sum(l.credit_cents), 0)
           FROM journal_entries e LEFT JOIN journal_lines l ON l.entry_id = e.id
           WHERE e.receipt_id IN ("""
        + touched
        + ") GROUP BY e.rowid",
        **params,
    ):
        entries[(receipt_id, kind)].append((entry_id, credit))
    audits = Counter(
        (action, subject)
        for action, subject in _rows(
            s,
            "SELECT action, subject FROM audit_log WHERE "
            f"{_new('audit_log')} AND +action IN ('receipt_posted', 'receipt_voided')",
            **params,
        )
    )
    outbox = Counter(
        (kind, subject)
        for kind, subject in _rows(
            s,
            "SELECT kind, subject_id FROM outbox WHERE "
            f"{_new('outbox')} AND +kind IN ('receipt', 'void')",
            **params,
        )
    )
    numbers = {row[1] for row in receipts}
    for action, subject in audits:
        if action == "receipt_posted" and subject not in numbers:
            yield Problem("receipts complete", subject, "posted again in the audit log")
    for rid, number, status, total, tendered, change, rowid in receipts:
        # A receipt from before the marks is here because a void touched it: its own rows
        # were checked whole then.
        is_new = rowid > since.after("receipts")
        receipt = _ReceiptRow(rid, number, status, total, tendered, change)
        for what in _receipt_gaps(receipt, lines, tenders, entries, audits, outbox, whole=is_new):
            yield Problem("receipts complete", number, what)


@incremental_form("drawer cash")
def _drawer_cash_since(s: Session, since: Marks, upto: Marks) -> Iterator[Problem]:
    """Each new receipt's copy in the outbox carries the cash its rows say (so each drawer's
    two sums still agree), each new void names a voided receipt, and each new drawer session
    has its audit entry and outbox row."""
    params = _window(since, upto)
    rows = {
        rid: (session_id, cash - change)
        for rid, session_id, cash, change in _rows(
            s,
            f"""SELECT receipts.id, receipts.drawer_session_id,
                       coalesce((SELECT sum(t.amount_cents) FROM tenders t
                                 WHERE t.receipt_id = receipts.id AND t.kind = 'cash'), 0),
                       receipts.change_cents
                FROM receipts WHERE {_new("receipts")}""",
            **params,
        )
    }
    for kind, subject, raw in _rows(
        s,
        f"SELECT kind, subject_id, payload FROM outbox WHERE {_new('outbox')} "
        "AND +kind IN ('receipt', 'void', 'drawer_session')",
        **params,
    ):
        if kind == "drawer_session":
            continue
        payload = _payload(raw)
        if kind == "void":
            voided = s.execute(
                text("SELECT status FROM receipts WHERE id = :rid"),
                {"rid": payload.get("receipt_id")},
            ).scalar()
            if voided != "voided":
                yield Problem("drawer cash", f"void {subject}", "names no voided receipt")
            continue
        cash = sum(t["amount_cents"] for t in payload.get("tenders", []) if t["kind"] == "cash")
        copied = (payload.get("drawer_session", ""), cash - int(payload["change_cents"]))
        if rows.get(subject) != copied:
            yield Problem(
                "drawer cash",
                f"receipt {payload.get('number', subject)}",
                f"the outbox copy says {copied[1]} cash for drawer session {copied[0]}, "
                f"the receipt's rows {rows.get(subject)}",
            )
    sessions = [
        sid
        for (sid,) in _rows(
            s, f"SELECT id FROM drawer_sessions WHERE {_new('drawer_sessions')}", **params
        )
    ]
    if sessions:
        opened = {
            sid
            for (sid,) in _rows(
                s,
                f"SELECT subject FROM audit_log WHERE {_new('audit_log')} "
                "AND +action = 'drawer_open'",
                **params,
            )
        }
        sent = {
            sid
            for (sid,) in _rows(
                s,
                f"SELECT subject_id FROM outbox WHERE {_new('outbox')} "
                "AND +kind = 'drawer_session'",
                **params,
            )
        }
        for sid in sessions:
            if sid not in opened:
                yield Problem("drawer cash", f"drawer session {sid}", "no audit entry for opening")
            if sid not in sent:
                yield Problem("drawer cash", f"drawer session {sid}", "no outbox row")


@incremental_form("posting order")
def _posting_order_since(s: Session, since: Marks, upto: Marks) -> Iterator[Problem]:
    """The receipts posted since the last clean check are in number order in the audit log
    and the outbox, after the numbers checked before."""
    params = _window(since, upto)
    for label, sql in (
        (
            "audit log",
            "SELECT audit_log.subject, r.workstation_id, r.seq FROM audit_log "
            "LEFT JOIN receipts r ON r.number = audit_log.subject "
            f"WHERE {_new('audit_log')} AND +audit_log.action = 'receipt_posted' "
            "ORDER BY audit_log.id",
        ),
        (
            "outbox",
            "SELECT coalesce(r.number, outbox.subject_id), r.workstation_id, r.seq FROM outbox "
            "LEFT JOIN receipts r ON r.id = outbox.subject_id "
            f"WHERE {_new('outbox')} AND +outbox.kind = 'receipt' ORDER BY outbox.id",
        ),
    ):
        last: dict[str, int] = {}
        for number, ws, seq in _rows(s, sql, **params):
            if ws is None:
                yield Problem("posting order", number, f"in the {label} but not a receipt")
                continue
            if seq <= last.get(ws, since.after(f"seq:{ws}")):
                yield Problem("posting order", number, f"out of number order in the {label}")
            last[ws] = seq
