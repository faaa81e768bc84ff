"""A workstation's first start: what the setup dialog offers, the config it writes, its test.

No Qt here (the dialog is cashdesk.ui.setup_wizard): detection of the serial ports
(pyserial's ``serial.tools.list_ports``) and of the printers the system prints to (CUPS's
``lpstat``), the choices for each device role, the TOML text of the config, validated by
``config.parse_config`` before it is written (owner-only, atomically), and a test that builds
the devices it describes (``devices.factory.build_devices``) and reports their statuses.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cashdesk.config import DEVICE_ROLES, Config, parse_config
from cashdesk.errors import ConfigError

ROLE_LABELS = {
    "printer": "Receipt printer",
    "drawer": "Cash drawer",
    "check_reader": "Check reader",
    "display": "Customer display",
}


@dataclass(frozen=True, slots=True)
class SerialPort:
    device: str  # /dev/ttyUSB0, COM3
    description: str


@dataclass(frozen=True, slots=True)
class DeviceChoice:
    """One entry in a role's list: its label and the ``[devices.<role>]`` table it writes."""

    label: str
    table: dict[str, Any]


@dataclass(frozen=True, slots=True)
class SetupAnswers:
    workstation_id: str
    workstation_name: str = ""
    ledger_url: str = ""
    devices: dict[str, dict[str, Any]] = field(
        default_factory=lambda: {role: {"kind": "simulator"} for role in DEVICE_ROLES}
    )


@dataclass(frozen=True, slots=True)
class DeviceCheck:
    role: str
    name: str
    ok: bool
    message: str


def detect_serial_ports() -> list[SerialPort]:
    """The serial ports the system reports (USB adapters included), by device name."""
    from serial.tools import list_ports

    ports = [
        SerialPort(device=p.device, description=p.description or "") for p in list_ports.comports()
    ]
    return sorted(ports, key=lambda p: p.device)


def detect_printers() -> list[str]:
    """The CUPS print queues (``lpstat -e``); none where CUPS is not installed."""
    lpstat = shutil.which("lpstat")
    if lpstat is None:
        return []
    try:
        done = subprocess.run(
            [lpstat, "-e"], capture_output=True, text=True, timeout=5, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return []
    if done.returncode != 0:
        return []
    return sorted({line.strip() for line in done.stdout.splitlines() if line.strip()})


def device_choices(
    role: str, ports: Iterable[SerialPort], printers: Iterable[str]
) -> list[DeviceChoice]:
    """What the dialog offers for ``role``: the simulator first (the default), none, then the
    detected hardware that role can use."""
    choices = [
        DeviceChoice("Simulator (no hardware)", {"kind": "simulator"}),
        DeviceChoice("None", {"kind": "none"}),
    ]
    ports = list(ports)
    if role == "printer":
        choices += [
            DeviceChoice(f"ESC/POS printer on {p.device} ({p.description})".replace(" ()", ""),
                         {"kind": "serial", "url": p.device})
            for p in ports
        ]  # fmt: skip
        choices += [
            DeviceChoice(f"Printer {name} (CUPS)", {"kind": "cups", "printer_name": name})
            for name in printers
        ]
    elif role == "drawer":
        choices.append(DeviceChoice("On the receipt printer", {"kind": "printer"}))
        choices += [
            DeviceChoice(f"Drawer on {p.device}", {"kind": "serial", "url": p.device})
            for p in ports
        ]
    else:  # check reader, customer display: serial devices
        choices += [
            DeviceChoice(f"{p.device} ({p.description})".replace(" ()", ""),
                         {"kind": "serial", "url": p.device})
            for p in ports
        ]  # fmt: skip
    return choices


def toml_string(value: str) -> str:
    """``value`` as a TOML basic string (every control character escaped)."""
    out = ['"']
    for ch in value:
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    raise ConfigError(f"A device setting cannot be written: {value!r}")


def render_config(answers: SetupAnswers) -> str:
    """The workstation's TOML file for ``answers`` (not yet validated)."""
    lines = [
        "# The workstation's settings, written by cashdesk's first-run setup.",
        "# Every key is described in the README (Configure a workstation).",
        "",
        "[workstation]",
        f"id = {toml_string(answers.workstation_id)}",
    ]
    if answers.workstation_name:
        lines.append(f"name = {toml_string(answers.workstation_name)}")
    lines += ["", "[ledger]"]
    if not answers.ledger_url:
        lines.append("# No central ledger: receipts wait in the local store's outbox.")
    lines.append(f"url = {toml_string(answers.ledger_url)}")
    for role in DEVICE_ROLES:
        table = answers.devices.get(role, {"kind": "simulator"})
        lines += ["", f"[devices.{role}]"]
        lines += [f"{key} = {_toml_value(value)}" for key, value in table.items()]
    return "\n".join(lines) + "\n"


def validated_config(answers: SetupAnswers, path: Path) -> tuple[str, Config]:
    """The TOML text and the Config it reads as; ConfigError (naming the key) when wrong."""
    if not answers.workstation_id.strip():
        raise ConfigError("Type this workstation's ID, like W01.")
    text = render_config(answers)
    return text, parse_config(tomllib.loads(text), source=path)


def write_config(answers: SetupAnswers, path: Path) -> Config:
    """Validate ``answers`` and write them to ``path`` (owner read/write only, replacing the
    file in one step so a crash never leaves half a config). Returns the config written."""
    text, config = validated_config(answers, path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(partial, path)
    return config


def check_devices(config: Config) -> list[DeviceCheck]:
    """Build the devices ``config`` describes, ask each for its status, and close them."""
    from cashdesk.devices.factory import build_devices

    devices = build_devices(config.devices)
    try:
        return [
            DeviceCheck(role=role, name=s.name, ok=s.ok, message=s.message)
            for role, s in zip(DEVICE_ROLES, devices.statuses(), strict=True)
        ]
    finally:
        devices.close()
