"""The rules behind the setup dialog: what it offers, the TOML it writes (any name a person
types survives the round trip), and what it detects on this machine."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cashdesk.config import DEVICE_ROLES, load_config, parse_config
from cashdesk.errors import ConfigError
from cashdesk.first_run import (
    SerialPort,
    SetupAnswers,
    check_devices,
    detect_printers,
    detect_serial_ports,
    device_choices,
    render_config,
    toml_string,
    write_config,
)

PORTS = [SerialPort("/dev/ttyUSB0", "FTDI USB serial"), SerialPort("COM3", "")]


@given(st.text(max_size=60))
def test_any_text_is_a_toml_string_that_reads_back(text: str) -> None:
    assert tomllib.loads(f"v = {toml_string(text)}")["v"] == text


@given(
    name=st.text(max_size=60),
    number=st.integers(min_value=1, max_value=999),
    ledger=st.sampled_from(["", "postgresql://cashdesk@ledger.example/riverbend"]),
)
def test_the_written_config_reads_as_answered(name: str, number: int, ledger: str) -> None:
    answers = SetupAnswers(
        workstation_id=f"W{number:02d}",
        workstation_name=name,
        ledger_url=ledger,
        devices={
            "printer": {"kind": "cups", "printer_name": name or "Receipts"},
            "drawer": {"kind": "printer"},
            "check_reader": {"kind": "serial", "url": "/dev/ttyUSB0"},
            "display": {"kind": "none"},
        },
    )
    config = parse_config(tomllib.loads(render_config(answers)))
    assert config.workstation_id == answers.workstation_id
    assert config.workstation_name == (name or "Finance counter")  # empty: the default
    assert config.ledger_url == ledger
    assert config.devices == answers.devices


@pytest.mark.parametrize("role", DEVICE_ROLES)
def test_every_choice_offered_is_a_valid_device_table(role: str) -> None:
    choices = device_choices(role, PORTS, ["Counter_Receipts"])
    assert choices[0].table == {"kind": "simulator"}  # the default
    for choice in choices:
        config = parse_config({"devices": {role: choice.table}})
        assert config.devices[role] == choice.table
    kinds = [c.table["kind"] for c in choices]
    expected_serial = 2  # one per port
    assert kinds.count("serial") == expected_serial
    if role == "printer":
        assert {"kind": "cups", "printer_name": "Counter_Receipts"} in [c.table for c in choices]
        assert "ESC/POS printer on /dev/ttyUSB0 (FTDI USB serial)" in [c.label for c in choices]
    if role == "drawer":
        assert "printer" in kinds


def test_a_bad_answer_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "cfg" / "workstation.toml"
    with pytest.raises(ConfigError, match=r"workstation\.id"):
        write_config(SetupAnswers(workstation_id="Counter 1"), path)
    with pytest.raises(ConfigError, match=r"Type this workstation's ID"):
        write_config(SetupAnswers(workstation_id=" "), path)
    assert not path.parent.exists() or not any(path.parent.iterdir())


def test_the_config_is_written_whole_and_tested(tmp_path: Path) -> None:
    path = tmp_path / "cfg" / "workstation.toml"
    path.parent.mkdir()
    path.write_text("old", encoding="utf-8")
    devices: dict[str, dict[str, object]] = {r: {"kind": "simulator"} for r in DEVICE_ROLES}
    devices["display"] = {"kind": "none"}
    config = write_config(SetupAnswers(workstation_id="W12", devices=devices), path)
    assert load_config(path) == config and config.workstation_id == "W12"
    assert [p.name for p in path.parent.iterdir()] == ["workstation.toml"]  # no .part left
    checks = check_devices(config)
    assert [c.role for c in checks] == list(DEVICE_ROLES)
    assert all(c.ok for c in checks), checks


def test_the_serial_ports_found_exist() -> None:
    ports = detect_serial_ports()  # pyserial's list_ports on this machine
    assert all(Path(p.device).exists() for p in ports)
    assert [p.device for p in ports] == sorted(p.device for p in ports)


def test_printers_come_from_cups(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert detect_printers() == []  # no CUPS on this workstation
    lpstat = tmp_path / "lpstat"
    lpstat.write_text("#!/bin/sh\necho Counter_Receipts\necho Back_Office\n", encoding="utf-8")
    lpstat.chmod(0o755)
    assert detect_printers() == ["Back_Office", "Counter_Receipts"]
    lpstat.write_text("#!/bin/sh\necho 'lpstat: scheduler not responding' >&2\nexit 1\n")
    assert detect_printers() == []
