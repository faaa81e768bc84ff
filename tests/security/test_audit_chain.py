"""The audit trail's hash chain: verified, then broken by plain SQL, found and named."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import json
import sqlite3
import stat
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, select, text

from cashdesk.app import Cashdesk, open_cashdesk
from cashdesk.clock import FixedClock
from cashdesk.config import Config, DrawerPolicy
from cashdesk.domain.audit_chain import GENESIS, ChainLink, compute_hash, verify_chain
from cashdesk.domain.money import Money
from cashdesk.domain.roles import Operator
from cashdesk.errors import PermissionDenied
from cashdesk.services.auth import make_hasher
from cashdesk.store import migrate
from cashdesk.store.engine import transaction
from cashdesk.store.models import AuditEntry
from cashdesk.store.sealing import audit_key

from .conftest import Counter
from .support import PASSWORD, sale

KEY = b"k" * 32  # the property tests' audit key


def raw(db: Path, sql: str, *params: object) -> None:
    """Tamper with the file the way someone with a SQLite shell would."""
    conn = sqlite3.connect(db)
    conn.execute(sql, params)
    conn.commit()
    conn.close()


def last_id(desk: Cashdesk) -> int:
    with desk.ctx.sessions() as s:
        return int(s.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)) or 0)


def test_chain_verifies_then_an_edit_is_found(counter: Counter, db_path: Path) -> None:
    desk, auditor = counter.desk, counter.people["auditor"]
    report = desk.audit.verify(auditor)
    assert report.ok and report.entries == last_id(desk) and report.entries >= 8
    with desk.ctx.sessions() as s:
        entries = list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    assert entries[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.entry_hash for a, b in itertools.pairwise(entries))
    posted = next(e for e in entries if e.action == "receipt_posted")

    raw(
        db_path,
        "UPDATE audit_log SET details = json_set(details, '$.total', '6.23') WHERE id = ?",
        posted.id,
    )
    report = desk.audit.verify(auditor)
    assert not report.ok
    assert report.broken_at == posted.id
    assert "changed" in report.problem and report.entries == posted.id - 1


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("actor_id", 2),
        ("action", "sign_in"),
        ("subject", "W01-000009"),
        ("at", "2026-11-26 17:00:00.000000"),
        ("at", "not a time"),
        ("details", "{not json"),
        ("approver_id", 3),
    ],
)
def test_any_changed_field_is_found(
    counter: Counter, db_path: Path, column: str, value: object
) -> None:
    target = 5
    raw(db_path, f"UPDATE audit_log SET {column} = ? WHERE id = ?", value, target)
    report = counter.desk.audit.verify(counter.people["auditor"])
    assert (report.ok, report.broken_at) == (False, target)


def test_a_deleted_row_is_found(counter: Counter, db_path: Path) -> None:
    raw(db_path, "DELETE FROM audit_log WHERE id = 7")
    report = counter.desk.audit.verify(counter.people["auditor"])
    assert (report.ok, report.broken_at) == (False, 7)
    assert "entry 7 is missing" in report.problem


def test_deleting_the_newest_rows_is_found(counter: Counter, db_path: Path) -> None:
    top = last_id(counter.desk)
    raw(db_path, "DELETE FROM audit_log WHERE id >= ?", top - 1)
    report = counter.desk.audit.verify(counter.people["auditor"])
    assert (report.ok, report.broken_at) == (False, top - 1)
    assert "deleted from the end" in report.problem


def test_deleting_the_first_rows_is_found(counter: Counter, db_path: Path) -> None:
    raw(db_path, "DELETE FROM audit_log WHERE id <= 2")
    report = counter.desk.audit.verify(counter.people["auditor"])
    assert (report.ok, report.broken_at) == (False, 1)
    assert report.problem == "entries 1 to 2 are missing from the start"


def test_a_rehashed_edit_still_breaks_the_next_link(counter: Counter, db_path: Path) -> None:
    """Someone who edits a row and recomputes its own hash breaks the link after it."""
    with counter.desk.ctx.sessions() as s:
        entry = s.get(AuditEntry, 6)
        assert entry is not None
        forged = ChainLink(
            id=entry.id,
            at=entry.at,
            workstation_id=entry.workstation_id,
            actor_id=entry.actor_id,
            approver_id=entry.approver_id,
            action=entry.action,
            subject="someone-else",
            details=entry.details,
            prev_hash=entry.prev_hash,
        )
    raw(
        db_path,
        "UPDATE audit_log SET subject = ?, entry_hash = ? WHERE id = 6",
        "someone-else",
        compute_hash(forged, audit_key()),  # even with the key, the next link breaks
    )
    report = counter.desk.audit.verify(counter.people["auditor"])
    assert (report.ok, report.broken_at) == (False, 7)
    assert "link to entry 6" in report.problem


def test_a_clock_set_backwards_does_not_reorder_the_chain(
    counter: Counter, clock: FixedClock
) -> None:
    desk, maria = counter.desk, counter.people["maria"]
    desk.payments.post_payment(maria, sale(desk))
    clock.advance(hours=-3)
    desk.payments.post_payment(maria, sale(desk))
    report = desk.audit.verify(counter.people["auditor"])
    assert report.ok
    posted = desk.audit.browse(counter.people["auditor"], action="receipt_posted")
    # Newest first by id, whatever their times say.
    assert [r.subject for r in posted] == ["W01-000003", "W01-000002", "W01-000001"]
    assert posted[0].at < posted[1].at


def test_concurrent_writers_keep_one_chain(counter: Counter) -> None:
    desk = counter.desk
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(15):
                with transaction(desk.ctx.sessions) as s:
                    desk.ctx.audit(s, action="test_write", actor_id=None, thread=n, i=i)
                    if i % 5 == 0:  # two entries in one transaction, now and then
                        desk.ctx.audit(s, action="test_write", actor_id=None, thread=n, i=-i)
        except BaseException as err:  # pragma: no cover - reported below
            errors.append(err)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    report = desk.audit.verify(counter.people["auditor"])
    assert report.ok, report.problem
    with desk.ctx.sessions() as s:
        writes = s.scalars(select(AuditEntry).where(AuditEntry.action == "test_write")).all()
    assert len(writes) == 4 * 18


def test_a_rolled_back_transaction_leaves_the_chain_whole(counter: Counter) -> None:
    desk = counter.desk
    with pytest.raises(RuntimeError), transaction(desk.ctx.sessions) as s:
        desk.ctx.audit(s, action="doomed", actor_id=None)
        raise RuntimeError("boom")
    desk.auth.sign_in("maria", PASSWORD)
    assert desk.audit.verify(counter.people["auditor"]).ok


def test_auditor_browses_with_filters(counter: Counter) -> None:
    desk, auditor = counter.desk, counter.people["auditor"]
    desk.auth.sign_in("jose", PASSWORD)
    desk.payments.reprint(counter.people["maria"], counter.receipt)
    today = desk.ctx.business_date()
    by_maria = desk.audit.browse(auditor, actor="maria")
    assert {r.action for r in by_maria} >= {"drawer_open", "receipt_posted", "receipt_reprinted"}
    assert all(r.actor == "maria" for r in by_maria)
    assert [r.actor for r in desk.audit.browse(auditor, action="sign_in", limit=1)] == ["jose"]
    assert desk.audit.browse(auditor, start=today + dt.timedelta(days=1)) == []
    assert len(desk.audit.browse(auditor, start=today, end=today)) == last_id(desk)
    page = desk.audit.browse(auditor, limit=3)
    older = desk.audit.browse(auditor, limit=3, before_id=page[-1].id)
    assert [r.id for r in page + older] == list(range(last_id(desk), last_id(desk) - 6, -1))


def test_export_writes_a_private_csv_and_is_audited(counter: Counter, tmp_path: Path) -> None:
    desk, auditor = counter.desk, counter.people["auditor"]
    day = desk.ctx.business_date()
    out = tmp_path / "trail.csv"
    result = desk.audit.export_csv(auditor, out, start=day, end=day)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == result.rows and result.rows >= 8
    assert [int(r["id"]) for r in rows] == sorted(int(r["id"]) for r in rows)
    posted = next(r for r in rows if r["action"] == "receipt_posted")
    assert posted["actor"] == "maria" and json.loads(posted["details"])["total"] == "62.34"
    assert all(len(r["entry_hash"]) == 64 for r in rows)
    [exported] = desk.audit.browse(auditor, action="audit_exported")
    assert exported.actor == "auditor" and exported.details["rows"] == result.rows
    assert exported.details["sha256"] == result.sha256
    assert desk.audit.verify(auditor).ok


def test_export_neutralises_spreadsheet_formulas(counter: Counter, tmp_path: Path) -> None:
    desk = counter.desk
    with pytest.raises(Exception):  # noqa: B017 - any refusal; the attempt is audited
        desk.auth.sign_in("=HYPERLINK(1)", "x")
    day = desk.ctx.business_date()
    desk.audit.export_csv(counter.people["admin"], tmp_path / "t.csv", start=day, end=day)
    cells = [c for row in csv.reader((tmp_path / "t.csv").open()) for c in row]
    assert "'=hyperlink(1)" in cells and not any(c.startswith("=") for c in cells)


def test_config_changes_are_audited(desk: Cashdesk, db_path: Path, clock: FixedClock) -> None:
    desk.close()
    changed = Config(
        idle_lock_seconds=300,
        drawer=DrawerPolicy(starting_bank=Money(cents=150_00)),
        ledger_url="postgresql://cashdesk:s3cret@ledger/riverbend",
    )
    desk2 = open_cashdesk(changed, db_path, clock=clock, hasher=make_hasher(fast=True))
    desk2.close()
    again = open_cashdesk(changed, db_path, clock=clock, hasher=make_hasher(fast=True))
    auditor = again.auth.sign_in("auditor", PASSWORD)
    entries = again.audit.browse(auditor, action="config_changed")
    assert len(entries) == 1  # opening again with the same settings adds nothing
    diff = entries[0].details["changed"]
    assert diff["idle_lock_seconds"] == [120, 300]
    assert diff["drawer.starting_bank"] == ["200.00", "150.00"]
    assert diff["ledger_url"] == ["", "postgresql://cashdesk:***@ledger/riverbend"]
    assert "s3cret" not in json.dumps(entries[0].details)
    again.close()


def test_an_upgraded_store_chains_its_existing_entries(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{db}")
    migrate.upgrade(engine, "0002")
    with engine.begin() as conn:
        for i in range(3):
            conn.execute(
                text(
                    "INSERT INTO audit_log (at, workstation_id, action, subject, details) "
                    "VALUES (:at, 'W01', 'sign_in', :subject, '{\"n\": 1}')"
                ),
                {"at": f"2026-11-2{i} 18:00:00.000000", "subject": f"user{i}"},
            )
    migrate.upgrade(engine)
    engine.dispose()
    desk = open_cashdesk(Config(), db, clock=FixedClock(dt.datetime(2026, 11, 26, tzinfo=dt.UTC)))
    try:
        with desk.ctx.sessions() as s:
            from cashdesk.services.audit import verify_store

            report = verify_store(s)
        assert report.ok and report.entries == 4  # three old entries and the config record
    finally:
        desk.close()


def test_only_auditors_and_administrators_read_the_trail(
    people: dict[str, Operator], desk: Cashdesk
) -> None:
    for name in ("maria", "lead"):
        with pytest.raises(PermissionDenied):
            desk.audit.verify(people[name])


# -- the pure chain, with arbitrary contents -----------------------------------------------
_details = st.dictionaries(
    st.text(min_size=1, max_size=8),
    st.one_of(st.integers(), st.text(max_size=12), st.booleans(), st.none()),
    max_size=4,
)


def _chain(contents: list[tuple[str, dict[str, object]]]) -> list[ChainLink]:
    links: list[ChainLink] = []
    prev = GENESIS
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for i, (action, details) in enumerate(contents, start=1):
        link = ChainLink(
            id=i,
            at=start - dt.timedelta(minutes=i),  # time runs backwards: irrelevant to the chain
            workstation_id="W01",
            actor_id=None,
            approver_id=None,
            action=action,
            subject="",
            details=details,
            prev_hash=prev,
        )
        link = ChainLink(**{**_as_dict(link), "entry_hash": compute_hash(link, KEY)})
        links.append(link)
        prev = link.entry_hash
    return links


def _as_dict(link: ChainLink) -> dict[str, object]:
    return {name: getattr(link, name) for name in link.__slots__}  # type: ignore[attr-defined]


@settings(max_examples=60, deadline=None)
@given(
    contents=st.lists(
        st.tuples(st.text(min_size=1, max_size=10), _details), min_size=1, max_size=12
    ),
    data=st.data(),
)
def test_any_single_change_or_deletion_is_found_at_its_place(contents, data) -> None:  # type: ignore[no-untyped-def]
    links = _chain(contents)
    head = (links[-1].id, links[-1].entry_hash)
    assert verify_chain(links, head, KEY).ok
    victim = data.draw(st.integers(min_value=0, max_value=len(links) - 1))
    if data.draw(st.booleans()):
        changed = dict(_as_dict(links[victim]))
        changed["subject"] = "x"
        tampered = [*links[:victim], ChainLink(**changed), *links[victim + 1 :]]  # type: ignore[arg-type]
        assert verify_chain(tampered, head, KEY).broken_at == victim + 1
    else:
        shortened = links[:victim] + links[victim + 1 :]
        report = verify_chain(shortened, head, KEY)
        assert not report.ok and report.broken_at == victim + 1
