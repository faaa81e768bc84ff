"""Finding 5 of issue 16: five wrong passwords no longer lock the only administrator out for
good. The recovery code shown at first-run setup (kept only as an Argon2id hash) unlocks the
administrator and sets a new password; a lead cashier still cannot."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from cashdesk.app import Cashdesk, initialise, open_cashdesk
from cashdesk.cli import main
from cashdesk.config import Config
from cashdesk.domain.roles import Operator
from cashdesk.errors import AuthenticationError, PermissionDenied
from cashdesk.services.auth import make_hasher
from cashdesk.store.models import AuditEntry
from cashdesk.store.security_models import AdminRecovery

from .support import PASSWORD


def _lock(desk: Cashdesk, username: str) -> None:
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            desk.auth.sign_in(username, "not-the-password")
    with pytest.raises(AuthenticationError, match="locked"):
        desk.auth.sign_in(username, PASSWORD)


def test_the_recovery_code_unlocks_the_only_administrator(
    desk: Cashdesk, people: dict[str, Operator]
) -> None:
    code = desk.users.renew_recovery_code(people["admin"])
    with desk.ctx.sessions() as s:
        row = s.get(AdminRecovery, 1)
        assert row is not None and row.code_hash.startswith("$argon2id$")
        assert code.replace("-", "") not in row.code_hash
    _lock(desk, "admin")
    lead = desk.auth.sign_in("lead", PASSWORD)
    with pytest.raises(PermissionDenied, match="administrator must"):
        desk.users.unlock_user(lead, "admin")
    with pytest.raises(PermissionDenied, match="not right"):
        desk.users.recover_admin("AAAAAA-BBBBBB-CCCCCC-DDDDDD", "admin", password="Quiet-Lake-77")
    info, new_code = desk.users.recover_admin(
        code.lower().replace("-", " "), "admin", password="Quiet-Lake-77"
    )
    assert not info.locked and info.active and new_code != code
    assert desk.auth.sign_in("admin", "Quiet-Lake-77").username == "admin"
    with pytest.raises(PermissionDenied):  # used up
        desk.users.recover_admin(code, "admin", password="Other-River-88")
    with desk.ctx.sessions() as s:
        actions = list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions.count("admin_recovery_failed") == 2 and "admin_recovered" in actions


def test_a_recovery_code_does_not_recover_a_non_administrator(
    desk: Cashdesk, people: dict[str, Operator]
) -> None:
    code = desk.users.renew_recovery_code(people["admin"])
    with pytest.raises(PermissionDenied):
        desk.users.recover_admin(code, "lead", password="Quiet-Lake-77")


def test_first_run_shows_the_code_once_and_recover_admin_uses_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db, config = tmp_path / "new.db", tmp_path / "workstation.toml"
    config.touch()
    desk = open_cashdesk(Config(), db, hasher=make_hasher(fast=True))
    initialise(desk, demo=False)
    desk.close()

    def cli(*args: str, stdin: str) -> tuple[int, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = main(["--db", str(db), "--config", str(config), *args])
        out = capsys.readouterr()
        return code, out.out + out.err

    code, out = cli(
        "users", "add", "boss", "--name", "Pat Boss", "--role", "admin",
        stdin="Boss-Password-9\nBoss-Password-9\n",
    )  # fmt: skip
    assert code == 0, out
    found = re.search(r"RECOVERY CODE: ([A-Z0-9-]+)", out)
    assert found is not None
    recovery = found.group(1)
    for _ in range(5):
        cli("users", "list", "--user", "boss", stdin="wrong-password\n")
    code, out = cli("users", "list", "--user", "boss", stdin="Boss-Password-9\n")
    assert code == 2 and "locked" in out
    code, out = cli(
        "users", "add", "boss2", "--name", "B", "--role", "admin", stdin="X-Strong-Pass-1\n" * 2
    )
    assert code == 2 and "administrator exists" in out
    code, out = cli(
        "users", "recover-admin", "boss", stdin=f"{recovery}\nNew-Boss-Pass-7\nNew-Boss-Pass-7\n"
    )
    assert code == 0, out
    assert "NEW RECOVERY CODE" in out
    code, out = cli("users", "list", "--user", "boss", stdin="New-Boss-Pass-7\n")
    assert code == 0 and "boss" in out
