"""The day's journal for the ERP: a CSV for its GL import and a beancount file.

CSV: one row per account line of each journal entry of the day: date, journal id (the
entry's), account, debit, credit, description, kind (amounts with two decimals, 0.00 on the
other side). beancount: every account is opened (with its description from the chart of
accounts) and each entry is one transaction whose postings balance; a provisional day's are
flagged "!" rather than "*".
"""

from __future__ import annotations

import io

from cashdesk.outputs import csv_writer
from cashdesk.reports.data import JournalExport

CSV_HEADER = ("date", "journal_id", "account", "debit", "credit", "description", "kind")
ROOTS = {
    "asset": "Assets",
    "liability": "Liabilities",
    "revenue": "Income",
    "expense": "Expenses",
    "equity": "Equity",
}


def journal_csv(export: JournalExport) -> str:
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for entry in export.entries:
        for line in entry.lines:
            writer.writerow(
                (
                    export.business_date.isoformat(),
                    entry.id,
                    line.account,
                    line.debit.plain(),
                    line.credit.plain(),
                    line.memo or entry.description,
                    entry.kind,
                )
            )
    return out.getvalue()


def beancount_account(account: str, kind: str) -> str:
    """``101-000-10100`` (an asset) -> ``Assets:101-000-10100``."""
    return f"{ROOTS.get(kind, 'Equity')}:{account}"


def _string(text: str) -> str:
    return '"' + text.replace("\\", "/").replace('"', "'") + '"'


def journal_beancount(export: JournalExport, *, title: str = "") -> str:
    day = export.business_date.isoformat()
    heading = title or f"Day journal {export.workstation} {day}"
    out = [
        f"; {heading}{' (PROVISIONAL: the day is not closed)' if export.provisional else ''}",
        f"option {_string('title')} {_string(heading)}",
        f"option {_string('operating_currency')} {_string('USD')}",
        "",
    ]
    accounts = sorted({line.account for line in export.lines})
    for account in accounts:
        name = beancount_account(account, export.account_types.get(account, ""))
        out.append(f"{day} open {name} USD")
        out.append(f"  description: {_string(export.account_names.get(account, account))}")
    out.append("")
    flag = "!" if export.provisional else "*"
    for entry in export.entries:
        out.append(f"{day} {flag} {_string('City of Riverbend')} {_string(entry.description)}")
        out.append(f"  journal_id: {_string(entry.id)}")
        out.append(f"  kind: {_string(entry.kind)}")
        for line in entry.lines:
            name = beancount_account(line.account, export.account_types.get(line.account, ""))
            amount = line.net.plain()
            out.append(f"  {name:<32} {amount:>14} USD")
            if line.memo:
                out.append(f"    memo: {_string(line.memo)}")
        out.append("")
    return "\n".join(out)
