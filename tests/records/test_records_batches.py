"""Mail and lockbox batches: a generated 1,000-row file with deliberate bad rows, re-import,
hostile files, the batch's own drawer session."""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

import pytest
from records_helpers import TODAY, city, m
from sqlalchemy import func, select

from cashdesk.app import Cashdesk
from cashdesk.domain.money import Money, total
from cashdesk.domain.roles import Operator
from cashdesk.errors import ValidationError
from cashdesk.services.batches import COLUMNS
from cashdesk.store.models import DrawerSession, Receipt, TenderRow
from cashdesk.store.records_models import PaymentBatch, PaymentBatchRow

GOOD_ROUTINGS = ["021000021", "011000015", "121000358", "026009593"]


def write(
    path: Path,
    rows: list[dict[str, str]],
    *,
    encoding: str = "utf-8",
    newline: str = "\n",
    header: tuple[str, ...] = COLUMNS,
) -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        out = csv.writer(f, lineterminator=newline)
        out.writerow(header)
        for row in rows:
            out.writerow([row.get(c, "") for c in header])
    return path


def check_row(payer: str, kind: str, reference: str, amount: Money, n: int) -> dict[str, str]:
    return {
        "payer": payer,
        "kind": kind,
        "reference": reference,
        "amount": amount.plain(),
        "tender": "check",
        "check_routing": GOOD_ROUTINGS[n % len(GOOD_ROUTINGS)],
        "check_account": f"{40000000 + n}",
        "check_number": str(1000 + n),
        "postmark": "",
    }


def generate(desk: Cashdesk, n: int = 1000) -> tuple[list[dict[str, str]], dict[int, str]]:
    """n rows; returns the rows and {row number: what is wrong} for the deliberate bad rows."""
    rng = random.Random(1000)
    with_items = sorted({i["account_no"] for i in city("utility_bill_items")})
    active = {a["account_no"] for a in city("utility_accounts") if a["status"] == "active"}
    util_accounts = [a for a in with_items if a in active]
    rng.shuffle(util_accounts)
    settled = TODAY - dt.timedelta(days=3)
    citations = [
        c
        for c in city("citations")
        if c["status"] == "open" and dt.date.fromisoformat(c["issue_date"]) <= settled
    ]
    rows: list[dict[str, str]] = []
    bad: dict[int, str] = {}
    returned = city("returned_checks")[0]
    for i in range(n):
        row_no = i + 1
        if i % 50 == 7:  # a citation paid short
            c = citations.pop()
            due = desk.records.citation(c["citation_no"]).amount_due
            assert due is not None
            rows.append(check_row("Short Payer", "CIT", c["citation_no"], due - m("5"), i))
            bad[row_no] = "not the amount due"
        elif i % 50 == 17:  # an account that does not exist
            rows.append(check_row("Nobody", "UTIL", f"9{i:05d}", m("50.00"), i))
            bad[row_no] = "No utility account"
        elif i % 50 == 27:  # a routing number that fails its check digit
            row = check_row("Typo Bank", "UTIL", util_accounts.pop(), m("20.00"), i)
            row["check_routing"] = "021000022"
            rows.append(row)
            bad[row_no] = "check digit"
        elif i % 50 == 37:  # a payer on the returned-check list
            row = check_row(returned["payer"], "UTIL", util_accounts.pop(), m("20.00"), i)
            row["check_routing"], row["check_account"] = returned["routing"], returned["account"]
            rows.append(row)
            bad[row_no] = "returned-check list"
        elif i % 50 == 47:  # a kind nobody handles
            rows.append(check_row("Odd", "ZZZ", "X1", m("10.00"), i))
            bad[row_no] = "Unknown kind"
        elif i % 10 == 3:  # a citation paid exactly, postmarked two days ago
            c = citations.pop()
            postmark = TODAY - dt.timedelta(days=2)
            due = desk.records.citation(c["citation_no"], paid_on=postmark).amount_due
            assert due is not None
            row = check_row("Mail Payer", "CIT", c["citation_no"], due, i)
            row["postmark"] = postmark.isoformat()
            rows.append(row)
        elif i % 10 == 5:  # a golf card by money order
            rows.append(
                {
                    "payer": "Golfer",
                    "kind": "GOLF-R",
                    "reference": "",
                    "amount": "40.00",
                    "tender": "money_order",
                    "check_number": f"MO{i}",
                }
            )
        else:  # a utility payment of a random part of the balance (or more)
            account = util_accounts.pop()
            balance = desk.records.utility_account(account).open_balance
            amount = Money(cents=rng.randint(100, balance.cents + 5000))
            rows.append(check_row("Zoë Núñez-O'Brien", "UTIL", account, amount, i))
    return rows, bad


def test_a_1000_row_file_posts_every_good_row_and_lists_the_bad_ones(
    desk: Cashdesk, cashier: Operator, tmp_path: Path
) -> None:
    rows, bad = generate(desk)
    path = write(tmp_path / "lockbox-1126.csv", rows)
    calls: list[tuple[int, int]] = []
    result = desk.batches.import_payments(
        cashier, path, batch="LB1126", progress=lambda done, n: calls.append((done, n))
    )

    assert result.rows == 1000 and calls[-1] == (1000, 1000)
    assert {e.row_no for e in result.exceptions} == set(bad)
    for e in result.exceptions:
        assert bad[e.row_no] in e.reason, (e.row_no, e.reason)
    control = total(m(r["amount"]) for r in rows)
    assert result.control_total == control
    assert result.posted == 1000 - len(bad)
    assert result.posted_amount == control - total(m(rows[n - 1]["amount"]) for n in bad)
    assert result.balanced
    # The exceptions file beside the input: row number, reference, reason.
    with result.exceptions_path.open(encoding="utf-8-sig", newline="") as f:
        listed = list(csv.DictReader(f))
    assert result.exceptions_path == tmp_path / "LB1126-exceptions.csv"
    assert [(int(r["row"]), r["reference"]) for r in listed] == [
        (n, rows[n - 1]["reference"]) for n in sorted(bad)
    ]
    # Every receipt is in the batch's own drawer session, opened with no starting bank.
    with desk.ctx.sessions() as s:
        session = s.scalar(select(DrawerSession).where(DrawerSession.drawer == "B-LB1126"))
        assert session is not None and session.opening_bank_cents == 0
        assert session.cashier_id == cashier.user_id
        receipts = s.execute(
            select(func.count(), func.sum(Receipt.total_cents)).where(
                Receipt.drawer_session_id == session.id
            )
        ).one()
        assert receipts == (result.posted, result.posted_amount.cents)
        batch = s.scalar(select(PaymentBatch).where(PaymentBatch.name == "LB1126"))
        assert batch is not None and batch.control_total_cents == control.cents
        assert batch.posted_total_cents == result.posted_amount.cents
        mo = s.scalar(
            select(func.count()).select_from(TenderRow).where(TenderRow.kind == "money_order")
        )
        assert mo == sum(1 for r in rows if r["tender"] == "money_order")
    assert desk.ctx.devices.printer.printed == []  # type: ignore[attr-defined]

    # Importing the same file again posts nothing twice.
    again = desk.batches.import_payments(cashier, path, batch="LB1126")
    assert again.posted == 0 and again.already_posted == result.posted
    assert {e.row_no for e in again.exceptions} == set(bad)
    assert again.balanced
    with desk.ctx.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Receipt)) == result.posted
        assert s.scalar(select(func.count()).select_from(PaymentBatchRow)) == result.posted


def good_rows() -> list[dict[str, str]]:
    return [
        {"payer": "Zoë Núñez", "kind": "GOLF-R", "amount": "40.00", "tender": "cash"},
        {
            "payer": "Renée O'Brien",
            "kind": "MISC",
            "reference": "Copies",
            "amount": "3.25",
            "tender": "money_order",
            "check_number": "88",
        },
    ]


@pytest.mark.parametrize(
    ("encoding", "newline"), [("utf-8-sig", "\r\n"), ("utf-8", "\n"), ("latin-1", "\r\n")]
)
def test_bom_crlf_and_latin1_files_are_read(
    desk: Cashdesk, cashier: Operator, tmp_path: Path, encoding: str, newline: str
) -> None:
    path = write(tmp_path / "mail.csv", good_rows(), encoding=encoding, newline=newline)
    result = desk.batches.import_payments(cashier, path, batch="MAIL1")
    assert result.posted == 2 and not result.exceptions
    with desk.ctx.sessions() as s:
        payers = set(s.scalars(select(Receipt.payer)))
    assert payers == {"Zoë Núñez", "Renée O'Brien"}


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (tuple(c for c in COLUMNS if c != "amount"), "missing amount"),
        ((*COLUMNS, "memo"), "unknown 'memo'"),
        (("name", "amount"), "missing payer"),
    ],
)
def test_wrong_columns_are_refused_and_nothing_is_posted(
    desk: Cashdesk, cashier: Operator, tmp_path: Path, header: tuple[str, ...], message: str
) -> None:
    path = write(tmp_path / "bad.csv", good_rows(), header=header)
    with pytest.raises(ValidationError, match=message):
        desk.batches.import_payments(cashier, path, batch="BAD")
    with desk.ctx.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Receipt)) == 0
        assert s.scalar(select(func.count()).select_from(DrawerSession)) == 0


@pytest.mark.parametrize("content", [b"", b"payer,kind\n", b"\xff\xfe\x00\x01"])
def test_empty_and_binary_files_are_refused(
    desk: Cashdesk, cashier: Operator, tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    with pytest.raises(ValidationError):
        desk.batches.import_payments(cashier, path, batch="X")


def test_a_control_total_that_differs_posts_nothing(
    desk: Cashdesk, cashier: Operator, tmp_path: Path
) -> None:
    path = write(tmp_path / "mail.csv", good_rows())
    with pytest.raises(ValidationError, match="control total"):
        desk.batches.import_payments(cashier, path, batch="M", control_total=m("43.00"))
    result = desk.batches.import_payments(cashier, path, batch="M", control_total=m("43.25"))
    assert result.posted == 2


def test_bad_batch_names_and_short_rows(desk: Cashdesk, cashier: Operator, tmp_path: Path) -> None:
    path = write(tmp_path / "mail.csv", good_rows())
    with pytest.raises(ValidationError, match="batch name"):
        desk.batches.import_payments(cashier, path, batch="has space")
    with path.open("a", encoding="utf-8") as f:
        f.write("Short Row,MISC,1.00\n")
        f.write("Bad Amount,MISC,x,12.345,cash,,,,\n")
        f.write("Future,GOLF-R,,40.00,cash,,,,2099-01-01\n")
        f.write("Card,GOLF-R,,40.00,card,,,,\n")
    result = desk.batches.import_payments(cashier, path, batch="M2")
    assert result.posted == 2
    assert [(e.row_no, e.reason.split()[0]) for e in result.exceptions] == [
        (3, "The"),
        (4, "Amount"),
        (5, "The"),
        (6, "Tender"),
    ]
    assert "fields" in result.exceptions[0].reason
    assert "after today" in result.exceptions[2].reason


def test_license_kinds_wait_for_their_handler(
    desk: Cashdesk, cashier: Operator, tmp_path: Path
) -> None:
    rows = [
        {
            "payer": "Shop",
            "kind": "BLT-REN",
            "reference": "BL-10000",
            "amount": "75.00",
            "tender": "cash",
        }
    ]
    path = write(tmp_path / "lic.csv", rows)
    result = desk.batches.import_payments(cashier, path, batch="LIC")
    assert result.posted == 0 and "schedule" in result.exceptions[0].reason
    # The license engineer registers a handler; the same row then posts (a new file name).
    cat = desk.catalog.catalog()
    desk.batches.handlers["BLT-REN"] = lambda row, paid_on: [
        cat.line("MISC", amount=row.amount, description=f"stand-in for {row.reference}")
    ]
    result = desk.batches.import_payments(cashier, write(tmp_path / "lic2.csv", rows), batch="LIC")
    assert result.posted == 1
