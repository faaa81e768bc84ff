"""``cashdesk audit verify|list|export``: the audit trail, for an auditor or administrator.

``verify`` exits 0 when the hash chain is intact and 1 (naming the first broken link) when
an entry was changed or deleted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path
from typing import Any

from cashdesk.commands.common import opened_desk
from cashdesk.commands.credentials import add_user_flag, sign_in


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def register(sub: Any) -> None:
    audit = sub.add_parser("audit", help="verify, list and export the audit trail")
    verbs = audit.add_subparsers(dest="audit_command", required=True)

    verify = verbs.add_parser("verify", help="check the audit trail's hash chain")
    add_user_flag(verify)
    verify.set_defaults(handler=_verify)

    listing = verbs.add_parser("list", help="show audit entries, newest first")
    listing.add_argument("--from", dest="start", type=_date, metavar="YYYY-MM-DD")
    listing.add_argument("--to", dest="end", type=_date, metavar="YYYY-MM-DD")
    listing.add_argument("--actor", metavar="USERNAME")
    listing.add_argument("--action")
    listing.add_argument("--subject")
    listing.add_argument("--limit", type=int, default=50)
    listing.add_argument("--json", action="store_true")
    add_user_flag(listing)
    listing.set_defaults(handler=_list)

    export = verbs.add_parser("export", help="export a period of the audit trail to CSV")
    export.add_argument("--from", dest="start", type=_date, required=True, metavar="YYYY-MM-DD")
    export.add_argument("--to", dest="end", type=_date, required=True, metavar="YYYY-MM-DD")
    export.add_argument("--out", type=Path, required=True, metavar="FILE.csv")
    export.add_argument(
        "--force",
        action="store_true",
        help="replace the file if it exists (never the store, its backups or the config)",
    )
    add_user_flag(export)
    export.set_defaults(handler=_export)


def _verify(args: argparse.Namespace) -> int:
    with opened_desk(args, shared=True) as desk:
        report = desk.audit.verify(sign_in(desk, args))
    if report.ok:
        print(f"audit trail intact: {report.entries} entries, last entry {report.last_id}")
        if report.anchored is None:
            print("(not compared with the central ledger: none configured or not reachable)")
        else:
            print(f"matches the {report.anchored} heads anchored in the central ledger")
        return 0
    print(f"audit trail BROKEN at entry {report.broken_at}: {report.problem}")
    print(f"(entries 1 to {report.last_id} verified before the break)")
    return 1


def _list(args: argparse.Namespace) -> int:
    with opened_desk(args, shared=True) as desk:
        records = desk.audit.browse(
            sign_in(desk, args),
            start=args.start,
            end=args.end,
            actor=args.actor,
            action=args.action,
            subject=args.subject,
            limit=args.limit,
        )
        tz = desk.ctx.config.tz
    if args.json:
        payload = [
            {
                "id": r.id,
                "at": r.at.isoformat(),
                "workstation": r.workstation_id,
                "actor": r.actor,
                "approver": r.approver,
                "action": r.action,
                "subject": r.subject,
                "details": r.details,
            }
            for r in records
        ]
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return 0
    for r in records:
        local = r.at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")
        who = r.actor or "-"
        if r.approver and r.approver != r.actor:
            who += f" (approved by {r.approver})"
        details = json.dumps(r.details, ensure_ascii=False, sort_keys=True)
        print(
            f"{r.id:>7} {local} {r.workstation_id} {who:<28} {r.action:<24} {r.subject} {details}"
        )
    return 0


def _export(args: argparse.Namespace) -> int:
    with opened_desk(args, shared=True) as desk:
        result = desk.audit.export_csv(
            sign_in(desk, args), args.out, start=args.start, end=args.end, force=args.force
        )
    print(f"{result.rows} entries written to {result.path} (sha256 {result.sha256})")
    return 0
