"""The petty cash and housing documents hold what their readers sign and act on."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pypdf import PdfReader

from cashdesk.app import Cashdesk
from cashdesk.domain.housing import Frequency, IncomeSource, Member
from cashdesk.domain.money import Money
from cashdesk.domain.petty_cash import VoucherDraft
from cashdesk.domain.roles import Operator
from cashdesk.reports.housing import decision_letter_pdf, worksheet_pdf
from cashdesk.reports.petty_cash import replenishment_pdf, voucher_slip_pdf
from cashdesk.services.housing import ApplicationInput


def text_of(path: Path) -> str:
    reader = PdfReader(str(path))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def test_replenishment_request_lists_vouchers_by_account_with_the_entry(
    desk: Cashdesk, lead: Operator, tmp_path: Path
) -> None:
    for cents, account, payee in (
        (9_99, "101-150-52100", "Office Depot"),
        (4_50, "101-150-52200", "USPS"),
        (6_01, "101-150-52100", "Staples"),
    ):
        desk.petty_cash.record_voucher(
            lead,
            VoucherDraft(
                payee=payee,
                purpose="Supplies",
                expense_account=account,
                amount=Money(cents=cents),
                receipt_attached=True,
            ),
        )
    req = desk.petty_cash.request_replenishment(lead)
    text = text_of(replenishment_pdf(req, tmp_path / "r.pdf", city="City of Riverbend"))
    assert "Petty cash replenishment request PCR-000001" in text
    assert "Total Office supplies $16.00" in text
    assert "Total Postage $4.50" in text
    assert "Petty cash: Postage (1 voucher) $4.50" in text
    assert "101-000-20100" in text and "$20.50 $20.50" in text
    assert "Staples" in text and "PC-000003" in text
    voucher = desk.petty_cash.voucher(lead, "PC-000002")
    slip = text_of(voucher_slip_pdf(voucher, tmp_path / "s.pdf", city="City of Riverbend"))
    assert "Petty cash voucher PC-000002" in slip and "$4.50" in slip and "USPS" in slip


def test_worksheet_and_letters(desk: Cashdesk, lead: Operator, tmp_path: Path) -> None:
    data = ApplicationInput(
        members=[
            Member(name="Zoë Ng", born_on=dt.date(1990, 1, 2), relationship="applicant"),
            Member(name="Kai Ng", born_on=dt.date(2009, 1, 1), relationship="child"),
        ],
        sources=[
            IncomeSource(
                member=0,
                description="Wages",
                amount=Money(cents=1_500_00),
                frequency=Frequency.BIWEEKLY,
                proof_received=True,
            ),
            IncomeSource(
                member=1,
                description="Paper route",
                amount=Money(cents=50_00),
                frequency=Frequency.WEEKLY,
                proof_received=True,
            ),
        ],
        address="9 Elm Ct, Riverbend",
        ssn_last4="1234",
        residence_proof=True,
    )
    app = desk.housing.take_application(lead, data)
    text = text_of(
        worksheet_pdf(app, tmp_path / "w.pdf", city="City of Riverbend", printed="2026-11-26 10:00")
    )
    assert "Income verification worksheet · HA-000001" in text
    assert "$39,000.00" in text  # 1,500.00 × 26; Kai (17) not counted
    assert "no (under 18)" in text and "$47,200.00" in text and "YES" in text
    approved = desk.housing.decide(lead, app.number, approve=True)
    letter = text_of(
        decision_letter_pdf(
            approved, tmp_path / "a.pdf", city="City of Riverbend", today=dt.date(2026, 11, 26)
        )
    )
    assert "is approved" in letter and "November 26, 2027" in letter
    assert "September 27, 2027" in letter  # re-register from 60 days before
    denied_app = desk.housing.take_application(lead, data)
    denied = desk.housing.decide(
        lead, denied_app.number, approve=False, reason="Not a resident of the city"
    )
    letter = text_of(
        decision_letter_pdf(
            denied, tmp_path / "d.pdf", city="City of Riverbend", today=dt.date(2026, 11, 26)
        )
    )
    assert "is denied" in letter and "Not a resident of the city" in letter
