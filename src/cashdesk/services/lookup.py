"""Finding a record while the cashier types: utility accounts, citations, licenses.

One FTS5 index (``cashdesk.store.records_search``) holds the folded words of every record:

- utility accounts: account number, name, service address;
- parking citations: citation number, plate;
- business licenses: license number, business name, owner, address;
- animal licenses: license number, tag number, owner, animal name.

The query is folded the same way (``domain.search_text.fold``: accents and apostrophes
removed, lower case), split into words, and every word must begin a word of the record
(``"nun"* AND "bay"*``), so "Nunez" finds "Núñez", "OBrien" finds "O'Brien" and "1427 bay"
finds "1427 Bayview Pl". A result whose number is exactly what was typed comes first.

**Bill stub barcode.** The stub of a Riverbend utility bill carries a Code 128 barcode whose
text is ``UB/<account number>/<bill number>``, for instance ``UB/100007/B100007-2610``: an
"UB" marker, the account number and the bill number, separated by slashes (unshifted on a
US keyboard, so a keyboard-wedge scanner types them reliably). A scanned stub finds its
account directly; a stub whose bill is not one of that account's bills is refused, since it
is a misread or another account's stub.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnClause, Integer, func, literal_column, select, text
from sqlalchemy.orm import Session

from cashdesk.domain import citation as cit
from cashdesk.domain import utility as util
from cashdesk.domain.money import Money
from cashdesk.domain.roles import Operator, Permission
from cashdesk.domain.search_text import query_tokens
from cashdesk.errors import NotFound, ValidationError
from cashdesk.services.context import ServiceContext
from cashdesk.services.records import citation_of
from cashdesk.store.records_models import RecordPosting
from cashdesk.store.records_search import KIND_STRIDE, RecordKind, search_rowid, split_rowid
from cashdesk.store.reference_models import (
    AnimalLicenseRow,
    BusinessLicenseRow,
    CitationRow,
    UtilityAccountRow,
    UtilityBillItemRow,
)

BILL_STUB = re.compile(r"^UB/(?P<account>[0-9]{1,12})/(?P<bill>[A-Z0-9-]{1,20})$")
MAX_RESULTS = 50


@dataclass(frozen=True, slots=True, kw_only=True)
class BillStub:
    account_no: str
    bill_no: str


def bill_stub_text(account_no: str, bill_no: str) -> str:
    """The barcode text printed on a bill stub."""
    return f"UB/{account_no}/{bill_no}"


def parse_bill_stub(scanned: str) -> BillStub | None:
    """The account and bill of a scanned stub, or None when the text is not a stub."""
    match = BILL_STUB.match(scanned.strip().upper())
    if match is None:
        return None
    return BillStub(account_no=match["account"], bill_no=match["bill"])


@dataclass(frozen=True, slots=True, kw_only=True)
class LookupResult:
    """One row of the look-up list."""

    kind: str  # utility / citation / business_license / animal_license
    key: str  # the account, citation or license number
    title: str
    subtitle: str
    status: str
    amount_due: Money | None  # utility: open balance; citation: due today; licenses: None
    # Who the record is for and where (the payment page's customer panel, and "Received
    # from"); a citation names a plate, not a person: both empty.
    party: str = ""
    address: str = ""


def match_expression(tokens: Sequence[str]) -> str:
    # Tokens are [0-9a-z]+ (query_tokens), so quoting them cannot break the FTS5 syntax.
    return " ".join(f'"{token}"*' for token in tokens)


class LookupService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def search(
        self,
        operator: Operator,
        query: str,
        *,
        kinds: Collection[RecordKind] | None = None,
        limit: int = 20,
        on: dt.date | None = None,
    ) -> list[LookupResult]:
        """Records matching what was typed (or scanned), best first; at most ``limit``.
        Names, addresses and balances: for a signed-in user only."""
        operator.require(Permission.LOOK_UP_RECORDS)
        limit = max(1, min(limit, MAX_RESULTS))
        on = on or self.ctx.business_date()
        stub = parse_bill_stub(query)
        with self.ctx.reading() as s:
            if stub is not None:
                return self._by_stub(s, stub, on)
            tokens = query_tokens(query)
            if not tokens:
                return []
            sql = "SELECT rowid FROM record_search WHERE record_search MATCH :q"
            params: dict[str, object] = {"q": match_expression(tokens), "n": limit}
            if kinds:
                ranges = []
                for i, kind in enumerate(sorted(set(kinds))):
                    ranges.append(f"rowid BETWEEN :lo{i} AND :hi{i}")
                    params[f"lo{i}"] = search_rowid(kind, 0)
                    params[f"hi{i}"] = search_rowid(kind, KIND_STRIDE - 1)
                sql += " AND (" + " OR ".join(ranges) + ")"
            # Index order (kind, then load order): FTS5 stops after `limit` rows, so a
            # one-letter prefix matching 100,000 records costs no more than a rare name.
            sql += " LIMIT :n"
            rowids = [int(r[0]) for r in s.execute(text(sql), params)]
            results = self._resolve(s, rowids, on)
        typed = query.strip().upper()
        # Exact number first (stable, so index order is kept otherwise).
        return sorted(results, key=lambda r: r.key.upper() != typed)

    def _by_stub(self, s: Session, stub: BillStub, on: dt.date) -> list[LookupResult]:
        account = s.get(UtilityAccountRow, stub.account_no)
        if account is None:
            raise NotFound(f"The scanned stub names account {stub.account_no}, which is unknown.")
        bill = s.scalar(
            select(func.count())
            .select_from(UtilityBillItemRow)
            .where(
                UtilityBillItemRow.account_no == stub.account_no,
                UtilityBillItemRow.bill_no == stub.bill_no,
            )
        )
        if not bill:
            raise ValidationError(
                f"Bill {stub.bill_no} is not a bill of account {stub.account_no}; "
                "scan the stub again or type the account number."
            )
        rowid = s.scalar(
            select(literal_column("rowid")).where(UtilityAccountRow.account_no == stub.account_no)
        )
        return self._resolve(s, [search_rowid(RecordKind.UTILITY, int(rowid or 0))], on)

    def _resolve(self, s: Session, rowids: list[int], on: dt.date) -> list[LookupResult]:
        by_kind: dict[RecordKind, list[int]] = {}
        for value in rowids:
            kind, rowid = split_rowid(value)
            by_kind.setdefault(kind, []).append(rowid)
        found: dict[int, LookupResult] = {}
        for kind, ids in by_kind.items():
            for rowid, result in self._fetch(s, kind, ids, on):
                found[search_rowid(kind, rowid)] = result
        return [found[r] for r in rowids if r in found]

    def _fetch(
        self, s: Session, kind: RecordKind, ids: list[int], on: dt.date
    ) -> list[tuple[int, LookupResult]]:
        if kind is RecordKind.UTILITY:
            return self._utility(s, ids)
        if kind is RecordKind.CITATION:
            return self._citations(s, ids, on)
        if kind is RecordKind.BUSINESS_LICENSE:
            rowid: ColumnClause[int] = literal_column("business_licenses.rowid", Integer)
            return [
                (
                    int(r),
                    LookupResult(
                        kind="business_license",
                        key=b.license_no,
                        title=b.business_name,
                        subtitle=f"{b.license_no} · {b.owner} · {b.address}",
                        status=f"class {b.license_class}, expires {b.expires:%m/%d/%Y}",
                        amount_due=None,
                        party=b.business_name,
                        address=b.address,
                    ),
                )
                for b, r in s.execute(select(BusinessLicenseRow, rowid).where(rowid.in_(ids)))
            ]
        animal_rowid: ColumnClause[int] = literal_column("animal_licenses.rowid", Integer)
        return [
            (
                int(r),
                LookupResult(
                    kind="animal_license",
                    key=a.license_no,
                    title=f"{a.animal_name} ({a.species}) · {a.owner}",
                    subtitle=f"{a.license_no} · tag {a.tag_no} · {a.address}",
                    status=f"expires {a.expires:%m/%d/%Y}",
                    amount_due=None,
                    party=a.owner,
                    address=a.address,
                ),
            )
            for a, r in s.execute(
                select(AnimalLicenseRow, animal_rowid).where(animal_rowid.in_(ids))
            )
        ]

    def _utility(self, s: Session, ids: list[int]) -> list[tuple[int, LookupResult]]:
        rowid: ColumnClause[int] = literal_column("utility_accounts.rowid", Integer)
        rows = s.execute(select(UtilityAccountRow, rowid).where(rowid.in_(ids))).all()
        numbers = [a.account_no for a, _ in rows]
        billed: dict[str, int] = {
            account_no: int(cents or 0)
            for account_no, cents in s.execute(
                select(UtilityBillItemRow.account_no, func.sum(UtilityBillItemRow.amount_cents))
                .where(UtilityBillItemRow.account_no.in_(numbers))
                .group_by(UtilityBillItemRow.account_no)
            )
        }
        paid: dict[str, int] = {}
        restored: set[str] = set()
        for kind, reference, cents in s.execute(
            select(
                RecordPosting.kind, RecordPosting.reference, func.sum(RecordPosting.amount_cents)
            )
            .where(
                RecordPosting.reference.in_(numbers),
                RecordPosting.kind.in_(("utility_item", "utility_restore")),
                RecordPosting.reversed_at.is_(None),
            )
            .group_by(RecordPosting.kind, RecordPosting.reference)
        ):
            if kind == "utility_item":
                paid[reference] = int(cents or 0)
            else:
                restored.add(reference)
        out = []
        for a, r in rows:
            status = util.shown_status(a.status, restored_here=a.account_no in restored)
            open_cents = billed.get(a.account_no, 0) - paid.get(a.account_no, 0)
            out.append(
                (
                    int(r),
                    LookupResult(
                        kind="utility",
                        key=a.account_no,
                        title=a.name,
                        subtitle=f"Account {a.account_no} · {a.service_address}",
                        status=status,
                        amount_due=Money(cents=open_cents),
                        party=a.name,
                        address=a.service_address,
                    ),
                )
            )
        return out

    def _citations(self, s: Session, ids: list[int], on: dt.date) -> list[tuple[int, LookupResult]]:
        rowid: ColumnClause[int] = literal_column("citations.rowid", Integer)
        rows = s.execute(select(CitationRow, rowid).where(rowid.in_(ids))).all()
        paid_here = set(
            s.scalars(
                select(RecordPosting.reference).where(
                    RecordPosting.kind == "citation",
                    RecordPosting.reference.in_([c.citation_no for c, _ in rows]),
                    RecordPosting.reversed_at.is_(None),
                )
            )
        )
        out = []
        for c, r in rows:
            paid = c.citation_no in paid_here
            amount: Money | None = None
            try:
                amount = cit.citation_amount_due(citation_of(c, paid_here=paid), paid_on=on)
            except ValidationError:
                amount = None  # paid, dismissed, or not payable: the status says why
            v = cit.VIOLATIONS.get(c.violation_code)
            out.append(
                (
                    int(r),
                    LookupResult(
                        kind="citation",
                        key=c.citation_no,
                        title=f"Citation {c.citation_no}",
                        subtitle=(
                            f"Plate {c.plate} ({c.plate_state}) · "
                            f"{v.description if v else c.violation_code} · "
                            f"issued {c.issue_date:%m/%d/%Y}"
                        ),
                        status=cit.shown_status(c.status, paid_here=paid),
                        amount_due=amount,
                    ),
                )
            )
        return out
