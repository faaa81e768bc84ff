"""``cashdesk launch``: start-up, the demo store, and what a cashier sees when it cannot."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import create_engine, text

from cashdesk.app import open_cashdesk
from cashdesk.config import Config
from cashdesk.services.auth import make_hasher
from cashdesk.ui import main
from cashdesk.ui.window import MainWindow


@pytest.fixture
def refusals(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    shown: list[tuple[str, str]] = []

    def critical(_parent: object, title: str, message: str) -> None:
        shown.append((title, message))

    monkeypatch.setattr(QMessageBox, "critical", critical)
    return shown


@pytest.fixture(autouse=True)
def _fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo users' passwords hashed with test parameters (seconds otherwise)."""
    monkeypatch.setattr(
        main, "open_cashdesk", partial(open_cashdesk, hasher=make_hasher(fast=True))
    )


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "workstation.toml"
    path.write_text('[workstation]\nid = "W02"\n', encoding="utf-8")
    return path


def test_the_demo_store_is_created_and_the_window_opens(
    tmp_path: Path,
    config: Path,
    monkeypatch: pytest.MonkeyPatch,
    refusals: list[tuple[str, str]],
    qapp: QApplication,
) -> None:
    opened: list[MainWindow] = []
    seen: list[tuple[bool, str]] = []

    def exec_() -> int:
        # Only the window this run showed: an earlier test's closed window may not be deleted yet.
        opened.extend(
            w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
        )
        for window in opened:
            window.close()
            seen.append((window.isVisible(), window.workstation_status.text()))
        return 0

    monkeypatch.setattr(qapp, "exec", exec_)
    db = tmp_path / "demo.db"
    assert main.run(db_path=db, config_path=config, demo=True) == 0
    assert refusals == []
    [(visible, workstation)] = seen  # shown, then closed by exec_ (and deleted by run)
    assert not visible and workstation.startswith("W02")
    with create_engine(f"sqlite:///{db}").connect() as conn:
        users = set(conn.execute(text("select username from users")).scalars())
    assert {"maria", "lead"} <= users


def test_a_bad_config_is_explained_without_a_traceback(
    tmp_path: Path, refusals: list[tuple[str, str]]
) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[drawer]\nstarting_bank = 200\n", encoding="utf-8")
    assert main.run(db_path=tmp_path / "t.db", config_path=config, demo=False) == 2
    assert refusals == [
        (
            "cashdesk cannot start",
            'drawer.starting_bank must be an amount in quotes, like "200.00".',
        )
    ]


def test_a_second_window_on_the_same_till_is_refused(
    tmp_path: Path, config: Path, refusals: list[tuple[str, str]]
) -> None:
    db = tmp_path / "t.db"
    first = open_cashdesk(Config(), db, hasher=make_hasher(fast=True))  # the window already open
    try:
        assert main.run(db_path=db, config_path=config, demo=True) == 2
    finally:
        first.close()
    [(title, message)] = refusals
    assert title == "cashdesk cannot start"
    assert "already running on this workstation" in message and str(db) in message
