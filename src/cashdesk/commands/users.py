"""``cashdesk users add|disable|enable|reset|unlock|training|list``: user administration.

Users are never deleted, only disabled. ``add`` on a store with no active administrator
creates the first one without ``--user``. Secrets are asked for (or read from stdin, one per
line: the signing-in user's password, then the new password, then the new PIN).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from cashdesk.commands.common import opened_desk
from cashdesk.commands.credentials import add_user_flag, read_secret, sign_in
from cashdesk.commands.quote import refuse

ROLES = ("cashier", "lead", "admin", "auditor")


def register(sub: Any) -> None:
    users = sub.add_parser("users", help="add, disable, reset, unlock and list users")
    verbs = users.add_subparsers(dest="users_command", required=True)

    add = verbs.add_parser("add", help="add a user (asks for the password and PIN)")
    add.add_argument("username")
    add.add_argument("--name", required=True, help="full name as printed on receipts")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--training", action="store_true", help="flag the user for training")
    add.add_argument("--pin", action="store_true", help="also set a 4-8 digit PIN")
    add_user_flag(add, required=False)
    add.set_defaults(handler=_add)

    disable = verbs.add_parser("disable", help="disable a user (users are never deleted)")
    disable.add_argument("username")
    disable.add_argument("--reason", default="")
    add_user_flag(disable)
    disable.set_defaults(handler=_disable)

    enable = verbs.add_parser("enable", help="enable a disabled user again")
    enable.add_argument("username")
    add_user_flag(enable)
    enable.set_defaults(handler=_enable)

    reset = verbs.add_parser("reset", help="set a new password and/or PIN; also unlocks")
    reset.add_argument("username")
    reset.add_argument("--password", action="store_true", help="set a new password")
    reset.add_argument("--pin", action="store_true", help="set a new PIN")
    add_user_flag(reset)
    reset.set_defaults(handler=_reset)

    unlock = verbs.add_parser("unlock", help="unlock an account after five failed attempts")
    unlock.add_argument("username")
    add_user_flag(unlock)
    unlock.set_defaults(handler=_unlock)

    training = verbs.add_parser("training", help="flag or unflag a user for training")
    training.add_argument("username")
    training.add_argument("state", choices=("on", "off"))
    add_user_flag(training)
    training.set_defaults(handler=_training)

    recover = verbs.add_parser(
        "recover-admin",
        help="unlock the administrator and set a new password with the recovery code",
    )
    recover.add_argument("username", help="the administrator's user name")
    recover.set_defaults(handler=_recover_admin)

    renew = verbs.add_parser("recovery-code", help="issue a new administrator recovery code")
    add_user_flag(renew)
    renew.set_defaults(handler=_renew_code)

    listing = verbs.add_parser("list", help="list users")
    listing.add_argument("--json", action="store_true")
    add_user_flag(listing)
    listing.set_defaults(handler=_list)


def _show(info: Any) -> str:
    flags = [
        "disabled" if not info.active else "",
        "LOCKED" if info.locked else "",
        "training" if info.training else "",
        "no PIN" if not info.has_pin else "",
    ]
    extra = ", ".join(f for f in flags if f)
    return f"{info.username:<16} {info.full_name:<28} {info.role.label:<22} {extra}".rstrip()


def _add(args: argparse.Namespace) -> int:
    from cashdesk.domain.roles import Role

    with opened_desk(args) as desk:
        if args.user is None:
            if args.role != "admin" or args.training:
                return refuse("sign in with --user to add users (an administrator must).")
            # A new store's first administrator (refused once one exists).
            password = read_secret(f"New password for {args.username}", confirm=True)
            pin = read_secret(f"PIN for {args.username}", confirm=True) if args.pin else None
            first = desk.users.add_first_admin(
                username=args.username, full_name=args.name, password=password, pin=pin
            )
            info = first.info
            print(
                f"ADMINISTRATOR RECOVERY CODE: {first.recovery_code}\n"
                "Write it down and keep it in the safe: it is shown only now. With it,\n"
                "`cashdesk users recover-admin` unlocks the administrator (README)."
            )
        else:
            operator = sign_in(desk, args)
            password = read_secret(f"New password for {args.username}", confirm=True)
            pin = read_secret(f"PIN for {args.username}", confirm=True) if args.pin else None
            info = desk.users.add_user(
                operator,
                username=args.username,
                full_name=args.name,
                role=Role(args.role),
                password=password,
                pin=pin,
                training=args.training,
            )
        print(f"added {_show(info)}")
    return 0


def _recover_admin(args: argparse.Namespace) -> int:
    """Secrets (stdin, one per line, or prompts): the recovery code, then the new password."""
    with opened_desk(args) as desk:
        code = read_secret("Administrator recovery code")
        password = read_secret(f"New password for {args.username}", confirm=True)
        info, new_code = desk.users.recover_admin(code, args.username, password=password)
    print(f"recovered {_show(info)}: unlocked, with the new password")
    print(f"NEW RECOVERY CODE: {new_code}\n(the old one no longer works; keep this one safe)")
    return 0


def _renew_code(args: argparse.Namespace) -> int:
    with opened_desk(args) as desk:
        code = desk.users.renew_recovery_code(sign_in(desk, args))
    print(f"NEW RECOVERY CODE: {code}\n(the old one no longer works; keep this one safe)")
    return 0


def _disable(args: argparse.Namespace) -> int:
    with opened_desk(args) as desk:
        info = desk.users.disable_user(sign_in(desk, args), args.username, reason=args.reason)
        print(f"disabled {_show(info)}")
    return 0


def _enable(args: argparse.Namespace) -> int:
    with opened_desk(args) as desk:
        info = desk.users.enable_user(sign_in(desk, args), args.username)
        print(f"enabled {_show(info)}")
    return 0


def _reset(args: argparse.Namespace) -> int:
    with opened_desk(args) as desk:
        operator = sign_in(desk, args)
        wants_password = args.password or not args.pin
        password = (
            read_secret(f"New password for {args.username}", confirm=True)
            if wants_password
            else None
        )
        pin = read_secret(f"New PIN for {args.username}", confirm=True) if args.pin else None
        info = desk.users.reset(operator, args.username, password=password, pin=pin)
        print(f"reset {_show(info)}")
    return 0


def _unlock(args: argparse.Namespace) -> int:
    with opened_desk(args) as desk:
        info = desk.users.unlock_user(sign_in(desk, args), args.username)
        print(f"unlocked {_show(info)}")
    return 0


def _training(args: argparse.Namespace) -> int:
    with opened_desk(args) as desk:
        info = desk.users.set_training(sign_in(desk, args), args.username, args.state == "on")
        print(f"training {args.state}: {_show(info)}")
    return 0


def _list(args: argparse.Namespace) -> int:
    with opened_desk(args) as desk:
        users = desk.users.list_users(sign_in(desk, args))
        if args.json:
            payload = [
                {
                    "username": u.username,
                    "full_name": u.full_name,
                    "role": u.role.value,
                    "active": u.active,
                    "locked": u.locked,
                    "training": u.training,
                    "has_pin": u.has_pin,
                }
                for u in users
            ]
            print(json.dumps(payload, ensure_ascii=False, indent=2))
        else:
            for u in users:
                print(_show(u))
    return 0
