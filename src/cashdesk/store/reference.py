"""Loading the city's reference data (chart of accounts, revenue codes) into the store."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from cashdesk.domain.catalog import revenue_code_from_row
from cashdesk.store.models import GLAccountRow, RevenueCodeRow


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def load_chart_and_codes(s: Session, city: Path) -> tuple[int, int]:
    """Upsert GL accounts and revenue codes; returns how many of each."""
    accounts = read_csv(city / "chart_of_accounts.csv")
    codes = read_csv(city / "revenue_codes.csv")
    known = set(s.scalars(select(GLAccountRow.account)))
    for row in accounts:
        s.merge(
            GLAccountRow(
                account=row["account"],
                description=row["description"],
                fund=row["fund"],
                type=row["type"],
            )
        )
        known.add(row["account"])
    s.flush()
    for row in codes:
        code = revenue_code_from_row(row)  # validates the pricing words and the GL account
        s.merge(
            RevenueCodeRow(
                code=code.code,
                description=code.description,
                category=code.category,
                pricing=code.pricing_text,
                gl_account=row["gl_account"].strip(),
            )
        )
    return len(accounts), len(codes)
