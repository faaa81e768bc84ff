"""Start-up: the private log file, the store-check warning, and the bench's ready hook."""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from cashdesk.app import Cashdesk, open_cashdesk
from cashdesk.services.auth import make_hasher
from cashdesk.store.integrity import IntegrityReport, Problem, StartupReport
from cashdesk.ui import main
from cashdesk.ui.window import MainWindow

PAN = "4111111111111111"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "workstation.toml"
    path.write_text('[workstation]\nid = "W03"\n', encoding="utf-8")
    return path


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda _parent, title, text: shown.append((title, text))
    )
    return shown


def close_windows_on_exec(monkeypatch: pytest.MonkeyPatch, qapp: QApplication) -> list[str]:
    seen: list[str] = []

    def exec_() -> int:
        for window in QApplication.topLevelWidgets():
            if isinstance(window, MainWindow) and window.isVisible():
                seen.append(window.pages.currentWidget().accessibleName() or "page")
                logging.getLogger("cashdesk.test").warning("a card %s was typed", PAN)
                window.close()
        return 0

    monkeypatch.setattr(qapp, "exec", exec_)
    return seen


def test_the_window_logs_to_a_private_file_that_never_holds_a_card_number(
    tmp_path: Path,
    config: Path,
    monkeypatch: pytest.MonkeyPatch,
    warnings: list[tuple[str, str]],
    qapp: QApplication,
) -> None:
    monkeypatch.setattr(
        main, "open_cashdesk", partial(open_cashdesk, hasher=make_hasher(fast=True))
    )
    seen = close_windows_on_exec(monkeypatch, qapp)
    logs = tmp_path / "logs"
    before = list(logging.getLogger().handlers)
    assert main.run(db_path=tmp_path / "d.db", config_path=config, demo=True, log_dir=logs) == 0
    assert len(seen) == 1 and warnings == []
    log_file = logs / "cashdesk.log"
    assert stat.S_IMODE(log_file.stat().st_mode) == 0o600
    text = log_file.read_text(encoding="utf-8")
    assert "a card ************1111 was typed" in text and PAN not in text
    assert logging.getLogger().handlers == before  # run() takes its handler away again


def test_a_store_check_that_found_problems_is_shown_before_the_window(
    tmp_path: Path,
    config: Path,
    monkeypatch: pytest.MonkeyPatch,
    warnings: list[tuple[str, str]],
    qapp: QApplication,
) -> None:
    problem = Problem("receipts complete", "W03-000007", "has no tenders")

    def damaged(*args: Any, **kwargs: Any) -> Cashdesk:
        desk = open_cashdesk(*args, hasher=make_hasher(fast=True), **kwargs)
        report = IntegrityReport(problems=(problem,), counts={}, checks_run=("x",))
        desk.startup = StartupReport(unclean_shutdown=True, integrity=report)
        return desk

    monkeypatch.setattr(main, "open_cashdesk", damaged)
    close_windows_on_exec(monkeypatch, qapp)
    assert main.run(db_path=tmp_path / "d.db", config_path=config, demo=True, log_dir=tmp_path) == 0
    [(title, text)] = warnings
    assert title == "cashdesk was not closed properly"
    assert "W03-000007: has no tenders" in text


def test_the_ready_hook_quits_once_the_sign_in_page_shows(tmp_path: Path) -> None:
    """What bench/cold_start.py runs: the real command, in its own process."""
    env = {
        **os.environ,
        main.EXIT_WHEN_READY: "1",
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    done = subprocess.run(
        [sys.executable, "-m", "cashdesk.cli", "--demo", "--db", str(tmp_path / "d.db")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    [line] = [x for x in done.stdout.splitlines() if x.startswith("ready ")]
    assert line.endswith(" ms") and 0 < float(line.split()[1]) < 60_000
    assert (tmp_path / "state" / "cashdesk" / "log" / "cashdesk.log").exists()
