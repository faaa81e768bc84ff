"""Kill a posting cashdesk with SIGKILL at random moments; after each kill, check the store.

A *zygote* (a real ``python`` process running this file) imports cashdesk once, then forks
one *worker* per round on request. A worker opens the store as the app does
(``open_cashdesk``: lock, running marker, integrity check after an unclean shutdown), signs
in, and posts receipts through ``PaymentService`` on the real SQLite file in a loop, voiding
one now and then; after each commit it appends an acknowledgement to an fsynced file (what a
cashier would have been told). The driver kills the worker with SIGKILL after a random delay
(seeded: the same seed kills at the same offsets), waits for it to die, and checks:

- the worker's own start (``Cashdesk.startup``) saw the unclean shutdown and no problem;
- ``run_checks``: every receipt complete (lines, tenders, balanced journal, audit entry,
  outbox row) or absent, numbers gapless, drawer cash agreeing with the outbox copies,
  posting order, ``PRAGMA integrity_check`` and foreign keys;
- every acknowledged payment (and void) is in the store: no committed payment lost; at most
  one operation per kill is in the store without an acknowledgement (committed, killed
  before it could say so), and the drawer's expected cash (``services.drawers.expected_cash_of``)
  equals the bank plus the acknowledged cash plus that of those in-flight receipts.

Forking from a warm zygote makes a round cost milliseconds instead of a Python start-up, so
hundreds of kills fit in a test. Run it by hand for more:

    PYTHONPATH=src .venv/bin/python tests/reliability/crash_harness.py --kills 300 --seed 7
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

BANK_CENTS = 200_00
# Kills land uniformly in [0, MAX_DELAY) after the fork: the first few milliseconds hit the
# worker's start (lock, marker, recovery, integrity check), the rest hit posting at every
# stage of the transaction.
MAX_DELAY = 0.25
# Receipts a worker acknowledges before its kill may come, drawn per round (seeded).
POSTINGS_PER_ROUND = (0, 1, 2, 3)
AWAIT_S = 120.0  # a worker that posts nothing for this long has hung: the round fails


def scratch_folder() -> str | None:
    """Where the crash stores live: a tmpfs (/dev/shm) when there is one. A SIGKILL kills the
    process, not the machine: what SQLite handed the kernel survives on any file system, so
    the medium changes nothing the test proves, while a free fsync fits ten times the
    postings (so more kills land inside a transaction) in the same time."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


# -- the worker (runs in a forked child of the zygote) -----------------------------------------


def _worker(seed: int, db: Path, acks: Path, *, limit: int = 100_000) -> None:
    from sqlalchemy import select

    from cashdesk.app import open_cashdesk
    from cashdesk.config import Config
    from cashdesk.domain import tender as T
    from cashdesk.domain.money import Money
    from cashdesk.domain.receipt import ReceiptDraft
    from cashdesk.errors import StateError
    from cashdesk.services.auth import make_hasher, operator_of
    from cashdesk.store.models import User

    rng = random.Random(seed)
    fd = os.open(acks, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def ack(line: str) -> None:
        os.write(fd, f"{line}\n".encode())
        os.fsync(fd)

    desk = open_cashdesk(Config(), db, hasher=make_hasher(fast=True), upgrade=False)
    report = desk.startup
    problems = len(report.integrity.problems) if report.integrity is not None else -1
    ack(f"S {int(report.unclean_shutdown)} {problems}")
    # The operators straight from their rows: signing in (Argon2, an audit entry) is not what
    # is under test, and skipping it lets a worker post sooner after its start.
    with desk.ctx.sessions() as s:
        users = {u.username: operator_of(u, desk.auth.reader) for u in s.scalars(select(User))}
    maria, lead = users["maria"], users["lead"]
    catalog = desk.catalog.catalog()
    posted: list[str] = []
    for _ in range(limit):
        draft = ReceiptDraft(payer=rng.choice(["José Núñez", "Zoë Müller", "", "A. Payer"]))
        for _line in range(rng.randint(1, 4)):
            code = rng.choice(["GOLF-R", "GOLF-S", "DAR-10", "MISC", "NSF", "DAR-20"])
            if code == "MISC":
                amount = Money(cents=rng.randint(1, 50_000))
                draft.add_line(catalog.line(code, amount=amount, description="Copies"))
            else:
                draft.add_line(
                    catalog.line(code, alternate=code.startswith("DAR") and rng.random() < 0.5)
                )
        due = draft.total.cents
        kind = rng.choice(["cash", "cash_change", "check", "card", "split"])
        if kind == "cash":
            draft.add_tender(T.cash(Money(cents=due)))
        elif kind == "cash_change":
            draft.add_tender(T.cash(Money(cents=due + rng.randint(1, 10_000))))
        elif kind == "check":
            draft.add_tender(
                T.check(Money(cents=due), routing="021000021", account="123456789", number="1001")
            )
        elif kind == "card":
            draft.add_tender(T.card(Money(cents=due), last4="4242", approval="OK1234"))
        else:
            part = rng.randint(1, due)
            draft.add_tender(T.money_order(Money(cents=part), serial="MO77"))
            if part < due:
                draft.add_tender(T.cash(Money(cents=due - part + rng.randint(0, 2_000))))
        cash_in = draft.settlement().cash_in.cents
        result = desk.payments.post_payment(maria, draft)
        ack(f"P {result.number} {cash_in}")
        posted.append(result.number)
        if rng.random() < 0.08:
            number = rng.choice(posted)
            try:
                desk.payments.void_receipt(lead, number, reason="keyed twice")
            except StateError:  # voided already, or yesterday's (the run crossed midnight)
                continue
            ack(f"V {number}")
    desk.close()


# -- the zygote (a real python process; forks workers on request) ------------------------------


def _zygote() -> None:
    # Import everything a worker needs before the first fork, so a fork starts warm.
    import cashdesk.app
    import cashdesk.services.auth  # noqa: F401

    for line in sys.stdin:
        command, *rest = line.split()
        if command == "warm":
            # One short run on a copy of the store loads every lazy import and cache (babel's
            # locale data, mapper configuration) so that a forked worker starts posting at once.
            with tempfile.TemporaryDirectory() as tmp:
                copy = Path(tmp) / "warm.db"
                shutil.copyfile(rest[0], copy)
                _worker(0, copy, Path(tmp) / "acks.txt", limit=3)
            print("warm ok", flush=True)
        elif command == "spawn":
            seed, db, acks = int(rest[0]), Path(rest[1]), Path(rest[2])
            pid = os.fork()
            if pid == 0:  # the worker
                code = 0
                try:
                    _worker(seed, db, acks)
                except BaseException as err:  # reported through the exit status and stderr
                    print(f"worker {os.getpid()} failed: {err!r}", file=sys.stderr, flush=True)
                    code = 3
                os._exit(code)
            print(f"pid {pid}", flush=True)
        elif command == "wait":
            _, status = os.waitpid(int(rest[0]), 0)
            print(f"status {status}", flush=True)
        elif command == "quit":
            return


class Zygote:
    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc = proc

    def _ask(self, line: str) -> str:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline()
        if not answer:
            raise RuntimeError("the zygote died")
        return answer.split()[1]

    def warm(self, db: Path) -> None:
        self._ask(f"warm {db}")

    def spawn(self, seed: int, db: Path, acks: Path) -> int:
        return int(self._ask(f"spawn {seed} {db} {acks}"))

    def wait(self, pid: int) -> int:
        return int(self._ask(f"wait {pid}"))


@contextmanager
def zygote() -> Iterator[Zygote]:
    import cashdesk

    src = str(Path(cashdesk.__file__).resolve().parent.parent)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([src, os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.Popen(
        [sys.executable, __file__, "zygote"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        yield Zygote(proc)
    finally:
        assert proc.stdin is not None
        try:
            proc.stdin.write("quit\n")
            proc.stdin.close()
        except BrokenPipeError:
            pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# -- the driver -------------------------------------------------------------------------------


def prepare_store(folder: Path, template: Path | None = None) -> Path:
    """A demo store with maria's drawer open on the $200.00 bank (``template``: a demo store
    to copy instead of building one)."""
    from cashdesk.app import initialise, open_cashdesk
    from cashdesk.config import Config
    from cashdesk.services.auth import make_hasher

    db = folder / "crash.db"
    if template is not None:
        shutil.copyfile(template, db)
    desk = open_cashdesk(Config(), db, hasher=make_hasher(fast=True))
    if template is None:
        initialise(desk, demo=True)
    desk.drawers.open_drawer(desk.auth.sign_in("maria", "riverbend1"))
    desk.close()
    return db


@dataclass
class CrashRun:
    kills: int = 0  # workers killed by SIGKILL (not ones that died otherwise)
    restarts_checked: int = 0  # worker starts that reported their startup check
    receipts: int = 0
    voids: int = 0
    in_flight: int = 0  # committed, killed before acknowledging: present, as it must be
    required: int = 0  # receipts the rounds waited for before killing (a floor on receipts)
    failures: list[str] = field(default_factory=list)


def _read_acks(acks: Path) -> list[list[str]]:
    if not acks.exists():
        return []
    # A kill can cut the last line short; a line without its newline was never acknowledged.
    text = acks.read_text(encoding="utf-8")
    return [line.split() for line in text.split("\n")[:-1]]


def verify(db: Path, acks: Path, run: CrashRun, tolerated: dict[str, str]) -> None:
    """Check the store after a kill; ``tolerated`` (number -> status) carries the in-flight
    operations of earlier rounds."""
    from sqlalchemy import select

    from cashdesk.app import open_cashdesk
    from cashdesk.config import Config
    from cashdesk.domain.money import Money
    from cashdesk.services.drawers import expected_cash_of
    from cashdesk.store.integrity import run_checks
    from cashdesk.store.models import DrawerSession, Receipt, TenderRow

    desk = open_cashdesk(Config(), db, upgrade=False, single_instance=False)
    try:
        with desk.ctx.sessions() as s:
            report = run_checks(s)
            run.failures += [str(p) for p in report.problems]
            stored = {r.number: r for r in s.scalars(select(Receipt))}
            cash = {
                rid: cents
                for rid, cents in s.execute(
                    select(TenderRow.receipt_id, TenderRow.amount_cents).where(
                        TenderRow.kind == "cash"
                    )
                )
            }
            session = s.scalar(select(DrawerSession).where(DrawerSession.status == "open"))
            assert session is not None
        acked: dict[str, str] = {}
        cash_in: dict[str, int] = {}
        unclean_starts = 0
        for record in _read_acks(acks):
            if record[0] == "S":
                # An unclean start must have run the checks and found nothing; a clean one
                # (the first, or after a kill that came before the marker) runs none.
                unclean_starts += record[1] == "1"
                if (record[1], record[2]) not in {("1", "0"), ("0", "-1")}:
                    run.failures.append(f"a start found unclean={record[1]} problems={record[2]}")
            elif record[0] == "P":
                acked[record[1]], cash_in[record[1]] = "posted", int(record[2])
            elif record[0] == "V":
                acked[record[1]] = "voided"
        run.restarts_checked = unclean_starts
        new_unacked = 0
        for number, status in acked.items():
            if number not in stored:
                run.failures.append(f"{number}: acknowledged but lost")
            elif stored[number].status != status and tolerated.get(number) != stored[number].status:
                if status == "posted" and stored[number].status == "voided":
                    tolerated[number] = "voided"  # the void committed, the kill beat its ack
                    new_unacked += 1
                else:
                    run.failures.append(f"{number}: {stored[number].status}, acknowledged {status}")
        for number, row in stored.items():
            if number not in acked and number not in tolerated:
                tolerated[number] = row.status
                new_unacked += 1
        if new_unacked > 1:
            run.failures.append(
                f"{new_unacked} operations in the store that were never acknowledged"
            )
        run.in_flight += new_unacked
        expected = BANK_CENTS
        for number, row in stored.items():
            if row.status != "posted":
                continue
            # Acknowledged receipts count with the cash the worker computed from its draft;
            # in-flight ones with what the store says (nobody else saw them).
            expected += cash_in.get(number, cash.get(row.id, 0) - row.change_cents)
        with desk.ctx.sessions() as s:
            session_row = s.get(DrawerSession, session.id)
            assert session_row is not None
            actual = expected_cash_of(s, session_row)
        if actual != Money(cents=expected):
            run.failures.append(
                f"drawer expected cash {actual}, acknowledged {Money(cents=expected)}"
            )
        run.receipts = len(stored)
        run.voids = sum(1 for r in stored.values() if r.status == "voided")
    finally:
        desk.close()


def _await_postings(acks: Path, start: int, postings: int) -> bool:
    """Wait until the worker has acknowledged ``postings`` receipts after byte ``start``
    of the acknowledgements (a count of work done, not of time; AWAIT_S only ends a hang)."""
    deadline = time.monotonic() + AWAIT_S
    while postings > 0 and time.monotonic() < deadline:
        if acks.exists():
            with acks.open("rb") as f:
                f.seek(start)
                if len(re.findall(rb"(?m)^P [^\n]*\n", f.read())) >= postings:
                    return True
        time.sleep(0.002)
    return postings == 0


def crash_run(
    folder: Path,
    *,
    kills: int,
    seed: int,
    template: Path | None = None,
    max_delay: float = MAX_DELAY,
) -> CrashRun:
    """``kills`` rounds of fork, post, SIGKILL and check on one store; failures collected."""
    db = prepare_store(folder, template)
    acks = folder / "acks.txt"
    rng = random.Random(seed)
    run = CrashRun()
    tolerated: dict[str, str] = {}
    with zygote() as z:
        z.warm(db)
        for round_no in range(kills):
            # A fixed amount of work per round (seeded), whatever the machine's load: the
            # worker acknowledges ``postings`` receipts before the kill can come, so a run
            # posts at least ``run.required`` of them. 0 lets the kill hit the worker's start.
            postings = rng.choice(POSTINGS_PER_ROUND)
            run.required += postings
            start = acks.stat().st_size if acks.exists() else 0
            pid = z.spawn(rng.randrange(2**31), db, acks)
            if not _await_postings(acks, start, postings):
                run.failures.append(f"round {round_no}: no {postings} postings in {AWAIT_S} s")
            # The random moment of the crash: this sleep *is* the fault being injected.
            time.sleep(rng.uniform(0, max_delay))
            os.kill(pid, signal.SIGKILL)
            status = z.wait(pid)
            if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
                run.kills += 1
            else:
                run.failures.append(f"round {round_no}: the worker ended by itself ({status})")
            before = len(run.failures)
            verify(db, acks, run, tolerated)
            if len(run.failures) > before:
                run.failures.append(f"(after round {round_no}, seed {seed})")
                break
    return run


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("role", nargs="?", default="drive", choices=["drive", "zygote"])
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-delay", type=float, default=MAX_DELAY)
    args = parser.parse_args()
    if args.role == "zygote":
        _zygote()
        return 0
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(dir=scratch_folder()) as tmp:
        run = crash_run(Path(tmp), kills=args.kills, seed=args.seed, max_delay=args.max_delay)
    seconds = time.perf_counter() - started
    print(
        f"seed {args.seed}: {run.kills} kills survived, {run.restarts_checked} restarts checked, "
        f"{run.receipts} receipts ({run.voids} voided, {run.in_flight} committed in flight), "
        f"{len(run.failures)} failures, {seconds:.1f} s"
    )
    for failure in run.failures:
        print(f"  {failure}")
    return 1 if run.failures else 0


if __name__ == "__main__":
    sys.exit(main())
