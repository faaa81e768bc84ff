"""Start the window: config, store, fonts, then the main window (``cashdesk launch``)."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from cashdesk.app import initialise, open_cashdesk
from cashdesk.config import APP_NAME, Config, default_config_path, default_db_path, load_config
from cashdesk.errors import CashdeskError
from cashdesk.ui import theme
from cashdesk.ui.pyside_fixes import guard_none_refcount
from cashdesk.ui.window import MainWindow

log = logging.getLogger(__name__)


def default_demo_db_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "demo.db"


def _store_path(config: Config, db_path: Path | None, demo: bool) -> Path:
    if demo:
        return db_path or default_demo_db_path()
    return db_path or config.db_path or default_db_path()


def run(*, db_path: Path | None, config_path: Path | None, demo: bool) -> int:
    guard_none_refcount()
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    theme.apply(app)
    if config_path is None and not demo and not default_config_path().exists():
        # A workstation's first start: the setup dialog writes its config (or nothing starts).
        from cashdesk.ui.setup_wizard import run_setup

        if run_setup(default_config_path()) is None:
            return 1
    try:
        config = load_config(config_path)
        path = _store_path(config, db_path, demo)
        path.parent.mkdir(parents=True, exist_ok=True)
    except (CashdeskError, OSError) as err:
        _refuse("cashdesk cannot start", str(err))
        return 2
    # One window per till: open_cashdesk takes the store's single-instance lock, so a second
    # window is refused (AlreadyRunning, a CashdeskError) before it can allocate a number.
    fresh = demo and not path.exists()
    try:
        desk = open_cashdesk(config, path)
        if fresh:
            initialise(desk, demo=True)
    except CashdeskError as err:
        _refuse("cashdesk cannot start", str(err))
        return 2
    try:
        if desk.startup.needs_attention:
            QMessageBox.warning(None, "cashdesk was not closed properly", desk.startup.message)
        window = MainWindow(desk, demo=demo)
        window.resize(1280, 800)
        window.show()
        if os.environ.get("CASHDESK_SMOKE_EXIT") == "1":
            # The installer's smoke test (installer/smoke): quit once the loop has shown it.
            QTimer.singleShot(0, lambda: _smoke_exit(app, window))
        return app.exec()
    finally:
        desk.close()


def _smoke_exit(app: QApplication, window: MainWindow) -> None:
    print(f"smoke: main window shown ({window.windowTitle()})", flush=True)
    window.close()  # as a person would close it: the bridge and background work stop first
    app.quit()


def _refuse(title: str, message: str) -> None:
    log.error("%s: %s", title, message)
    QMessageBox.critical(None, title, message)
