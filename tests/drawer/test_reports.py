"""The PDFs and exports of a simulated day, checked by reading them back."""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

import pytest
from drawer_helpers import DAY, Pay, simulate_day
from pypdf import PdfReader

from cashdesk.app import Cashdesk
from cashdesk.clock import FixedClock
from cashdesk.domain.gl import JournalLine
from cashdesk.domain.roles import Operator
from cashdesk.errors import PermissionDenied, StateError
from cashdesk.reports.day import render_day_report
from cashdesk.reports.deposit import render_deposit_slip
from cashdesk.reports.journal import journal_beancount, journal_csv


def pdf_text(path: Path) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    return " ".join(text.split())


@pytest.fixture
def closed_day(
    desk: Cashdesk, people: dict[str, Operator], pay: Pay, clock: FixedClock
) -> dict[str, Operator]:
    simulate_day(desk, people, pay, clock)
    desk.day_close.deposit(people["lead"], bag_number="BAG-1001", business_date=DAY)
    return people


def test_daily_report_pdf_shows_the_days_figures(
    desk: Cashdesk, closed_day: dict[str, Operator], tmp_path: Path
) -> None:
    report = desk.day_reports.daily(closed_day["lead"], DAY)
    text = pdf_text(render_day_report(report, tmp_path / "daily.pdf"))
    assert "Daily cash report" in text and "2026-11-26" in text
    assert "Day closed 2026-11-26 16:30 by Zoë Müller" in text
    for name in ("Maria Hernández", "José Núñez", "Kim Ngô", "Samuel Østergaard"):
        assert name in text  # accented names render (DejaVu) and extract back
    assert "W01-000001 to W01-000011 (11 numbers)" in text
    assert "Gaps in the numbers none" in text
    assert "$2,417.83" in text  # receipts posted
    assert "short $5.35" in text and "short $12.35" in text and "over $7.00" in text
    assert "Charged the wrong customer" in text  # the void with who approved it
    assert "shared with Zoë Müller" in text and "handed to Kim Ngô" in text
    assert "101-150-36990" in text and "101-000-10150" in text
    assert "BAG-1001" in text and "$2,227.98" in text
    for code in ("FAC-FEE", "GOLF-R", "DAR-10", "GOLF-S", "MISC"):
        assert code in text


def test_x_report_mid_day_changes_nothing_and_keeps_the_count_blind(
    desk: Cashdesk, people: dict[str, Operator], pay: Pay, clock: FixedClock, tmp_path: Path
) -> None:
    from drawer_helpers import bank, m

    from cashdesk.domain import tender as T

    desk.drawers.open_drawer(people["maria"], count=bank())
    pay(people["maria"], "MISC", "80.00", T.cash(m("100")))
    with desk.engine.connect() as conn:
        before = conn.exec_driver_sql("SELECT count(*) FROM audit_log").scalar()
    x = desk.day_reports.x_report(people["lead"])
    with desk.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM audit_log").scalar() == before
    assert not x.closed and x.kind == "X"
    (drawer,) = x.sessions
    assert drawer.variances is not None and not drawer.counted  # a supervisor sees expected
    text = pdf_text(render_day_report(x, tmp_path / "x.pdf"))
    assert "X report" in text and "Nothing was counted, closed or changed" in text
    assert "$280.00" in text and "not counted" in text
    assert desk.balancing.status(people["maria"]) is not None
    assert desk.balancing.status(people["maria"]).session.status == "open"  # type: ignore[union-attr]
    with pytest.raises(PermissionDenied):
        desk.day_reports.x_report(people["maria"])
    with pytest.raises(StateError, match="not closed"):
        desk.day_reports.z_report(people["lead"], DAY)


def test_deposit_slip_pdf(desk: Cashdesk, closed_day: dict[str, Operator], tmp_path: Path) -> None:
    (slip,) = desk.day_reports.deposit_slips(closed_day["lead"], DAY)
    text = pdf_text(render_deposit_slip(slip, tmp_path / "deposit.pdf"))
    assert "Deposit slip · bag BAG-1001" in text
    assert "City of Riverbend operating account" in text
    assert f"Currency {slip.currency}" in text and f"Coin {slip.coin}" in text
    assert "Checks and money orders (3) $173.33" in text
    assert "Total deposit $2,227.98" in text
    assert "1001" in text and "2002" in text and "****6789" in text
    # the payer's check account stays masked (the city's own 000123456789 is not it)
    assert re.search(r"(?<!\d)123456789", text) is None
    assert "$100 bills" in text and "Pennies" in text
    # where the bag goes (RULES.md section 14), and the lines the preparer and verifier sign
    assert "Bank Riverbend Community Bank" in text
    assert "Routing number 121042882" in text and "Account number 000123456789" in text
    assert "Prepared by" in text and "Verified by" in text and "Page 1 of 1" in text


def _run_cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CASHDESK_PASSWORD": "riverbend1"}
    return subprocess.run(
        [sys.executable, "-m", "cashdesk.cli", "--db", str(db), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


def per_fund_balances(rows: list[dict[str, str]]) -> dict[str, Decimal]:
    funds: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        funds[row["account"][:3]] += Decimal(row["debit"]) - Decimal(row["credit"])
    return dict(funds)


def test_cli_exports_and_reports(
    desk: Cashdesk,
    closed_day: dict[str, Operator],
    db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    desk.close()  # the CLI opens the same store file
    out = tmp_path / "journal.csv"
    result = _run_cli(
        db_path,
        "export",
        "journal",
        "--date",
        "2026-11-26",
        "--format",
        "csv",
        "--out",
        str(out),
        "--user",
        "auditor",
    )
    assert result.returncode == 0, result.stderr
    assert "(closed)" in result.stdout
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0]) == [
        "date",
        "journal_id",
        "account",
        "debit",
        "credit",
        "description",
        "kind",
    ]
    assert set(per_fund_balances(rows).values()) == {Decimal("0.00")}
    revenue = sum(
        Decimal(r["credit"]) - Decimal(r["debit"])
        for r in rows
        if r["account"].split("-")[2] not in {"10100", "10150", "36990"}
    )
    assert revenue == Decimal("2417.83")

    pdf = tmp_path / "z.pdf"
    result = _run_cli(
        db_path, "report", "z", "--date", "2026-11-26", "--out", str(pdf), "--user", "lead"
    )
    assert result.returncode == 0, result.stderr
    z_text = pdf_text(pdf)
    assert "Z report 0001 (day close)" in z_text and "Z number W01 Z 0001" in z_text
    assert "By revenue code" not in z_text and "By cashier" not in z_text  # not the daily again
    # The rest in-process (same entry point, without paying for another interpreter).
    from cashdesk.cli import main

    monkeypatch.setenv("CASHDESK_PASSWORD", "riverbend1")
    dep = tmp_path / "dep.pdf"
    args = ["--db", str(db_path), "report"]
    assert (
        main([*args, "deposit", "--date", "2026-11-26", "--out", str(dep), "--user", "lead"]) == 0
    )
    assert "BAG-1001" in pdf_text(dep)
    slip = tmp_path / "handoff.pdf"
    assert (
        main([*args, "handoff", "--date", "2026-11-26", "--out", str(slip), "--user", "lead"]) == 0
    )
    text = pdf_text(slip)
    assert "Handoff slip · drawer 1" in text
    assert "Stays in the drawer with Kim Ngô: the cash, $710.00, as Kim Ngô's starting bank." in (
        text
    )
    assert "Goes with Maria Hernández's count to the safe: 1 check ($40.00), the card batch " in (
        text
    )
    assert "1001" in text and "Renée Dubois" in text
    no = tmp_path / "no.pdf"
    refused = main([*args, "daily", "--date", "2026-11-26", "--out", str(no), "--user", "maria"])
    assert refused == 2 and "may not run cash reports" in capsys.readouterr().err
    assert not no.exists()


def bean_check(path: Path) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("bean-check", path=str(Path(sys.executable).parent)) or "bean-check"
    return subprocess.run([exe, str(path)], capture_output=True, text=True, timeout=60)


def test_beancount_export_passes_bean_check_and_balances_per_fund(
    desk: Cashdesk, closed_day: dict[str, Operator], tmp_path: Path
) -> None:
    from beancount import loader
    from beancount.core import data

    export = desk.day_reports.journal(
        closed_day["auditor"] if "auditor" in closed_day else closed_day["lead"], DAY
    )
    path = tmp_path / "day.beancount"
    path.write_text(journal_beancount(export), encoding="utf-8")
    result = bean_check(path)
    assert result.returncode == 0, result.stdout + result.stderr

    entries, errors, _options = loader.load_file(str(path))
    assert errors == []
    txns = [e for e in entries if isinstance(e, data.Transaction)]
    assert len(txns) == len(export.entries) and {t.flag for t in txns} == {"*"}
    postings = [p for txn in txns for p in txn.postings]
    funds: dict[str, Decimal] = defaultdict(Decimal)
    for posting in postings:
        funds[posting.account.split(":")[1][:3]] += posting.units.number
    assert funds and set(funds.values()) == {Decimal("0")}
    income = -sum(
        p.units.number
        for p in postings
        if p.account.startswith(("Income", "Liabilities")) and "36990" not in p.account
    )
    assert income == Decimal("2417.83")
    assert journal_csv(export).count("\n") == len(export.lines) + 1


def test_provisional_journal_before_the_close(
    desk: Cashdesk, people: dict[str, Operator], pay: Pay, clock: FixedClock, tmp_path: Path
) -> None:
    simulate_day(desk, people, pay, clock, close=False)
    export = desk.day_reports.journal(people["lead"], DAY)
    assert export.provisional and export.entry_id.startswith("PROVISIONAL-")
    path = tmp_path / "provisional.beancount"
    path.write_text(journal_beancount(export), encoding="utf-8")
    result = bean_check(path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "! " in path.read_text(encoding="utf-8")
    closed = desk.day_close.close_day(people["lead"])
    # What was checked is what got posted: the close restates the same amounts per account.
    assert net_by_account(closed.report.journal) == net_by_account(export.lines)


def net_by_account(lines: Iterable[JournalLine]) -> dict[str, int]:
    net: dict[str, int] = defaultdict(int)
    for line in lines:
        net[line.account] += line.debit.cents - line.credit.cents
    return {account: cents for account, cents in net.items() if cents}
