"""The workstation's log file: readable by its user only, and card numbers never reach it.

A front end calls ``open_log_file()`` once at start (``cashdesk.cli.configure_logging`` does,
for the window and every command). Every record passes through ``PanRedactor``, which rewrites
anything that looks like a card number (13–19 digits passing the Luhn check) to its last four
digits: a safety net behind tender.card, which never takes more than the last four in the
first place. Each event is one line (``OneLineFormatter``: a traceback's lines are joined with
" | "), so ``grep`` and the last lines of a support bundle never cut an event in half.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

from cashdesk.domain.privacy import redact_pans

LOG_NAME = "cashdesk.log"


class PanRedactor(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact_pans(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


class OneLineFormatter(logging.Formatter):
    """One line per event: the newlines of a message or a traceback become " | "."""

    def format(self, record: logging.LogRecord) -> str:
        return " | ".join(line for line in super().format(record).splitlines() if line.strip())


LOG_FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose files are created owner read/write only (0600)."""

    def _open(self):  # type: ignore[no-untyped-def]
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        if hasattr(os, "fchmod"):  # not on Windows before Python 3.13 (its ACLs apply there)
            os.fchmod(fd, 0o600)
        return os.fdopen(fd, self.mode.replace("w", "a"), encoding=self.encoding)


def default_log_dir() -> Path:
    from platformdirs import user_log_path

    return user_log_path("cashdesk", appauthor=False)


def open_log_file(
    folder: Path | None = None, *, level: int = logging.INFO, logger: logging.Logger | None = None
) -> logging.Handler:
    """Attach a private, PAN-redacting rotating log file to ``logger`` (the root logger by
    default) and return the handler (remove it with ``logger.removeHandler``)."""
    folder = folder or default_log_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    handler = PrivateRotatingFileHandler(
        folder / LOG_NAME, maxBytes=5_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setLevel(level)
    handler.addFilter(PanRedactor())
    handler.setFormatter(OneLineFormatter(LOG_FORMAT))
    target = logger or logging.getLogger()
    target.addHandler(handler)
    if target.level > level or target.level == logging.NOTSET:
        target.setLevel(level)
    return handler
