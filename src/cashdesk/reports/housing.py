"""Housing assistance documents: the income worksheet a reviewer signs, and the decision
letter (approval, or denial with its reason). Personal data: the caller writes them where only
program staff can read them: written through ``outputs.write_output`` (0600, atomic, never
over the store; an existing file only with ``force``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from reportlab.platypus import Paragraph

from cashdesk.domain.calendar import long_date
from cashdesk.domain.housing import Status, Worksheet
from cashdesk.outputs import write_output
from cashdesk.reports.pdf import build_bytes, esc, spacer, styles, table
from cashdesk.reports.program_data import ApplicationDetail


def _worksheet_story(sheet: Worksheet) -> list[Any]:
    st = styles()
    return [
        table(
            ["Member", "Source", "Amount", "Frequency", "× per year", "Annual", "Counted", "Proof"],
            [
                [
                    line.member,
                    line.description,
                    str(line.amount),
                    line.frequency.label,
                    line.frequency.per_year,
                    str(line.annual),
                    "yes" if line.counted else "no (under 18)",
                    "yes" if line.proof_received else "missing",
                ]
                for line in sheet.lines
            ],
            widths=[1.2, 1.3, 0.8, 0.9, 0.6, 0.9, 0.8, 0.6],
            numeric=[2, 4, 5],
        ),
        spacer(),
        table(
            ["", ""],
            [
                ["Household size", sheet.household_size],
                ["Adults (18 or over on the worksheet date)", sheet.adults],
                ["Annual income (adults' sources)", str(sheet.annual_income)],
                [f"Limit for {sheet.household_size} (50% of area median)", str(sheet.limit)],
                ["Under (over) the limit", str(sheet.margin)],
                ["Eligible", "YES" if sheet.eligible else "NO"],
            ],
            widths=[3.6, 1.6],
            numeric=[1],
        ),
        spacer(),
        Paragraph(esc(f"Worksheet date {sheet.as_of.isoformat()}"), st["body"]),
    ]


def worksheet_pdf(
    app: ApplicationDetail, path: Path, *, city: str, printed: str, force: bool = False
) -> Path:
    st = styles()
    story: list[Any] = [
        Paragraph(esc(f"{city} · Housing assistance program"), st["subtitle"]),
        Paragraph(esc(f"Income verification worksheet · {app.number}"), st["title"]),
        Paragraph(
            esc(
                f"Applicant {app.applicant} · {app.address} · SSN last four "
                f"{app.ssn_last4 or '(not given)'} · received {app.received_on.isoformat()} · "
                f"status {app.status.label}"
            ),
            st["body"],
        ),
        Paragraph("Household", st["h2"]),
        table(
            ["Name", "Born", "Relationship"],
            [[m.name, m.born_on.isoformat(), m.relationship] for m in app.members],
            widths=[2.6, 1.2, 1.6],
        ),
        Paragraph("Income", st["h2"]),
        *_worksheet_story(app.worksheet),
        Paragraph(
            esc(
                "Documents: proof of residence "
                + ("received" if app.residence_proof else "MISSING")
                + (f"; missing: {', '.join(app.missing)}" if app.missing else "")
            ),
            st["body"],
        ),
        spacer(24),
        Paragraph("Reviewed by ______________________   Date ____________", st["body"]),
    ]
    pdf = build_bytes(
        story, title=f"Worksheet {app.number}", footer=f"{app.number} · printed {printed}"
    )
    return write_output(path, pdf, force=force)


def decision_letter_pdf(
    app: ApplicationDetail, path: Path, *, city: str, today: dt.date, force: bool = False
) -> Path:
    if app.status not in (Status.APPROVED, Status.RENEWED, Status.DENIED):
        raise ValueError(f"{app.number} has no decision to write ({app.status.label})")
    st = styles()
    approved = app.status is not Status.DENIED
    sheet = app.worksheet
    body = (
        [
            f"Your household's application for rental assistance ({app.number}) is approved.",
            f"Reason: {app.decision_reason}",
            f"Assistance runs until {long_date(app.anniversary)}; please re-register between "
            f"{long_date(app.cycle.reregistration_due)} and {long_date(app.anniversary)}. "
            f"Without re-registration the assistance lapses on {long_date(app.cycle.lapses_on)}."
            if app.anniversary and app.cycle
            else "",
        ]
        if approved
        else [
            f"We are sorry: your household's application for rental assistance ({app.number}) "
            "is denied.",
            f"Reason: {app.decision_reason}",
            "You may apply again if your household's circumstances change.",
        ]
    )
    story: list[Any] = [
        Paragraph(esc(f"{city} · Finance Department · Housing assistance program"), st["subtitle"]),
        spacer(10),
        Paragraph(esc(long_date(today)), st["body"]),
        spacer(6),
        Paragraph(esc(app.applicant), st["body"]),
        Paragraph(esc(app.address), st["body"]),
        spacer(12),
        Paragraph(esc(f"Dear {app.applicant},"), st["body"]),
        spacer(6),
        *[Paragraph(esc(text), st["body"]) for text in body if text],
        spacer(6),
        Paragraph(
            esc(
                f"Annual income verified: {sheet.annual_income}; the program's limit for a "
                f"household of {sheet.household_size} is {sheet.limit}."
            ),
            st["body"],
        ),
        spacer(18),
        Paragraph(esc(f"{app.decided_by or 'Housing program staff'}"), st["body"]),
        Paragraph(esc(f"{city} Housing assistance program"), st["body"]),
    ]
    pdf = build_bytes(story, title=f"Decision {app.number}", footer=f"{app.number}")
    return write_output(path, pdf, force=force)
