"""Fixtures of the reliability tests, and the tally of hostile inputs tried (printed at the
end of the run for the README's reliability section)."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # the harness and the tally are plain modules

from tally import INPUTS_TRIED, KILLS


@pytest.fixture(scope="session")
def tried() -> Counter[str]:
    """Count each hostile input a property test feeds (name of the parser -> examples)."""
    return INPUTS_TRIED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if INPUTS_TRIED or KILLS:
        terminalreporter.section("reliability tally")
        for name, n in sorted(KILLS.items()):
            terminalreporter.write_line(f"{name}: {n}")
        for name, n in sorted(INPUTS_TRIED.items()):
            terminalreporter.write_line(f"hostile inputs tried on {name}: {n}")
        terminalreporter.write_line(f"hostile inputs tried in all: {sum(INPUTS_TRIED.values())}")
