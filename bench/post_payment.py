"""How long does cashdesk take to post a receipt? (DESIGN.md: well under 50 ms.)

Posts N receipts (3 lines, 2 tenders) through PaymentService.post_payment on a real SQLite
file (WAL, synchronous=FULL), simulated printer and drawer included, and, in the same run,
writes the same rows with plain sqlite3 and one durable commit per receipt: the floor any
design on this disk could reach. Prints medians, p99 and the ratio.

    .venv/bin/python bench/post_payment.py [--receipts 2000]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from cashdesk.app import initialise, open_cashdesk
from cashdesk.config import Config
from cashdesk.domain import tender as T
from cashdesk.domain.money import Money
from cashdesk.domain.receipt import ReceiptDraft
from cashdesk.services.auth import make_hasher


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bench_service(folder: Path, n: int) -> list[float]:
    desk = open_cashdesk(Config(), folder / "service.db", hasher=make_hasher(fast=True))
    initialise(desk, demo=True)
    operator = desk.auth.sign_in("maria", "riverbend1")
    desk.drawers.open_drawer(operator)
    catalog = desk.catalog.catalog()
    check = T.check(Money(cents=4000), routing="021000021", account="123456789", number="1001")
    samples = []
    for _ in range(n):
        draft = ReceiptDraft(payer="José Núñez")
        draft.add_line(catalog.line("GOLF-R"))
        draft.add_line(catalog.line("MISC", amount=Money(cents=1234), description="Copies"))
        draft.add_line(catalog.line("DAR-10", alternate=True))
        draft.add_tender(check)
        draft.add_tender(T.cash(Money(cents=3000)))
        start = time.perf_counter()
        desk.payments.post_payment(operator, draft)
        samples.append((time.perf_counter() - start) * 1000)
    desk.close()
    return samples


BASELINE_SCHEMA = """
CREATE TABLE receipts (id TEXT PRIMARY KEY, number TEXT UNIQUE, seq INT, total INT,
  change INT, payer TEXT, posted_at TEXT);
CREATE TABLE lines (id INTEGER PRIMARY KEY, receipt_id TEXT, code TEXT, amount INT, gl TEXT);
CREATE TABLE tenders (id INTEGER PRIMARY KEY, receipt_id TEXT, kind TEXT, amount INT);
CREATE TABLE journal (id INTEGER PRIMARY KEY, receipt_id TEXT, account TEXT, dr INT, cr INT);
CREATE TABLE audit (id INTEGER PRIMARY KEY, action TEXT, subject TEXT, details TEXT);
CREATE TABLE outbox (id INTEGER PRIMARY KEY, uuid TEXT, payload TEXT);
CREATE TABLE counter (seq INT); INSERT INTO counter VALUES (0);
"""


def bench_plain_sqlite(folder: Path, n: int) -> list[float]:
    conn = sqlite3.connect(folder / "plain.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.executescript(BASELINE_SCHEMA)
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        rid = str(uuid.uuid4())
        conn.execute("BEGIN IMMEDIATE")
        seq = conn.execute("UPDATE counter SET seq = seq + 1 RETURNING seq").fetchone()[0]
        conn.execute(
            "INSERT INTO receipts VALUES (?,?,?,?,?,?,datetime('now'))",
            (rid, f"W01-{seq:06d}", seq, 6234, 766, "José Núñez"),
        )
        conn.executemany(
            "INSERT INTO lines (receipt_id, code, amount, gl) VALUES (?,?,?,?)",
            [
                (rid, "GOLF-R", 4000, "520-700-34720"),
                (rid, "MISC", 1234, "101-150-36900"),
                (rid, "DAR-10", 1000, "230-600-34610"),
            ],
        )
        conn.executemany(
            "INSERT INTO tenders (receipt_id, kind, amount) VALUES (?,?,?)",
            [(rid, "check", 4000), (rid, "cash", 3000)],
        )
        conn.executemany(
            "INSERT INTO journal (receipt_id, account, dr, cr) VALUES (?,?,?,?)",
            [
                (rid, "101-000-10100", 1234, 0),
                (rid, "230-000-10100", 1000, 0),
                (rid, "520-000-10100", 4000, 0),
                (rid, "520-700-34720", 0, 4000),
                (rid, "101-150-36900", 0, 1234),
                (rid, "230-600-34610", 0, 1000),
            ],
        )
        conn.execute(
            "INSERT INTO audit (action, subject, details) VALUES ('receipt_posted', ?, '{}')",
            (f"W01-{seq:06d}",),
        )
        conn.execute(
            "INSERT INTO outbox (uuid, payload) VALUES (?, ?)",
            (str(uuid.uuid4()), json.dumps({"id": rid, "total_cents": 6234})),
        )
        conn.execute("COMMIT")
        samples.append((time.perf_counter() - start) * 1000)
    conn.close()
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--receipts", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        service = bench_service(folder, args.receipts)
        plain = bench_plain_sqlite(folder, args.receipts)
    s_med, p_med = statistics.median(service), statistics.median(plain)
    print(f"receipts posted:           {args.receipts} (3 lines, 2 tenders each)")
    print(
        f"cashdesk post_payment:     median {s_med:.2f} ms, p99 {percentile(service, 0.99):.2f} ms"
    )
    print(f"plain sqlite3 baseline:    median {p_med:.2f} ms, p99 {percentile(plain, 0.99):.2f} ms")
    print(f"ratio (median):            {s_med / p_med:.2f}x the baseline")


if __name__ == "__main__":
    main()
