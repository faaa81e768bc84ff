"""``cashdesk devices list|test``: the workstation's devices, and a test of each.

``list`` prints one line per device (exit status 1 when any is not ready). ``test`` prints a
test receipt (``--print``), shows text on the customer display (``--display``), waits for a
check in the reader (``--check SECONDS``) and opens the cash drawer (``--kick``, which needs
``--user`` and that user's password: opening a drawer is audited).
"""

from __future__ import annotations

import argparse
from typing import Any

from cashdesk.commands.common import opened_desk
from cashdesk.commands.credentials import sign_in_as


def register(sub: Any) -> None:
    devices = sub.add_parser("devices", help="the workstation's printer, drawer, reader, display")
    actions = devices.add_subparsers(dest="devices_action", required=True)
    listing = actions.add_parser("list", help="each configured device and its status")
    listing.set_defaults(handler=_list)
    test = actions.add_parser("test", help="print a test receipt, kick the drawer, read a check")
    test.add_argument("--print", dest="print_", action="store_true", help="print a test receipt")
    test.add_argument("--display", action="store_true", help="show a test on the display")
    test.add_argument(
        "--check", type=float, metavar="SECONDS", help="wait this long for a check in the reader"
    )
    test.add_argument("--kick", action="store_true", help="open the cash drawer (audited)")
    test.add_argument("--user", help="who opens the drawer (asked for their password)")
    test.set_defaults(handler=_test)


def _list(args: argparse.Namespace) -> int:
    # The devices come from the config alone: listing them needs (and creates) no store.
    from cashdesk.config import load_config
    from cashdesk.devices.factory import build_devices
    from cashdesk.services.devices import statuses_of

    devices = build_devices(load_config(args.config).devices)
    try:
        infos = statuses_of(devices)
    finally:
        devices.close()
    for info in infos:
        mark = "ok " if info.ok else "!! "
        print(f"{mark}{info.role:<13} {info.name}: {info.message}")
    return 0 if all(info.ok for info in infos) else 1


def _test(args: argparse.Namespace) -> int:
    from cashdesk.domain.money import Money
    from cashdesk.errors import CashdeskError, ValidationError

    if not (args.print_ or args.display or args.kick or args.check is not None):
        raise ValidationError("Say what to test: --print, --display, --check SECONDS or --kick.")
    if args.kick and not args.user:
        raise ValidationError("--kick needs --user: opening the drawer is audited.")
    failures = 0
    with opened_desk(args) as desk:
        if args.print_:
            try:
                desk.devices.print_test_receipt()
                print("printer: test receipt printed")
            except CashdeskError as err:
                failures += 1
                print(f"printer: {err}")
        if args.display:
            desk.devices.show_change(Money(cents=10000), Money(cents=1234))
            print("display: showing PAID $100.00 / CHANGE $12.34")
        if args.check is not None:
            print(f"check reader: insert a check (waiting {args.check:g} s)")
            try:
                check = desk.devices.read_check(timeout=args.check)
            except CashdeskError as err:
                failures += 1
                print(f"check reader: {err}")
            else:
                if check is None:
                    failures += 1
                    print("check reader: no check was read")
                else:
                    amount = f", amount {check.amount}" if check.amount else ""
                    print(
                        f"check reader: routing {check.routing}, account "
                        f"{check.masked_account}, check number {check.number or '(none)'}"
                        f"{amount}"
                    )
        if args.kick:
            operator = sign_in_as(desk, args.user)
            result = desk.devices.test_kick(operator)
            if result.opened:
                print("drawer: kicked")
            else:
                failures += 1
                print(f"drawer: {result.problem}")
    return 0 if failures == 0 else 1
