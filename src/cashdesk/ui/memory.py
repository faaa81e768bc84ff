"""The window's native memory over weeks of uptime.

glibc gives each thread that allocates its own malloc arena (up to 8 per core) and returns
little of an arena's freed memory to the system. The window runs its background operations,
device polls and the event bridge on several threads, so a counter left open for a long
weekend kept growing in resident memory with nothing growing on the Python side: bench/soak.py
measured 72 simulated hours at +10.2% with the default arenas and +8.7% with two (issue 14's
limit is 10%). Two arenas keep the threads from contending on one lock while bounding what
the process holds. Set before any thread starts; elsewhere than glibc it does nothing."""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

M_ARENA_MAX = -8  # glibc's malloc.h
ARENAS = 2


def limit_malloc_arenas(arenas: int = ARENAS) -> bool:
    """Cap glibc's malloc arenas at ``arenas``; True when it took effect (glibc only)."""
    if not sys.platform.startswith("linux"):
        return False
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        mallopt = ctypes.CDLL(name).mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_ARENA_MAX, arenas))
