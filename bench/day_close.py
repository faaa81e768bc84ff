"""How long do the end-of-day steps take on a busy day, and does a drawer's status follow
the drawer rather than the history?

For each size (1,000 and 5,000 receipts by default): posts the receipts on two drawers (a
real SQLite file, simulated devices), counts both drawers, then times the X report, the day
close (journal + Z report in one transaction), the daily report's figures and its PDF, and
the beancount export. The baseline, measured in the same run, is one plain SQL pass summing
the day's receipt lines by account: the least any day report has to read.

Then the drawer status after each receipt (``check_pickup`` -> ``balancing.status``) on an
open drawer, before and after 200,000 receipts of earlier days are added in SQL: the ratio
should stay near 1.

    .venv/bin/python bench/day_close.py [--receipts 1000 5000] [--history 200000]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from cashdesk.app import Cashdesk, initialise, open_cashdesk
from cashdesk.config import Config
from cashdesk.domain import tender as T
from cashdesk.domain.drawer import CashCount, DrawerCount
from cashdesk.domain.money import Money
from cashdesk.domain.receipt import ReceiptDraft
from cashdesk.domain.roles import Operator
from cashdesk.services.auth import make_hasher


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def both(fn: Callable[[], object]) -> tuple[float, float]:
    """One run: (wall-clock ms, this process's CPU ms)."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


Samples = tuple[list[float], list[float], list[float], list[float]]


def paired(base: Callable[[], object], fn: Callable[[], object], repeat: int) -> Samples:
    """``fn`` run ``repeat`` times, each right after a baseline run, timed by the wall clock
    and by this process's CPU time: on a shared, loaded machine the wall clock counts the
    other processes too, the CPU time does not."""
    wall: list[float] = []
    wall_base: list[float] = []
    cpu: list[float] = []
    cpu_base: list[float] = []
    for _ in range(repeat):
        w, c = both(base)
        wall_base.append(w)
        cpu_base.append(c)
        w, c = both(fn)
        wall.append(w)
        cpu.append(c)
    return wall, wall_base, cpu, cpu_base


def opened(folder: Path, name: str) -> tuple[Cashdesk, Path]:
    db = folder / name
    desk = open_cashdesk(Config(), db, hasher=make_hasher(fast=True))
    initialise(desk, demo=True)
    return desk, db


def post(desk: Cashdesk, op: Operator, drawer: str, i: int) -> None:
    catalog = desk.catalog.catalog()
    draft = ReceiptDraft(payer="Bench")
    draft.add_line(catalog.line("GOLF-S"))
    draft.add_line(catalog.line("MISC", amount=Money(cents=101 + i), description="x"))
    draft.add_tender(T.cash(draft.total))
    desk.payments.post_payment(op, draft, drawer=drawer)


def day_close(folder: Path, receipts: int, repeat: int) -> None:
    desk, db = opened(folder, f"day-{receipts}.db")
    maria = desk.auth.sign_in("maria", "riverbend1")
    jose = desk.auth.sign_in("jose", "riverbend1")
    lead = desk.auth.sign_in("lead", "riverbend1")
    for op, drawer in ((maria, "1"), (jose, "2")):
        desk.drawers.open_drawer(op, drawer=drawer)
    for i in range(receipts):
        op, drawer = (maria, "1") if i % 2 else (jose, "2")
        post(desk, op, drawer, i)
    for op, drawer in ((maria, "1"), (jose, "2")):
        status = desk.balancing.status(op, drawer)
        assert status is not None
        cash = desk.drawers.expected_cash(lead, status.session.id)
        dollars, cents = divmod(cash.cents, 100)
        hundreds, ones = divmod(dollars, 100)
        pieces = {"B100": hundreds, "B1": ones, "C1": cents}
        count = DrawerCount(cash=CashCount.of(pieces))
        desk.balancing.submit_count(op, count, drawer)

    day = desk.day_reports.current_business_date()

    def baseline() -> None:
        with sqlite3.connect(db) as conn:
            conn.execute(
                "SELECT l.gl_account, sum(l.amount_cents) FROM receipt_lines l JOIN receipts r "
                "ON r.id = l.receipt_id WHERE r.business_date = ? AND r.status = 'posted' "
                "GROUP BY l.gl_account",
                (day.isoformat(),),
            ).fetchall()

    timed(baseline, 2)  # warm the page cache for both
    x = paired(baseline, lambda: desk.day_reports.x_report(lead), repeat)
    close = paired(baseline, lambda: desk.day_close.close_day(lead), 1)
    daily = paired(baseline, lambda: desk.day_reports.daily(lead, day), repeat)
    z = paired(baseline, lambda: desk.day_reports.z_report(lead, day), repeat)

    from cashdesk.reports.day import render_day_report
    from cashdesk.reports.journal import journal_beancount

    report = desk.day_reports.daily(lead, day)
    assert report.receipts == receipts  # every receipt counted, whatever the speed
    pdf = paired(baseline, lambda: render_day_report(report, folder / "daily.pdf"), repeat)
    export = paired(
        baseline, lambda: journal_beancount(desk.day_reports.journal(lead, day)), repeat
    )
    print(f"receipts on the day: {receipts} (2 lines each, 2 drawers); baseline: plain SQL sums")
    print(f"  {'':<22} {'wall clock (median)':>36}   {'CPU time (median)':>36}")
    for label, (wall, wall_base, cpu, cpu_base) in (
        ("X report figures", x),
        ("day close (once)", close),
        ("daily report figures", daily),
        ("Z report figures", z),
        ("daily report PDF", pdf),
        ("journal export", export),
    ):
        cells = []
        for samples, baselines in ((wall, wall_base), (cpu, cpu_base)):
            med, b = statistics.median(samples), statistics.median(baselines)
            cells.append(f"{med:8.2f} ms vs {b:6.2f} ms ({med / max(b, 0.01):5.1f}x)")
        print(f"  {label + ':':<22} {cells[0]:>36}   {cells[1]:>36}")
    desk.close()


def add_history(db: Path, receipts: int) -> None:
    """Receipts of earlier days on a closed drawer session, written in SQL (the status must
    not read them)."""
    with sqlite3.connect(db) as conn:
        ws, cashier = conn.execute("SELECT workstation_id, cashier_id FROM receipts").fetchone()
        conn.execute(
            "INSERT INTO drawer_sessions (id, workstation_id, drawer, cashier_id, business_date,"
            " opened_at, opening_bank_cents, status, shared) SELECT 'history', workstation_id,"
            " drawer, cashier_id, '2020-01-02', opened_at, opening_bank_cents, 'deposited',"
            " shared FROM drawer_sessions LIMIT 1"
        )
        conn.executemany(
            "INSERT INTO receipts (id, number, workstation_id, seq, drawer_session_id,"
            " cashier_id, business_date, posted_at, payer, total_cents, tendered_cents,"
            " change_cents, status) VALUES (?, ?, ?, ?, 'history', ?, '2020-01-02',"
            " '2020-01-02 12:00:00', 'History', 500, 500, 0, 'posted')",
            ((f"h-{n}", f"H-{n:08d}", ws, -n, cashier) for n in range(1, receipts + 1)),
        )


def drawer_status(folder: Path, receipts: int, history: int, repeat: int) -> None:
    desk, db = opened(folder, "status.db")
    maria = desk.auth.sign_in("maria", "riverbend1")
    desk.drawers.open_drawer(maria, drawer="1")
    for i in range(receipts):
        post(desk, maria, "1", i)

    def status() -> None:
        assert desk.balancing.status(maria, "1") is not None

    before = statistics.median(timed(status, repeat))
    desk.close()
    add_history(db, history)
    desk = open_cashdesk(Config(), db, hasher=make_hasher(fast=True))
    maria = desk.auth.sign_in("maria", "riverbend1")
    after = statistics.median(timed(status, repeat))
    desk.close()
    print(f"drawer status, {receipts} receipts on the open drawer:")
    print(f"  day only:                   median {before:8.2f} ms")
    print(
        f"  + {history:,} earlier receipts: median {after:8.2f} ms"
        f"  ({after / before:5.2f}x the day-only store)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--receipts", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--history", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="cashdesk-bench-"))
    for receipts in args.receipts:
        day_close(folder, receipts, args.repeat)
    drawer_status(folder, 200, args.history, args.repeat * 3)


if __name__ == "__main__":
    main()
