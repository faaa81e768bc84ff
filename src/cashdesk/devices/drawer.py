"""Cash drawers: kicked through the printer's drawer port (ESC p) or on their own serial port.

The open/closed sensor (printer connector pin 3, read with DLE EOT 1; or a serial modem-status
line) is interpreted with a configured polarity, because whether "high" means open depends on
the drawer. :class:`DrawerWatch` follows the UnifiedPOS model: after a kick the drawer must
report open within a short time (else a failed open), and a drawer open longer than the
configured time raises an alert once per opening.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cashdesk.devices.base import CashDrawer, DeviceStatus, DrawerError, PrinterError
from cashdesk.devices.escpos_printer import EscposPrinter, kick_bytes
from cashdesk.devices.settings import Table
from cashdesk.devices.worker import PortWorker
from cashdesk.errors import DeviceError

log = logging.getLogger(__name__)

OPENED = "opened"
CLOSED = "closed"
FAILED_OPEN = "failed_open"
LEFT_OPEN = "left_open"


@dataclass(frozen=True, slots=True)
class DrawerEvent:
    kind: str  # OPENED, CLOSED, FAILED_OPEN, LEFT_OPEN
    message: str


DrawerListener = Callable[[DrawerEvent], None]


class DrawerWatch:
    """The drawer's state from sensor readings and kicks (pure: times are passed in)."""

    def __init__(self, *, open_within: float, alert_after: float) -> None:
        self.open_within = open_within
        self.alert_after = alert_after
        self.is_open: bool | None = None  # None until the sensor has answered
        self.opened_at: float | None = None
        self.kicked_at: float | None = None
        self.alerted = False
        self.good_opens = 0
        self.failed_opens = 0
        self.problem: str | None = None

    def kicked(self, now: float) -> None:
        self.kicked_at = now

    def observe(self, is_open: bool | None, now: float) -> list[DrawerEvent]:
        events: list[DrawerEvent] = []
        if is_open is True and self.is_open is not True:
            self.opened_at, self.alerted = now, False
            if self.kicked_at is not None:
                self.good_opens += 1
                self.kicked_at = None
                self.problem = None
            events.append(DrawerEvent(OPENED, "The cash drawer is open."))
        elif is_open is False and self.is_open is True:
            self.opened_at = None
            if self.problem and self.problem.startswith("The cash drawer has been open"):
                self.problem = None
            events.append(DrawerEvent(CLOSED, "The cash drawer is closed."))
        if is_open is not None:
            self.is_open = is_open
        if self.kicked_at is not None and now - self.kicked_at >= self.open_within:
            self.kicked_at = None
            self.failed_opens += 1
            self.problem = "The cash drawer did not open: check it is connected and not locked."
            events.append(DrawerEvent(FAILED_OPEN, self.problem))
        if (
            self.is_open
            and self.opened_at is not None
            and not self.alerted
            and now - self.opened_at >= self.alert_after
        ):
            self.alerted = True
            self.problem = (
                f"The cash drawer has been open for more than {self.alert_after:.0f} s: close it."
            )
            events.append(DrawerEvent(LEFT_OPEN, self.problem))
        return events

    def summary(self) -> tuple[bool, str]:
        if self.problem:
            return False, self.problem
        if self.is_open is None:
            return True, "Ready"
        return True, "Open" if self.is_open else "Closed"


@dataclass(frozen=True, slots=True, kw_only=True)
class DrawerSettings:
    pin: int = 2
    pulse_on_ms: int = 100
    pulse_off_ms: int = 100
    sensor: bool = True
    open_when: str = "high"  # the sensor level that means open
    open_within: float = 2.0
    alert_after: float = 120.0
    kick_max_age: float = 3.0
    poll_seconds: float = 0.5
    # a serial drawer
    url: str = ""
    baudrate: int = 9600
    open_byte: int = 0x07
    sensor_line: str = "cts"


def parse_drawer(table: Table, kind: str) -> DrawerSettings:
    values: dict[str, Any] = {
        "sensor": table.flag("sensor", kind == "printer"),
        "open_when": table.choice("open_when", "high", ("high", "low")),
        "open_within": table.seconds("open_within_seconds", 2.0, low=0.2, high=10),
        "alert_after": table.seconds("alert_after_seconds", 120.0, low=5, high=3600),
        "kick_max_age": table.seconds("kick_max_age_seconds", 3.0, low=0.5, high=10),
        "poll_seconds": table.seconds("poll_seconds", 0.5, low=0.05, high=10),
    }
    if kind == "printer":
        pin = table.integer("pin", 2, low=2, high=5)
        if pin not in (2, 5):
            raise table.fail("pin", f"must be 2 or 5, not {pin}.")
        values["pin"] = pin
        # ESC p counts in 2 ms units up to 255: 510 ms at most.
        values["pulse_on_ms"] = table.integer("pulse_on_ms", 100, low=2, high=510)
        values["pulse_off_ms"] = table.integer("pulse_off_ms", 100, low=2, high=510)
    else:
        values["url"] = table.text("url")
        values["baudrate"] = table.integer("baudrate", 9600, low=1200, high=921600)
        values["open_byte"] = table.integer("open_byte", 0x07, low=0, high=255, hex_ok=True)
        values["sensor_line"] = table.choice("sensor_line", "cts", ("cts", "dsr", "cd", "ri"))
    return DrawerSettings(**values)


class _WatchedDrawer(CashDrawer):
    """Kick bookkeeping, the watch and the optional polling thread, shared by both drivers."""

    def __init__(
        self, settings: DrawerSettings, worker: PortWorker, *, clock: Callable[[], float]
    ) -> None:
        self.settings = settings
        self.worker = worker
        self.clock = clock
        self.watch = DrawerWatch(open_within=settings.open_within, alert_after=settings.alert_after)
        self._listeners: list[DrawerListener] = []
        self._watch_lock = threading.Lock()
        self._stop = threading.Event()
        self._poller: threading.Thread | None = None
        self.last_error: str | None = None
        self.sensor_error: str | None = None

    def watch_events(self, listener: DrawerListener) -> None:
        self._listeners.append(listener)

    def _job_kick(self) -> None:
        raise NotImplementedError

    def _job_sensor(self) -> bool | None:
        """The sensor level translated to open (True) / closed (False); None: no reading."""
        raise NotImplementedError

    def kick(self, *, job_id: str) -> None:
        max_age = self.settings.kick_max_age

        def stale(age: float) -> DrawerError:
            return DrawerError(
                f"The cash drawer was not opened: the request waited {age:.1f} s for the "
                "printer. Open it with No sale if needed."
            )

        future = self.worker.submit(job_id, self._job_kick, max_age=max_age, stale=stale)
        try:
            future.result(timeout=max_age + 1)
        except TimeoutError:
            future.cancel()
            self.last_error = "The cash drawer did not answer in time."
            raise DrawerError(self.last_error) from None
        except DeviceError as err:
            self.last_error = str(err)
            raise DrawerError(str(err)) from err
        self.last_error = None
        with self._watch_lock:
            self.watch.kicked(self.clock())

    def poll(self) -> list[DrawerEvent]:
        """Read the sensor once and report what changed (the poller calls this)."""
        if not self.settings.sensor:
            return []
        try:
            is_open = self.worker.call(self._job_sensor, timeout=self.settings.kick_max_age)
            self.sensor_error = None
        except (DeviceError, TimeoutError) as err:
            log.debug("drawer sensor read failed: %s", err)
            is_open = None
            self.sensor_error = f"The drawer sensor cannot be read: {err}".strip()
        with self._watch_lock:
            events = self.watch.observe(is_open, self.clock())
        for event in events:
            for listener in self._listeners:
                try:
                    listener(event)
                except Exception:
                    log.exception("drawer listener failed")
        return events

    def start_monitor(self) -> None:
        if not self.settings.sensor or self._poller is not None:
            return

        def run() -> None:
            while not self._stop.wait(self.settings.poll_seconds):
                self.poll()

        self._poller = threading.Thread(target=run, name="drawer-sensor", daemon=True)
        self._poller.start()

    def status(self) -> DeviceStatus:
        if self.settings.sensor:
            self.poll()
        with self._watch_lock:
            ok, message = self.watch.summary()
        if self.last_error:
            return DeviceStatus(self.name, False, self.last_error)
        if self.sensor_error and ok:
            return DeviceStatus(self.name, False, self.sensor_error)
        return DeviceStatus(self.name, ok, message)

    def close(self) -> None:
        self._stop.set()
        if self._poller is not None:
            self._poller.join(2)


class PrinterDrawer(_WatchedDrawer):
    """A drawer on the receipt printer's drawer port: kicks and sensor reads share its worker."""

    def __init__(
        self,
        settings: DrawerSettings,
        printer: EscposPrinter,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(settings, printer.worker, clock=clock)
        self.printer = printer
        self.name = f"Cash drawer (printer port, pin {settings.pin})"
        self.kick_data = kick_bytes(
            settings.pin,
            settings.pulse_on_ms,
            settings.pulse_off_ms,
            profile=printer.settings.profile,
        )

    def _job_kick(self) -> None:
        try:
            self.printer.job_write(self.kick_data, "Opening the cash drawer")
        except PrinterError as err:
            raise DrawerError(str(err)) from err

    def _job_sensor(self) -> bool | None:
        state = self.printer.job_state()
        if state is None or state.drawer_pin3_high is None:
            return None
        return state.drawer_pin3_high == (self.settings.open_when == "high")


class SerialDrawer(_WatchedDrawer):
    """A drawer on its own serial port: a byte opens it, a modem-status line reports it."""

    def __init__(
        self,
        settings: DrawerSettings,
        worker: PortWorker,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(settings, worker, clock=clock)
        self.name = f"Cash drawer ({settings.url})"
        self._port: Any = None

    def _open(self) -> Any:
        if self._port is None:
            import serial

            try:
                self._port = serial.serial_for_url(
                    self.settings.url, baudrate=self.settings.baudrate, timeout=0.5
                )
            except (serial.SerialException, ValueError) as err:
                raise DrawerError(
                    f"The cash drawer port {self.settings.url} cannot be opened ({err}); "
                    "check devices.drawer.url."
                ) from err
        return self._port

    def _job_kick(self) -> None:
        port = self._open()
        try:
            port.write(bytes([self.settings.open_byte]))
            port.flush()
        except OSError as err:
            self._port = None
            raise DrawerError(f"The cash drawer port {self.settings.url} failed ({err}).") from err

    def _job_sensor(self) -> bool | None:
        port = self._open()
        try:
            level = bool(getattr(port, self.settings.sensor_line))
        except OSError:
            self._port = None
            return None
        return level == (self.settings.open_when == "high")

    def close(self) -> None:
        super().close()
        self.worker.close()
        if self._port is not None:
            self._port.close()
