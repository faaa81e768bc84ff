"""How fast does a workstation catch up with the central ledger? (issue 5)

Builds a backlog of N receipts in a workstation outbox (default 20,000: 200 receipts posted
through PaymentService, 3 lines and 2 tenders each, then their outbox rows cloned with fresh
UUIDs and receipt numbers, so every row is a real receipt payload), and times one
``SyncService.sync_once`` pushing them all to a fresh central ledger on a real PostgreSQL
server (pgserver, Unix socket). In the same run, the baseline inserts exactly the same rows
(raw events and every typed row) into another fresh central database with one COPY per
table in one transaction: the floor for moving these rows into PostgreSQL. Prints medians of
``--repeat`` runs and the ratio.

    .venv/bin/python bench/sync.py [--receipts 20000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb
from sqlalchemy import insert, select, update

from cashdesk.app import initialise, open_cashdesk
from cashdesk.config import Config
from cashdesk.domain import tender as T
from cashdesk.domain.money import Money
from cashdesk.domain.receipt import ReceiptDraft
from cashdesk.ledger.central import init_central
from cashdesk.ledger.projections import TABLE_ORDER, OutboxEvent, project
from cashdesk.resources import city_dir
from cashdesk.services.auth import make_hasher
from cashdesk.store.engine import transaction
from cashdesk.store.models import OutboxRow

POSTED = 200


def with_db(url: str, name: str) -> str:
    head, _, query = url.partition("?")
    return f"{head.rsplit('/', 1)[0]}/{name}" + (f"?{query}" if query else "")


def build_backlog(folder: Path, n: int, url: str) -> Any:
    desk = open_cashdesk(
        Config(ledger_url=url), folder / "counter.db", hasher=make_hasher(fast=True)
    )
    initialise(desk, demo=True)
    maria = desk.auth.sign_in("maria", "riverbend1")
    desk.drawers.open_drawer(maria)
    catalog = desk.catalog.catalog()
    check = T.check(Money(cents=4000), routing="021000021", account="123456789", number="1001")
    for _ in range(POSTED):
        draft = ReceiptDraft(payer="José Núñez")
        draft.add_line(catalog.line("GOLF-R"))
        draft.add_line(catalog.line("MISC", amount=Money(cents=1234), description="Copies"))
        draft.add_line(catalog.line("DAR-10", alternate=True))
        draft.add_tender(check)
        draft.add_tender(T.cash(Money(cents=3000)))
        desk.payments.post_payment(maria, draft)
    with desk.ctx.sessions() as s:
        templates = list(s.scalars(select(OutboxRow).where(OutboxRow.kind == "receipt")))
    clones = []
    for seq in range(POSTED + 1, n + 1):
        source = templates[seq % len(templates)]
        payload = dict(source.payload)
        payload["id"] = str(uuid.uuid4())
        payload["number"] = f"W01-{seq:06d}"
        payload["journal_entry"] = {**payload["journal_entry"], "id": str(uuid.uuid4())}
        clones.append(
            {
                "uuid": str(uuid.uuid4()),
                "kind": "receipt",
                "subject_id": payload["id"],
                "payload": payload,
                "created_at": source.created_at,
            }
        )
    with transaction(desk.ctx.sessions) as s:
        s.execute(insert(OutboxRow), clones)
    return desk


def fresh_central(admin_url: str, template: str) -> str:
    name = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
    return with_db(admin_url, name)


def events_of(desk: Any) -> list[OutboxEvent]:
    with desk.ctx.sessions() as s:
        rows = s.scalars(select(OutboxRow).order_by(OutboxRow.id))
        return [
            OutboxEvent(r.id, r.uuid, r.kind, r.subject_id, r.payload, r.created_at, "W01")
            for r in rows
        ]


def copy_baseline(url: str, events: list[OutboxEvent]) -> float:
    tables: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in events:
        tables["ledger_events"].append(
            {
                "uuid": e.uuid,
                "workstation": e.workstation,
                "outbox_id": e.outbox_id,
                "kind": e.kind,
                "subject_id": e.subject_id,
                "payload": Jsonb(e.payload),
                "created_at": e.created_at,
            }
        )
        for table, row in project(e):
            tables[table].append(row)
    order = ["ledger_events", *TABLE_ORDER]
    with psycopg.connect(url) as conn:
        start = time.perf_counter()
        with conn.transaction(), conn.cursor() as cur:
            for table in order:
                rows = tables.get(table)
                if not rows:
                    continue
                columns = list(rows[0])
                statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
                    sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
                )
                with cur.copy(statement) as copy:
                    for row in rows:
                        copy.write_row([row[c] for c in columns])
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--receipts", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import pgserver

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pgdata = Path(tempfile.mkdtemp(prefix="cashdesk-bench-pg-"))
        server = pgserver.get_server(pgdata, cleanup_mode="stop")
        try:
            admin = server.get_uri()
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute("CREATE DATABASE bench_template")
            init_central(with_db(admin, "bench_template"), city_dir())
            started = time.perf_counter()
            desk = build_backlog(folder, args.receipts, "")
            built = time.perf_counter() - started
            events = events_of(desk)
            rows = sum(1 + len(project(e)) for e in events)
            sync_times, copy_times = [], []
            for _ in range(args.repeat):
                with transaction(desk.ctx.sessions) as s:
                    s.execute(update(OutboxRow).values(sent_at=None))
                desk.sync.url = fresh_central(admin, "bench_template")
                start = time.perf_counter()
                report = desk.sync.sync_once(pull=False)
                sync_times.append(time.perf_counter() - start)
                assert report.ok and report.sent["receipt"] == args.receipts, report.lines()
                copy_times.append(copy_baseline(fresh_central(admin, "bench_template"), events))
            desk.close()
        finally:
            server.cleanup()
    s_med, c_med = statistics.median(sync_times), statistics.median(copy_times)
    n = len(events)
    print(
        f"backlog:                 {args.receipts} receipts + {n - args.receipts} other rows "
        f"({rows} central rows), built in {built:.1f} s"
    )
    print("sync_once (batches of 500, ON CONFLICT DO NOTHING, projections):")
    print(f"                         median {s_med:.2f} s = {n / s_med:,.0f} outbox rows/s")
    print(f"COPY baseline:           median {c_med:.2f} s = {n / c_med:,.0f} outbox rows/s")
    print(f"ratio (median):          sync takes {s_med / c_med:.2f}x the COPY baseline")


if __name__ == "__main__":
    main()
