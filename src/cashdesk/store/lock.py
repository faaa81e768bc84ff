"""One cashdesk per workstation store, and a marker that tells a crash from a clean close.

``cashdesk.db.lock`` beside the database holds an OS lock (``fcntl.flock`` on Unix,
``msvcrt.locking`` on Windows) for as long as the app runs. The kernel drops it when the
process ends, however it ends (a SIGKILL, a power cut), so a crash never leaves a stale lock
behind and a second window is refused while the first one lives: two windows never allocate
receipt numbers at once.

``cashdesk.db.running`` is written once the store is open and removed by a clean close
(``Cashdesk.close()``). Found at start (while we hold the lock, so its writer is gone), it
means the last run ended without closing: the app then runs the integrity checks.

Standard library rather than the ``filelock`` package: thirty lines give exactly the
semantics needed (non-blocking, held until the process ends, the holder's PID written into
the file for the message), with nothing more to bundle into the desktop installer.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

from cashdesk.store.engine import StoreError

LOCK_SUFFIX = ".lock"
MARKER_SUFFIX = ".running"


class AlreadyRunning(StoreError):
    """Another cashdesk holds this workstation's store."""

    def __init__(self, message: str) -> None:
        super().__init__(message, reason="in_use")


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + LOCK_SUFFIX)


def marker_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + MARKER_SUFFIX)


if sys.platform == "win32":  # pragma: no cover - exercised on the Windows build only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


class InstanceLock:
    """The single-instance lock of one workstation database (and its running marker)."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = Path(db_path)
        self.path = lock_path(self.db_path)
        self.marker = marker_path(self.db_path)
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> bool:
        """Take the lock or raise AlreadyRunning. Returns True when the last run on this
        store ended without a clean close (its running marker is still there)."""
        if self._fd is not None:
            raise RuntimeError("the instance lock is already held")
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as err:
            raise StoreError(
                f"cashdesk cannot create its lock file {self.path} ({err.strerror}). Ask IT to "
                "let cashdesk write to that folder.",
                reason="read_only" if isinstance(err, PermissionError) else "cannot_open",
            ) from err
        if not _try_lock(fd):
            holder = _read_pid(fd)
            os.close(fd)
            who = f" (process {holder})" if holder else ""
            raise AlreadyRunning(
                f"cashdesk is already running on this workstation{who}: {self.db_path} is in "
                "use. Switch to the open cashdesk window, or close it and start again."
            )
        if sys.platform != "win32":  # Windows refuses writes under the lock's byte range
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return self.marker.exists()

    def mark_running(self) -> None:
        """Write the running marker (durably: a crash right after must still be noticed)."""
        stamp = f"pid {os.getpid()} started {dt.datetime.now(dt.UTC).isoformat()}\n"
        with open(self.marker, "w", encoding="utf-8") as f:
            f.write(stamp)
            f.flush()
            os.fsync(f.fileno())

    def release(self, *, clean: bool = True) -> None:
        """Let go of the lock; ``clean`` removes the running marker first (a clean close)."""
        if self._fd is None:
            return
        if clean:
            self.marker.unlink(missing_ok=True)
        fd, self._fd = self._fd, None
        try:
            _unlock(fd)
        finally:
            os.close(fd)


def _read_pid(fd: int) -> int | None:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 32).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None
