"""The day's PDFs as a supervisor signs them: nothing past the printable area, Page N of M,
signature lines, the Z report's own number, no over/short before a count."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from drawer_helpers import DAY, Pay, bank, m, simulate_day
from pypdf import PdfReader

from cashdesk.app import Cashdesk
from cashdesk.clock import FixedClock
from cashdesk.domain import tender as T
from cashdesk.domain.roles import Operator
from cashdesk.reports.day import render_day_report
from cashdesk.reports.deposit import render_deposit_slip

SIDE = 0.6 * 72 - 1  # text stays inside the 0.6 in side margins (a "J" overhangs 0.6 pt)
LONG_PAYER = "Åsa Łukasiewicz-Ørsted de la Peña y Gómez, Nguyễn Thị Ánh Tuyết & Associates LLC"


def pdf_text(path: Path) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    return " ".join(text.split())


@pytest.fixture
def closed_day(
    desk: Cashdesk, people: dict[str, Operator], pay: Pay, clock: FixedClock
) -> dict[str, Operator]:
    simulate_day(desk, people, pay, clock)
    desk.day_close.deposit(people["lead"], bag_number="BAG-1001", business_date=DAY)
    return people


def test_every_day_pdf_keeps_its_text_inside_the_printable_area(
    desk: Cashdesk,
    closed_day: dict[str, Operator],
    tmp_path: Path,
    pdf_fits: Callable[..., list[str]],
) -> None:
    lead = closed_day["lead"]
    paths = [
        render_day_report(desk.day_reports.daily(lead, DAY), tmp_path / "daily.pdf"),
        render_day_report(desk.day_reports.z_report(lead, DAY), tmp_path / "z.pdf"),
        *(
            render_deposit_slip(slip, tmp_path / f"{slip.bag_number}.pdf")
            for slip in desk.day_reports.deposit_slips(lead, DAY)
        ),
    ]
    for path in paths:
        assert pdf_fits(path, side=SIDE) == [], path.name
        pages = len(PdfReader(path).pages)
        text = pdf_text(path)
        assert f"Page {pages} of {pages}" in text, path.name
        assert "Prepared by" in text and "Verified by" in text and "Date" in text


def test_the_z_report_carries_its_own_number_and_only_the_close(
    desk: Cashdesk, closed_day: dict[str, Operator], tmp_path: Path
) -> None:
    lead = closed_day["lead"]
    z = desk.day_reports.z_report(lead, DAY)
    daily = desk.day_reports.daily(lead, DAY)
    assert z.z_number == 1 and daily.z_number == 1
    text = pdf_text(render_day_report(z, tmp_path / "z.pdf"))
    assert "Z report 0001 (day close)" in text and "W01 Z 0001" in text
    assert "By tender" in text and "$2,417.83" in text
    for daily_only in ("By cashier", "By revenue code", "Journal entry", "Charged the wrong"):
        assert daily_only not in text
    full = pdf_text(render_day_report(daily, tmp_path / "daily.pdf"))
    assert "By revenue code" in full and "Z number" not in full


def test_the_x_report_shows_no_over_short_before_a_drawer_is_counted(
    desk: Cashdesk,
    people: dict[str, Operator],
    pay: Pay,
    tmp_path: Path,
    pdf_fits: Callable[..., list[str]],
) -> None:
    desk.drawers.open_drawer(people["maria"], count=bank())
    pay(people["maria"], "MISC", "80.00", T.cash(m("100")), payer=LONG_PAYER)
    x = desk.day_reports.x_report(people["lead"])
    path = render_day_report(x, tmp_path / "x.pdf")
    text = pdf_text(path)
    assert "Over / short no drawer counted yet" in text
    assert "even" not in text and "$0.00 (" not in text
    assert "Page 1 of 1" in text and "Prepared by" in text
    assert pdf_fits(path, side=SIDE) == []


def test_each_close_of_a_workstation_gets_the_next_z_number(
    desk: Cashdesk, closed_day: dict[str, Operator], clock: FixedClock, tmp_path: Path
) -> None:
    import datetime as dt

    lead = closed_day["lead"]
    clock.advance(days=1)
    result = desk.day_close.close_day(lead, DAY + dt.timedelta(days=1))
    assert result.report.kind == "Z" and result.report.z_number == 2
    assert desk.day_reports.z_report(lead, DAY).z_number == 1  # the first keeps its number
    text = pdf_text(render_day_report(result.report, tmp_path / "z2.pdf"))
    assert "Z report 0002 (day close)" in text
