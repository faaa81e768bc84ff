"""A guard against reference-counting bugs in PySide6 6.12 on CPython 3.11.

Measured on CPython 3.11.7 with PySide6 6.12.0 (``sys.getrefcount`` before and after 1,000
calls of each kind; tests/ui/test_pyside_fixes.py repeats the measurement):

- every Qt call that returns ``void`` (``setText``, ``setEnabled``, ``show``, a timer firing
  a Python slot, ``processEvents``…) drops one reference to ``None`` that it never took;
- every ``Signal.emit()`` from Python drops one reference to ``True`` (whatever it carries);
- ``False``, small ints, ``()`` and ``''`` are not drained by either.

On CPython 3.12+ these objects are immortal (PEP 683) and nothing happens; on 3.11 a count
reaching zero aborts the interpreter ("none_dealloc", "bool_dealloc"), in the middle of
whatever the cashier was doing: the main window's 5-second device poll alone drains ``True``
in about 16 hours. The guard raises each singleton's count far beyond what any session can
drop, once, at start. ``False`` is guarded as well: it shares ``True``'s deallocator and costs
nothing to cover.
"""

from __future__ import annotations

import ctypes
import logging
import sys
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

_PROBE_CALLS = 200
_HEADROOM = 1 << 48  # ~10^14 calls: centuries of counter work
_GUARDED_OBJECTS: tuple[object, ...] = (None, True, False)
_guarded = False


class _Probe(QObject):
    fired = Signal()


def _drained_by(call: Callable[[], object]) -> list[object]:
    before = [sys.getrefcount(obj) for obj in _GUARDED_OBJECTS]
    for _ in range(_PROBE_CALLS):
        call()
    after = [sys.getrefcount(obj) for obj in _GUARDED_OBJECTS]
    return [
        obj
        for obj, was, now in zip(_GUARDED_OBJECTS, before, after, strict=True)
        if now <= was - _PROBE_CALLS // 2
    ]


def drained_objects() -> list[object]:
    """The immortal-in-3.12 objects this PySide6 build drains (measured, not guessed from
    versions): a void call and a ``Signal.emit()`` are each run ``_PROBE_CALLS`` times."""
    if sys.version_info >= (3, 12):
        return []
    probe = _Probe()
    # The probe must not abort a fresh interpreter whose counts are still low: it first adds
    # what it may drop (a few hundred references to objects that are never freed anyway).
    if _layout_ok():
        _lift(_GUARDED_OBJECTS, _PROBE_CALLS * 2)
    found = _drained_by(lambda: probe.setObjectName("probe")) + _drained_by(probe.fired.emit)
    return [obj for obj in _GUARDED_OBJECTS if any(obj is f for f in found)]


def void_calls_drop_none() -> bool:
    """Whether this PySide6 build drains ``None`` (kept for the callers of 0.x)."""
    return any(obj is None for obj in drained_objects())


def _count_of(obj: object) -> ctypes.c_ssize_t:
    return ctypes.c_ssize_t.from_address(id(obj))


def _layout_ok() -> bool:
    """CPython keeps the count in the object's first word; checked before writing to it."""
    return all(_count_of(obj).value == sys.getrefcount(obj) - 1 for obj in _GUARDED_OBJECTS)


def _lift(objects: tuple[object, ...], by: int) -> None:
    for obj in objects:
        _count_of(obj).value += by


def guard_refcounts() -> bool:
    """Apply the guard (once) where the bug is present; True when it is in place."""
    global _guarded
    if _guarded:
        return True
    drained = drained_objects()
    if not drained:
        return False
    if not _layout_ok():
        log.error("PySide6 drops references to %s, and the guard cannot be applied", drained)
        return False
    _lift(_GUARDED_OBJECTS, _HEADROOM)
    _guarded = True
    log.info(
        "PySide6 %s on Python %d.%d drops references to %s; their counts were raised so the "
        "app cannot abort",
        _pyside_version(),
        *sys.version_info[:2],
        ", ".join(repr(obj) for obj in drained),
    )
    return True


# The name the callers used when only None was known to be drained.
guard_none_refcount = guard_refcounts


def _pyside_version() -> str:
    import PySide6

    return str(PySide6.__version__)
