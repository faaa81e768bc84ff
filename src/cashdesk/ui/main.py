"""Start the window: config, store, fonts, then the main window (``cashdesk launch``)."""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from cashdesk.app import initialise, load_demo_tag_stock, open_cashdesk
from cashdesk.config import APP_NAME, Config, default_config_path, default_db_path, load_config
from cashdesk.errors import CashdeskError
from cashdesk.ui import theme
from cashdesk.ui.memory import limit_malloc_arenas
from cashdesk.ui.pyside_fixes import guard_refcounts
from cashdesk.ui.window import MainWindow

log = logging.getLogger(__name__)

# bench/cold_start.py sets this: the app quits as soon as the sign-in page is on screen and
# prints how long after the process started that was.
EXIT_WHEN_READY = "CASHDESK_EXIT_WHEN_READY"


def process_age_s() -> float:
    """Seconds since this process started (Linux: /proc; elsewhere since this module's
    import, which undercounts the interpreter's own start)."""
    try:
        with open("/proc/self/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        started_ticks = int(fields[19])  # field 22, "starttime", in clock ticks after boot
        with open("/proc/uptime", encoding="ascii") as uptime:
            since_boot = float(uptime.read().split()[0])
        return since_boot - started_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return time.monotonic() - _IMPORTED


_IMPORTED = time.monotonic()


def exit_when_ready(app: QApplication, window: MainWindow) -> None:
    """Quit once the sign-in page is visible, printing the time to get there."""

    def check() -> None:
        if window.isVisible() and window.sign_in_page.isVisible():
            print(f"ready {process_age_s() * 1000:.1f} ms", flush=True)
            app.quit()  # run() shuts the window down cleanly
        else:
            QTimer.singleShot(5, check)

    QTimer.singleShot(0, check)


def open_log(folder: Path | None = None) -> logging.Handler | None:
    """The private, card-number-redacting rotating log (cashdesk.logfile). A plain handler
    on the same file (the CLI's) is replaced by it, so every line passes the redactor."""
    from cashdesk import logfile

    try:
        path = (folder or logfile.default_log_dir()) / logfile.LOG_NAME
        root = logging.getLogger()
        for handler in list(root.handlers):
            if Path(getattr(handler, "baseFilename", "")) == path:
                root.removeHandler(handler)
                handler.close()
        return logfile.open_log_file(folder)
    except OSError as err:
        log.warning("no log file: %s", err)
        return None


def default_demo_db_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "demo.db"


def _store_path(config: Config, db_path: Path | None, demo: bool) -> Path:
    if demo:
        return db_path or default_demo_db_path()
    return db_path or config.db_path or default_db_path()


def run(
    *,
    db_path: Path | None,
    config_path: Path | None,
    demo: bool,
    log_dir: Path | None = None,
) -> int:
    log_handler = open_log(log_dir)
    try:
        return _run(db_path=db_path, config_path=config_path, demo=demo)
    finally:
        if log_handler is not None:
            logging.getLogger().removeHandler(log_handler)
            log_handler.close()


def _run(*, db_path: Path | None, config_path: Path | None, demo: bool) -> int:
    guard_refcounts()
    limit_malloc_arenas()  # before Qt and the window start their threads
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
            load_demo_tag_stock(desk)
    except CashdeskError as err:
        _refuse("cashdesk cannot start", str(err))
        return 2
    window: MainWindow | None = None
    try:
        if desk.startup.needs_attention:
            log.warning("start after an unclean shutdown: %s", desk.startup.message)
            QMessageBox.warning(None, "cashdesk was not closed properly", desk.startup.message)
        window = MainWindow(desk, demo=demo)
        # The counter screen is the till's: use all of it. The geometry first, so a display
        # with no window manager to honour "maximised" gets the whole screen too.
        screen = app.primaryScreen()
        if screen is not None:
            window.setGeometry(screen.availableGeometry())
        window.showMaximized()
        if os.environ.get(EXIT_WHEN_READY):
            exit_when_ready(app, window)
        if os.environ.get("CASHDESK_SMOKE_EXIT") == "1":
            # The installer's smoke test (installer/smoke): quit once the loop has shown it.
            QTimer.singleShot(0, lambda: _smoke_exit(app, window))
        return app.exec()
    finally:
        if window is not None:
            window.shutdown()  # the sync worker and the timers stop before the store closes
            window.deleteLater()
            QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        desk.close()


def _smoke_exit(app: QApplication, window: MainWindow) -> None:
    print(f"smoke: main window shown ({window.windowTitle()})", flush=True)
    window.close()  # as a person would close it: the bridge and background work stop first
    app.quit()


def _refuse(title: str, message: str) -> None:
    log.error("%s: %s", title, message)
    QMessageBox.critical(None, title, message)
