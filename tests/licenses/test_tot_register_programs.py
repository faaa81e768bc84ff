"""TOT returns paid once per period, the license register (PDF and CSV), and program sales."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from cashdesk.app import Cashdesk
from cashdesk.domain import tender
from cashdesk.domain.money import Money
from cashdesk.domain.receipt import ReceiptDraft
from cashdesk.domain.roles import Operator
from cashdesk.errors import PermissionDenied, StateError, ValidationError
from cashdesk.store.license_models import TotReturnRow

if TYPE_CHECKING:
    from .conftest import DraftFor, Pay, PdfText

D = Decimal


def usd(text: str) -> Money:
    return Money.parse(text)


# -- TOT ------------------------------------------------------------------------------------
def test_tot_return_is_recorded_and_cannot_be_paid_twice(
    desk: Cashdesk, open_drawer: Operator, pay: Pay, draft_for: DraftFor
) -> None:
    # September 2026 is due October 31; November 26 is day 26: one penalty, 1 month interest
    charge = desk.licenses.file_tot_return(
        open_drawer, tot_operator_id="tot-0042", year=2026, month=9, gross_rents=D("10288.00")
    )
    assert [ln.amount for ln in charge.lines] == [usd("1234.56"), usd("123.46"), usd("6.17")]
    twin = desk.licenses.file_tot_return(
        open_drawer, tot_operator_id="TOT-0042", year=2026, month=9, gross_rents=D("10288.00")
    )
    paid = pay(open_drawer, charge)
    assert paid.receipt is not None
    (filed,) = paid.returns
    assert (filed.tot_operator_id, filed.year, filed.month, filed.total) == (
        "TOT-0042",
        2026,
        9,
        usd("1364.19"),
    )
    with desk.ctx.sessions() as s:
        row = s.scalar(select(TotReturnRow))
        assert row is not None
        assert (row.tax_cents, row.penalty_cents, row.interest_cents, row.total_cents) == (
            123456,
            12346,
            617,
            136419,
        )
    message = (
        f"The September 2026 TOT return of TOT-0042 was already paid on receipt "
        f"{paid.receipt.number} (November 26, 2026); it cannot be paid twice."
    )
    with pytest.raises(StateError) as refused:
        desk.licenses.file_tot_return(
            open_drawer, tot_operator_id="TOT-0042", year=2026, month=9, gross_rents=D("1")
        )
    assert str(refused.value) == message
    # a second draft started before the first was paid is refused when it is posted
    with pytest.raises(StateError, match="already paid on receipt"):
        desk.licenses.pay(open_drawer, draft_for(twin))
    # another month, or another hotel, is fine
    other = desk.licenses.file_tot_return(
        open_drawer, tot_operator_id="TOT-0043", year=2026, month=9, gross_rents=D("100")
    )
    assert pay(open_drawer, other).returns[0].total == usd("13.26")  # 12 + 1.20 + 0.06


def test_tot_mailed_return_uses_the_postmark(desk: Cashdesk, open_drawer: Operator) -> None:
    charge = desk.licenses.file_tot_return(
        open_drawer,
        tot_operator_id="TOT-7",
        year=2026,
        month=9,
        gross_rents=D("10000"),
        exempt_rents=D("2000"),
        received_via="mail",
        received_on=dt.date(2026, 10, 31),  # postmarked on the due date
    )
    assert [ln.amount for ln in charge.lines] == [usd("960.00")]


@pytest.mark.parametrize("bad", ["", "  ", "TOT 42", "x" * 21])
def test_tot_operator_id_is_checked(desk: Cashdesk, open_drawer: Operator, bad: str) -> None:
    with pytest.raises(ValidationError):
        desk.licenses.file_tot_return(
            open_drawer, tot_operator_id=bad, year=2026, month=9, gross_rents=D("1")
        )


# -- the license register ---------------------------------------------------------------------
@pytest.fixture
def issued_day(desk: Cashdesk, open_drawer: Operator, tags: list[str], pay: Pay) -> list[str]:
    """Three licenses issued on November 26, 2026; the renewal's receipt is then voided."""
    renewal = pay(
        open_drawer,
        desk.licenses.renew_business_license(
            open_drawer, license_no="BL-10000", gross_receipts=D("2500000")
        ),
    )
    pay(
        open_drawer,
        desk.licenses.apply_for_business_license(
            open_drawer,
            business_name="Zoë's <Café> & Bar",
            owner="Zoë Müller",
            address="9 Elm St",
            license_class="GR",
            gross_receipts=D("50000.01"),
            start_date=dt.date(2026, 11, 1),
        ),
    )
    pay(open_drawer, desk.licenses.renew_animal_license(open_drawer, license_no="AL-50075"))
    assert renewal.receipt is not None
    desk.payments.void_receipt(
        desk.auth.sign_in("lead", "riverbend1"), renewal.receipt.number, reason="wrong business"
    )
    return [renewal.receipt.number]


def test_register_csv(desk: Cashdesk, issued_day: list[str], tmp_path: Path) -> None:
    auditor = desk.auth.sign_in("auditor", "riverbend1")
    out = tmp_path / "register.csv"
    assert (
        desk.licenses.write_license_register(
            auditor, start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30), out=out
        )
        == 3
    )
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [(r["license_no"], r["action"], r["status"], r["total"]) for r in rows] == [
        ("BL-10000", "renewal", "voided", "2119.00"),
        ("BL-W01-00001", "new", "posted", "42.10"),  # GR 76.20 half = 38.10 + 4.00
        ("AL-50075", "renewal", "posted", "45.00"),
    ]
    assert rows[1]["holder"] == "Zoë's <Café> & Bar"
    assert (rows[1]["fee"], rows[1]["penalty"], rows[1]["state_fee"]) == ("38.10", "0.00", "4.00")
    assert rows[2]["tag_no"] == "T30000" and rows[2]["class"] == "cat"
    assert rows[0]["receipt"] == issued_day[0]
    # nothing outside the range
    assert (
        desk.licenses.license_register(
            auditor, start=dt.date(2026, 11, 27), end=dt.date(2026, 12, 31)
        )
        == []
    )


def test_register_pdf(
    desk: Cashdesk,
    issued_day: list[str],
    tmp_path: Path,
    pdf_text: PdfText,
    pdf_fits: Callable[..., list[str]],
) -> None:
    lead = desk.auth.sign_in("lead", "riverbend1")
    out = tmp_path / "register.pdf"
    desk.licenses.write_license_register(
        lead, start=dt.date(2026, 11, 26), end=dt.date(2026, 11, 26), out=out
    )
    text = pdf_text(out.read_bytes())
    for expected in (
        "City of Riverbend — License register",
        "Licenses issued November 26, 2026 to November 26, 2026",
        "3 entries",
        "BL-10000",
        f"{issued_day[0]} VOID",
        "BL-W01-00001",
        "Zoë's <Café> & Bar",
        "AL-50075",
        "T30000",
        # totals leave out the voided renewal: 38.10 + 30.00 fees, 15.00 penalty, 4.00 state
        "Totals 2 licenses",
        "$68.10 $15.00 $4.00 $87.10",
        "workstation W01",
        "Page 1 of 1",
        "Prepared by",
        "Verified by",
    ):
        assert expected in text, expected
    assert pdf_fits(out, side=0.5 * 72 - 1) == []


def test_a_register_of_one_entry_says_so(tmp_path: Path, pdf_text: PdfText) -> None:
    from cashdesk.domain.money import Money
    from cashdesk.reports.license_register import RegisterEntry, register_pdf

    day = dt.date(2026, 11, 26)
    entry = RegisterEntry(
        business_date=day,
        license_no="BL-10000",
        kind="business",
        action="renewal",
        holder="Åsa Łukasiewicz-Ørsted de la Peña y Gómez Holdings International, Inc.",
        license_class="B",
        term_start=day,
        term_end=dt.date(2027, 11, 25),
        tag_no="",
        received_via="counter",
        receipt_number="W01-000001",
        status="posted",
        fee=Money(cents=354000),
        penalty=Money(cents=0),
        state_fee=Money(cents=400),
        total=Money(cents=354400),
    )
    pdf = register_pdf([entry], city="City of Riverbend", start=day, end=day, printed="now")
    text = pdf_text(pdf)
    assert "1 entry ·" in text and "1 entries" not in text and "Totals 1 license " in text
    assert "$3,540.00" in text and "$3,544.00" in text and "3540.00" not in text.replace("$3,", "")


def test_register_permissions_and_arguments(
    desk: Cashdesk, cashier: Operator, tmp_path: Path
) -> None:
    with pytest.raises(PermissionDenied, match="run the license register"):
        desk.licenses.license_register(
            cashier, start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30)
        )
    auditor = desk.auth.sign_in("auditor", "riverbend1")
    with pytest.raises(ValidationError, match="before its start"):
        desk.licenses.license_register(
            auditor, start=dt.date(2026, 11, 30), end=dt.date(2026, 11, 1)
        )
    with pytest.raises(ValidationError, match=r"\.pdf or \.csv"):
        desk.licenses.write_license_register(
            auditor, start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 1), out=tmp_path / "r.txt"
        )


# -- program sales --------------------------------------------------------------------------------
def test_program_lines_post(desk: Cashdesk, open_drawer: Operator) -> None:
    programs = desk.programs
    lines = [
        programs.golf_card(holder_birth_date=dt.date(1964, 11, 26)),  # 62 today: senior
        programs.golf_card(),
        programs.dial_a_ride_card(rides=20, disabled=True),
        programs.dial_a_ride_card(rides=10, rider_birth_date=dt.date(1990, 1, 1)),
        *programs.facility_rental(invoice="FR-1001", fee=usd("350.00"), deposit=usd("500.00")),
        programs.dui_invoice(invoice="DUI-77", amount=usd("1234.50")),
        programs.misc_receipt(amount=usd("3.25"), description="Copies of minutes"),
    ]
    assert [(ln.code, ln.amount.plain(), ln.gl_account) for ln in lines] == [
        ("GOLF-S", "25.00", "520-700-34720"),
        ("GOLF-R", "40.00", "520-700-34720"),
        ("DAR-20", "19.00", "230-600-34610"),
        ("DAR-10", "20.00", "230-600-34610"),
        ("FAC-FEE", "350.00", "101-310-34710"),
        ("FAC-DEP", "500.00", "101-000-21500"),
        ("DUI", "1234.50", "101-140-34190"),
        ("MISC", "3.25", "101-150-36900"),
    ]
    draft = ReceiptDraft(payer="Parks customer")
    for line in lines:
        draft.add_line(line)
    draft.add_tender(tender.cash(draft.total))
    assert desk.payments.post_payment(open_drawer, draft).total == usd("2191.75")
    with pytest.raises(ValidationError, match="the rental fee, the deposit, or both"):
        programs.facility_rental(invoice="FR-1")


def test_returned_check_fee_counts_the_payers_earlier_fees(
    desk: Cashdesk, open_drawer: Operator
) -> None:
    programs = desk.programs
    first = programs.returned_check_fee(payer="Kenji Ramírez", reference="chk 1001")
    assert (first.code, first.amount, first.reference) == ("NSF", usd("25.00"), "chk 1001")
    draft = ReceiptDraft(payer="Kenji Ramírez")
    draft.add_line(first)
    draft.add_tender(tender.cash(usd("25.00")))
    desk.payments.post_payment(open_drawer, draft)
    # the same payer, typed differently: the later fee
    assert programs.earlier_returned_check_fees("  kenji   RAMÍREZ ") == 1
    assert programs.returned_check_fee(payer="KENJI RAMÍREZ").amount == usd("35.00")
    assert programs.returned_check_fee(payer="Hana Kim").amount == usd("25.00")
    assert programs.returned_check_fee(payer="Hana Kim", earlier_returned_checks=2).amount == usd(
        "35.00"
    )
