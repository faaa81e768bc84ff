"""Housing assistance applications (RULES.md sections 12 and 13).

Applications are personal data: every method needs ``Permission.HOUSING_PROGRAM`` (program
staff, leads, administrators), checked against the user as the store knows them inside the
transaction; every read that shows a person (a list, a detail, a worksheet) writes an audit
entry naming what was seen; an export is for an administrator only (``EXPORT_HOUSING``) and
is audited too. Only an SSN's last four digits are accepted; a whole one, or a card number,
typed in any field is refused.

Each change of an application is sent to the central ledger (outbox kind ``housing``) with
the application as it stands: insert-only events, like receipts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cashdesk.domain.housing import (
    ACTIVE,
    Cycle,
    Frequency,
    IncomeSource,
    Member,
    Status,
    Worksheet,
    check_decision,
    check_reregistration,
    clean_name,
    destroy_after,
    effective_status,
    inquiry_worksheet,
    missing_documents,
    next_anniversary,
    refuse_identifiers,
    ssn_last_four,
    status_after_documents,
    worksheet,
)
from cashdesk.domain.money import Money
from cashdesk.domain.roles import Operator, Permission
from cashdesk.errors import NotFound, ValidationError
from cashdesk.outputs import atomic_output, csv_writer
from cashdesk.reports.program_data import ApplicationDetail
from cashdesk.services.context import ServiceContext
from cashdesk.services.current_user import signed_in
from cashdesk.store.engine import transaction
from cashdesk.store.models import User, new_uuid
from cashdesk.store.program_models import HousingApplication

NUMBER_PREFIX = "HA-"
MAX_MEMBERS = 30
MAX_SOURCES = 40
EXPORT_COLUMNS = (
    "number",
    "status",
    "received_on",
    "applicant",
    "address",
    "phone",
    "ssn_last4",
    "household_size",
    "annual_income",
    "limit",
    "eligible",
    "decided_on",
    "decision_reason",
    "approved_on",
    "anniversary",
    "closed_on",
    "destroy_after",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ApplicationInput:
    """What intake (or re-registration) collects."""

    members: Sequence[Member]
    sources: Sequence[IncomeSource]
    address: str = ""
    phone: str = ""
    ssn_last4: str = ""
    residence_proof: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ApplicationSummary:
    number: str
    applicant: str
    household_size: int
    status: Status  # as of today (re-registration due and lapsed worked out)
    received_on: dt.date
    anniversary: dt.date | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReregistrationList:
    today: dt.date
    due: tuple[ApplicationSummary, ...]  # due within 60 days of the anniversary, not lapsed
    lapsed: tuple[ApplicationSummary, ...]  # lapsed (recorded by this call if not yet)


def _members_json(members: Sequence[Member]) -> list[dict[str, Any]]:
    return [
        {"name": m.name, "born_on": m.born_on.isoformat(), "relationship": m.relationship}
        for m in members
    ]


def _sources_json(sources: Sequence[IncomeSource]) -> list[dict[str, Any]]:
    return [
        {
            "member": s.member,
            "description": s.description,
            "amount_cents": s.amount.cents,
            "frequency": s.frequency.value,
            "proof_received": s.proof_received,
        }
        for s in sources
    ]


def _members(row: HousingApplication) -> tuple[Member, ...]:
    return tuple(
        Member(
            name=m["name"],
            born_on=dt.date.fromisoformat(m["born_on"]),
            relationship=m["relationship"],
        )
        for m in row.members
    )


def _sources(row: HousingApplication) -> tuple[IncomeSource, ...]:
    return tuple(
        IncomeSource(
            member=int(s["member"]),
            description=s["description"],
            amount=Money(cents=int(s["amount_cents"])),
            frequency=Frequency(s["frequency"]),
            proof_received=bool(s["proof_received"]),
        )
        for s in row.sources
    )


def clean_input(data: ApplicationInput) -> ApplicationInput:
    """Names, relationships and descriptions trimmed; anything holding a whole SSN or a card
    number refused; the SSN field only its last four digits."""
    if not data.members:
        raise ValidationError("List the household's members, the applicant first.")
    if len(data.members) > MAX_MEMBERS or len(data.sources) > MAX_SOURCES:
        raise ValidationError("That is more members or income sources than a household has.")
    members = [
        Member(
            name=clean_name(m.name, field="member's name"),
            born_on=m.born_on,
            relationship=clean_name(m.relationship or "member", field="relationship"),
        )
        for m in data.members
    ]
    sources = [
        replace(
            s,
            description=refuse_identifiers(" ".join(s.description.split())[:80], field="income"),
        )
        for s in data.sources
    ]
    for s in sources:
        if not s.amount.is_positive:
            raise ValidationError("An income amount must be more than zero.")
    address = " ".join(data.address.split())
    if len(address) < 5 or len(address) > 200:
        raise ValidationError("Give the household's address in the city.")
    phone = " ".join(data.phone.split())[:40]
    return ApplicationInput(
        members=members,
        sources=sources,
        address=refuse_identifiers(address, field="address"),
        phone=refuse_identifiers(phone, field="phone"),
        ssn_last4=ssn_last_four(data.ssn_last4),
        residence_proof=data.residence_proof,
    )


class HousingService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    # -- helpers --------------------------------------------------------------------------
    def _row(self, s: Session, number: str) -> HousingApplication:
        row = s.scalar(
            select(HousingApplication).where(HousingApplication.number == number.strip().upper())
        )
        if row is None:
            raise NotFound(f"There is no housing application {number}.")
        return row

    def _detail(self, s: Session, row: HousingApplication) -> ApplicationDetail:
        members, sources = _members(row), _sources(row)
        names = {u.id: u.full_name for u in s.scalars(select(User))}
        today = self.ctx.business_date()
        status = effective_status(Status(row.status), anniversary=row.anniversary, today=today)
        return ApplicationDetail(
            id=row.id,
            number=row.number,
            status=status,
            received_on=row.received_on,
            taken_by=names.get(row.taken_by_id, ""),
            address=row.address,
            phone=row.phone,
            ssn_last4=row.ssn_last4,
            residence_proof=row.residence_proof,
            members=members,
            sources=sources,
            missing=missing_documents(
                sources, members, residence_proof=row.residence_proof, on=row.verified_on
            ),
            worksheet=worksheet(members, sources, on=row.verified_on),
            decided_on=row.decided_on,
            decided_by=names.get(row.decided_by_id, "") if row.decided_by_id else "",
            decision_reason=row.decision_reason,
            approved_on=row.approved_on,
            anniversary=row.anniversary,
            renewals=row.renewals,
            closed_on=row.closed_on,
        )

    def _summary(self, row: HousingApplication, today: dt.date) -> ApplicationSummary:
        return ApplicationSummary(
            number=row.number,
            applicant=row.members[0]["name"] if row.members else "",
            household_size=len(row.members),
            status=effective_status(Status(row.status), anniversary=row.anniversary, today=today),
            received_on=row.received_on,
            anniversary=row.anniversary,
        )

    def _send(self, s: Session, row: HousingApplication, event: str, actor: Operator) -> None:
        self.ctx.enqueue(
            s,
            kind="housing",
            subject_id=row.id,
            payload={
                "event": event,
                "by": actor.username,
                "id": row.id,
                "number": row.number,
                "workstation": row.workstation_id,
                "status": row.status,
                "received_on": row.received_on.isoformat(),
                "members": row.members,
                "sources": row.sources,
                "address": row.address,
                "ssn_last4": row.ssn_last4,
                "residence_proof": row.residence_proof,
                "verified_on": row.verified_on.isoformat(),
                "household_size": len(row.members),
                "annual_income_cents": row.annual_income_cents,
                "limit_cents": row.limit_cents,
                "eligible": row.eligible,
                "decision_reason": row.decision_reason,
                "approved_on": row.approved_on.isoformat() if row.approved_on else None,
                "anniversary": row.anniversary.isoformat() if row.anniversary else None,
                "closed_on": row.closed_on.isoformat() if row.closed_on else None,
            },
        )

    @staticmethod
    def _verify(row: HousingApplication, data: ApplicationInput, on: dt.date) -> Worksheet:
        sheet = worksheet(data.members, data.sources, on=on)
        row.members = _members_json(data.members)
        row.sources = _sources_json(data.sources)
        row.residence_proof = data.residence_proof
        row.verified_on = on
        row.annual_income_cents = sheet.annual_income.cents
        row.limit_cents = sheet.limit.cents
        row.eligible = sheet.eligible
        return sheet

    def inquiry(self, household_size: int, sources: Sequence[IncomeSource]) -> Worksheet:
        """A phone inquiry's worksheet for today: no names, nothing saved, no sign-in."""
        return inquiry_worksheet(household_size, sources, on=self.ctx.business_date())

    # -- intake and documents -------------------------------------------------------------
    def take_application(self, operator: Operator, data: ApplicationInput) -> ApplicationDetail:
        data = clean_input(data)
        now = self.ctx.now()
        day = self.ctx.business_date(now)
        with transaction(self.ctx.sessions, outcome="the application was not saved") as s:
            staff = signed_in(s, operator, Permission.HOUSING_PROGRAM)
            seq = 1 + int(
                s.scalar(
                    select(func.max(HousingApplication.seq)).where(
                        HousingApplication.workstation_id == self.ctx.workstation_id
                    )
                )
                or 0
            )
            row = HousingApplication(
                id=new_uuid(),
                number=f"{NUMBER_PREFIX}{seq:06d}",
                workstation_id=self.ctx.workstation_id,
                seq=seq,
                received_on=day,
                received_at=now,
                taken_by_id=staff.user_id,
                status=Status.RECEIVED.value,
                address=data.address,
                phone=data.phone,
                ssn_last4=data.ssn_last4,
                decision_reason="",
                renewals=0,
            )
            sheet = self._verify(row, data, day)
            missing = missing_documents(
                data.sources, data.members, residence_proof=data.residence_proof, on=day
            )
            row.status = status_after_documents(Status.RECEIVED, missing).value
            s.add(row)
            s.flush()
            self.ctx.audit(
                s,
                action="housing_application_received",
                actor_id=staff.user_id,
                subject=row.number,
                at=now,
                status=row.status,
                household=len(data.members),
                eligible=sheet.eligible,
            )
            self._send(s, row, "received", staff)
            return self._detail(s, row)

    def record_documents(
        self,
        operator: Operator,
        number: str,
        *,
        residence_proof: bool | None = None,
        income_proofs: Sequence[int] = (),
    ) -> ApplicationDetail:
        """Documents received: proof of residence, and proof for income sources (numbered
        from 1). The checklist then moves the application on (or keeps it pending)."""
        now = self.ctx.now()
        with transaction(self.ctx.sessions, outcome="the documents were not recorded") as s:
            staff = signed_in(s, operator, Permission.HOUSING_PROGRAM)
            row = self._row(s, number)
            current = Status(row.status)
            sources = list(_sources(row))
            for n in income_proofs:
                if not 1 <= n <= len(sources):
                    raise ValidationError(f"The application has no income source {n}.")
                sources[n - 1] = replace(sources[n - 1], proof_received=True)
            proof = row.residence_proof if residence_proof is None else residence_proof
            missing = missing_documents(
                sources, _members(row), residence_proof=proof, on=row.verified_on
            )
            after = status_after_documents(current, missing)
            row.sources = _sources_json(sources)
            row.residence_proof = proof
            row.status = after.value
            self.ctx.audit(
                s,
                action="housing_documents",
                actor_id=staff.user_id,
                subject=row.number,
                at=now,
                before=current.value,
                after=after.value,
                missing=list(missing),
            )
            self._send(s, row, "documents", staff)
            return self._detail(s, row)

    def decide(
        self, operator: Operator, number: str, *, approve: bool, reason: str = ""
    ) -> ApplicationDetail:
        """Approve or deny an application under review; a denial states its reason."""
        now = self.ctx.now()
        day = self.ctx.business_date(now)
        with transaction(self.ctx.sessions, outcome="the decision was not recorded") as s:
            staff = signed_in(s, operator, Permission.HOUSING_PROGRAM)
            row = self._row(s, number)
            sheet = worksheet(_members(row), _sources(row), on=row.verified_on)
            cleaned = check_decision(
                Status(row.status), approve=approve, sheet=sheet, reason=reason
            )
            row.decided_on, row.decided_by_id = day, staff.user_id
            if approve:
                row.status = Status.APPROVED.value
                row.decision_reason = cleaned or (
                    f"The household's annual income of {sheet.annual_income} is within the "
                    f"program's limit of {sheet.limit} for {sheet.household_size}."
                )
                row.approved_on = day
                row.anniversary = next_anniversary(day)
            else:
                row.status = Status.DENIED.value
                row.decision_reason = cleaned
                row.closed_on = day
            self.ctx.audit(
                s,
                action="housing_decision",
                actor_id=staff.user_id,
                subject=row.number,
                at=now,
                decision=row.status,
                reason=row.decision_reason,
                annual_income=sheet.annual_income.plain(),
                limit=sheet.limit.plain(),
            )
            self._send(s, row, row.status, staff)
            return self._detail(s, row)

    def reregister(
        self, operator: Operator, number: str, data: ApplicationInput
    ) -> ApplicationDetail:
        """The annual re-registration: the income verification is repeated on today's
        household; still eligible → renewed for the next year of the cycle, no longer
        eligible → denied with the reason (the case closes)."""
        data = clean_input(data)
        now = self.ctx.now()
        day = self.ctx.business_date(now)
        with transaction(self.ctx.sessions, outcome="the re-registration was not saved") as s:
            staff = signed_in(s, operator, Permission.HOUSING_PROGRAM)
            row = self._row(s, number)
            if row.anniversary is None:
                raise ValidationError(f"{row.number} was never approved; it cannot re-register.")
            following = check_reregistration(
                Status(row.status), anniversary=row.anniversary, today=day
            )
            missing = missing_documents(
                data.sources, data.members, residence_proof=data.residence_proof, on=day
            )
            if missing:
                raise ValidationError(
                    "Re-registration needs every document: missing " + ", ".join(missing) + "."
                )
            sheet = self._verify(row, data, day)
            row.address, row.phone = data.address, data.phone
            if data.ssn_last4:
                row.ssn_last4 = data.ssn_last4
            row.decided_on, row.decided_by_id = day, staff.user_id
            if sheet.eligible:
                row.status = Status.RENEWED.value
                row.anniversary = following
                row.renewals += 1
                row.decision_reason = (
                    f"Re-registered: annual income {sheet.annual_income} within the limit "
                    f"{sheet.limit} for {sheet.household_size}."
                )
            else:
                row.status = Status.DENIED.value
                row.closed_on = day
                row.decision_reason = (
                    f"At re-registration the household's annual income of {sheet.annual_income}"
                    f" is over the program's limit of {sheet.limit} for a household of "
                    f"{sheet.household_size}."
                )
            self.ctx.audit(
                s,
                action="housing_reregistration",
                actor_id=staff.user_id,
                subject=row.number,
                at=now,
                decision=row.status,
                annual_income=sheet.annual_income.plain(),
                limit=sheet.limit.plain(),
            )
            self._send(s, row, "reregistered", staff)
            return self._detail(s, row)

    # -- reading (every read that shows a person is audited) ------------------------------
    def application(self, operator: Operator, number: str) -> ApplicationDetail:
        with transaction(self.ctx.sessions) as s:
            staff = signed_in(s, operator, Permission.HOUSING_PROGRAM)
            row = self._row(s, number)
            self.ctx.audit(
                s, action="housing_application_viewed", actor_id=staff.user_id, subject=row.number
            )
            return self._detail(s, row)

    def applications(
        self, operator: Operator, *, status: Status | None = None, text: str = ""
    ) -> list[ApplicationSummary]:
        today = self.ctx.business_date()
        needle = text.strip().casefold()
        with transaction(self.ctx.sessions) as s:
            staff = signed_in(s, operator, Permission.HOUSING_PROGRAM)
            rows = s.scalars(select(HousingApplication).order_by(HousingApplication.seq))
            found = [
                self._summary(r, today)
                for r in rows
                if not needle
                or needle in r.number.casefold()
                or any(needle in m["name"].casefold() for m in r.members)
            ]
            if status is not None:
                found = [a for a in found if a.status is status]
            self.ctx.audit(
                s,
                action="housing_applications_listed",
                actor_id=staff.user_id,
                status=status.value if status else "",
                text=text.strip()[:40],
                shown=[a.number for a in found][:200],
            )
            return found

    def reregistration_list(self, operator: Operator) -> ReregistrationList:
        """Who is due to re-register (within 60 days of the anniversary) and who lapsed; a
        case found lapsed is recorded as lapsed (closed that day, for retention) and sent."""
        now = self.ctx.now()
        today = self.ctx.business_date(now)
        with transaction(self.ctx.sessions) as s:
            staff = signed_in(s, operator, Permission.HOUSING_PROGRAM)
            due: list[ApplicationSummary] = []
            lapsed: list[ApplicationSummary] = []
            active = [st.value for st in ACTIVE] + [Status.LAPSED.value]
            for row in s.scalars(
                select(HousingApplication)
                .where(HousingApplication.status.in_(active))
                .order_by(HousingApplication.anniversary, HousingApplication.seq)
            ):
                summary = self._summary(row, today)
                if summary.status is Status.LAPSED:
                    if row.status != Status.LAPSED.value and row.anniversary is not None:
                        row.status = Status.LAPSED.value
                        row.closed_on = Cycle(anniversary=row.anniversary).lapses_on
                        self.ctx.audit(
                            s,
                            action="housing_lapsed",
                            actor_id=staff.user_id,
                            subject=row.number,
                            at=now,
                            anniversary=row.anniversary.isoformat(),
                        )
                        self._send(s, row, "lapsed", staff)
                    lapsed.append(summary)
                elif summary.status is Status.REREGISTRATION_DUE:
                    due.append(summary)
            self.ctx.audit(
                s,
                action="housing_reregistration_list",
                actor_id=staff.user_id,
                at=now,
                due=[a.number for a in due],
                lapsed=[a.number for a in lapsed],
            )
        return ReregistrationList(today=today, due=tuple(due), lapsed=tuple(lapsed))

    # -- export (administrator only) ------------------------------------------------------
    def export(self, operator: Operator, path: Path, *, force: bool = False) -> int:
        """Every application to a CSV file written through ``outputs.atomic_output`` (0600,
        atomic, never over the store; an existing file only with ``force``); returns the rows
        written. Only a finance administrator may; the export is audited."""
        today = self.ctx.business_date()
        with transaction(self.ctx.sessions, outcome="nothing was exported") as s:
            admin = signed_in(s, operator, Permission.EXPORT_HOUSING)
            rows = list(s.scalars(select(HousingApplication).order_by(HousingApplication.seq)))
            table: list[tuple[object, ...]] = []
            for r in rows:
                status = effective_status(Status(r.status), anniversary=r.anniversary, today=today)
                table.append(
                    (
                        r.number,
                        status.value,
                        r.received_on.isoformat(),
                        r.members[0]["name"] if r.members else "",
                        r.address,
                        r.phone,
                        r.ssn_last4,
                        len(r.members),
                        Money(cents=r.annual_income_cents).plain(),
                        Money(cents=r.limit_cents).plain(),
                        "yes" if r.eligible else "no",
                        r.decided_on.isoformat() if r.decided_on else "",
                        r.decision_reason,
                        r.approved_on.isoformat() if r.approved_on else "",
                        r.anniversary.isoformat() if r.anniversary else "",
                        r.closed_on.isoformat() if r.closed_on else "",
                        destroy_after(r.closed_on).isoformat() if r.closed_on else "",
                    )
                )
            with (
                atomic_output(path, force=force) as tmp,
                tmp.open("w", encoding="utf-8", newline="") as out,
            ):
                writer = csv_writer(out, lineterminator="\n")
                writer.writerow(EXPORT_COLUMNS)
                writer.writerows(table)
            self.ctx.audit(
                s,
                action="housing_export",
                actor_id=admin.user_id,
                subject=path.name[:64],
                rows=len(rows),
            )
        return len(rows)
