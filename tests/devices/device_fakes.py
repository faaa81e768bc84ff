"""Device test doubles: a fake ESC/POS network printer on loopback, a fake monotonic clock."""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from collections.abc import Callable

READY = 0x12  # every DLE EOT reply: 0xx1xx10, no bit set
DLE_EOT = b"\x10\x04"


class FakeNetworkPrinter:
    """A thread serving port 9100-style ESC/POS on 127.0.0.1: it answers DLE EOT n with the
    status byte set for n, keeps every other byte, and can go silent, run out of paper, open
    its cover, or vanish (reset the connection and stop listening) after N bytes of a job."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.status = {1: READY, 2: READY, 4: READY}
        self.silent = False
        self.vanish_after: int | None = None  # bytes of non-status data
        self.received = bytearray()
        self.queries: list[int] = []
        self.connections = 0
        self.gone = False
        self.changed = threading.Condition()
        self._threads: list[threading.Thread] = []
        self._conns: list[socket.socket] = []
        self._accept = threading.Thread(target=self._serve, daemon=True)
        self._accept.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            if self.gone:
                conn.close()
                return
            self.connections += 1
            self._conns.append(conn)
            thread = threading.Thread(target=self._handle, args=(conn,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _handle(self, conn: socket.socket) -> None:
        pending = b""
        with conn:
            while True:
                try:
                    chunk = conn.recv(4096)
                except OSError:
                    return
                if not chunk:
                    return
                pending += chunk
                while pending:
                    at = pending.find(DLE_EOT)
                    if at == -1 or len(pending) < at + 3:
                        # keep a possible split DLE EOT for the next chunk
                        keep = (
                            2
                            if pending.endswith(b"\x10\x04")
                            else (1 if pending.endswith(b"\x10") else 0)
                        )
                        data, pending = (
                            pending[: len(pending) - keep],
                            pending[len(pending) - keep :],
                        )
                        if self._take(conn, data):
                            return
                        break
                    if self._take(conn, pending[:at]):
                        return
                    n = pending[at + 2]
                    pending = pending[at + 3 :]
                    with self.changed:
                        self.queries.append(n)
                        self.changed.notify_all()
                    if not self.silent:
                        conn.sendall(bytes([self.status.get(n, READY)]))

    def _take(self, conn: socket.socket, data: bytes) -> bool:
        """Keep job bytes; True when the printer vanishes here."""
        if not data:
            return False
        with self.changed:
            if self.vanish_after is not None and len(self.received) + len(data) > self.vanish_after:
                self.received += data[: max(0, self.vanish_after - len(self.received))]
                self.changed.notify_all()
                self.vanish()
                return True
            self.received += data
            self.changed.notify_all()
        return False

    def vanish(self) -> None:
        """Reset every connection and stop listening: the printer is gone."""
        self.gone = True
        with contextlib.suppress(OSError):
            self.server.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        self.server.close()
        for conn in self._conns:
            try:
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                conn.close()
            except OSError:
                pass

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
        with self.changed:
            return self.changed.wait_for(predicate, timeout)

    def close(self) -> None:
        self.vanish()


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
