"""Findings 6, 9 and 11 of issue 16: sign-in that does not tell real names from unknown ones,
passwords and PINs that are not the first ones guessed, lookups for signed-in users only,
and no ledger password in the audit trail."""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
from pathlib import Path

import pytest

from cashdesk.app import Cashdesk
from cashdesk.cli import main
from cashdesk.config import Config
from cashdesk.domain.roles import Operator, Role
from cashdesk.errors import AuthenticationError, PermissionDenied, ValidationError
from cashdesk.services.audit import AuditService
from cashdesk.services.auth import check_new_pin, check_password
from cashdesk.store.engine import transaction

from .support import PASSWORD


def test_an_unknown_user_costs_the_same_argon2_verification_as_a_real_one(
    desk: Cashdesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk.auth._dummy()  # made once per hasher, not counted below
    calls: list[str] = []
    real_verify = desk.auth._verify

    def counting(stored: str, given: str) -> bool:
        calls.append(stored[:9])
        return real_verify(stored, given)

    monkeypatch.setattr(desk.auth, "_verify", counting)
    for name in ("nobody-here", "maria"):
        with pytest.raises(AuthenticationError, match="User name or password is not right"):
            desk.auth.sign_in(name, "wrong-password")
    assert len(calls) == 2 and all(c.startswith("$argon2id") for c in calls)


def test_no_full_name_is_shown_before_a_successful_sign_in(
    desk: Cashdesk, people: dict[str, Operator]
) -> None:
    desk.users.disable_user(people["admin"], "jose", reason="left")
    with pytest.raises(AuthenticationError) as wrong:
        desk.auth.sign_in("jose", "not-his-password")
    assert str(wrong.value) == "User name or password is not right."  # as for anyone
    with pytest.raises(AuthenticationError) as right:
        desk.auth.sign_in("jose", PASSWORD)
    assert str(right.value) == "This account is disabled."
    messages = []
    for _ in range(6):
        with pytest.raises(AuthenticationError) as err:
            desk.auth.sign_in("maria", "not-her-password")
        messages.append(str(err.value))
    assert "now locked" in messages[4] and "locked after 5" in messages[5]
    assert not any("Maria" in m or "Hern" in m or "José" in m for m in messages)


@pytest.mark.parametrize("weak", [" " * 10, "aaaaaaaaaa", "password12", "1234567890"])
def test_weak_passwords_are_refused(weak: str, desk: Cashdesk, people: dict[str, Operator]) -> None:
    with pytest.raises(ValidationError, match="password"):
        desk.users.add_user(
            people["admin"], username="kim", full_name="Kim Lee", role=Role.CASHIER, password=weak
        )
    with pytest.raises(ValidationError):
        desk.users.reset(people["admin"], "jose", password=weak)


def test_the_demo_password_and_ordinary_ones_are_accepted() -> None:
    for good in ("riverbend1", "kims-password", "Quiet-Lake-77"):
        assert check_password(good) == good
    # The user's own name does not make a password (strong enough for anyone else).
    assert check_password("kimlee12345") == "kimlee12345"
    with pytest.raises(ValidationError):
        check_password("kimlee12345", user_inputs=("kimlee", "Kim", "Lee"))


@pytest.mark.parametrize("pin", ["0000", "1111", "1234", "4321", "9876", "7890", "123456"])
def test_repeated_and_sequential_pins_are_refused(
    pin: str, desk: Cashdesk, people: dict[str, Operator]
) -> None:
    with pytest.raises(ValidationError, match="PIN cannot be"):
        check_new_pin(pin)
    with pytest.raises(ValidationError, match="PIN cannot be"):
        desk.users.reset(people["admin"], "jose", pin=pin)


def test_ordinary_pins_are_accepted() -> None:
    for pin in ("2580", "8642", "13579", "6802"):
        assert check_new_pin(pin) == pin


def test_lookup_needs_a_signed_in_user(
    desk: Cashdesk,
    db_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(SystemExit):  # --user is required
        main(["--db", str(db_path), "lookup", "OBrien"])
    assert "--user" in capsys.readouterr().err
    monkeypatch.setattr(sys, "stdin", io.StringIO("wrong-password\n"))
    code = main(["--db", str(db_path), "lookup", "OBrien", "--user", "maria"])
    out = capsys.readouterr()
    assert code == 2 and "O'Brien" not in out.out
    forged = Operator(1, "maria", "Maria", Role.CASHIER)  # not signed in
    with pytest.raises(PermissionDenied):
        desk.lookup.search(forged, "OBrien")
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    code = main(["--db", str(db_path), "lookup", "OBrien", "--user", "maria"])
    assert code == 0 and "O'Brien" in capsys.readouterr().out


SECRET = "hunter2-ledger"


def test_a_ledger_password_is_never_in_the_audit_trail(
    desk: Cashdesk, people: dict[str, Operator], tmp_path: Path
) -> None:
    audit = AuditService(desk.ctx)
    url = f"postgresql://w01@ledger.city/riverbend?password={SECRET}&sslmode=require"
    assert audit.record_config(Config(ledger_url=url))
    # An entry an older version wrote in clear is masked in `audit list` and the CSV.
    with transaction(desk.ctx.sessions) as s:
        desk.ctx.audit(
            s,
            action="config_changed",
            actor_id=None,
            settings={"ledger_url": f"postgresql://w01:{SECRET}@ledger.city/riverbend"},
        )
    admin = people["admin"]
    shown = desk.audit.browse(admin, limit=5)
    assert shown and SECRET not in repr([r.details for r in shown])
    day = dt.date(2026, 11, 26)
    export = desk.audit.export_csv(admin, tmp_path / "audit.csv", start=day, end=day)
    text = export.path.read_text(encoding="utf-8")
    assert SECRET not in text and "password=***" in text
    rows = list(csv.DictReader(io.StringIO(text)))
    recorded = [r for r in rows if r["action"] == "config_recorded"]
    assert recorded and SECRET not in recorded[-1]["details"]
    # ... and what the store holds for the new entry is masked too.
    with desk.ctx.sessions() as s:
        from sqlalchemy import select

        from cashdesk.store.models import AuditEntry

        stored = s.scalars(
            select(AuditEntry.details).where(AuditEntry.action == "config_recorded")
        ).all()
    assert stored and SECRET not in repr(stored[-1])
