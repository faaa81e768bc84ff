"""The daily cash report, the X report (mid-day, changes nothing) and the Z report (the
close), rendered from a ``DayReport``.

The daily report is the full picture. The Z report is the close's own record, numbered per
workstation (Z 0001, Z 0002, ...): the totals the close fixed -- receipts and their numbers,
tenders, drawers counted, over/short, deposits, funds -- not the daily report again. The X
report shows figures so far and no over/short before a drawer is counted. Each ends with the
lines a supervisor signs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.platypus import Paragraph

from cashdesk.domain.drawer import describe
from cashdesk.domain.money import Money, total
from cashdesk.reports.data import DayReport, SessionFigures
from cashdesk.reports.pdf import build, esc, signature_block, spacer, styles, table

TITLES = {"daily": "Daily cash report", "X": "X report (mid-day)", "Z": "Z report (day close)"}


def _money(amount: Money | None) -> str:
    return "" if amount is None else str(amount)


def _status_line(report: DayReport) -> str:
    if report.closed:
        return f"Day closed {report.closed_at} by {report.closed_by}."
    if report.kind == "X":
        return "X report: figures so far. Nothing was counted, closed or changed by it."
    return "PROVISIONAL: the day is not closed; figures may still change."


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _counted(report: DayReport) -> int:
    return sum(1 for sf in report.sessions if sf.counted)


def _summary(report: DayReport) -> list[list[object]]:
    numbers = report.numbers
    rng = "none"
    if numbers:
        rng = f"{numbers.first} to {numbers.last} ({_count(numbers.count, 'number')})"
    gaps = "none" if numbers is None or numbers.gapless else ", ".join(numbers.gaps)
    rows: list[list[object]] = []
    if report.kind == "Z" and report.z_number is not None:
        rows.append(["Z number", f"{report.workstation} Z {report.z_number:04d}", ""])
    rows += [
        ["Receipts posted", str(report.receipts), str(report.receipts_total)],
        ["Receipts voided", str(report.voided), str(report.voided_total)],
        ["Receipt numbers", rng, ""],
        ["Gaps in the numbers", gaps, ""],
    ]
    counted = _counted(report)
    if counted:
        drawers = f"{counted} of {len(report.sessions)} drawers counted"
        rows += [
            ["Over / short", f"{describe(report.over_short)} ({drawers})", str(report.over_short)],
            ["Card batches (counted drawers)", "", str(report.card_batches)],
        ]
    else:
        # No drawer is counted yet: an "even $0.00" would be a figure nobody measured.
        rows.append(["Over / short", "no drawer counted yet", ""])
    rows.append(["Deposits", str(len(report.deposits)), str(report.deposits_total)])
    return rows


def _session_rows(sessions: tuple[SessionFigures, ...]) -> list[list[object]]:
    rows: list[list[object]] = []
    for sf in sessions:
        who = sf.cashier
        extra = [c for c in sf.cashiers if c != sf.cashier]
        if extra:
            who += f" (shared with {', '.join(extra)})"
        if sf.handed_from:
            who += f"; took over from {sf.handed_from}"
        if sf.handed_to:
            who += f"; handed to {sf.handed_to}"
        signed = sf.approved_by or (
            "auto, within threshold" if sf.state != "counted" and sf.counted else ""
        )
        if sf.approval_reason and sf.approved_by:
            signed += f": {sf.approval_reason}"
        rows.append(
            [
                sf.drawer,
                who,
                sf.opened_at,
                str(sf.opening_bank),
                f"{sf.pickups} ({sf.pickup_count})" if sf.pickup_count else "",
                sf.receipts,
                sf.state + (f", {sf.count_kind} count #{sf.attempt}" if sf.counted else ""),
                _money(sf.over_short),
                signed,
            ]
        )
    return rows


def _variance_rows(sessions: tuple[SessionFigures, ...]) -> list[list[object]]:
    rows: list[list[object]] = []
    for sf in sessions:
        if sf.variances is None:
            continue
        for v in sf.variances:
            if not v.expected and not v.counted:
                continue
            rows.append(
                [
                    f"{sf.drawer} {sf.cashier}",
                    v.kind.label,
                    str(v.expected),
                    str(v.counted) if sf.counted else "not counted",
                    describe(v.difference) if sf.counted else "",
                ]
            )
    return rows


def _voids(report: DayReport) -> list[Any]:
    st = styles()
    story: list[Any] = [Paragraph("Voids", st["h2"])]
    if report.voids:
        story.append(
            table(
                ["Receipt", "Cashier", "Payer", "Amount", "Voided by (approved)", "At", "Reason"],
                [
                    [v.number, v.cashier, v.payer, str(v.total), v.voided_by, v.voided_at, v.reason]
                    for v in report.voids
                ],
                widths=[0.95, 1.1, 1.1, 0.7, 1.2, 0.45, 1.8],
                numeric=[3],
            )
        )
    else:
        story.append(Paragraph("No receipt was voided.", st["body"]))
    return story


def render_day_report(report: DayReport, path: Path) -> Path:
    st = styles()
    title = TITLES[report.kind]
    if report.kind == "Z" and report.z_number is not None:
        title = f"Z report {report.z_number:04d} (day close)"
    z = report.kind == "Z"
    story: list[Any] = [
        Paragraph(esc(report.city), st["subtitle"]),
        Paragraph(esc(f"{title} · {report.business_date:%A %Y-%m-%d}"), st["title"]),
        Paragraph(
            esc(f"Workstation {report.workstation} · printed {report.generated_at}"), st["body"]
        ),
        Paragraph(esc(_status_line(report)), st["banner"]),
        spacer(),
        table(["Summary", "", "Amount"], _summary(report), widths=[2.4, 3.4, 1.5], numeric=[2]),
    ]

    story += [Paragraph("By tender", st["h2"])]
    tender_rows: list[list[object]] = [
        [t.kind.label, t.count, str(t.amount)] for t in report.by_tender
    ]
    tender_rows.append(["Total", "", str(total(t.amount for t in report.by_tender))])
    story.append(
        table(
            ["Tender", "Tenders", "Amount (cash net of change)"],
            tender_rows,
            widths=[2.4, 1.0, 2.0],
            numeric=[1, 2],
            total_row=True,
        )
    )

    if not z:
        story += [Paragraph("By cashier", st["h2"])]
        cashier_rows: list[list[object]] = []
        for c in report.by_cashier:
            amounts = {t.kind: t.amount for t in c.tenders}
            cashier_rows.append(
                [c.cashier, c.receipts, c.voided, *(str(a) for a in amounts.values()), str(c.total)]
            )
        story.append(
            table(
                [
                    "Cashier",
                    "Receipts",
                    "Voided",
                    "Cash",
                    "Checks",
                    "Money orders",
                    "Card",
                    "Total",
                ],
                cashier_rows,
                widths=[1.6, 0.65, 0.6, 0.9, 0.85, 0.95, 0.8, 0.95],
                numeric=[1, 2, 3, 4, 5, 6, 7],
            )
        )

    story += [Paragraph("Drawers", st["h2"])]
    story.append(
        table(
            [
                "Drawer",
                "Cashier",
                "Opened",
                "Bank",
                "Pickups",
                "Receipts",
                "State",
                "Over/short",
                "Signed off",
            ],
            _session_rows(report.sessions),
            widths=[0.56, 1.33, 0.56, 0.65, 0.8, 0.65, 0.85, 0.8, 1.1],
            numeric=[3, 4, 5, 7],
        )
    )
    variance_rows = _variance_rows(report.sessions)
    if variance_rows:
        story += [Paragraph("Expected and counted by tender", st["h2"])]
        story.append(
            table(
                ["Drawer", "Tender", "Expected", "Counted", "Difference"],
                variance_rows,
                widths=[2.2, 1.2, 1.2, 1.2, 1.5],
                numeric=[2, 3],
            )
        )

    if report.kind == "daily":
        story += [Paragraph("By revenue code", st["h2"])]
        code_rows: list[list[object]] = [
            [c.code, c.description, c.gl_account, c.fund, c.lines, str(c.amount)]
            for c in report.by_code
        ]
        code_rows.append(["Total", "", "", "", "", str(total(c.amount for c in report.by_code))])
        story.append(
            table(
                ["Code", "Description", "GL account", "Fund", "Lines", "Amount"],
                code_rows,
                widths=[0.8, 2.75, 1.1, 0.5, 0.55, 1.1],
                numeric=[4, 5],
                total_row=True,
            )
        )
    story += [Paragraph("By fund", st["h2"])]
    fund_rows: list[list[object]] = [[f.fund, str(f.amount)] for f in report.by_fund]
    fund_rows.append(["Total", str(total(f.amount for f in report.by_fund))])
    story.append(
        table(["Fund", "Amount"], fund_rows, widths=[1.5, 1.5], numeric=[1], total_row=True)
    )

    if not z:  # the Z report's summary holds the voids' count and total
        story += _voids(report)

    if report.deposits:
        story += [Paragraph("Deposits", st["h2"])]
        story.append(
            table(
                ["Bag", "Prepared by", "Currency", "Coin", "Checks", "Total"],
                [
                    [
                        d.bag_number,
                        d.prepared_by,
                        str(d.currency),
                        str(d.coin),
                        str(d.checks),
                        str(d.total),
                    ]
                    for d in report.deposits
                ],
                widths=[1.1, 1.8, 1.0, 1.0, 1.0, 1.1],
                numeric=[2, 3, 4, 5],
            )
        )

    if report.kind == "daily" and report.journal:
        label = "Journal entry" if report.closed else "Journal entry (provisional)"
        story += [Paragraph(label, st["h2"])]
        journal_rows: list[list[object]] = [
            [j.account, str(j.debit) if j.debit else "", str(j.credit) if j.credit else "", j.memo]
            for j in report.journal
        ]
        journal_rows.append(
            [
                "Total",
                str(total(j.debit for j in report.journal)),
                str(total(j.credit for j in report.journal)),
                "",
            ]
        )
        story.append(
            table(
                ["Account", "Debit", "Credit", "Memo"],
                journal_rows,
                widths=[1.1, 1.0, 1.0, 4.2],
                numeric=[1, 2],
                total_row=True,
            )
        )
    story.append(signature_block("Prepared by", "Verified by"))
    footer = (
        f"{report.city} · {title} · workstation {report.workstation} · "
        f"{report.business_date:%Y-%m-%d} · printed {report.generated_at}"
    )
    return build(path, story, title=f"{title} {report.business_date}", footer=footer)
