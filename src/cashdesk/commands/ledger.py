"""``cashdesk central …`` (set up and report on the central ledger) and ``cashdesk sync`` (one
headless sync pass of this workstation)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import Any

from cashdesk.commands.common import opened_desk
from cashdesk.errors import ConfigError, SyncError

PASSWORD_ENV = "CASHDESK_CENTRAL_LOGIN_PASSWORD"


def register(sub: Any) -> None:
    central = sub.add_parser("central", help="set up or report on the central ledger")
    central_sub = central.add_subparsers(dest="central_command", required=True)
    init = central_sub.add_parser(
        "init", help="create or upgrade the central schema, load reference data, set up roles"
    )
    init.add_argument("--url", required=True, help="postgresql:// URL of the database owner")
    init.add_argument(
        "--login",
        help=f"also create a workstation login with this name (password from ${PASSWORD_ENV} "
        "or a prompt)",
    )
    init.add_argument(
        "--workstation",
        metavar="ID",
        help="with --login: the workstation (W01) the login writes for; it may write no other's",
    )
    init.set_defaults(handler=_central_init)
    report = central_sub.add_parser(
        "report", help="gaps in receipt numbers and accounts paid twice while offline"
    )
    report.add_argument("--url", required=True, help="postgresql:// URL")
    report.set_defaults(handler=_central_report)

    sync = sub.add_parser("sync", help="push this workstation's outbox to the central ledger once")
    sync.add_argument("--url", help="postgresql:// URL (default: [ledger] url of the config)")
    sync.add_argument("--no-pull", action="store_true", help="do not pull reference data")
    sync.add_argument("--status", action="store_true", help="only show the sync status")
    sync.set_defaults(handler=_sync)


def _central_init(args: argparse.Namespace) -> int:
    from cashdesk.ledger.central import init_central
    from cashdesk.resources import city_dir

    password = None
    if args.login and not args.workstation:
        raise ConfigError("Name the workstation the login writes for: --workstation W01.")
    if args.login:
        password = os.environ.get(PASSWORD_ENV)
        if password is None:
            if not sys.stdin.isatty():
                raise ConfigError(f"Set {PASSWORD_ENV} to give the login's password.")
            password = getpass.getpass(f"Password for {args.login}: ")
    for line in init_central(
        args.url, city_dir(), login=args.login, password=password, workstation=args.workstation
    ):
        print(line)
    return 0


def _central_report(args: argparse.Namespace) -> int:
    from cashdesk.domain.money import Money
    from cashdesk.ledger.central import double_payments, receipt_gaps
    from cashdesk.ledger.connection import connect

    with connect(args.url) as conn:
        gaps = receipt_gaps(conn)
        doubles = double_payments(conn)
    print(f"receipt number gaps: {len(gaps)}")
    for g in gaps:
        print(f"  {g.workstation}: {g.first_missing}..{g.last_missing} ({g.missing} missing)")
    print(f"paid at two counters while offline: {len(doubles)}")
    for d in doubles:
        print(
            f"  {d.code} {d.reference}: {d.first_receipt} ({d.first_workstation}, "
            f"{Money(cents=d.first_amount_cents)}) and {d.second_receipt} "
            f"({d.second_workstation}, {Money(cents=d.second_amount_cents)})"
        )
    return 0


def _sync(args: argparse.Namespace) -> int:
    with opened_desk(args) as desk:
        if args.url:
            desk.sync.url = args.url
        if args.status:
            print(desk.sync.status().text)
            return 0
        report = desk.sync.sync_once(pull=not args.no_pull)
        if report.error and not report.sent and not report.refused:
            # Nothing happened (the ledger unreachable, refused us): one sentence, status 2.
            raise SyncError(report.error)
        for line in report.lines():
            print(line)
        print(desk.sync.status().text)
        return 0 if report.ok else 1
