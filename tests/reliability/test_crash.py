"""SIGKILL a posting cashdesk at random moments; the store must be whole after every kill."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from crash_harness import crash_run, scratch_folder
from tally import KILLS

# Two seeded runs of 50 kills each in CI; the harness run as a script does hundreds more
# (README, Reliability).
SEEDS = (1, 2)
KILLS_PER_SEED = 50


@pytest.mark.parametrize("seed", SEEDS)
def test_no_payment_lost_or_half_written_across_random_kills(
    seed: int, demo_template: Path
) -> None:
    with tempfile.TemporaryDirectory(dir=scratch_folder()) as tmp:
        run = crash_run(Path(tmp), kills=KILLS_PER_SEED, seed=seed, template=demo_template)
    KILLS["kills survived"] += run.kills
    KILLS["receipts posted under fire"] += run.receipts
    KILLS["committed-in-flight receipts found whole"] += run.in_flight
    assert run.failures == []
    assert run.kills == KILLS_PER_SEED
    # A fixed amount of work, whatever the machine's load: every round waited for its seeded
    # number of acknowledged receipts before the kill (run.required, ~75 a seed), and every
    # restart after a round that had posted ran the startup check.
    assert run.required > KILLS_PER_SEED
    assert run.receipts >= run.required
    assert run.voids > 0
    assert run.restarts_checked > KILLS_PER_SEED // 2
