"""What a new user or the counter's IT support meets first: no display, a closed pipe,
commands side by side on one store and beside the window, a ledger that cannot be reached,
a command that needs no store (issue 14)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from cashdesk.app import open_cashdesk
from cashdesk.config import Config


def cashdesk(
    *args: str, env: dict[str, str] | None = None, **kwargs: object
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "cashdesk.cli", *args],
        capture_output="stdout" not in kwargs,
        text=True,
        timeout=120,
        # Commands that sign in (lookup) take the demo password from the environment.
        env=env or dict(os.environ, CASHDESK_PASSWORD="riverbend1"),
        **kwargs,
    )


@pytest.fixture
def store(tmp_path: Path, demo_template: Path) -> Path:
    path = tmp_path / "counter.db"
    shutil.copyfile(demo_template, path)
    return path


def test_without_a_display_the_window_says_so_in_one_sentence(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DISPLAY", "WAYLAND_DISPLAY"}}
    env.pop("QT_QPA_PLATFORM", None)
    code = (
        "import sys; from cashdesk.cli import main; rc = main(['--demo']); "
        "assert 'PySide6' not in sys.modules; sys.exit(rc)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    if not sys.platform.startswith("linux"):
        pytest.fail("the display check is for Linux")  # pragma: no cover
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("cashdesk: There is no display") and line.count(". ") == 0
    assert not (tmp_path / "counter.db").exists()


def test_output_into_a_closed_pipe_ends_quietly(store: Path) -> None:
    read, write = os.pipe()
    os.close(read)  # the reader (`| head`) is gone before cashdesk writes
    try:
        result = cashdesk(
            "--db",
            str(store),
            "lookup",
            "Chen",
            "--user",
            "maria",
            stdout=write,
            stderr=subprocess.PIPE,
        )
    finally:
        os.close(write)
    assert result.returncode == 0
    assert result.stderr == ""


def test_devices_list_needs_no_store_and_creates_none(tmp_path: Path) -> None:
    data = Path(os.environ["XDG_DATA_HOME"]) / "cashdesk"
    had = data.exists() and any(data.iterdir())
    result = cashdesk("devices", "list")
    assert result.returncode == 0, result.stderr
    assert "printer" in result.stdout
    assert not (tmp_path / "x").exists()
    if not had:
        assert not data.exists() or not any(data.glob("*.db"))
    named = tmp_path / "nothing-here" / "counter.db"
    assert cashdesk("--db", str(named), "devices", "list").returncode == 0
    assert not named.parent.exists()


def test_read_only_commands_run_side_by_side_and_beside_the_window(store: Path) -> None:
    window = open_cashdesk(Config(), store)  # holds the single-instance lock, as the window
    try:
        commands = [
            ("quote", "utility", "100000", "--amount", "12.34", "--json"),
            ("quote", "citation", "RB2600000", "--json"),
            ("lookup", "Chen", "--user", "maria", "--json"),
        ] * 4
        with ThreadPoolExecutor(max_workers=4) as pool:
            results = list(pool.map(lambda a: cashdesk("--db", str(store), *a), commands))
        assert [(r.returncode, r.stderr) for r in results] == [(0, "")] * len(commands)
        # A command that changes the counter still waits its turn behind the window.
        refused = cashdesk("--db", str(store), "init")
        assert refused.returncode == 2
        assert "already running on this workstation" in refused.stderr
    finally:
        window.close()


def test_a_shared_command_on_a_missing_store_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.db"
    result = cashdesk("--db", str(missing), "lookup", "Chen", "--user", "maria")
    assert result.returncode == 2
    assert "There is no store at" in result.stderr
    assert list(tmp_path.iterdir()) == []


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("command", [("central", "init"), ("sync",)])
def test_an_unreachable_central_ledger_is_one_sentence_and_status_2(
    store: Path, command: tuple[str, ...]
) -> None:
    url = f"postgresql://cashdesk@127.0.0.1:{_closed_port()}/ledger"
    result = cashdesk("--db", str(store), *command, "--url", url)
    assert result.returncode == 2, result.stdout + result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("cashdesk: The central ledger (cashdesk@127.0.0.1:")
    assert "cannot be reached" in line and "sqlalche" not in line.lower()


def test_a_demo_store_has_animal_tag_stock_for_ctrl_d(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    assert cashdesk("--db", str(db), "init", "--demo").returncode == 0
    again = cashdesk("--db", str(db), "init", "--demo")  # run twice: loaded once
    assert "tag stock" not in again.stdout
    tags = cashdesk("--db", str(db), "licenses", "tags")
    assert tags.stdout.split() == ["T60000-T60999", "1000", "left"]
