"""The first-run setup dialog, driven with the keyboard as IT would: it writes a config that
loads, refuses a bad answer naming the key, tests devices (a real serial port: a pty), and
``cashdesk`` opens it only on a workstation with no config."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot
from ui_keyboard import Keyboard

from cashdesk.app import open_cashdesk
from cashdesk.config import default_config_path, load_config
from cashdesk.first_run import SerialPort, SetupAnswers, write_config
from cashdesk.services.auth import make_hasher
from cashdesk.ui import main, setup_wizard
from cashdesk.ui.setup_wizard import SetupDialog
from cashdesk.ui.window import MainWindow

LEDGER = "postgresql://cashdesk@ledger.riverbend.example/ledger"


@pytest.fixture
def pty_port() -> Iterator[str]:
    """A real serial device for the check reader: the follower end of a pseudo-terminal."""
    leader, follower = os.openpty()
    try:
        yield os.ttyname(follower)
    finally:
        os.close(leader)
        os.close(follower)


@pytest.fixture
def dialog(qtbot: QtBot, tmp_path: Path, pty_port: str) -> SetupDialog:
    dialog = SetupDialog(
        tmp_path / "config" / "workstation.toml",
        ports=[SerialPort(device=pty_port, description="USB serial")],
        printers=["Counter_Receipts"],
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.workstation_id)
    return dialog


def test_a_workstation_is_set_up_with_the_keyboard(
    dialog: SetupDialog, keys: Keyboard, qtbot: QtBot, pty_port: str
) -> None:
    keys.type("w07")
    keys.press(Qt.Key.Key_Tab)
    keys.type("Counter 7, Parks")
    keys.press(Qt.Key.Key_Tab)
    keys.type(LEDGER)
    keys.press(Qt.Key.Key_Tab)  # printer: the simulator (first in the list)
    keys.press(Qt.Key.Key_Tab)
    keys.press(Qt.Key.Key_Down)  # drawer: None
    keys.press(Qt.Key.Key_Tab)
    keys.press(Qt.Key.Key_Down)
    keys.press(Qt.Key.Key_Down)  # check reader: the serial port
    assert dialog.devices["check_reader"].currentText() == f"{pty_port} (USB serial)"
    with qtbot.waitSignal(dialog.accepted):
        keys.enter()

    config = load_config(dialog.path)  # the file on disk, read as cashdesk reads it
    assert config.workstation_id == "W07"
    assert config.workstation_name == "Counter 7, Parks"
    assert config.ledger_url == LEDGER
    assert config.devices == {
        "printer": {"kind": "simulator"},
        "drawer": {"kind": "none"},
        "check_reader": {"kind": "serial", "url": pty_port},
        "display": {"kind": "simulator"},
    }
    assert dialog.config == config
    assert dialog.path.stat().st_mode & 0o777 == 0o600
    # Tested as written: the reader opened the real port.
    checks = {c.role: c for c in dialog.checks}
    assert set(checks) == {"printer", "drawer", "check_reader", "display"}
    assert checks["check_reader"].ok, checks["check_reader"].message
    assert checks["printer"].ok and checks["printer"].name.startswith("Receipt printer")


def test_a_bad_answer_is_named_and_nothing_is_written(dialog: SetupDialog, keys: Keyboard) -> None:
    keys.type("C1")
    keys.enter()
    assert dialog.isVisible() and not dialog.path.exists()
    assert "workstation.id" in dialog.message.text()
    assert QApplication.focusWidget() is dialog.workstation_id
    dialog.workstation_id.clear()
    keys.type("W03")
    keys.press(Qt.Key.Key_Tab)
    keys.press(Qt.Key.Key_Tab)
    keys.type("mysql://ledger")
    keys.enter()
    assert "ledger.url must be a postgresql:// URL" in dialog.message.text()
    assert not dialog.path.exists()


def test_devices_are_tested_without_saving(
    dialog: SetupDialog,
    keys: Keyboard,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # a workstation without CUPS's lp command
    keys.type("W04")
    keys.press(Qt.Key.Key_Tab)
    keys.press(Qt.Key.Key_Tab)
    keys.press(Qt.Key.Key_Tab)
    for _ in range(3):
        keys.press(Qt.Key.Key_Down)  # printer: the CUPS queue found on this machine
    assert dialog.devices["printer"].currentData() == {
        "kind": "cups",
        "printer_name": "Counter_Receipts",
    }
    keys.press(Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)  # the button's mnemonic
    qtbot.waitUntil(lambda: dialog.message.text().startswith("Device test"))
    text = dialog.message.text()
    assert text.startswith("Device test (nothing saved yet):")
    # The queue was found, but this machine cannot print to CUPS: the test says so.
    assert "✗ Receipt printer" in text and "lp command" in text
    assert "✓ Customer display" in text
    assert not dialog.path.exists()


def test_escape_leaves_without_writing(dialog: SetupDialog, keys: Keyboard, qtbot: QtBot) -> None:
    keys.type("W05")
    with qtbot.waitSignal(dialog.rejected):
        keys.press(Qt.Key.Key_Escape)
    assert not dialog.path.exists()


# -- the hook in `cashdesk` (ui/main.py run) ------------------------------------------------
@pytest.fixture
def fresh_workstation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qapp: QApplication, qtbot: QtBot
) -> Path:
    """Platform folders of a workstation where cashdesk never ran. The application's event
    loop is the test's (a real ``exec`` that quits leaves the offscreen platform unable to
    activate the next test's windows): it runs until the main window is closed again."""

    def exec_() -> int:
        qtbot.waitUntil(lambda: any(isinstance(w, MainWindow) for w in qapp.topLevelWidgets()))
        qtbot.waitUntil(
            lambda: (
                not any(isinstance(w, MainWindow) and w.isVisible() for w in qapp.topLevelWidgets())
            )
        )
        return 0

    monkeypatch.setattr(qapp, "exec", exec_)
    for var, folder in (("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data")):
        monkeypatch.setenv(var, str(tmp_path / folder))
    monkeypatch.setattr(
        main, "open_cashdesk", partial(open_cashdesk, hasher=make_hasher(fast=True))
    )
    assert not default_config_path().exists()
    return default_config_path()


def test_no_config_opens_the_setup_and_leaving_it_starts_nothing(
    fresh_workstation: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    asked: list[Path] = []
    monkeypatch.setattr(setup_wizard, "run_setup", lambda path: asked.append(path))
    assert main.run(db_path=tmp_path / "w.db", config_path=None, demo=False) == 1
    assert asked == [fresh_workstation]
    assert not (tmp_path / "w.db").exists()
    # --demo (and --config) never ask.
    monkeypatch.setenv("CASHDESK_SMOKE_EXIT", "1")
    try:
        assert main.run(db_path=tmp_path / "demo.db", config_path=None, demo=True) == 0
    finally:
        _close_windows()
    assert asked == [fresh_workstation]


def test_the_written_config_is_the_one_the_window_opens_with(
    fresh_workstation: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def answered(path: Path) -> object:
        write_config(SetupAnswers(workstation_id="W09"), path)
        return object()

    shown: list[str] = []
    smoke_exit = main._smoke_exit

    def seen(app: QApplication, window: MainWindow) -> None:
        shown.append(window.workstation_status.text())  # run() deletes the window after
        smoke_exit(app, window)
        shown.append("visible" if window.isVisible() else "closed")

    monkeypatch.setattr(setup_wizard, "run_setup", answered)
    monkeypatch.setattr(main, "_smoke_exit", seen)
    monkeypatch.setenv("CASHDESK_SMOKE_EXIT", "1")  # the installer's smoke hook: shown, quit
    try:
        assert main.run(db_path=tmp_path / "w.db", config_path=None, demo=False) == 0
    finally:
        _close_windows()
    assert len(shown) == 2 and shown[0].startswith("W09")
    assert shown[1] == "closed"  # the smoke hook closed it before quitting
    assert "smoke: main window shown" in capsys.readouterr().out
    assert tomllib.loads(fresh_workstation.read_text(encoding="utf-8"))["workstation"] == {
        "id": "W09"
    }


def _close_windows() -> None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, MainWindow | QDialog):
            widget.close()
            widget.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
