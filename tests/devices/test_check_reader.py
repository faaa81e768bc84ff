"""MICR readers over pyserial: a pty (a real device path), loop:// and per-reader symbols."""

from __future__ import annotations

import os
import tty
from collections.abc import Iterator

import pytest

from cashdesk.app import Cashdesk
from cashdesk.devices.base import CheckReaderError
from cashdesk.devices.check_reader import MAPPINGS, ReaderSettings, SerialCheckReader
from cashdesk.devices.simulated import SimulatedCheckReader
from cashdesk.domain.micr import MAGTEK_0000, MicrError, parse_micr
from cashdesk.domain.money import Money
from cashdesk.services.devices import DeviceService


class Pty:
    def __init__(self) -> None:
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self.path = os.ttyname(self.slave)

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def close(self) -> None:
        os.close(self.master)
        os.close(self.slave)


@pytest.fixture
def pty_reader() -> Iterator[tuple[Pty, SerialCheckReader]]:
    pty = Pty()
    reader = SerialCheckReader(ReaderSettings(url=pty.path, mapping=MAGTEK_0000))
    # Opening a port flushes its input, so the reader is opened before any check arrives
    # (the factory does the same at start).
    assert reader.status().ok
    yield pty, reader
    reader.close()
    pty.close()


def test_a_valid_check_on_a_pty(pty_reader: tuple[Pty, SerialCheckReader]) -> None:
    pty, reader = pty_reader
    pty.send(b"T021000021T 123456789U 1234\r\n")
    read = reader.read(timeout=2)
    assert read is not None
    line = parse_micr(read.micr_line)
    assert (line.routing, line.account, line.serial) == ("021000021", "123456789", "1234")


def test_lines_split_across_writes_and_several_checks_in_a_row(
    pty_reader: tuple[Pty, SerialCheckReader],
) -> None:
    pty, reader = pty_reader
    pty.send(b"U001234U T1110")
    pty.send(b"00025T 987654321U\rT011000015T 555-666777U 7001 $0000012550$\r")
    first, second = reader.read(timeout=2), reader.read(timeout=2)
    assert first is not None and second is not None
    assert parse_micr(first.micr_line).serial == "001234"
    business = parse_micr(second.micr_line)
    assert business.amount == Money(cents=12550)
    assert business.account == "555666777" and business.serial == "7001"


def test_no_check_within_the_timeout_is_none(pty_reader: tuple[Pty, SerialCheckReader]) -> None:
    _, reader = pty_reader
    assert reader.read(timeout=0.2) is None


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b"T0210?0021T 123456789U 1234\r", "could not read every character"),
        (b"T021000022T 123456789U 1234\r", "check digit"),  # bad routing check digit
        (b"T021000021T 12U 1234\r", "account number has 2 digits"),
    ],
)
def test_doubtful_reads_ask_to_rescan_or_key_the_check(
    pty_reader: tuple[Pty, SerialCheckReader], line: bytes, reason: str
) -> None:
    pty, reader = pty_reader
    pty.send(line)
    read = reader.read(timeout=2)
    assert read is not None
    with pytest.raises(MicrError, match="Re-scan or key the check") as err:
        parse_micr(read.micr_line)
    assert reason in str(err.value).lower() or reason in str(err.value)


@pytest.mark.parametrize(
    ("fmt", "raw"),
    [
        ("magtek-0001", b"t021000021t 123456789o 1234"),
        ("magtek-0002", b"T021000021T 123456789O 1234"),
        ("unifiedpos", b"t021000021t 123456789o 1234"),
        ("unicode", "⑆021000021⑆ 123456789⑈ 1234".encode()),
    ],
)
def test_each_reader_mapping_reads_the_same_check(fmt: str, raw: bytes) -> None:
    encoding = "utf-8" if fmt == "unicode" else "latin-1"
    reader = SerialCheckReader(
        ReaderSettings(url="loop://", mapping=MAPPINGS[fmt], encoding=encoding)
    )
    port = reader._open()
    port.write(raw + b"\r")  # loop:// hands back what is written
    read = reader.read(timeout=1)
    assert read is not None
    line = parse_micr(read.micr_line)
    assert (line.routing, line.account, line.serial) == ("021000021", "123456789", "1234")
    reader.close()


def test_axiohm_status_byte() -> None:
    reader = SerialCheckReader(
        ReaderSettings(url="loop://", mapping=MAPPINGS["axiohm"], status_byte=True)
    )
    port = reader._open()
    port.write(b"\x00)021000021) 123456789( 1234\r")
    read = reader.read(timeout=1)
    assert read is not None and parse_micr(read.micr_line).routing == "021000021"
    port.write(b"\x01\r")
    with pytest.raises(CheckReaderError, match=r"could not read the check\. Re-scan or key"):
        reader.read(timeout=1)
    reader.close()


def test_read_check_service_returns_the_parsed_fields(desk: Cashdesk) -> None:
    reader = desk.ctx.devices.check_reader
    assert isinstance(reader, SimulatedCheckReader)
    service = DeviceService(desk.ctx)
    reader.insert("⑆021000021⑆ 123456789⑈ 1234")
    check = service.read_check(timeout=1)
    assert check is not None
    assert (check.routing, check.account, check.number) == ("021000021", "123456789", "1234")
    assert check.masked_account == "*****6789" and check.amount is None
    assert service.read_check(timeout=0) is None
    reader.insert("⑆021000022⑆ 123456789⑈ 1234")
    with pytest.raises(MicrError, match="Re-scan or key the check"):
        service.read_check(timeout=1)
