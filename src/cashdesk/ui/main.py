"""Start the window: config, store, fonts, then the main window (``cashdesk launch``)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from cashdesk.app import initialise, open_cashdesk
from cashdesk.config import APP_NAME, Config, default_db_path, load_config
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
        return app.exec()
    finally:
        desk.close()


def _refuse(title: str, message: str) -> None:
    log.error("%s: %s", title, message)
    QMessageBox.critical(None, title, message)
