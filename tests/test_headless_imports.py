"""Headless commands import only what they use: each runs in a fresh interpreter and reports
which heavy modules it loaded. Importing one that the command does not need (Qt, Alembic on a
current store, reportlab, babel's locale data, the ORM models for a command that reads no
model) fails here, before anyone measures a slow start."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("PySide6", "alembic", "reportlab", "babel.localedata", "cashdesk.store.models", "psycopg")
# Services a look-up or a quote does not use (app.py builds each on first use): posting,
# licenses, the day's reports, drawers, approvals and sync.
UNUSED_SERVICES = (
    "cashdesk.services.payments",
    "cashdesk.services.licenses",
    "cashdesk.services.day_reports",
    "cashdesk.services.balancing",
    "cashdesk.services.drawers",
    "cashdesk.services.approvals",
    "cashdesk.services.sync",
    "cashdesk.services.batches",
)

RUN = """
import json, sys
from cashdesk import cli
HEAVY = sys.argv.pop(1).split(",")
try:
    code = cli.main(sys.argv[1:])
except SystemExit as done:
    code = done.code
print(json.dumps({"code": code, "loaded": [m for m in HEAVY if m in sys.modules]}))
"""


def loaded_by(*args: str) -> tuple[int, set[str]]:
    result = subprocess.run(
        [sys.executable, "-c", RUN, ",".join(HEAVY + UNUSED_SERVICES), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    return report["code"], set(report["loaded"])


@pytest.fixture
def store(tmp_path: Path, demo_template: Path) -> Path:
    db = tmp_path / "demo.db"
    shutil.copyfile(demo_template, db)
    return db


@pytest.mark.parametrize(
    ("command", "allowed"),
    [
        (["--version"], set()),
        (["check"], set()),
        (["lookup", "nunez", "--user", "maria"], {"cashdesk.store.models"}),
        (["quote", "utility", "100000", "--amount", "10.00"], {"cashdesk.store.models"}),
        (["housing", "eligibility", "--household", "3", "--income", "1200:monthly"], set()),
    ],
    ids=["version", "check", "lookup", "quote", "housing-eligibility"],
)
def test_a_headless_command_loads_no_heavy_module_it_does_not_use(
    store: Path, command: list[str], allowed: set[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CASHDESK_PASSWORD", "riverbend1")  # lookup signs in
    args = command if command == ["--version"] else ["--db", str(store), *command]
    code, loaded = loaded_by(*args)
    assert code in (0, None), (command, code)
    assert loaded <= allowed, f"{command} loaded {sorted(loaded - allowed)}"


def test_the_probe_sees_a_heavy_import(store: Path) -> None:
    """The probe above can fail: a command that does need Alembic (init) is seen loading it."""
    fresh = store.with_name("new.db")
    code, loaded = loaded_by("--db", str(fresh), "init")
    assert code == 0 and "alembic" in loaded
