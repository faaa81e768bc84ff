"""A guard for the screens' tests: every query the window makes on the GUI thread is
recorded (with where it came from), so a test can require that the main flows make none."""

from __future__ import annotations

import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine

from cashdesk.app import Cashdesk


def _engines(desk: Cashdesk) -> list[Engine]:
    engines = []
    for maker in (desk.ctx.sessions, desk.ctx.read_sessions):
        if maker is not None:
            bind = maker.kw.get("bind")
            if isinstance(bind, Engine) and bind not in engines:
                engines.append(bind)
    return engines


@contextmanager
def queries_on_the_gui_thread(desk: Cashdesk) -> Iterator[list[str]]:
    """Yields a list that fills with one line per SQL statement run on the GUI (main)
    thread while the block runs: the window's code that made it and the statement."""
    found: list[str] = []

    def before(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        frames = [
            f"{f.filename.rsplit('/src/', 1)[-1]}:{f.lineno} {f.name}"
            for f in traceback.extract_stack()
            if "/cashdesk/ui/" in f.filename
        ]
        found.append(f"{' <- '.join(reversed(frames[-3:]))}: {statement.split()[0]}")

    engines = _engines(desk)
    for engine in engines:
        event.listen(engine, "before_cursor_execute", before)
    try:
        yield found
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", before)
