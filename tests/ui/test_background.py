"""The background helper: work off the GUI thread, answers on it."""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from cashdesk.errors import StateError
from cashdesk.ui.operations import Background


def test_work_runs_on_the_pool_and_the_answer_on_the_gui_thread(qtbot: QtBot) -> None:
    failures: list[Exception] = []
    background = Background(on_failure=failures.append)
    ran_on: list[threading.Thread] = []
    answered_on: list[threading.Thread] = []

    def work() -> int:
        ran_on.append(threading.current_thread())
        return 42

    with qtbot.waitSignal(background.busy_changed) as went_idle_later:
        background.run(
            work,
            on_success=lambda result: (
                answered_on.append(threading.current_thread()) if result == 42 else None
            ),
        )
        assert background.busy
    assert went_idle_later.args == [True]
    qtbot.waitUntil(lambda: not background.busy)
    assert ran_on[0] is not threading.main_thread()
    assert answered_on == [threading.main_thread()]
    assert failures == []


def test_a_failure_reaches_the_failure_callback(qtbot: QtBot) -> None:
    default: list[Exception] = []
    background = Background(on_failure=default.append)
    errors: list[Exception] = []

    def work() -> None:
        raise StateError("Open a drawer before taking payments.")

    background.run(work, on_success=lambda _: None, on_failure=errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert str(errors[0]) == "Open a drawer before taking payments."
    assert default == []

    background.run(work, on_success=lambda _: None)
    qtbot.waitUntil(lambda: bool(default))
    assert isinstance(default[0], StateError)


def test_operations_run_one_at_a_time_in_order(qtbot: QtBot) -> None:
    background = Background(on_failure=lambda err: None)
    done: list[int] = []
    for i in range(5):
        background.run(lambda i=i: i, on_success=done.append)
    qtbot.waitUntil(lambda: len(done) == 5)
    assert done == [0, 1, 2, 3, 4]
    assert not background.busy


class _Sale:
    """Stands for what an operation's closure holds (the operator, the sale being posted)."""


def _live_sales() -> int:
    gc.collect()
    return sum(1 for obj in gc.get_objects() if isinstance(obj, _Sale))


def test_finished_operations_free_what_they_held(qtbot: QtBot) -> None:
    # A window runs a device poll every 5 seconds and an operation per sale: over a long
    # weekend that is tens of thousands. Once answered, none may keep its closure alive
    # (PySide6's QThreadPool kept every runnable's wrapper; relays waited on deleteLater).
    background = Background(on_failure=lambda err: None)
    answers: list[int] = []

    def ask(n: int) -> None:
        sale = _Sale()
        background.run(lambda: (sale, n)[1], on_success=answers.append)

    for n in range(300):
        ask(n)
    qtbot.waitUntil(lambda: not background.busy)
    assert answers == list(range(300))  # in the order asked, each once
    assert background.waiting == 0
    assert _live_sales() == 0
    assert len(background.findChildren(QObject)) == 1  # the one relay, not one per operation
