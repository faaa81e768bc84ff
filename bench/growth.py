"""Does history cost anything? The same counter day on a store holding only that day and on a
store holding N receipts of earlier days.

The history is built the way the issue asks: one earlier day of real postings through the
services (receipts, a void, the drawer counted and the day closed), then multiplied in SQL into
later earlier days: every row of that day (receipts, lines, tenders, journal entries and lines,
drawer session, the closed day, audit entries, outbox rows) copied with new ids, gapless
receipt numbers continuing the workstation's counter, dates moved one day per copy and outbox
payloads rewritten to the new ids; the audit entries are re-chained (each copy hashed onto the
one before, the chain head moved), so ``audit verify``, ``PRAGMA foreign_key_check`` and
``cashdesk check --full`` hold on the built store. The outbox rows of the history are marked
sent (the central ledger had them) and compacted past the hold window as the sync does, the
check's marks set by a full check, as on a counter that checked itself yesterday.

Then on both stores, in the same run: open (clean, and after an unclean shutdown: the
incremental check), post receipts, drawer status, find a record, today's receipts, the X
report, the count and day close, ``cashdesk check`` (incremental), the sync queue's reads;
medians and the ratio history/day-only, and the bytes on disk per receipt.

    .venv/bin/python bench/growth.py [--receipts 100000] [--day 200]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cashdesk.app import Cashdesk, initialise, open_cashdesk
from cashdesk.clock import FixedClock
from cashdesk.config import Config
from cashdesk.domain import tender as T
from cashdesk.domain.audit_chain import ChainLink, compute_hash
from cashdesk.domain.drawer import CashCount, DrawerCount
from cashdesk.domain.money import Money
from cashdesk.domain.receipt import ReceiptDraft
from cashdesk.ledger.reference import HOLD_WINDOW
from cashdesk.services.auth import make_hasher
from cashdesk.services.outbox_compaction import compact_sent
from cashdesk.store.integrity import check_database
from cashdesk.store.lock import InstanceLock

# 10:00 in Riverbend (UTC-8): the first day of the history.
FIRST_DAY = dt.datetime(2025, 1, 6, 18, 0, tzinfo=dt.UTC)
PASSWORD = "riverbend1"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
NUMBER = re.compile(r"W01-(\d{6})")


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def open_desk(db: Path, clock: FixedClock) -> Cashdesk:
    return open_cashdesk(Config(), db, clock=clock, hasher=make_hasher(fast=True))


def post(desk: Cashdesk, op: Any, i: int) -> None:
    catalog = desk.catalog.catalog()
    draft = ReceiptDraft(payer=f"Payer {i % 97}")
    draft.add_line(catalog.line("GOLF-S"))
    draft.add_line(catalog.line("MISC", amount=Money(cents=101 + i % 5000), description="Copies"))
    if i % 3:
        draft.add_tender(T.cash(draft.total + Money(cents=i % 500)))
    else:
        draft.add_tender(
            T.check(draft.total, routing="021000021", account="123456789", number=str(1000 + i))
        )
    desk.payments.post_payment(op, draft)


def close_the_day(desk: Cashdesk, maria: Any, lead: Any) -> None:
    status = desk.balancing.status(maria, "1")
    assert status is not None
    cash = desk.drawers.expected_cash(lead, status.session.id)
    dollars, cents = divmod(cash.cents, 100)
    hundreds, ones = divmod(dollars, 100)
    count = DrawerCount(cash=CashCount.of({"B100": hundreds, "B1": ones, "C1": cents}))
    result = desk.balancing.submit_count(maria, count, "1")
    if result.needs_signoff:
        desk.balancing.approve(lead, result.session_id, reason="bench: checks not listed")
    desk.day_close.close_day(lead)


def build_day(db: Path, clock: FixedClock, receipts: int, *, demo: bool) -> None:
    desk = open_desk(db, clock)
    if demo:
        initialise(desk, demo=True)
    maria = desk.auth.sign_in("maria", PASSWORD)
    lead = desk.auth.sign_in("lead", PASSWORD)
    desk.drawers.open_drawer(maria)
    for i in range(receipts):
        post(desk, maria, i)
    desk.payments.void_receipt(lead, "W01-000002", reason="bench void")
    close_the_day(desk, maria, lead)
    desk.close()


def multiply(db: Path, copies: int) -> None:
    """Copy the first business day ``copies`` times onto the following days (see above)."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    day = conn.execute("SELECT min(business_date) FROM receipts").fetchone()[0]
    per_day = conn.execute("SELECT count(*) FROM receipts").fetchone()[0]

    def rows(sql: str, *params: Any) -> list[dict[str, Any]]:
        return [dict(r) for r in conn.execute(sql, params)]

    receipts = rows("SELECT * FROM receipts WHERE business_date = ? ORDER BY seq", day)
    ids = [r["id"] for r in receipts]
    marks = ",".join("?" * len(ids))
    lines = rows(f"SELECT * FROM receipt_lines WHERE receipt_id IN ({marks})", *ids)
    tenders = rows(f"SELECT * FROM tenders WHERE receipt_id IN ({marks})", *ids)
    sessions = rows("SELECT * FROM drawer_sessions WHERE business_date = ?", day)
    entries = rows("SELECT * FROM journal_entries WHERE business_date = ?", day)
    entry_ids = [e["id"] for e in entries]
    emarks = ",".join("?" * len(entry_ids))
    jlines = rows(f"SELECT * FROM journal_lines WHERE entry_id IN ({emarks})", *entry_ids)
    closed = rows("SELECT * FROM business_days WHERE business_date = ?", day)
    first_audit = conn.execute(
        "SELECT min(id) FROM audit_log WHERE action = 'drawer_open'"
    ).fetchone()[0]
    audits = rows("SELECT * FROM audit_log WHERE id >= ? ORDER BY id", first_audit)
    first_outbox = conn.execute(
        "SELECT min(id) FROM outbox WHERE kind = 'drawer_session'"
    ).fetchone()[0]
    outbox = rows("SELECT * FROM outbox WHERE id >= ? ORDER BY id", first_outbox)
    counts = rows(
        f"SELECT * FROM drawer_counts WHERE session_id IN ({','.join('?' * len(sessions))})",
        *[s["id"] for s in sessions],
    )
    head = conn.execute("SELECT last_id, last_hash FROM audit_chain_head").fetchone()
    last_id, last_hash = int(head[0]), str(head[1])
    assert last_id == audits[-1]["id"], "the first day must be the last thing in the audit log"
    seq0 = max(r["seq"] for r in receipts)

    def insert(table: str, row: dict[str, Any]) -> None:
        names = ", ".join(f'"{k}"' for k in row)
        conn.execute(
            f'INSERT INTO "{table}" ({names}) VALUES ({",".join("?" * len(row))})',
            list(row.values()),
        )

    def shift(value: Any, days: int) -> Any:
        if value is None:
            return None
        text = str(value)
        if len(text) == 10:
            return (dt.date.fromisoformat(text) + dt.timedelta(days=days)).isoformat()
        moment = dt.datetime.fromisoformat(text) + dt.timedelta(days=days)
        return moment.isoformat(sep=" ")

    conn.execute("BEGIN")
    for c in range(1, copies + 1):
        suffix = f"{c:08x}"

        def new_id(old: str, _s: str = suffix) -> str:
            return old[:28] + _s

        def renumber(m: re.Match[str], _c: int = c) -> str:
            return f"W01-{int(m.group(1)) + _c * seq0:06d}"

        def rewrite(text: str) -> str:
            return NUMBER.sub(renumber, UUID.sub(lambda m: new_id(m.group(0)), text))

        for s in sessions:
            insert(
                "drawer_sessions",
                s
                | {
                    "id": new_id(s["id"]),
                    "business_date": shift(s["business_date"], c),
                    "opened_at": shift(s["opened_at"], c),
                    "closed_at": shift(s["closed_at"], c),
                    "handed_from_id": None,
                    "deposit_id": None,
                },
            )
        for k in counts:
            moved = {key: shift(v, c) if key.endswith("_at") else v for key, v in k.items()}
            insert(
                "drawer_counts",
                moved | {"id": new_id(k["id"]), "session_id": new_id(k["session_id"])},
            )
        for r in receipts:
            insert(
                "receipts",
                r
                | {
                    "id": new_id(r["id"]),
                    "number": f"W01-{r['seq'] + c * seq0:06d}",
                    "seq": r["seq"] + c * seq0,
                    "drawer_session_id": new_id(r["drawer_session_id"]),
                    "business_date": shift(r["business_date"], c),
                    "posted_at": shift(r["posted_at"], c),
                    "printed_at": shift(r["printed_at"], c),
                    "voided_at": shift(r["voided_at"], c),
                },
            )
        for ln in lines:
            insert("receipt_lines", ln | {"id": None, "receipt_id": new_id(ln["receipt_id"])})
        for t in tenders:
            insert("tenders", t | {"id": None, "receipt_id": new_id(t["receipt_id"])})
        for e in entries:
            insert(
                "journal_entries",
                e
                | {
                    "id": new_id(e["id"]),
                    "receipt_id": new_id(e["receipt_id"]) if e["receipt_id"] else None,
                    "business_date": shift(e["business_date"], c),
                    "posted_at": shift(e["posted_at"], c),
                    "description": rewrite(e["description"]),
                },
            )
        for jl in jlines:
            insert(
                "journal_lines",
                jl | {"id": None, "entry_id": new_id(jl["entry_id"]), "memo": rewrite(jl["memo"])},
            )
        for b in closed:
            insert(
                "business_days",
                b
                | {
                    "business_date": shift(b["business_date"], c),
                    "closed_at": shift(b["closed_at"], c),
                    "journal_entry_id": new_id(b["journal_entry_id"]),
                },
            )
        for a in audits:
            last_id += 1
            at = dt.datetime.fromisoformat(str(shift(a["at"], c))).replace(tzinfo=dt.UTC)
            link = ChainLink(
                id=last_id,
                at=at,
                workstation_id=a["workstation_id"],
                actor_id=a["actor_id"],
                approver_id=a["approver_id"],
                action=a["action"],
                subject=rewrite(a["subject"]),
                details=json.loads(rewrite(a["details"])),
                prev_hash=last_hash,
            )
            last_hash = compute_hash(link)
            insert(
                "audit_log",
                a
                | {
                    "id": last_id,
                    "at": shift(a["at"], c),
                    "subject": link.subject,
                    "details": json.dumps(link.details),
                    "prev_hash": link.prev_hash,
                    "entry_hash": last_hash,
                },
            )
        for o in outbox:
            insert(
                "outbox",
                o
                | {
                    "id": None,
                    "uuid": new_id(o["uuid"]),
                    "subject_id": rewrite(o["subject_id"]),
                    "payload": rewrite(o["payload"]),
                    "created_at": shift(o["created_at"], c),
                    "sent_at": shift(o["created_at"], c),
                },
            )
    conn.execute("UPDATE audit_chain_head SET last_id = ?, last_hash = ?", (last_id, last_hash))
    conn.execute("UPDATE workstations SET last_receipt_seq = ?", ((copies + 1) * seq0,))
    conn.execute("UPDATE outbox SET sent_at = created_at WHERE sent_at IS NULL")
    conn.commit()
    conn.close()
    assert per_day == seq0


def measure(db: Path, now: dt.datetime, posts: int, repeat: int) -> dict[str, list[float]]:
    """The counter day on ``db``: every figure a list of milliseconds."""
    out: dict[str, list[float]] = {}
    clock = FixedClock(now)
    out["open (clean)"] = timed(lambda: open_desk(db, clock).close(), repeat)

    def unclean_open() -> None:
        lock = InstanceLock(db)
        lock.acquire()
        lock.mark_running()  # as a crashed window leaves it
        lock.release(clean=False)
        start = time.perf_counter()
        desk = open_desk(db, clock)
        out.setdefault("open after a crash (incremental check)", []).append(
            (time.perf_counter() - start) * 1000
        )
        assert desk.startup.integrity is not None and desk.startup.integrity.ok
        desk.close()

    for _ in range(repeat):
        unclean_open()
    desk = open_desk(db, clock)
    maria = desk.auth.sign_in("maria", PASSWORD)
    lead = desk.auth.sign_in("lead", PASSWORD)
    desk.drawers.open_drawer(maria)
    posting: list[float] = []
    status: list[float] = []
    for i in range(posts):
        start = time.perf_counter()
        post(desk, maria, i)
        posting.append((time.perf_counter() - start) * 1000)
        status.append(timed(lambda: desk.balancing.status(maria, "1"), 1)[0])
    out["post a receipt"] = posting
    out["drawer status after a receipt"] = status
    void_number = desk.payments.todays_receipts(lead)[-1].number
    out["void"] = timed(
        lambda: desk.payments.void_receipt(lead, void_number, reason="bench void"), 1
    )
    out["find a record (nunez)"] = timed(lambda: desk.lookup.search("nunez"), repeat)
    out["today's receipts"] = timed(lambda: desk.payments.todays_receipts(lead), repeat)
    out["X report"] = timed(lambda: desk.day_reports.x_report(lead), repeat)
    out["sync: status"] = timed(desk.sync.status, repeat)
    out["sync: unsynced_keys"] = timed(desk.sync.unsynced_keys, repeat)
    out["sync: next batch"] = timed(lambda: desk.sync._next_batch(0), repeat)
    out["day close (count + close, once)"] = timed(lambda: close_the_day(desk, maria, lead), 1)
    desk.close()
    out["cashdesk check (incremental)"] = timed(lambda: check_database(db), 1) + timed(
        lambda: check_database(db), repeat - 1
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--receipts", type=int, default=100_000, help="receipts of history")
    parser.add_argument("--day", type=int, default=200, help="receipts on the measured day")
    parser.add_argument("--per-day", type=int, default=400, help="receipts per earlier day")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="folder to keep the stores in")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="cashdesk-growth-"))
    folder.mkdir(parents=True, exist_ok=True)
    history, day_only = folder / "history.db", folder / "day.db"
    copies = max(args.receipts // args.per_day - 1, 0)
    today = FIRST_DAY + dt.timedelta(days=copies + 2)

    started = time.perf_counter()
    if not history.exists():
        build_day(history, FixedClock(FIRST_DAY), args.per_day, demo=True)
        multiply(history, copies)
        # As the sync does after each push: sent rows past the hold window are compacted.
        desk = open_desk(history, FixedClock(today))
        compact_sent(desk.ctx, older_than=HOLD_WINDOW)
        desk.close()
        with sqlite3.connect(history) as conn:
            conn.execute("VACUUM")  # freed pages would be reused by the next days' rows
        report = check_database(history, full=True)  # the marks of a clean check
        assert report.ok, report.problems[:5]
    build = time.perf_counter() - started
    # The day-only store: the same set-up, no earlier day.
    if day_only.exists():
        day_only.unlink()
    desk = open_desk(day_only, FixedClock(today))
    initialise(desk, demo=True)
    desk.close()
    check_database(day_only, full=True)
    with sqlite3.connect(history) as conn:
        stored = conn.execute("SELECT count(*) FROM receipts").fetchone()[0]
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    with sqlite3.connect(day_only) as conn:
        base_pages = conn.execute("PRAGMA page_count").fetchone()[0]
    per_receipt = (pages - base_pages) * page_size / stored
    work = folder / "work.db"
    # The two stores take turns (--rounds times), so a burst of load on this shared machine
    # falls on both; each figure is the median over every round's samples.
    results: dict[str, dict[str, list[float]]] = {"day only": {}, "history": {}}
    for _ in range(args.rounds):
        for name, source in (("day only", day_only), ("history", history)):
            shutil.copyfile(source, work)
            for label, samples in measure(work, today, args.day, args.repeat).items():
                results[name].setdefault(label, []).extend(samples)
    print(
        f"history: {stored:,} receipts of {copies + 1} earlier days (built in {build:.0f} s); "
        f"measured day: {args.day} receipts; {per_receipt:,.0f} bytes a receipt on disk"
    )
    print(f"{'':40} {'day only':>10} {'history':>10} {'ratio':>7}   (medians, ms)")
    for label in results["day only"]:
        a = statistics.median(results["day only"][label])
        b = statistics.median(results["history"][label])
        print(f"{label:40} {a:10.2f} {b:10.2f} {b / a:7.2f}")
    post_a, post_b = results["day only"]["post a receipt"], results["history"]["post a receipt"]
    p99 = (
        statistics.quantiles(post_a, n=100)[98],
        statistics.quantiles(post_b, n=100)[98],
    )
    print(f"{'post a receipt, p99':40} {p99[0]:10.2f} {p99[1]:10.2f} {p99[1] / p99[0]:7.2f}")


if __name__ == "__main__":
    main()
