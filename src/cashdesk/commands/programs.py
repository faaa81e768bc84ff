"""The petty cash fund and the housing assistance program from the command line.

- ``cashdesk pettycash voucher --user LEAD --payee P --purpose T --account A --amount X
  --receipt-attached [--approver LEAD2] [--slip FILE.pdf]`` (over $25.00 the approver's PIN is
  asked for after the password)
- ``cashdesk pettycash count --user LEAD --pieces B20=10 --pieces B1=7 [--note TEXT]``
- ``cashdesk pettycash replenish --user LEAD [--pdf FILE] [--csv FILE]``, or with
  ``--receive PCR-000001 --check-number N --amount X`` when the city's check is cashed in
- ``cashdesk pettycash list --user LEAD [--open] [--json]``
- ``cashdesk housing eligibility --household N --income AMOUNT:FREQUENCY … [--json]``: the
  worksheet for a phone inquiry; no sign-in, nothing saved (exit 2 with the reason on bad input)
- ``cashdesk housing list|show|worksheet|letter|reregistration|export --user …``
- ``cashdesk housing documents HA-… --residence --income-proof N`` and
  ``cashdesk housing decide HA-… --approve|--deny [--reason TEXT] --user …``
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path
from typing import Any

from cashdesk.commands.common import opened_desk
from cashdesk.commands.credentials import read_secret, sign_in_as
from cashdesk.commands.quote import refuse


def _pieces(text: str) -> tuple[str, int]:
    code, sep, count = text.partition("=")
    if not sep or not count.strip().isdigit():
        raise argparse.ArgumentTypeError(f"{text!r}: give DENOMINATION=PIECES, like B20=10")
    return code.strip().upper(), int(count)


FORCE_HELP = "replace a file that exists (never the store, its backups or the config)"


def register(sub: Any) -> None:
    pc = sub.add_parser("pettycash", help="the Finance Department's petty cash fund (a lead)")
    what = pc.add_subparsers(dest="pettycash_what", required=True)

    voucher = what.add_parser("voucher", help="pay a disbursement against a voucher")
    voucher.add_argument("--user", required=True, help="the custodian (a lead)")
    voucher.add_argument("--payee", required=True)
    voucher.add_argument("--purpose", required=True)
    voucher.add_argument("--account", required=True, help="expense account, e.g. 101-150-52200")
    voucher.add_argument("--amount", required=True)
    voucher.add_argument(
        "--receipt-attached", action="store_true", help="the original receipt is attached"
    )
    voucher.add_argument("--approver", help="another lead, for a voucher over $25.00")
    voucher.add_argument("--reason", default="", help="why (for the approval)")
    voucher.add_argument("--slip", type=Path, help="write the voucher slip PDF here")
    voucher.add_argument("--force", action="store_true", help=FORCE_HELP)
    voucher.set_defaults(handler=_voucher)

    count = what.add_parser("count", help="count the fund by denomination")
    count.add_argument("--user", required=True)
    count.add_argument("--pieces", type=_pieces, action="append", default=[], metavar="D=N")
    count.add_argument("--note", default="", help="what is known about a difference")
    count.set_defaults(handler=_count)

    rep = what.add_parser("replenish", help="request replenishment, or receive its check")
    rep.add_argument("--user", required=True)
    rep.add_argument("--pdf", type=Path, help="write the request PDF here")
    rep.add_argument("--csv", type=Path, help="write the accounts-payable CSV here")
    rep.add_argument("--receive", metavar="PCR-NUMBER", help="the request the check pays")
    rep.add_argument("--check-number")
    rep.add_argument("--amount", help="the check's amount")
    rep.add_argument("--force", action="store_true", help=FORCE_HELP)
    rep.set_defaults(handler=_replenish)

    listing = what.add_parser("list", help="the fund's vouchers and cash")
    listing.add_argument("--user", required=True)
    listing.add_argument("--open", action="store_true", help="only vouchers not yet closed")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_list)

    housing = sub.add_parser("housing", help="the housing assistance program")
    hw = housing.add_subparsers(dest="housing_what", required=True)
    elig = hw.add_parser("eligibility", help="income worksheet for an inquiry (nothing saved)")
    elig.add_argument("--household", required=True, help="people in the household")
    elig.add_argument(
        "--income",
        action="append",
        default=[],
        metavar="AMOUNT:FREQUENCY",
        help="an adult's income source (weekly, biweekly, semimonthly, monthly, yearly); "
        "repeat per source",
    )
    elig.add_argument("--date", help="the worksheet's date, YYYY-MM-DD (today)")
    elig.add_argument("--json", action="store_true")
    elig.set_defaults(handler=_eligibility)

    for name, helptext, handler in (
        ("list", "applications (audited)", _housing_list),
        ("show", "one application (audited)", _housing_show),
        ("worksheet", "the income worksheet PDF (audited)", _housing_worksheet),
        ("letter", "the decision letter PDF (audited)", _housing_letter),
        ("reregistration", "who is due to re-register, who lapsed", _housing_rereg),
        ("export", "every application to CSV (an administrator)", _housing_export),
    ):
        p = hw.add_parser(name, help=helptext)
        p.add_argument("--user", required=True)
        if name in ("show", "worksheet", "letter"):
            p.add_argument("number", help="HA-000001")
        if name in ("worksheet", "letter", "export"):
            p.add_argument("--out", type=Path, required=True)
            p.add_argument("--force", action="store_true", help=FORCE_HELP)
        if name in ("list", "show", "reregistration"):
            p.add_argument("--json", action="store_true")
        p.set_defaults(handler=handler)

    decide = hw.add_parser("decide", help="approve or deny an application under review")
    decide.add_argument("--user", required=True)
    decide.add_argument("number", help="HA-000001")
    choice = decide.add_mutually_exclusive_group(required=True)
    choice.add_argument("--approve", action="store_true")
    choice.add_argument("--deny", action="store_true")
    decide.add_argument("--reason", default="", help="the letter's reason (a denial needs one)")
    decide.set_defaults(handler=_housing_decide)

    docs = hw.add_parser("documents", help="record documents received for an application")
    docs.add_argument("--user", required=True)
    docs.add_argument("number", help="HA-000001")
    docs.add_argument("--residence", action="store_true", help="proof of residence received")
    docs.add_argument(
        "--income-proof",
        type=int,
        action="append",
        default=[],
        metavar="N",
        help="proof received for income source N (from 1); repeat",
    )
    docs.set_defaults(handler=_housing_documents)


# -- petty cash -----------------------------------------------------------------------------
def _voucher(args: argparse.Namespace) -> int:
    from cashdesk.domain.money import Money
    from cashdesk.domain.petty_cash import VoucherDraft
    from cashdesk.outputs import check_output
    from cashdesk.services.approvals import OverrideAction

    if args.slip is not None:
        check_output(args.slip, force=args.force)  # refused before the voucher is paid
    draft = VoucherDraft(
        payee=args.payee,
        purpose=args.purpose,
        expense_account=args.account.strip(),
        amount=Money.parse(args.amount),
        receipt_attached=args.receipt_attached,
    )
    with opened_desk(args) as desk:
        operator = sign_in_as(desk, args.user)
        checked = desk.petty_cash.check(operator, draft)
        approval = None
        if checked.needs_approval:
            if not args.approver:
                return refuse(
                    f"a voucher over $25.00 ({checked.draft.amount}) needs another lead's "
                    "approval: give --approver"
                )
            pin = read_secret(f"PIN for {args.approver}")
            approval = desk.approvals.approve(
                operator,
                args.approver,
                pin,
                OverrideAction.PETTY_CASH_VOUCHER,
                args.reason or checked.draft.purpose,
                subject=checked.draft.amount.plain(),
            )
        voucher = desk.petty_cash.record_voucher(operator, draft, approval=approval)
        city = desk.ctx.config.city_name
    print(f"{voucher.number} {voucher.amount} to {voucher.payee} ({voucher.expense_account})")
    if args.slip:
        from cashdesk.reports.petty_cash import voucher_slip_pdf

        voucher_slip_pdf(voucher, args.slip, city=city, force=args.force)
        print(f"slip written to {args.slip}")
    return 0


def _count(args: argparse.Namespace) -> int:
    pieces: dict[str, int] = {}
    for code, n in args.pieces:
        pieces[code] = pieces.get(code, 0) + n
    with opened_desk(args) as desk:
        operator = sign_in_as(desk, args.user)
        result = desk.petty_cash.count_fund(operator, pieces, note=args.note)
    c = result.count
    print(f"cash {c.cash} + open vouchers {c.open_vouchers} = {c.accounted_for}")
    if c.balanced:
        print("the fund balances")
    else:
        print(f"difference {c.difference}: reported to the finance administrator")
    return 0


def _replenish(args: argparse.Namespace) -> int:
    from cashdesk.domain.money import Money
    from cashdesk.outputs import check_output, write_output
    from cashdesk.reports.petty_cash import replenishment_ap_csv, replenishment_pdf

    for out in () if args.receive else (args.pdf, args.csv):
        if out is not None:
            check_output(out, force=args.force)  # refused before the request is made
    with opened_desk(args) as desk:
        operator = sign_in_as(desk, args.user)
        city = desk.ctx.config.city_name
        if args.receive:
            if not args.check_number or not args.amount:
                return refuse("--receive needs --check-number and --amount")
            req = desk.petty_cash.receive_replenishment(
                operator,
                args.receive,
                check_amount=Money.parse(args.amount),
                check_number=args.check_number,
            )
            print(f"{req.number} received: {len(req.request.vouchers)} vouchers closed")
            return 0
        req = desk.petty_cash.request_replenishment(operator)
    print(f"{req.number} requests {req.request.total} for {len(req.request.vouchers)} vouchers")
    for line in req.request.journal:
        side = f"Dr {line.debit}" if line.debit else f"Cr {line.credit}"
        print(f"  {line.account} {side}")
    if args.pdf:
        replenishment_pdf(req, args.pdf, city=city, force=args.force)
        print(f"request written to {args.pdf}")
    if args.csv:
        write_output(args.csv, replenishment_ap_csv(req), force=args.force)
        print(f"accounts-payable CSV written to {args.csv}")
    return 0


def _list(args: argparse.Namespace) -> int:
    with opened_desk(args) as desk:
        operator = sign_in_as(desk, args.user)
        vouchers = desk.petty_cash.vouchers(operator, open_only=args.open)
        status = desk.petty_cash.status(operator)
    if args.json:
        payload = {
            "cash": status.cash.plain(),
            "open_vouchers": status.open_total.plain(),
            "replenish": list(status.replenish_reasons),
            "vouchers": [
                {
                    "number": v.number,
                    "paid_on": v.paid_on.isoformat(),
                    "payee": v.payee,
                    "purpose": v.purpose,
                    "expense_account": v.expense_account,
                    "amount": v.amount.plain(),
                    "approver": v.approver,
                    "replenishment": v.replenishment,
                    "closed": v.closed,
                }
                for v in vouchers
            ],
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return 0
    for v in vouchers:
        state = "closed" if v.closed else (v.replenishment or "open")
        print(
            f"{v.number} {v.paid_on} {v.payee[:24]:<24} {v.expense_account} {v.amount!s:>9} {state}"
        )
    print(f"cash in fund {status.cash}; open vouchers {status.open_total}")
    for reason in status.replenish_reasons:
        print(f"request replenishment: {reason}")
    return 0


# -- housing --------------------------------------------------------------------------------
def _eligibility(args: argparse.Namespace) -> int:
    from cashdesk.commands.licenses import _Refused, business_date
    from cashdesk.domain.housing import inquiry_worksheet, parse_income
    from cashdesk.errors import CashdeskError

    try:
        household = int(args.household)
    except ValueError:
        return refuse(f"--household must be a whole number of people, not {args.household!r}")
    try:
        if args.date:
            try:
                on = dt.date.fromisoformat(args.date)
            except ValueError:
                return refuse(f"--date {args.date!r} is not a date like 2026-11-26")
        else:
            on = business_date(args)  # CASHDESK_TODAY, or today in the city
        sources = [parse_income(text) for text in args.income]
        sheet = inquiry_worksheet(household, sources, on=on)
    except (CashdeskError, _Refused) as err:
        return refuse(str(err))
    if args.json:
        print(json.dumps(sheet.as_json(), ensure_ascii=False, indent=2))
        return 0
    for i, line in enumerate(sheet.lines, start=1):
        print(
            f"source {i}: {line.amount} {line.frequency.label} × {line.frequency.per_year} = "
            f"{line.annual}"
        )
    print(f"annual income {sheet.annual_income}")
    print(f"limit for a household of {sheet.household_size}: {sheet.limit}")
    print("ELIGIBLE" if sheet.eligible else "NOT ELIGIBLE (over the limit)")
    return 0


def _summary_json(a: Any) -> dict[str, Any]:
    return {
        "number": a.number,
        "applicant": a.applicant,
        "household_size": a.household_size,
        "status": a.status.value,
        "received_on": a.received_on.isoformat(),
        "anniversary": a.anniversary.isoformat() if a.anniversary else None,
    }


def _housing_list(args: argparse.Namespace) -> int:
    with opened_desk(args) as desk:
        apps = desk.housing.applications(sign_in_as(desk, args.user))
    if args.json:
        print(json.dumps([_summary_json(a) for a in apps], ensure_ascii=False, indent=2))
        return 0
    for a in apps:
        print(f"{a.number} {a.applicant[:30]:<30} {a.household_size:>2} {a.status.label}")
    return 0


def _housing_show(args: argparse.Namespace) -> int:
    with opened_desk(args) as desk:
        app = desk.housing.application(sign_in_as(desk, args.user), args.number)
    payload = {
        "number": app.number,
        "status": app.status.value,
        "applicant": app.applicant,
        "address": app.address,
        "ssn_last4": app.ssn_last4,
        "members": [
            {"name": m.name, "born_on": m.born_on.isoformat(), "relationship": m.relationship}
            for m in app.members
        ],
        "missing_documents": list(app.missing),
        "worksheet": app.worksheet.as_json(),
        "decision_reason": app.decision_reason,
        "anniversary": app.anniversary.isoformat() if app.anniversary else None,
        "destroy_after": app.destroy_after.isoformat() if app.destroy_after else None,
    }
    if args.json:
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return 0
    for key, value in payload.items():
        if key != "worksheet":
            print(f"{key}: {value}")
    sheet = app.worksheet
    print(f"annual income {sheet.annual_income}, limit {sheet.limit}, eligible {sheet.eligible}")
    return 0


def _housing_worksheet(args: argparse.Namespace) -> int:
    from cashdesk.reports.housing import worksheet_pdf

    with opened_desk(args) as desk:
        app = desk.housing.application(sign_in_as(desk, args.user), args.number)
        city = desk.ctx.config.city_name
        printed = desk.ctx.local_time(desk.ctx.now()).strftime("%Y-%m-%d %H:%M")
    worksheet_pdf(app, args.out, city=city, printed=printed, force=args.force)
    print(f"worksheet written to {args.out}")
    return 0


def _housing_letter(args: argparse.Namespace) -> int:
    from cashdesk.reports.housing import decision_letter_pdf

    with opened_desk(args) as desk:
        app = desk.housing.application(sign_in_as(desk, args.user), args.number)
        city, today = desk.ctx.config.city_name, desk.ctx.business_date()
    if app.decided_on is None:
        return refuse(f"{app.number} has not been decided ({app.status.label})")
    decision_letter_pdf(app, args.out, city=city, today=today, force=args.force)
    print(f"letter written to {args.out}")
    return 0


def _housing_rereg(args: argparse.Namespace) -> int:
    with opened_desk(args) as desk:
        listing = desk.housing.reregistration_list(sign_in_as(desk, args.user))
    if args.json:
        print(
            json.dumps(
                {
                    "today": listing.today.isoformat(),
                    "due": [_summary_json(a) for a in listing.due],
                    "lapsed": [_summary_json(a) for a in listing.lapsed],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    print(f"due to re-register ({len(listing.due)}):")
    for a in listing.due:
        print(f"  {a.number} {a.applicant} anniversary {a.anniversary}")
    print(f"lapsed ({len(listing.lapsed)}):")
    for a in listing.lapsed:
        print(f"  {a.number} {a.applicant} anniversary {a.anniversary}")
    return 0


def _housing_decide(args: argparse.Namespace) -> int:
    with opened_desk(args) as desk:
        app = desk.housing.decide(
            sign_in_as(desk, args.user), args.number, approve=args.approve, reason=args.reason
        )
    print(f"{app.number} {app.status.label}: {app.decision_reason}")
    return 0


def _housing_documents(args: argparse.Namespace) -> int:
    with opened_desk(args) as desk:
        app = desk.housing.record_documents(
            sign_in_as(desk, args.user),
            args.number,
            residence_proof=True if args.residence else None,
            income_proofs=args.income_proof,
        )
    missing = ", ".join(app.missing) or "none"
    print(f"{app.number} {app.status.label}; documents missing: {missing}")
    return 0


def _housing_export(args: argparse.Namespace) -> int:
    with opened_desk(args) as desk:
        rows = desk.housing.export(sign_in_as(desk, args.user), args.out, force=args.force)
    print(f"{rows} applications written to {args.out}")
    return 0
