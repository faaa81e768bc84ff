"""``cashdesk pettycash …`` and ``cashdesk housing …`` end to end through the CLI."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from cashdesk.app import Cashdesk
from cashdesk.cli import main
from cashdesk.domain.roles import Operator
from cashdesk.store.models import AuditEntry
from cashdesk.store.program_models import PettyCashVoucher


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("household", "incomes", "annual", "limit", "eligible"),
    [
        ("1", ["794.23:weekly"], "41299.96", "41300.00", True),
        ("1", ["1588.47:biweekly"], "41300.22", "41300.00", False),
        ("3", ["2212.50:semimonthly"], "53100.00", "53100.00", True),
        ("8", ["6487.50:monthly", "0.01:yearly"], "77850.01", "77850.00", False),
        ("9", ["82550:yearly"], "82550.00", "82550.00", True),
        ("2", [], "0.00", "47200.00", True),
    ],
)
def test_eligibility_json(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    household: str,
    incomes: list[str],
    annual: str,
    limit: str,
    eligible: bool,
) -> None:
    db = tmp_path / "never.db"
    args = [
        "--db",
        str(db),
        "housing",
        "eligibility",
        "--household",
        household,
        "--date",
        "2026-11-26",
        "--json",
    ]
    for income in incomes:
        args += ["--income", income]
    code, out, _ = run(capsys, *args)
    assert code == 0
    payload: dict[str, Any] = json.loads(out)
    assert (payload["annual_income"], payload["limit"], payload["eligible"]) == (
        annual,
        limit,
        eligible,
    )
    assert not db.exists()  # no store opened, nothing saved


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--household", "two", "--income", "5:weekly"], "whole number"),
        (["--household", "0", "--income", "5:weekly"], "at least one person"),
        (["--household", "2", "--income", "5:daily"], "not an income frequency"),
        (["--household", "2", "--income", "5"], "AMOUNT:FREQUENCY"),
        (["--household", "2", "--income=-5:weekly"], "negative"),
        (["--household", "2", "--income", "5.001:weekly"], "dollar amount"),
        (["--household", "2", "--date", "2026-02-30"], "not a date"),
    ],
)
def test_eligibility_bad_input_exits_2_with_the_reason(
    capsys: pytest.CaptureFixture[str], args: list[str], reason: str
) -> None:
    code, out, err = run(capsys, "housing", "eligibility", *args, "--json")
    assert code == 2 and out == ""
    assert reason in err


@pytest.fixture
def as_lead(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASHDESK_PASSWORD", "riverbend1")


def test_pettycash_voucher_list_count_and_replenish(
    capsys: pytest.CaptureFixture[str],
    desk: Cashdesk,
    db_path: Path,
    tmp_path: Path,
    as_lead: None,
) -> None:
    db = ["--db", str(db_path)]
    slip = tmp_path / "slip.pdf"
    code, out, err = run(
        capsys,
        *db,
        "pettycash",
        "voucher",
        "--user",
        "lead",
        "--payee",
        "USPS",
        "--purpose",
        "Certified mail",
        "--account",
        "101-150-52200",
        "--amount",
        "12.40",
        "--receipt-attached",
        "--slip",
        str(slip),
    )
    assert code == 0, err
    assert out.startswith("PC-000001 $12.40")
    assert slip.read_bytes().startswith(b"%PDF")
    code, _, err = run(
        capsys,
        *db,
        "pettycash",
        "voucher",
        "--user",
        "lead",
        "--payee",
        "Ace Hardware",
        "--purpose",
        "Chairs",
        "--account",
        "101-150-52300",
        "--amount",
        "30",
        "--receipt-attached",
    )
    assert code == 2 and "--approver" in err
    code, _, err = run(
        capsys,
        *db,
        "pettycash",
        "voucher",
        "--user",
        "lead",
        "--payee",
        "Ace Hardware",
        "--purpose",
        "Chairs",
        "--account",
        "101-150-52300",
        "--amount",
        "75.01",
        "--receipt-attached",
    )
    assert code == 2 and "over the petty cash limit" in err
    code, out, _ = run(capsys, *db, "pettycash", "list", "--user", "lead", "--json")
    listed = json.loads(out)
    assert listed["cash"] == "287.60" and [v["number"] for v in listed["vouchers"]] == ["PC-000001"]
    code, out, _ = run(
        capsys,
        *db,
        "pettycash",
        "count",
        "--user",
        "lead",
        "--pieces",
        "B100=2",
        "--pieces",
        "B50=1",
        "--pieces",
        "B20=1",
        "--pieces",
        "B10=1",
        "--pieces",
        "B5=1",
        "--pieces",
        "B2=1",
        "--pieces",
        "C50=1",
        "--pieces",
        "C10=1",
    )
    assert code == 0 and "the fund balances" in out
    pdf, csv_path = tmp_path / "req.pdf", tmp_path / "ap.csv"
    code, out, err = run(
        capsys,
        *db,
        "pettycash",
        "replenish",
        "--user",
        "lead",
        "--pdf",
        str(pdf),
        "--csv",
        str(csv_path),
    )
    assert code == 0, err
    assert "PCR-000001 requests $12.40" in out
    assert "101-150-52200 Dr $12.40" in out and "101-000-20100 Cr $12.40" in out
    assert pdf.read_bytes().startswith(b"%PDF")
    rows = list(csv.reader(csv_path.read_text(encoding="utf-8").splitlines()))
    assert rows[1][4:7] == ["101-150-52200", "Postage", "12.40"]
    assert csv_path.stat().st_mode & 0o777 == 0o600
    code, out, err = run(
        capsys,
        *db,
        "pettycash",
        "replenish",
        "--user",
        "lead",
        "--receive",
        "PCR-000001",
        "--check-number",
        "20417",
        "--amount",
        "12.40",
    )
    assert code == 0, err
    with desk.ctx.sessions() as s:
        open_left = s.scalar(
            select(func.count())
            .select_from(PettyCashVoucher)
            .where(PettyCashVoucher.closed_at.is_(None))
        )
    assert open_left == 0


def test_housing_commands_need_program_staff(
    capsys: pytest.CaptureFixture[str], desk: Cashdesk, db_path: Path, as_lead: None
) -> None:
    code, _, err = run(capsys, "--db", str(db_path), "housing", "list", "--user", "maria")
    assert code == 2 and "may not see housing" in err
    code, out, _ = run(capsys, "--db", str(db_path), "housing", "list", "--user", "lead", "--json")
    assert code == 0 and json.loads(out) == []
    with desk.ctx.sessions() as s:
        listed = s.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "housing_applications_listed")
        )
    assert listed == 1


def test_housing_documents_decide_letter_and_export(
    capsys: pytest.CaptureFixture[str],
    desk: Cashdesk,
    db_path: Path,
    tmp_path: Path,
    lead: Operator,
    as_lead: None,
) -> None:
    import datetime as dt

    from cashdesk.domain.housing import Frequency, IncomeSource, Member
    from cashdesk.domain.money import Money
    from cashdesk.services.housing import ApplicationInput

    app = desk.housing.take_application(
        lead,
        ApplicationInput(
            members=[
                Member(name="Ana Díaz", born_on=dt.date(1970, 1, 1), relationship="applicant")
            ],
            sources=[
                IncomeSource(
                    member=0,
                    description="Pension",
                    amount=Money(cents=2_000_00),
                    frequency=Frequency.MONTHLY,
                )
            ],
            address="1 Oak Way, Riverbend",
        ),
    )
    db = ["--db", str(db_path)]
    code, out, err = run(
        capsys, *db, "housing", "documents", app.number, "--user", "lead", "--residence"
    )
    assert code == 0, err
    assert out.strip() == "HA-000001 documents pending; documents missing: income:1"
    code, out, err = run(
        capsys, *db, "housing", "decide", app.number, "--user", "lead", "--approve"
    )
    assert code == 2 and "only one under review" in err
    code, out, err = run(
        capsys, *db, "housing", "documents", app.number, "--user", "lead", "--income-proof", "1"
    )
    assert code == 0 and "under review" in out
    code, out, err = run(capsys, *db, "housing", "decide", app.number, "--user", "lead", "--deny")
    assert code == 2 and "reason" in err
    code, out, err = run(
        capsys, *db, "housing", "decide", app.number, "--user", "lead", "--approve"
    )
    assert code == 0 and out.startswith("HA-000001 approved")
    letter = tmp_path / "letter.pdf"
    code, out, err = run(
        capsys, *db, "housing", "letter", app.number, "--user", "lead", "--out", str(letter)
    )
    assert code == 0, err
    assert letter.read_bytes().startswith(b"%PDF")
    assert letter.stat().st_mode & 0o777 == 0o600
    code, out, err = run(
        capsys, *db, "housing", "export", "--user", "lead", "--out", str(tmp_path / "x.csv")
    )
    assert code == 2 and "finance administrator" in err
