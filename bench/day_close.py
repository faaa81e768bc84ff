"""How long do the end-of-day steps take on a busy day?

Posts N receipts on two drawers (a real SQLite file, simulated devices), counts both drawers,
then times the X report, the day close (journal + Z report in one transaction), the daily
report's figures and its PDF, and the beancount export. The baseline, measured in the same
run, is one plain SQL pass summing the day's receipt lines by account: the least any day
report has to read.

    .venv/bin/python bench/day_close.py [--receipts 1000]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from cashdesk.app import initialise, open_cashdesk
from cashdesk.config import Config
from cashdesk.domain import tender as T
from cashdesk.domain.drawer import CashCount, DrawerCount
from cashdesk.domain.money import Money
from cashdesk.domain.receipt import ReceiptDraft
from cashdesk.services.auth import make_hasher


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--receipts", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="cashdesk-bench-"))
    db = folder / "day.db"
    desk = open_cashdesk(Config(), db, hasher=make_hasher(fast=True))
    initialise(desk, demo=True)
    maria = desk.auth.sign_in("maria", "riverbend1")
    jose = desk.auth.sign_in("jose", "riverbend1")
    lead = desk.auth.sign_in("lead", "riverbend1")
    for op, drawer in ((maria, "1"), (jose, "2")):
        desk.drawers.open_drawer(op, drawer=drawer)
    catalog = desk.catalog.catalog()
    for i in range(args.receipts):
        op, drawer = (maria, "1") if i % 2 else (jose, "2")
        draft = ReceiptDraft(payer="Bench")
        draft.add_line(catalog.line("GOLF-S"))
        draft.add_line(catalog.line("MISC", amount=Money(cents=101 + i), description="x"))
        draft.add_tender(T.cash(draft.total))
        desk.payments.post_payment(op, draft, drawer=drawer)
    for op, drawer in ((maria, "1"), (jose, "2")):
        status = desk.balancing.status(op, drawer)
        assert status is not None
        cash = desk.drawers.expected_cash(lead, status.session.id)
        dollars, cents = divmod(cash.cents, 100)
        hundreds, ones = divmod(dollars, 100)
        pieces = {"B100": hundreds, "B1": ones, "C1": cents}
        count = DrawerCount(cash=CashCount.of(pieces))
        desk.balancing.submit_count(op, count, drawer)

    def baseline() -> None:
        with sqlite3.connect(db) as conn:
            conn.execute(
                "SELECT l.gl_account, sum(l.amount_cents) FROM receipt_lines l JOIN receipts r "
                "ON r.id = l.receipt_id WHERE r.business_date = ? AND r.status = 'posted' "
                "GROUP BY l.gl_account",
                (desk.day_reports.current_business_date().isoformat(),),
            ).fetchall()

    day = desk.day_reports.current_business_date()
    base = timed(baseline, args.repeat)
    x = timed(lambda: desk.day_reports.x_report(lead), args.repeat)
    close = timed(lambda: desk.day_close.close_day(lead), 1)
    daily = timed(lambda: desk.day_reports.daily(lead, day), args.repeat)

    from cashdesk.reports.day import render_day_report
    from cashdesk.reports.journal import journal_beancount

    report = desk.day_reports.daily(lead, day)
    pdf = timed(lambda: render_day_report(report, folder / "daily.pdf"), args.repeat)
    export = timed(lambda: journal_beancount(desk.day_reports.journal(lead, day)), args.repeat)
    b = statistics.median(base)
    print(f"receipts on the day:       {args.receipts} (2 lines each, 2 drawers)")
    print(f"baseline (plain SQL sums): median {b:.2f} ms")
    for label, samples in (
        ("X report figures", x),
        ("day close (once)", close),
        ("daily report figures", daily),
        ("daily report PDF", pdf),
        ("journal export", export),
    ):
        med = statistics.median(samples)
        print(f"{label + ':':<26} median {med:8.2f} ms  ({med / b:6.1f}x the baseline)")
    desk.close()


if __name__ == "__main__":
    main()
