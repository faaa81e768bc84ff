"""The guard against PySide6 dropping references to None (see ui/pyside_fixes.py)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject

from cashdesk.ui.pyside_fixes import guard_none_refcount, void_calls_drop_none


def test_a_long_shift_of_void_calls_cannot_abort_the_interpreter() -> None:
    guarded = guard_none_refcount()
    assert guarded == void_calls_drop_none()
    probe = QObject()
    # More void calls than None has references in a fresh interpreter (~40,000): without
    # the guard this aborts the test run on Python 3.11 with PySide6 6.12.
    for _ in range(100_000):
        probe.setObjectName("probe")
    assert sys.getrefcount(None) > 100_000 or sys.version_info >= (3, 12)


def test_the_guard_is_applied_once() -> None:
    guard_none_refcount()
    before = sys.getrefcount(None)
    guard_none_refcount()
    assert sys.getrefcount(None) <= before + 10
