"""Find-as-you-type never waits behind a posting: searches read without the write lock."""

from __future__ import annotations

import time

from records_helpers import clerk
from sqlalchemy import text

from cashdesk.app import Cashdesk
from cashdesk.store.engine import transaction


def test_a_search_answers_while_another_writer_holds_the_write_lock(desk: Cashdesk) -> None:
    maria = clerk(desk)
    with transaction(desk.ctx.sessions) as writer:
        # BEGIN IMMEDIATE: this session holds the store's write lock until the block ends.
        writer.execute(text("UPDATE workstations SET name = name"))
        started = time.perf_counter()
        results = desk.lookup.search(maria, "nunez", limit=5)
        waited = time.perf_counter() - started
    assert results and any("Núñez" in r.title for r in results)
    # A search that needed the write lock would wait out busy_timeout (5 s) and then fail.
    assert waited < 2.0
