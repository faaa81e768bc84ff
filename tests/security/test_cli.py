"""``cashdesk users ...`` and ``cashdesk audit ...``, run in-process with secrets on stdin."""

from __future__ import annotations

import csv
import io
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

from cashdesk.cli import main

from .support import PASSWORD


@pytest.fixture
def store(demo_template: Path, tmp_path: Path) -> Path:
    db = tmp_path / "counter.db"
    shutil.copyfile(demo_template, db)
    return db


def run(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    db: Path,
    *args: str,
    stdin: str = "",
) -> tuple[int, str, str]:
    config = db.parent / "workstation.toml"
    config.touch()
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(["--db", str(db), "--config", str(config), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_users_add_list_disable_and_sign_in(
    store: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        monkeypatch,
        capsys,
        store,
        "users",
        "add",
        "kim",
        "--name",
        "Kim Lee",
        "--role",
        "cashier",
        "--pin",
        "--user",
        "admin",
        stdin=f"{PASSWORD}\nkims-password\n13579\n",
    )
    assert code == 0, err
    assert out.startswith("added kim") and "Cashier" in out
    code, out, _ = run(
        monkeypatch, capsys, store, "users", "list", "--user", "admin", stdin=PASSWORD
    )
    assert code == 0 and "kim " in out and "maria" in out
    code, out, _ = run(
        monkeypatch,
        capsys,
        store,
        "users",
        "disable",
        "kim",
        "--reason",
        "left",
        "--user",
        "admin",
        stdin=PASSWORD,
    )
    assert code == 0 and "disabled" in out
    code, out, _ = run(
        monkeypatch, capsys, store, "users", "list", "--json", "--user", "admin", stdin=PASSWORD
    )
    assert '"active": false' in out


def test_users_need_an_administrator(
    store: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        monkeypatch,
        capsys,
        store,
        "users",
        "add",
        "kim",
        "--name",
        "Kim",
        "--role",
        "cashier",
        "--user",
        "maria",
        stdin=f"{PASSWORD}\nkims-password\n",
    )
    assert code == 2 and "may not manage users" in err
    code, _, err = run(
        monkeypatch, capsys, store, "users", "list", "--user", "admin", stdin="wrong-one\n"
    )
    assert code == 2 and "not right" in err


def test_users_unlock_and_reset(
    store: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(5):
        run(monkeypatch, capsys, store, "users", "list", "--user", "lead", stdin="bad-password\n")
    code, out, _ = run(
        monkeypatch, capsys, store, "users", "list", "--user", "admin", stdin=PASSWORD
    )
    assert "LOCKED" in next(line for line in out.splitlines() if line.startswith("lead "))
    code, out, err = run(
        monkeypatch, capsys, store, "users", "unlock", "lead", "--user", "admin", stdin=PASSWORD
    )
    assert code == 0, err
    code, out, err = run(
        monkeypatch,
        capsys,
        store,
        "users",
        "reset",
        "jose",
        "--pin",
        "--user",
        "admin",
        stdin=f"{PASSWORD}\n97531\n",
    )
    assert code == 0, err
    code, _, err = run(
        monkeypatch, capsys, store, "users", "list", "--user", "lead", stdin=PASSWORD
    )
    assert code == 0, err


def test_first_administrator_on_a_new_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "new.db"
    assert run(monkeypatch, capsys, db, "init")[0] == 0
    code, _, err = run(
        monkeypatch,
        capsys,
        db,
        "users",
        "add",
        "boss",
        "--name",
        "B. Oss",
        "--role",
        "admin",
        stdin="boss-password\n",
    )
    assert code == 0, err
    code, _, err = run(
        monkeypatch,
        capsys,
        db,
        "users",
        "add",
        "boss2",
        "--name",
        "B",
        "--role",
        "admin",
        stdin="boss-password\n",
    )
    assert code == 2 and "exists already" in err


def test_audit_verify_export_and_tamper(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        monkeypatch, capsys, store, "audit", "verify", "--user", "auditor", stdin=PASSWORD
    )
    assert code == 0, err
    assert out.startswith("audit trail intact:")
    code, out, _ = run(
        monkeypatch,
        capsys,
        store,
        "audit",
        "list",
        "--action",
        "user_created",
        "--user",
        "auditor",
        stdin=PASSWORD,
    )
    assert code == 0 and out.count("user_created") == 6
    csv_path = tmp_path / "trail.csv"
    code, out, err = run(
        monkeypatch,
        capsys,
        store,
        "audit",
        "export",
        "--from",
        "2026-01-01",
        "--to",
        "2099-12-31",
        "--out",
        str(csv_path),
        "--user",
        "auditor",
        stdin=PASSWORD,
    )
    assert code == 0, err
    rows = list(csv.DictReader(csv_path.open(encoding="utf-8")))
    assert {"user_created", "sign_in"} <= {r["action"] for r in rows}

    conn = sqlite3.connect(store)
    conn.execute(
        "UPDATE audit_log SET subject = 'mallory' "
        "WHERE action = 'user_created' AND subject = 'jose'"
    )
    [(tampered,)] = conn.execute("SELECT id FROM audit_log WHERE subject = 'mallory'").fetchall()
    conn.commit()
    conn.close()
    code, out, _ = run(
        monkeypatch, capsys, store, "audit", "verify", "--user", "auditor", stdin=PASSWORD
    )
    assert code == 1
    assert f"BROKEN at entry {tampered}" in out and "changed" in out
    code, _, err = run(
        monkeypatch, capsys, store, "audit", "verify", "--user", "maria", stdin=PASSWORD
    )
    assert code == 2 and "may not read the audit trail" in err
