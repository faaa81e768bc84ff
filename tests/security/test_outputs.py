"""Finding 1 and 7 of issue 16: no ``--out`` (nor the window's export path) may replace the
store or its companions; outputs are atomic, 0600 in 0700 folders, never over an existing file
without ``--force``; every CSV cashdesk writes neutralises formula cells."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import sqlite3
import stat
import sys
from pathlib import Path

import pytest

from cashdesk.cli import main
from cashdesk.errors import ValidationError
from cashdesk.outputs import OutputRefused, atomic_output, csv_writer, protect_store, write_output
from cashdesk.reports.license_register import register_csv

from .conftest import Counter
from .support import PASSWORD

DAY = "2026-11-26"


@pytest.fixture
def store(demo_template: Path, tmp_path: Path) -> Path:
    db = tmp_path / "v.db"
    shutil.copyfile(demo_template, db)
    return db


def run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], db: Path, *args: str
) -> tuple[int, str]:
    config = db.parent / "workstation.toml"
    config.touch()
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    code = main(["--db", str(db), "--config", str(config), *args])
    return code, capsys.readouterr().err


def _store_intact(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM users").fetchone()[0] >= 5


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


COMMANDS = {
    "audit export": ["audit", "export", "--from", DAY, "--to", DAY, "--user", "auditor"],
    "export journal": ["export", "journal", "--date", DAY, "--user", "lead"],
    "report daily": ["report", "daily", "--date", DAY, "--user", "lead"],
    "licenses register": [
        "licenses",
        "register",
        "--from",
        DAY,
        "--to",
        DAY,
        "--user",
        "lead",
    ],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("target", ["", "-wal", "-shm", ".lock", "config"])
def test_no_command_writes_over_the_store_or_its_companions(
    command: str,
    target: str,
    store: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = store.parent / "workstation.toml" if target == "config" else Path(f"{store}{target}")
    code, err = run(monkeypatch, capsys, store, *COMMANDS[command], "--out", str(out), "--force")
    assert code == 2
    # The register refuses any name not ending .pdf/.csv before it gets that far.
    assert "cashdesk's own files" in err or "written as .pdf or .csv" in err
    _store_intact(store)


def test_diagnostics_refuses_the_store_without_a_sign_in(
    store: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for force in ((), ("--force",)):
        code, err = run(monkeypatch, capsys, store, "--diagnostics", "--out", str(store), *force)
        assert code == 2 and "cashdesk's own files" in err
        assert store.read_bytes()[:16] == b"SQLite format 3\x00"  # not replaced by a zip
        _store_intact(store)


def test_a_backup_or_a_link_to_the_store_is_the_store(
    store: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    backups = store.parent / "backups"
    backups.mkdir()
    backup = backups / "v-0050-20261126T180000Z.db"
    shutil.copyfile(store, backup)
    link = store.parent / "innocent.csv"
    link.symlink_to(store)
    for out in (backup, link):
        code, err = run(
            monkeypatch, capsys, store, *COMMANDS["audit export"], "--out", str(out), "--force"
        )
        assert code == 2 and "cashdesk's own files" in err, out
    _store_intact(store)
    _store_intact(backup)


def test_an_existing_file_needs_force_and_outputs_are_private(
    store: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = store.parent / "new" / "deeper" / "journal.csv"
    code, err = run(monkeypatch, capsys, store, *COMMANDS["export journal"], "--out", str(out))
    assert code == 0, err
    assert _mode(out) == 0o600
    assert _mode(out.parent) == 0o700 and _mode(out.parent.parent) == 0o700
    out.write_text("keep me")
    code, err = run(monkeypatch, capsys, store, *COMMANDS["export journal"], "--out", str(out))
    assert code == 2 and "already exists" in err
    assert out.read_text() == "keep me"
    code, err = run(
        monkeypatch, capsys, store, *COMMANDS["export journal"], "--out", str(out), "--force"
    )
    assert code == 0, err
    assert out.read_text().startswith("date,journal_id") and _mode(out) == 0o600
    assert sorted(p.name for p in out.parent.iterdir()) == ["journal.csv"]  # no temp left


def test_the_windows_export_path_refuses_the_open_store(counter: Counter) -> None:
    """The audit screen passes the typed path to the service: the open store is refused."""
    desk, admin = counter.desk, counter.people["admin"]
    db = Path(desk.engine.url.database or "")
    before = db.stat().st_size
    day = dt.date(2026, 11, 26)
    for target in (db, Path(f"{db}-wal")):
        with pytest.raises(OutputRefused):
            desk.audit.export_csv(admin, target, start=day, end=day, force=True)
    assert db.stat().st_size == before
    result = desk.audit.export_csv(admin, counter.tmp / "audit.csv", start=day, end=day)
    assert result.rows > 0 and _mode(result.path) == 0o600


def test_the_report_viewers_save_as_refuses_an_existing_file(tmp_path: Path) -> None:
    from cashdesk.ui.reports_viewer import copy_pdf

    source = tmp_path / "source.pdf"
    source.write_bytes(b"%PDF-1.4 report")
    existing = tmp_path / "mine.pdf"
    existing.write_bytes(b"precious")
    with pytest.raises(ValidationError, match="already exists"):
        copy_pdf(source, str(existing))
    assert existing.read_bytes() == b"precious"
    saved = copy_pdf(source, str(tmp_path / "copy.pdf"))
    assert saved.read_bytes() == source.read_bytes() and _mode(saved) == 0o600


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "report.csv"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_output(target, force=True) as tmp:
        tmp.write_text("half")
        raise RuntimeError("disk gone")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.csv"]


def test_protected_paths_are_refused_by_name_even_before_they_exist(tmp_path: Path) -> None:
    from cashdesk import outputs
    from cashdesk.store import backup

    assert outputs.BACKUP_FOLDER == backup.BACKUP_FOLDER
    db = tmp_path / "future.db"
    protect_store(db)
    with pytest.raises(OutputRefused):
        write_output(db, b"x")
    with pytest.raises(OutputRefused):
        write_output(tmp_path / "backups" / "anything.db", b"x")
    assert not db.exists()


# -- CSV injection (finding 7) ---------------------------------------------------------------
HOSTILE = ['=HYPERLINK("http://x","y")', "@SUM(A1:A2)", "-2+3+cmd|' /C calc'!A0", "+1", "\tx"]


def test_the_csv_writer_keeps_formulas_as_text() -> None:
    out = io.StringIO()
    csv_writer(out).writerow([*HOSTILE, "Ada Park", 12, -5])
    cells = next(csv.reader(io.StringIO(out.getvalue())))
    assert all(c.startswith("'") for c in cells[: len(HOSTILE)])
    assert cells[len(HOSTILE) :] == ["Ada Park", "12", "-5"]


def test_the_license_register_csv_neutralises_a_hostile_holder(counter: Counter) -> None:
    from cashdesk.domain.money import Money
    from cashdesk.reports.license_register import RegisterEntry

    zero = Money(cents=0)
    entry = RegisterEntry(
        business_date=dt.date(2026, 11, 26),
        license_no="BL-1",
        kind="business",
        action="new",
        holder=HOSTILE[0],
        license_class="retail",
        term_start=dt.date(2026, 11, 26),
        term_end=dt.date(2027, 11, 25),
        tag_no="",
        received_via="counter",
        receipt_number="W01-000001",
        status="posted",
        fee=zero,
        penalty=zero,
        state_fee=zero,
        total=zero,
    )
    rows = list(csv.reader(io.StringIO(register_csv([entry]))))
    assert rows[1][4] == "'" + HOSTILE[0]


def test_the_batch_exceptions_csv_neutralises_hostile_cells(tmp_path: Path) -> None:
    from cashdesk.services.batches import BatchException, write_exceptions

    path = tmp_path / "mail-exceptions.csv"
    write_exceptions(
        path,
        [
            BatchException(
                row_no=2,
                reference=HOSTILE[2],
                reason="no such account",
                payer=HOSTILE[1],
                kind="UTIL",
                amount="10.00",
            )
        ],
    )
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert rows[1][1] == "'" + HOSTILE[2] and rows[1][3] == "'" + HOSTILE[1]
    assert _mode(path) == 0o600
