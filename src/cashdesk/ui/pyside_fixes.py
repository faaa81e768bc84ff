"""A guard against a reference-counting bug in PySide6 6.12 on CPython 3.11.

Every Qt call that returns ``void`` (``setText``, ``setEnabled``, ``show``…) drops one
reference to ``None`` that it never took. On CPython 3.12+ ``None`` is immortal (PEP 683)
and nothing happens; on 3.11 its count falls by one per call, and some tens of thousands of
calls into a shift the interpreter aborts ("Fatal Python error: none_dealloc"), in the middle
of whatever the cashier was doing. Running on Python 3.12+ is the real fix; until then this
raises ``None``'s count far beyond what any session can drop, once, at start.
"""

from __future__ import annotations

import ctypes
import logging
import sys

from PySide6.QtCore import QObject

log = logging.getLogger(__name__)

_PROBE_CALLS = 200
_HEADROOM = 1 << 48  # ~10^14 void calls: centuries of counter work
_guarded = False


def void_calls_drop_none() -> bool:
    """Whether this PySide6 build has the bug (measured, not guessed from versions)."""
    if sys.version_info >= (3, 12):
        return False
    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(_PROBE_CALLS):
        probe.setObjectName("probe")
    return sys.getrefcount(None) <= before - _PROBE_CALLS // 2


def guard_none_refcount() -> bool:
    """Apply the guard (once) where the bug is present; True when it is in place."""
    global _guarded
    if _guarded:
        return True
    if not void_calls_drop_none():
        return False
    count = ctypes.c_ssize_t.from_address(id(None))
    # CPython keeps the count in the object's first word; check before writing to it.
    if count.value != sys.getrefcount(None) - 1:
        log.error("PySide6 drops references to None, and the guard cannot be applied here")
        return False
    count.value += _HEADROOM
    _guarded = True
    log.warning(
        "PySide6 %s drops a reference to None on every void call on Python %d.%d; None's "
        "count was raised so the app cannot abort. Run cashdesk on Python 3.12 or later.",
        _pyside_version(),
        *sys.version_info[:2],
    )
    return True


def _pyside_version() -> str:
    import PySide6

    return str(PySide6.__version__)
