"""Signing in on the command line, and reading secrets.

Every command that acts for a person takes ``--user NAME`` and asks for that user's password
(or takes it from ``CASHDESK_PASSWORD``).
Secrets are read with a hidden prompt on a terminal; when standard input is not a terminal
(a script), one per line from it, in the order the command asks for them: the signing-in
user's password first, then a new password, then a new PIN. Never on the command line, where
other users could read them from the process list.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import TYPE_CHECKING, Any

from cashdesk.errors import ValidationError

if TYPE_CHECKING:
    from cashdesk.app import Cashdesk
    from cashdesk.domain.roles import Operator


def add_user_flag(parser: Any, *, required: bool = True) -> None:
    parser.add_argument(
        "--user",
        required=required,
        metavar="NAME",
        help="sign in as this user (the password is asked for, or read from stdin)",
    )


def read_secret(prompt: str, *, confirm: bool = False) -> str:
    if sys.stdin.isatty():
        secret = getpass.getpass(f"{prompt}: ")
        if confirm and getpass.getpass(f"{prompt} again: ") != secret:
            raise ValidationError("The two entries do not match.")
        return secret
    line = sys.stdin.readline()
    if not line:
        raise ValidationError(f"{prompt} was expected on standard input.")
    return line.rstrip("\r\n")


PASSWORD_ENV = "CASHDESK_PASSWORD"


def sign_in_as(desk: Cashdesk, username: str) -> Operator:
    """Sign ``username`` in: the password from ``CASHDESK_PASSWORD`` (scripts, tests) when it
    is set, else asked for (a hidden prompt, or a line of standard input)."""
    password = os.environ.get(PASSWORD_ENV) or read_secret(f"Password for {username}")
    return desk.auth.sign_in(username, password)


def sign_in(desk: Cashdesk, args: argparse.Namespace) -> Operator:
    return sign_in_as(desk, args.user)
