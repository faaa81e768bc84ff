"""Shared fixtures: real objects on real files (a SQLite store in tmp_path, simulated devices)."""

from __future__ import annotations

import atexit
import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

# Qt runs offscreen in every test; set before any Qt import.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The audit key (store/sealing.py) of this test run, never the real one in the user's config
# folder; inherited by the commands and workers tests start.
os.environ.setdefault(
    "CASHDESK_AUDIT_KEY_FILE", str(Path(tempfile.mkdtemp(prefix="cashdesk-key-")) / "audit.key")
)


def _private_home() -> Path:
    """The whole session (and every process it starts) gets a throw-away home and XDG
    folders, set before anything imports cashdesk or platformdirs: no test can write a log
    line, a cache or a store into the real user's folders. Removed when the session ends."""
    home = Path(tempfile.mkdtemp(prefix="cashdesk-tests-home-"))
    os.environ["HOME"] = str(home)
    for var, sub in (
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_STATE_HOME", ".local/state"),
        ("XDG_CACHE_HOME", ".cache"),
        ("XDG_RUNTIME_DIR", "run"),
    ):
        folder = home / sub
        folder.mkdir(parents=True, mode=0o700)
        os.environ[var] = str(folder)
    atexit.register(shutil.rmtree, home, ignore_errors=True)
    return home


TEST_HOME = _private_home()

import pytest  # noqa: E402

from cashdesk.app import Cashdesk, initialise, open_cashdesk  # noqa: E402
from cashdesk.clock import FixedClock  # noqa: E402
from cashdesk.config import Config  # noqa: E402
from cashdesk.domain.roles import Operator  # noqa: E402
from cashdesk.services.auth import make_hasher  # noqa: E402

DEMO_PASSWORD = "riverbend1"
# 10:00 in Riverbend (UTC-8 in November): business date 2026-11-26.
COUNTER_MORNING = dt.datetime(2026, 11, 26, 18, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(COUNTER_MORNING)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "cashdesk.db"


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo store built once per test session (migrations, city records, demo users);
    each test gets its own copy of the file, so no test sees another's writes."""
    path = tmp_path_factory.mktemp("template") / "demo.db"
    desk = open_cashdesk(
        Config(), path, clock=FixedClock(COUNTER_MORNING), hasher=make_hasher(fast=True)
    )
    initialise(desk, demo=True)
    desk.close()  # the last connection closing checkpoints the WAL into the file
    return path


@pytest.fixture
def desk(db_path: Path, clock: FixedClock, demo_template: Path) -> Iterator[Cashdesk]:
    """A demo workstation store on a real SQLite file, with simulated devices."""
    shutil.copyfile(demo_template, db_path)
    # The fixture is the test's service layer, not a second window: it leaves the single-
    # instance lock free, so a command under test can open the same store (tests of the lock
    # itself open their own desks).
    desk = open_cashdesk(
        Config(), db_path, clock=clock, hasher=make_hasher(fast=True), single_instance=False
    )
    yield desk
    desk.close()


@pytest.fixture
def cashier(desk: Cashdesk) -> Operator:
    return desk.auth.sign_in("maria", DEMO_PASSWORD)


@pytest.fixture
def lead(desk: Cashdesk) -> Operator:
    return desk.auth.sign_in("lead", DEMO_PASSWORD)


@pytest.fixture
def open_drawer(desk: Cashdesk, cashier: Operator) -> Operator:
    """maria, signed in, with drawer 1 open on the $200.00 starting bank."""
    desk.drawers.open_drawer(cashier)
    return cashier


@pytest.fixture(scope="session")
def pg_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real PostgreSQL server for the session, from the pgserver wheel's binaries.

    Started on first use only, so a run that needs no central ledger never pays for it.
    """
    import tempfile

    import pgserver

    # Not under pytest's basetemp: run as root, pgserver starts postgres as its own user, who
    # cannot enter the 0700 /tmp/pytest-of-root; a fresh mkdtemp is chowned to it whole.
    folder = Path(tempfile.mkdtemp(prefix="cashdesk-pg-"))
    server = pgserver.get_server(folder, cleanup_mode="stop")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


def text_past_printable_area(
    pdf: bytes | Path, *, margin: float = 18.0, side: float | None = None
) -> list[str]:
    """Every character drawn closer than ``margin`` points (0.25 in: what an office laser
    cannot print) to a page edge -- or than ``side`` points to the left or right edge, when
    a report keeps its text inside wider side margins -- as "page N: 'c' at (x0, y0)-(x1,
    y1)"; pdfium renders the pages and reports each character's glyph box."""
    sides = margin if side is None else side
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf.read_bytes() if isinstance(pdf, Path) else pdf)
    outside: list[str] = []
    try:
        for number in range(len(document)):
            page = document[number]
            width, height = page.get_size()
            text = page.get_textpage()
            for i in range(text.count_chars()):
                char = text.get_text_range(i, 1)
                if not char.strip():
                    continue
                left, bottom, right, top = text.get_charbox(i)
                if (
                    left < sides - 0.5
                    or bottom < margin - 0.5
                    or right > width - sides + 0.5
                    or top > height - margin + 0.5
                ):
                    outside.append(
                        f"page {number + 1}: {char!r} at "
                        f"({left:.1f}, {bottom:.1f})-({right:.1f}, {top:.1f})"
                    )
    finally:
        document.close()
    return outside


@pytest.fixture(scope="session")
def pdf_fits() -> Callable[..., list[str]]:
    """``text_past_printable_area``: a report test asserts it returns []."""
    return text_past_printable_area
