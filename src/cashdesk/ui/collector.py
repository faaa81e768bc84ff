"""Python's cyclic garbage collector, run on the GUI thread only (after Anki's
``GarbageCollector`` in aqt/main.py).

A collection runs on whichever thread happens to allocate when a threshold is crossed: the
sync worker importing the PostgreSQL driver, a Background job, a device thread. If that
collection frees a Qt object (a closed dialog's wrapper caught in a reference cycle), its C++
destructor runs on that thread and the process can crash (seen: a segmentation fault during
"Garbage-collecting" in the sync thread). So while the window is up the automatic collector
is off and a timer on the GUI thread collects instead, generation by generation, with the
same thresholds.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

CHECK_MS = 500


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def check(self) -> None:
        young, middle, old = gc.get_count()
        if young > self.threshold[0]:
            gc.collect(0)
            if middle > self.threshold[1]:
                gc.collect(1)
                if old > self.threshold[2]:
                    gc.collect(2)

    def stop(self) -> None:
        """Back to the automatic collector (the window is closing)."""
        self.timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()
