"""The records commands: quote utility/citation, import payments, lookup, returned-check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from records_helpers import first

from cashdesk.app import Cashdesk
from cashdesk.cli import main


def run(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_quote_utility_json(
    desk: Cashdesk, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    account = first("utility_bill_items", lambda r: True)["account_no"]
    expected = desk.records.utility_payment(
        account, amount=desk.records.utility_account(account).open_balance
    )
    total = sum(x.amount.cents for x in expected.lines)
    amount = f"{total // 100}.{total % 100:02d}"
    code, out, _ = run(
        capsys,
        db_path,
        "quote",
        "utility",
        account,
        "--amount",
        amount,
        "--paid-on",
        "2026-11-26",
        "--json",
    )
    assert code == 0
    payload = json.loads(out)
    assert payload["total"] == amount
    assert payload["lines"] == [
        {
            "code": "UTIL",
            "description": x.description,
            "reference": account,
            "amount": x.amount.plain(),
            "gl_account": x.gl_account,
        }
        for x in expected.lines
    ]


def test_quote_utility_refusals_exit_2(
    desk: Cashdesk, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    active = first("utility_accounts", lambda r: r["status"] == "active")["account_no"]
    code, out, err = run(
        capsys, db_path, "quote", "utility", active, "--amount", "10", "--restore", "--json"
    )
    assert code == 2 and out == "" and "only a disconnected account" in err
    code, _, err = run(capsys, db_path, "quote", "utility", "999999", "--amount", "10", "--json")
    assert code == 2 and "No utility account" in err


def test_quote_citation_with_paid_on(
    desk: Cashdesk, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    row = first(
        "citations", lambda r: r["status"] == "open" and r["violation_code"] == "RMC 10.16.020"
    )
    code, out, _ = run(
        capsys,
        db_path,
        "quote",
        "citation",
        row["citation_no"],
        "--paid-on",
        "2027-06-01",
        "--json",
    )
    assert code == 0
    payload = json.loads(out)
    # The $45.00 base fine (of which $12.50 surcharge), a $45.00 late penalty, the $25.00 hold.
    assert payload["total"] == "115.00"
    assert [line["amount"] for line in payload["lines"]] == ["32.50", "12.50", "45.00", "25.00"]
    assert [line["gl_account"] for line in payload["lines"]] == [
        "101-210-35110",
        "101-000-22200",
        "101-210-35120",
        "101-210-35130",
    ]
    paid = first("citations", lambda r: r["status"] == "paid")["citation_no"]
    code, out, err = run(capsys, db_path, "quote", "citation", paid, "--json")
    assert code == 2 and "already paid" in err and out == ""


def test_import_payments_and_lookup_from_the_command_line(
    desk: Cashdesk,
    db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CASHDESK_PASSWORD", "riverbend1")
    path = tmp_path / "mail.csv"
    path.write_text(
        "payer,kind,reference,amount,tender,check_routing,check_account,check_number,postmark\r\n"
        "Zoë Núñez,GOLF-R,,40.00,cash,,,,\r\n"
        "Nobody,UTIL,999999,10.00,cash,,,,\r\n",
        encoding="utf-8-sig",
    )
    args = ("import", "payments", str(path), "--batch", "CLI1", "--user", "maria")
    code, out, _ = run(capsys, db_path, *args)
    assert code == 0
    assert "posted 1 receipts, $40.00" in out and "exceptions 1, $10.00" in out
    assert (
        (tmp_path / "CLI1-exceptions.csv")
        .read_text(encoding="utf-8-sig")
        .splitlines()[1]
        .startswith("2,999999,")
    )
    code, out, _ = run(capsys, db_path, *args)
    assert code == 0 and "posted 0 receipts" in out and "earlier import: 1, $40.00" in out
    code, _, err = run(
        capsys,
        db_path,
        "import",
        "payments",
        str(tmp_path / "none.csv"),
        "--batch",
        "X",
        "--user",
        "maria",
    )
    assert code == 2 and "Cannot read" in err

    code, out, _ = run(
        capsys, db_path, "lookup", "OBrien", "--kind", "utility", "--json", "--user", "maria"
    )
    hits = json.loads(out)
    assert hits and all("O'Brien" in h["title"] for h in hits)


def test_returned_check_command_needs_a_lead(
    desk: Cashdesk,
    db_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CASHDESK_PASSWORD", "riverbend1")
    code, _, err = run(capsys, db_path, "returned-check", "W01-000001", "--user", "maria")
    assert code == 2 and "may not process returned checks" in err
    code, _, err = run(capsys, db_path, "returned-check", "W01-000001", "--user", "lead")
    assert code == 2 and "No receipt" in err
