"""Collecting against the city's records from the command line.

- ``cashdesk import payments FILE.csv --batch NAME --user USER [--control-total X]``
- ``cashdesk lookup TEXT [--kind utility|citation|business_license|animal_license] [--json]``
- ``cashdesk returned-check RECEIPT --user LEAD [--reason TEXT]``
- quote kinds ``utility`` and ``citation`` (see commands/quote.py)

Commands that act as a person take ``--user``; the password is read from the
``CASHDESK_PASSWORD`` environment variable or asked for without echo.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cashdesk.commands.common import opened_desk
from cashdesk.commands.credentials import add_user_flag, sign_in, sign_in_as
from cashdesk.commands.quote import add_json_flag, print_quote, quote_payload, refuse

if TYPE_CHECKING:
    pass

KINDS = ("utility", "citation", "business_license", "animal_license")


def register(sub: Any) -> None:
    imp = sub.add_parser("import", help="import payments received by mail or lockbox")
    what = imp.add_subparsers(dest="import_what", required=True)
    payments = what.add_parser("payments", help="post a CSV file of payments as one batch")
    payments.add_argument("file", type=Path)
    payments.add_argument("--batch", required=True, help="the batch name (its drawer B-NAME)")
    payments.add_argument("--user", required=True, help="the importing user")
    payments.add_argument("--control-total", help="the file's total from the bank or mail log")
    payments.set_defaults(handler=_import_payments)

    lookup = sub.add_parser("lookup", help="find accounts, citations and licenses")
    lookup.add_argument("text", help="a name, number, plate, address or scanned bill stub")
    lookup.add_argument("--kind", choices=KINDS, action="append")
    lookup.add_argument("--limit", type=int, default=20)
    add_user_flag(lookup)
    add_json_flag(lookup)
    lookup.set_defaults(handler=_lookup)

    nsf = sub.add_parser("returned-check", help="process a check the bank returned (lead)")
    nsf.add_argument("receipt", help="the receipt the check paid")
    nsf.add_argument("--user", required=True)
    nsf.add_argument("--reason", default="NSF")
    nsf.set_defaults(handler=_returned_check)


def register_quotes(kinds: Any) -> None:
    utility = kinds.add_parser("utility", help="a payment on a utility account")
    utility.add_argument("account")
    utility.add_argument("--amount", required=True)
    utility.add_argument("--paid-on", type=dt.date.fromisoformat, help="YYYY-MM-DD")
    utility.add_argument("--restore", action="store_true", help="restore a disconnected account")
    add_json_flag(utility)
    utility.set_defaults(handler=_quote_utility)

    citation = kinds.add_parser("citation", help="paying a parking citation")
    citation.add_argument("number")
    citation.add_argument("--paid-on", type=dt.date.fromisoformat, help="YYYY-MM-DD")
    add_json_flag(citation)
    citation.set_defaults(handler=_quote_citation)


def _quote_utility(args: argparse.Namespace) -> int:
    from cashdesk.domain.money import Money
    from cashdesk.errors import CashdeskError

    with opened_desk(args, shared=True) as desk:
        try:
            application = desk.records.utility_payment(
                args.account,
                amount=Money.parse(args.amount),
                paid_on=args.paid_on,
                restore=args.restore,
            )
        except CashdeskError as err:
            return refuse(str(err))
    extra: dict[str, Any] = {}
    if not args.json and application.restore_note:
        extra["note"] = application.restore_note
    return print_quote(quote_payload(application.lines, **extra), as_json=args.json)


def _quote_citation(args: argparse.Namespace) -> int:
    from cashdesk.errors import CashdeskError

    with opened_desk(args, shared=True) as desk:
        try:
            lines = desk.records.citation_lines(args.number, paid_on=args.paid_on)
        except CashdeskError as err:
            return refuse(str(err))
    return print_quote(quote_payload(lines), as_json=args.json)


def _import_payments(args: argparse.Namespace) -> int:
    from cashdesk.domain.money import Money

    control = Money.parse(args.control_total, field="Control total") if args.control_total else None
    with opened_desk(args) as desk:
        operator = sign_in_as(desk, args.user)

        def progress(done: int, rows: int) -> None:
            if sys.stderr.isatty():
                print(f"\r{done}/{rows} rows", end="", file=sys.stderr, flush=True)

        result = desk.batches.import_payments(
            operator, args.file, batch=args.batch, control_total=control, progress=progress
        )
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(
        f"batch {result.name} (drawer {result.drawer}): {result.rows} rows, control total "
        f"{result.control_total}"
    )
    print(f"posted {result.posted} receipts, {result.posted_amount}")
    print(
        f"already posted by an earlier import: {result.already_posted}, "
        f"{result.already_posted_amount}"
    )
    print(
        f"exceptions {len(result.exceptions)}, {result.exceptions_amount}: {result.exceptions_path}"
    )
    print("totals balance" if result.balanced else "TOTALS DO NOT BALANCE")
    return 0 if result.balanced else 1


def _lookup(args: argparse.Namespace) -> int:
    from cashdesk.store.records_search import RecordKind

    kinds = [RecordKind[k.upper()] for k in args.kind] if args.kind else None
    with opened_desk(args, shared=True) as desk:
        operator = sign_in(desk, args)
        results = desk.lookup.search(operator, args.text, kinds=kinds, limit=args.limit)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "kind": r.kind,
                        "key": r.key,
                        "title": r.title,
                        "subtitle": r.subtitle,
                        "status": r.status,
                        "amount_due": r.amount_due.plain() if r.amount_due is not None else None,
                    }
                    for r in results
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    for r in results:
        due = str(r.amount_due) if r.amount_due is not None else ""
        print(f"{r.kind:<16} {r.key:<12} {r.title[:36]:<36} {r.status[:22]:<22} {due:>12}")
        print(f"{'':<30}{r.subtitle}")
    return 0


def _returned_check(args: argparse.Namespace) -> int:
    with opened_desk(args) as desk:
        operator = sign_in_as(desk, args.user)
        result = desk.records.process_returned_check(operator, args.receipt, reason=args.reason)
    print(
        f"{result.number}: check of {result.check_amount} on receipt {result.receipt_number} "
        f"returned; fee {result.fee} owed by {result.payer or 'the payer'}"
    )
    for line in result.reopened:
        print(f"  {line}")
    return 0
