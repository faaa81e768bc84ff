from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text

from cashdesk import __version__
from cashdesk.store.migrate import head_revision


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cashdesk.cli", *args], capture_output=True, text=True, timeout=60
    )


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"cashdesk {__version__}"


def test_init_demo_creates_a_migrated_store_without_importing_qt(tmp_path: Path) -> None:
    db = tmp_path / "counter.db"
    code = (
        "import sys; from cashdesk.cli import main; "
        f"rc = main(['--db', {str(db)!r}, 'init', '--demo']); "
        "assert 'PySide6' not in sys.modules, 'headless command imported Qt'; sys.exit(rc)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "demo user maria (Cashier) created" in result.stdout
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
            head_revision()
        )
        assert conn.execute(text("SELECT count(*) FROM revenue_codes")).scalar() == 19
        assert conn.execute(text("SELECT count(*) FROM users")).scalar() == 6
    # Running it again changes nothing and succeeds.
    again = run("--db", str(db), "init", "--demo")
    assert again.returncode == 0 and "created" not in again.stdout
    engine.dispose()


def test_bad_config_is_named(tmp_path: Path) -> None:
    cfg = tmp_path / "ws.toml"
    cfg.write_text('[workstation]\nid = "counter one"\n', encoding="utf-8")
    result = run("--config", str(cfg), "--db", str(tmp_path / "x.db"), "init")
    assert result.returncode == 2
    assert "workstation.id" in result.stderr
    assert "Traceback" not in result.stderr
