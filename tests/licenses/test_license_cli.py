"""The quote commands (JSON shape, refusals with exit status 2) and the licenses group."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cashdesk.cli import main


def quote(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any, str]:
    code = main(["quote", *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if code == 0 and "--json" in args else out), err


@pytest.fixture(autouse=True)
def today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASHDESK_TODAY", "2027-03-01")


def test_business_license_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, payload, _ = quote(
        capsys, "business-license", "--class", "CT", "--license-year", "2027", "--json"
    )
    assert code == 0
    # paid on the business date, March 1, 2027: 1 month late, 150 + 15 + 4
    assert payload == {
        "total": "169.00",
        "lines": [
            {
                "code": "BLT-REN",
                "description": "Business license tax 2027 (CT contractor)",
                "reference": "",
                "amount": "150.00",
                "gl_account": "101-120-31410",
            },
            {
                "code": "BLT-REN",
                "description": "Late penalty 2027: 1 month x 10% of $150.00",
                "reference": "",
                "amount": "15.00",
                "gl_account": "101-120-31420",
            },
            {
                "code": "BLT-REN",
                "description": "State disability access fee (city share)",
                "reference": "",
                "amount": "3.60",
                "gl_account": "101-120-34110",
            },
            {
                "code": "BLT-REN",
                "description": "State disability access fee (state share)",
                "reference": "",
                "amount": "0.40",
                "gl_account": "101-000-22100",
            },
        ],
    }


@pytest.mark.parametrize(
    ("args", "total"),
    [
        # the last day of February and March 1 (HB 60.00)
        (["--class", "HB", "--paid-on", "2027-02-28"], "64.00"),
        (["--class", "HB", "--paid-on", "2027-03-01"], "70.00"),
        # exactly $50,000 and one cent above; $1,000,000 and one cent above
        (["--class", "GR", "--gross-receipts", "50,000.00", "--paid-on", "2027-01-02"], "79.00"),
        (["--class", "GR", "--gross-receipts", "50000.01", "--paid-on", "2027-01-02"], "80.20"),
        (["--class", "GR", "--gross-receipts", "1000000", "--paid-on", "2027-01-02"], "1219.00"),
        (["--class", "GR", "--gross-receipts", "1000000.01", "--paid-on", "2027-01-02"], "1219.60"),
        # the $7,500 cap, with the 50% penalty cap in December: 7,500 + 3,750 + 4
        (["--class", "GR", "--gross-receipts", "99000000", "--paid-on", "2027-12-01"], "11254.00"),
        # a new business starting July 1: half of 150.00, day 30 and day 31 after the start
        (
            ["--class", "CT", "--new", "--start-date", "2027-07-01", "--paid-on", "2027-07-31"],
            "79.00",
        ),
        (
            ["--class", "CT", "--new", "--start-date", "2027-07-01", "--paid-on", "2027-08-01"],
            "86.50",
        ),  # 75 + 7.50 + 4
        (
            ["--class", "CT", "--new", "--start-date", "2027-06-30", "--paid-on", "2027-07-15"],
            "154.00",
        ),
        (["--class", "NP"], "4.00"),
        (["--class", "VM", "--machines", "3"], "86.50"),  # 75 + 7.50 (March) + 4
    ],
)
def test_business_license_boundaries(
    capsys: pytest.CaptureFixture[str], args: list[str], total: str
) -> None:
    code, payload, err = quote(
        capsys, "business-license", "--license-year", "2027", *args, "--json"
    )
    assert code == 0, err
    assert payload["total"] == total


def test_animal_license_json_has_expires(capsys: pytest.CaptureFixture[str]) -> None:
    code, payload, _ = quote(
        capsys,
        "animal-license",
        "--species",
        "dog",
        "--altered",
        "--years",
        "3",
        "--issue-date",
        "2028-02-29",
        "--due-date",
        "2028-02-01",
        "--rabies-expires",
        "2031-02-28",
        "--owner-birth-date",
        "1966-02-28",
        "--json",
    )
    assert code == 0
    # issued on February 29: runs to February 28, 2031 (the rabies expiry, accepted);
    # the owner turns 62 on the issue date: half of 3 x 20.00
    assert payload["expires"] == "2031-02-28"
    assert payload["total"] == "30.00"
    assert [line["amount"] for line in payload["lines"]] == ["30.00"]
    assert set(payload["lines"][0]) == {"code", "description", "reference", "amount", "gl_account"}


@pytest.mark.parametrize(
    ("due", "total"),
    [("2027-01-30", "20.00"), ("2027-01-29", "35.00")],  # day 30 and day 31 on March 1
)
def test_animal_license_late_fee_by_the_business_date(
    capsys: pytest.CaptureFixture[str], due: str, total: str
) -> None:
    code, payload, _ = quote(
        capsys,
        "animal-license",
        "--species",
        "dog",
        "--altered",
        "--years",
        "1",
        "--due-date",
        due,
        "--rabies-expires",
        "2030-01-01",
        "--json",
    )
    assert code == 0
    assert payload["total"] == total
    assert payload["expires"] == "2028-02-29"  # issued March 1, 2027 (the business date)


def test_tot_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, payload, _ = quote(
        capsys,
        "tot",
        "--period",
        "2027-01",
        "--gross-rents",
        "10288",
        "--exempt-rents",
        "0",
        "--json",
    )
    # January 2027 is due February 28; March 1 is day 1: 1,234.56 + 123.46 + 6.17
    assert code == 0
    assert payload["total"] == "1364.19"
    assert [line["gl_account"] for line in payload["lines"]] == ["101-130-31300"] + [
        "101-130-31310"
    ] * 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            [
                "animal-license",
                "--species",
                "dog",
                "--unaltered",
                "--years",
                "2",
                "--due-date",
                "2027-03-01",
                "--rabies-expires",
                "2030-01-01",
            ],
            "Terms over 1 year are only for spayed or neutered animals",
        ),
        (
            [
                "animal-license",
                "--species",
                "dog",
                "--altered",
                "--years",
                "3",
                "--due-date",
                "2027-03-01",
                "--rabies-expires",
                "2029-06-30",
            ],
            "past the rabies vaccination expiry on June 30, 2029",
        ),
        (
            ["business-license", "--class", "GR", "--license-year", "2027"],
            "A GR license needs the gross receipts",
        ),
        (["tot", "--period", "2027-13", "--gross-rents", "1"], "1 to 12"),
        (["tot", "--period", "2027-01", "--gross-rents", "abc"], "must be a number"),
    ],
)
def test_refusals_exit_2_with_a_message(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = quote(capsys, *args, "--json")
    assert code == 2
    assert out == "" or out == {}
    assert message in err
    assert "Traceback" not in err


def test_bad_today_override_is_refused(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CASHDESK_TODAY", "tomorrow")
    code, _, err = quote(capsys, "business-license", "--class", "HB", "--license-year", "2027")
    assert code == 2 and "CASHDESK_TODAY" in err


def test_readable_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = quote(capsys, "business-license", "--class", "HB", "--license-year", "2027")
    assert code == 0
    assert "TOTAL" in out and "$70.00" in out


def test_quote_runs_headless_without_a_store(tmp_path: Path) -> None:
    code = (
        "import sys; from cashdesk.cli import main; "
        "rc = main(['quote', 'tot', '--period', '2027-01', '--gross-rents', '100', '--json']); "
        "assert 'PySide6' not in sys.modules and 'sqlalchemy' not in sys.modules; sys.exit(rc)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={"CASHDESK_TODAY": "2027-02-01", "PATH": "", "PYTHONPATH": ":".join(sys.path)},
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["total"] == "12.00"


def test_licenses_group_loads_tags_and_writes_the_register(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    demo_template: Path,
    tmp_path: Path,
) -> None:
    db = tmp_path / "counter.db"
    shutil.copyfile(demo_template, db)
    monkeypatch.setenv("CASHDESK_PASSWORD", "riverbend1")
    config = tmp_path / "ws.toml"
    config.write_text('[workstation]\nid = "W01"\n', encoding="utf-8")
    base = ["--db", str(db), "--config", str(config), "licenses"]
    assert main([*base, "tags"]) == 0
    assert "No tags loaded" in capsys.readouterr().out
    assert main([*base, "load-tags", "--first", "30000", "--last", "30099", "--user", "lead"]) == 0
    assert "Loaded tags T30000-T30099 (100 tags)" in capsys.readouterr().out
    assert main([*base, "tags"]) == 0
    assert "100 left" in capsys.readouterr().out
    # a cashier may not load tags: exit 2 with the reason
    assert main([*base, "load-tags", "--first", "1", "--last", "2", "--user", "maria"]) == 2
    assert "may not load animal tag stock" in capsys.readouterr().err
    out = tmp_path / "register.csv"
    assert (
        main(
            [
                *base,
                "register",
                "--from",
                "2026-11-01",
                "--to",
                "2026-11-30",
                "--out",
                str(out),
                "--user",
                "auditor",
            ]
        )
        == 0
    )
    assert "0 licenses written" in capsys.readouterr().out
    assert out.read_text(encoding="utf-8").startswith("business_date,license_no,")
