"""``cashdesk export journal`` and ``cashdesk report daily|x|z|deposit|handoff``.

Both sign in first (``--user``; the password from $CASHDESK_PASSWORD or a prompt), since the
figures are for supervisors and auditors (the run-reports permission), and the sign-in is
audited like any other.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cashdesk.commands.common import opened_desk
from cashdesk.commands.credentials import sign_in_as
from cashdesk.outputs import atomic_output, write_output

if TYPE_CHECKING:
    pass


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-26") from None


def _common(parser: Any) -> None:
    parser.add_argument("--date", type=_date, required=True, help="business date, YYYY-MM-DD")
    parser.add_argument("--out", type=Path, required=True, help="the file to write")
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace the file if it exists (never the store, its backups or the config)",
    )
    parser.add_argument("--user", required=True, help="who runs it (a lead, admin or auditor)")


def register(sub: Any) -> None:
    export = sub.add_parser("export", help="export the day's journal for the ERP")
    kinds = export.add_subparsers(dest="export_kind", required=True)
    journal = kinds.add_parser("journal", help="the day's GL journal (provisional until closed)")
    _common(journal)
    journal.add_argument("--format", choices=("csv", "beancount"), default="csv")
    journal.set_defaults(handler=_export_journal)

    report = sub.add_parser("report", help="render a cash report as a PDF")
    report.add_argument("report_kind", choices=("daily", "x", "z", "deposit", "handoff"))
    _common(report)
    report.set_defaults(handler=_report)


def _export_journal(args: argparse.Namespace) -> int:
    from cashdesk.reports.journal import journal_beancount, journal_csv

    with opened_desk(args, shared=True) as desk:
        operator = sign_in_as(desk, args.user)
        export = desk.day_reports.journal(operator, args.date)
    text = journal_csv(export) if args.format == "csv" else journal_beancount(export)
    write_output(args.out, text, force=args.force)
    state = "PROVISIONAL (the day is not closed)" if export.provisional else "closed"
    print(
        f"{len(export.entries)} journal entries, {len(export.lines)} lines for {args.date} "
        f"({state}) written to {args.out}"
    )
    stored = {t.kind: t for t in export.store_totals}
    agree = True
    for t in export.totals:
        line = f"  {t.kind:<12} {t.entries:5d} entries  debits {t.debits}"
        if t.kind in stored or t.kind not in ("over_short", "change_fund"):
            s = stored.get(t.kind)
            same = s is not None and (s.entries, s.debits) == (t.entries, t.debits)
            agree = agree and same
            line += "  (store: same)" if same else f"  (store: {s.entries if s else 0} entries)"
        else:
            line += "  (the close's own postings)"
        print(line)
    missing = set(stored) - {t.kind for t in export.totals}
    if missing or not agree:
        print(f"The export differs from the store's entries ({', '.join(sorted(missing))}).")
        return 1
    return 0


def _report(args: argparse.Namespace) -> int:
    with opened_desk(args, shared=True) as desk:
        operator = sign_in_as(desk, args.user)
        files = desk.day_reports.report(operator, args.report_kind, args.date, args.out)

        def safely(path: Path, render: Callable[[Path], Path]) -> Path:
            # Through the one output path: never over the store, --force for an existing file.
            with atomic_output(path, force=args.force) as tmp:
                render(tmp)
            return path

        paths = files.write(safely)
    for path in paths:
        print(f"written {path}")
    return 0
