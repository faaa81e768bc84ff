"""Logs and the support bundle: one line per event, no card number, and
``cashdesk --diagnostics`` zips config, versions, devices, store and log lines with no secret
inside."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cashdesk import __version__
from cashdesk.app import Cashdesk
from cashdesk.diagnostics import redact_secrets, write_bundle
from cashdesk.domain.roles import Operator
from cashdesk.logfile import LOG_NAME, open_log_file
from cashdesk.store.migrate import head_revision

from .test_upgrade import post_cash

PASSWORD = "Sup3rS3cret"
QUERY_PASSWORD = "An0therS3cret"
VISA = "4111111111111111"
LEDGER = f"postgresql://cashdesk:{PASSWORD}@ledger.example/riverbend?password={QUERY_PASSWORD}"


def workstation_config(tmp_path: Path) -> Path:
    config = tmp_path / "workstation.toml"
    config.write_text(
        f"""[workstation]
id = "W05"
name = "Counter 5"

[ledger]
url = "{LEDGER}"

[devices.printer]
kind = "file"
path = "{tmp_path / "printer.bin"}"
profile = "TM-T88V"
""",
        encoding="utf-8",
    )
    return config


def write_log(folder: Path) -> None:
    """A session's log, with what a careless message could carry."""
    logger = logging.getLogger("cashdesk.test.session")
    handler = open_log_file(folder, logger=logger)
    try:
        logger.info("sync connecting to %s", LEDGER)
        logger.warning("card %s typed into the payer field", VISA)
        try:
            raise RuntimeError("printer exploded\nsecond line of the message")
        except RuntimeError:
            logger.exception("printing receipt W05-000001 failed")
        logger.info("last event")
    finally:
        logger.removeHandler(handler)
        handler.close()


def test_each_event_is_one_private_line_without_a_card_number(tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    write_log(folder)
    log = folder / LOG_NAME
    lines = log.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4  # four events, a traceback included
    assert "Traceback (most recent call last): | " in lines[2]
    assert "printer exploded | second line of the message" in lines[2]
    assert VISA not in log.read_text(encoding="utf-8") and "************1111" in lines[1]
    assert log.stat().st_mode & 0o777 == 0o600
    assert folder.stat().st_mode & 0o777 == 0o700


def test_the_command_logs_to_the_platform_log_folder(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[workstation]\nid = "counter one"\n', encoding="utf-8")
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")}
    done = subprocess.run(
        [sys.executable, "-m", "cashdesk.cli", "--config", str(bad), "init"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert done.returncode == 2
    log = tmp_path / "state" / "cashdesk" / "log" / LOG_NAME
    [line] = log.read_text(encoding="utf-8").splitlines()
    assert " INFO __main__: refused: workstation.id must look like" in line
    assert log.stat().st_mode & 0o777 == 0o600


@pytest.fixture
def counter(
    desk: Cashdesk, open_drawer: Operator, db_path: Path, tmp_path: Path
) -> tuple[Path, Path, Path]:
    """A workstation: its config (a ledger password in it), its store (a receipt posted), and
    its log folder."""
    post_cash(desk, open_drawer, "GOLF-R", 5000)
    log_dir = tmp_path / "state" / "cashdesk" / "log"
    write_log(log_dir)
    return workstation_config(tmp_path), db_path, log_dir


def read_zip(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as bundle:
        return {name: bundle.read(name).decode("utf-8") for name in bundle.namelist()}


def test_the_bundle_has_what_support_needs_and_no_secret(
    counter: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    config, db, log_dir = counter
    out = write_bundle(
        config_path=config, db_path=db, out=tmp_path / "support.zip", log_dir=log_dir
    )
    files = read_zip(out)
    assert set(files) == {
        "summary.txt",
        "config.toml",
        "config-effective.json",
        "versions.json",
        "devices.json",
        "store.json",
        "log.txt",
    }
    everything = "\n".join(files.values())
    for secret in (PASSWORD, QUERY_PASSWORD, VISA):
        assert secret not in everything
    # The config as written, its password masked, the rest intact.
    assert 'id = "W05"' in files["config.toml"]
    assert "postgresql://cashdesk:***@ledger.example/riverbend?password=***" in files["config.toml"]
    effective = json.loads(files["config-effective.json"])["settings"]
    assert effective["workstation_id"] == "W05" and effective["idle_lock_seconds"] == 120
    versions = json.loads(files["versions.json"])
    assert versions["cashdesk"] == __version__
    assert versions["python"] == sys.version.split()[0]
    libraries = versions["libraries"]
    for name in ("PySide6-Essentials", "SQLAlchemy", "alembic", "python-escpos", "pyserial"):
        assert libraries[name], name
    devices = {d["role"]: d for d in json.loads(files["devices.json"])}
    assert list(devices) == ["printer", "drawer", "check_reader", "display"]
    assert "simulated" not in devices["printer"]["name"].lower()  # the real python-escpos
    store = json.loads(files["store.json"])
    assert store["revision"] == store["head_revision"] == head_revision()
    assert store["integrity"]["ok"] is True
    assert store["integrity"]["counts"]["receipts"] == 1
    log_lines = files["log.txt"].splitlines()
    assert len(log_lines) == 4 and log_lines[-1].endswith("last event")
    summary = files["summary.txt"]
    assert "workstation: W05" in summary and f"schema: {head_revision()}" in summary
    assert "integrity: " in summary and "no problems" in summary
    assert out.stat().st_mode & 0o777 == 0o600


def test_a_broken_workstation_still_gets_a_bundle(tmp_path: Path) -> None:
    config = tmp_path / "workstation.toml"
    config.write_text(
        f'[ledger]\nurl = "{LEDGER}"\n[workstation]\nid = "not an id"\n', encoding="utf-8"
    )
    damaged = tmp_path / "cashdesk.db"
    damaged.write_bytes(b"this is not a database" * 100)
    out = write_bundle(
        config_path=config, db_path=damaged, out=tmp_path / "s.zip", log_dir=tmp_path / "none"
    )
    files = read_zip(out)
    assert PASSWORD not in "\n".join(files.values())
    errors = files["errors.txt"]
    assert "config: ConfigError: workstation.id must look like" in errors
    assert "store: " in errors and "damaged" in errors
    assert files["log.txt"] == ""
    assert "could not gather config" in files["summary.txt"]


def test_cashdesk_diagnostics_writes_the_zip_without_importing_qt(
    counter: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    config, db, _log_dir = counter
    out = tmp_path / "bundle" / "support.zip"
    code = (
        "import sys; from cashdesk.cli import main; "
        f"rc = main(['--config', {str(config)!r}, '--db', {str(db)!r}, '--diagnostics', "
        f"'--out', {str(out)!r}]); "
        "assert 'PySide6.QtCore' not in sys.modules, 'diagnostics imported Qt'; sys.exit(rc)"
    )
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"cashdesk: diagnostics written to {out}"
    files = read_zip(out)
    assert PASSWORD not in "\n".join(files.values())
    assert "last event" in files["log.txt"]


@given(
    user=st.from_regex(r"[a-z][a-z_]{0,12}", fullmatch=True),
    # No lowercase letter in a secret, and not digits alone: it cannot occur in the rest of
    # the text by chance, so "replaced exactly where it stood" is the whole expectation.
    secret=st.from_regex(r"[A-Z0-9!$%^*()~]{4,24}", fullmatch=True).filter(
        lambda s: not s.isdigit()
    ),
    host=st.from_regex(r"[a-z][a-z.]{0,20}", fullmatch=True),
)
def test_no_password_survives_redaction(user: str, secret: str, host: str) -> None:
    for text in (
        f'url = "postgresql://{user}:{secret}@{host}/db"',
        f"connecting to postgresql+psycopg://{user}:{secret}@{host}:5432/db failed",
        f"host={host} user={user} password={secret} dbname=x",
        f'ledger_password = "{secret}"',
    ):
        assert redact_secrets(text) == text.replace(secret, "***"), text


def test_a_failed_statement_keeps_its_values_out_of_messages_and_logs(desk: Cashdesk) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError) as failed, desk.engine.begin() as conn:
        conn.execute(
            text("INSERT INTO users (id, username) VALUES (1, :name)"),
            {"name": "Private Payer 12345678901"},
        )
    assert "Private Payer" not in str(failed.value)
    assert "parameters hidden" in str(failed.value)
