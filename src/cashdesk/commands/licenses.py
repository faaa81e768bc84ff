"""License fee quotes (``cashdesk quote business-license | animal-license | tot``) and the
``cashdesk licenses`` group (the license register, the animal tag stock).

The quotes need no store: they apply the fee rules to what the caller says, on the business
date (today in the workstation's time zone, or ``CASHDESK_TODAY`` = YYYY-MM-DD, which tests
and a clerk answering for another day may set). ``licenses`` sub-commands open the store and
sign in (``--user``; the password from ``CASHDESK_PASSWORD`` or a prompt), because the
services check the signed-in person's role.

The register lives under ``cashdesk licenses register`` rather than ``cashdesk report``: the
``report`` group belongs to the reports area; it can call the same service method.
"""

from __future__ import annotations

import argparse
import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cashdesk.commands.credentials import sign_in_as

if TYPE_CHECKING:
    pass


TODAY_ENV = "CASHDESK_TODAY"


class _Refused(Exception):
    """A request the quote refuses: printed on stderr, exit status 2."""


def business_date(args: argparse.Namespace) -> date:
    """Today's business date: ``CASHDESK_TODAY`` if set, else today in the city's time zone."""
    import datetime as dt

    override = os.environ.get(TODAY_ENV, "").strip()
    if override:
        try:
            return date.fromisoformat(override)
        except ValueError:
            raise _Refused(
                f"{TODAY_ENV} must be a date like 2026-11-26, not {override!r}."
            ) from None
    from cashdesk.config import load_config

    return dt.datetime.now(load_config(args.config).tz).date()


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-26") from None


def _period(text: str) -> tuple[int, int]:
    parts = text.strip().split("-")
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
        raise argparse.ArgumentTypeError(f"{text!r} is not a period like 2026-10")
    return int(parts[0]), int(parts[1])


def _amount(text: str, field: str) -> Any:
    from cashdesk.domain.money import parse_decimal_text

    return parse_decimal_text(text, field=field)


# -- quotes ---------------------------------------------------------------------------------------
def register_quotes(kinds: Any) -> None:
    from cashdesk.commands.quote import add_json_flag

    bl = kinds.add_parser("business-license", help="business license tax (RULES.md section 1)")
    bl.add_argument("--class", dest="license_class", required=True, metavar="GR|HB|CT|VM|NP")
    bl.add_argument("--gross-receipts", metavar="X", help="prior year's (or estimated) receipts")
    bl.add_argument("--machines", type=int, metavar="N", help="vending machines (VM)")
    bl.add_argument("--license-year", type=int, required=True, metavar="YYYY")
    bl.add_argument("--new", action="store_true", help="a new business (BLT-NEW)")
    bl.add_argument("--start-date", type=_date, metavar="DATE", help="a new business's start")
    bl.add_argument("--paid-on", type=_date, metavar="DATE", help="default: the business date")
    add_json_flag(bl)
    bl.set_defaults(handler=_quote_business_license)

    al = kinds.add_parser("animal-license", help="dog or cat license (RULES.md section 2)")
    al.add_argument("--species", required=True, choices=["dog", "cat"])
    altered = al.add_mutually_exclusive_group(required=True)
    altered.add_argument("--altered", dest="altered", action="store_true")
    altered.add_argument("--unaltered", dest="altered", action="store_false")
    al.add_argument("--years", type=int, required=True, metavar="N", help="term: 1, 2 or 3")
    al.add_argument("--issue-date", type=_date, metavar="DATE", help="default: business date")
    al.add_argument("--due-date", type=_date, required=True, metavar="DATE")
    al.add_argument("--rabies-expires", type=_date, metavar="DATE")
    al.add_argument("--owner-birth-date", type=_date, metavar="DATE")
    al.add_argument("--service-animal", action="store_true")
    add_json_flag(al)
    al.set_defaults(handler=_quote_animal_license)

    tot = kinds.add_parser("tot", help="transient occupancy tax return (RULES.md section 5)")
    tot.add_argument("--period", type=_period, required=True, metavar="YYYY-MM")
    tot.add_argument("--gross-rents", required=True, metavar="X")
    tot.add_argument("--exempt-rents", default="0", metavar="Y")
    tot.add_argument("--paid-on", type=_date, metavar="DATE", help="default: the business date")
    add_json_flag(tot)
    tot.set_defaults(handler=_quote_tot)


def _quoting(build: Any) -> Any:
    """Run a quote handler: a refused request goes to stderr with exit status 2."""

    def handler(args: argparse.Namespace) -> int:
        from cashdesk.commands.quote import print_quote, refuse
        from cashdesk.errors import CashdeskError

        try:
            payload = build(args)
        except (_Refused, CashdeskError) as err:
            return refuse(str(err))
        return print_quote(payload, as_json=args.json)

    return handler


def _business_license(args: argparse.Namespace) -> dict[str, Any]:
    from cashdesk.commands.quote import quote_payload
    from cashdesk.domain.business_license import quote_business_license

    quote = quote_business_license(
        license_class=args.license_class,
        license_year=args.license_year,
        paid_on=args.paid_on or business_date(args),
        gross_receipts=None
        if args.gross_receipts is None
        else _amount(args.gross_receipts, "Gross receipts"),
        machines=args.machines,
        new_business=args.new,
        start_date=args.start_date,
    )
    return quote_payload(quote.lines)


def _animal_license(args: argparse.Namespace) -> dict[str, Any]:
    from cashdesk.commands.quote import quote_payload
    from cashdesk.domain.animal_license import quote_animal_license

    quote = quote_animal_license(
        species=args.species,
        altered=args.altered,
        issued_on=args.issue_date or business_date(args),
        due_on=args.due_date,
        term_years=args.years,
        rabies_expires=args.rabies_expires,
        owner_born_on=args.owner_birth_date,
        service_animal=args.service_animal,
    )
    assert quote.expires is not None
    return quote_payload(quote.lines, expires=quote.expires.isoformat())


def _tot(args: argparse.Namespace) -> dict[str, Any]:
    from cashdesk.commands.quote import quote_payload
    from cashdesk.domain.tot import quote_tot

    year, month = args.period
    quote = quote_tot(
        year=year,
        month=month,
        gross_rents=_amount(args.gross_rents, "Gross rents"),
        exempt_rents=_amount(args.exempt_rents, "Exempt rents"),
        paid_on=args.paid_on or business_date(args),
    )
    return quote_payload(quote.lines)


_quote_business_license = _quoting(_business_license)
_quote_animal_license = _quoting(_animal_license)
_quote_tot = _quoting(_tot)


# -- cashdesk licenses ...  -----------------------------------------------------------------------
def register(sub: Any) -> None:
    group = sub.add_parser("licenses", help="license register and animal tag stock")
    actions = group.add_subparsers(dest="licenses_action", required=True)

    reg = actions.add_parser("register", help="licenses issued in a date range (PDF or CSV)")
    reg.add_argument("--from", dest="start", type=_date, required=True, metavar="DATE")
    reg.add_argument("--to", dest="end", type=_date, required=True, metavar="DATE")
    reg.add_argument("--out", type=Path, required=True, metavar="FILE.pdf|FILE.csv")
    reg.add_argument(
        "--force",
        action="store_true",
        help="replace the file if it exists (never the store, its backups or the config)",
    )
    reg.add_argument("--kind", choices=["business", "animal"], help="default: both")
    reg.add_argument("--user", required=True, help="who runs it (lead, admin or auditor)")
    reg.set_defaults(handler=_register)

    load = actions.add_parser("load-tags", help="add a range of animal tags to the stock")
    load.add_argument("--prefix", default="T", help='letters before the number (default "T")')
    load.add_argument("--first", type=int, required=True)
    load.add_argument("--last", type=int, required=True)
    load.add_argument("--user", required=True, help="a lead cashier or the administrator")
    load.set_defaults(handler=_load_tags)

    tags = actions.add_parser("tags", help="the animal tag stock and what is left of it")
    tags.set_defaults(handler=_tags)


def _register(args: argparse.Namespace) -> int:
    from cashdesk.commands.common import opened_desk

    with opened_desk(args, shared=True) as desk:
        operator = sign_in_as(desk, args.user)
        count = desk.licenses.write_license_register(
            operator,
            start=args.start,
            end=args.end,
            out=args.out,
            kind=args.kind,
            force=args.force,
        )
    print(f"{count} licenses written to {args.out}")
    return 0


def _load_tags(args: argparse.Namespace) -> int:
    from cashdesk.commands.common import opened_desk

    with opened_desk(args) as desk:
        operator = sign_in_as(desk, args.user)
        loaded = desk.licenses.load_tag_stock(
            operator, prefix=args.prefix, first_no=args.first, last_no=args.last
        )
    print(f"Loaded tags {loaded.label()} ({loaded.remaining} tags)")
    return 0


def _tags(args: argparse.Namespace) -> int:
    from cashdesk.commands.common import opened_desk

    with opened_desk(args, shared=True) as desk:
        ranges = desk.licenses.tag_stock()
    if not ranges:
        print("No tags loaded: animal licenses cannot be issued.")
    for r in ranges:
        print(f"{r.label():<24} {r.remaining:>7} left")
    return 0
