"""What was issued on a receipt, certificates and the license register."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import or_, select

from cashdesk.domain import business_license as business_rules
from cashdesk.domain.calendar import long_date
from cashdesk.domain.money import Money
from cashdesk.domain.roles import Operator, Permission
from cashdesk.errors import NotFound, ValidationError
from cashdesk.outputs import write_output
from cashdesk.store.engine import transaction
from cashdesk.store.license_models import (
    IssuedLicenseRow,
    TotReturnRow,
)
from cashdesk.store.models import Receipt

if TYPE_CHECKING:  # reportlab is loaded when a certificate or register is made, not at start
    from cashdesk.reports.license_certificate import Certificate, Signature
    from cashdesk.reports.license_register import RegisterEntry
from cashdesk.services.licenses.applications import LicenseApplications
from cashdesk.services.licenses.common import FiledReturn, IssuedLicense


class LicenseDocuments(LicenseApplications):
    # -- after posting: what was issued, certificates --------------------------------------------
    def issued_on_receipt(self, operator: Operator, receipt_number: str) -> list[IssuedLicense]:
        """The licenses a receipt issued, each with its certificate (saved when the service
        has a documents folder)."""
        operator.require(Permission.REPRINT_RECEIPT)
        with self.ctx.sessions() as s:
            receipt = s.scalar(select(Receipt).where(Receipt.number == receipt_number))
            if receipt is None:
                raise NotFound(f"No receipt {receipt_number!r}.")
            rows = s.scalars(
                select(IssuedLicenseRow)
                .where(IssuedLicenseRow.receipt_id == receipt.id)
                .order_by(IssuedLicenseRow.issued_at, IssuedLicenseRow.license_no)
            ).all()
            return [self._issued(row, receipt.number) for row in rows]

    def certificate(self, operator: Operator, license_no: str) -> bytes:
        """The certificate of a license's latest issue here (a reprint); a voided issue has
        none."""
        operator.require(Permission.REPRINT_RECEIPT)
        with self.ctx.sessions() as s:
            row = s.scalar(
                select(IssuedLicenseRow)
                .outerjoin(Receipt, Receipt.id == IssuedLicenseRow.receipt_id)
                .where(
                    IssuedLicenseRow.license_no == license_no.strip().upper(),
                    or_(IssuedLicenseRow.receipt_id.is_(None), Receipt.status != "voided"),
                )
                .order_by(IssuedLicenseRow.issued_at.desc())
                .limit(1)
            )
            if row is None:
                raise NotFound(f"No license {license_no.strip()!r} was issued at this counter.")
            receipt = s.get(Receipt, row.receipt_id) if row.receipt_id else None
            from cashdesk.reports.license_certificate import render_certificate

            return render_certificate(self._certificate(row, receipt.number if receipt else ""))

    def _issued(self, row: IssuedLicenseRow, receipt_number: str) -> IssuedLicense:
        from cashdesk.reports.license_certificate import render_certificate

        pdf = render_certificate(self._certificate(row, receipt_number))
        path = None
        if self.documents_dir is not None:
            folder = self.documents_dir / "certificates"
            path = folder / f"{row.license_no}_{row.application}.pdf"
            write_output(path, pdf, force=True)  # 0600, folders 0700, atomic
        return IssuedLicense(
            license_no=row.license_no,
            kind=row.kind,
            action=row.action,
            holder=row.holder,
            term_start=row.term_start,
            term_end=row.term_end,
            tag_no=row.tag_no,
            receipt_number=receipt_number,
            total=Money(cents=row.total_cents),
            certificate=pdf,
            certificate_path=path,
        )

    def _certificate(self, row: IssuedLicenseRow, receipt_number: str) -> Certificate:
        from cashdesk.reports.license_certificate import Certificate

        issued = long_date(row.business_date)
        if receipt_number:
            issued += f", receipt {receipt_number}"
        term = f"{long_date(row.term_start)} to {long_date(row.term_end)}"
        paid = f"{Money(cents=row.total_cents)}"
        if row.kind == "business":
            klass = business_rules.license_class_of(row.license_class)
            return Certificate(
                city=self.ctx.config.city_name,
                title="Business License",
                license_no=row.license_no,
                holder=row.holder,
                fields=(
                    ("Owner", row.owner),
                    ("Business address", row.address),
                    ("Classification", f"{klass.value} — {business_rules.CLASS_NAMES[klass]}"),
                    ("License term", term),
                    ("Kind", "New license" if row.action == "new" else "Renewal"),
                    ("Issued", issued),
                    ("Fees paid", paid),
                ),
                footer="Post this license in a conspicuous place at the place of business. "
                "It is not transferable and expires at the end of the license term.",
                signature=self._signature(),
            )
        species = row.license_class.capitalize()
        return Certificate(
            city=self.ctx.config.city_name,
            title=f"{species} License",
            license_no=row.license_no,
            holder=row.detail,
            fields=(
                ("Owner", row.owner),
                ("Address", row.address),
                ("Tag number", row.tag_no),
                ("License term", term),
                ("Kind", {"new": "New license", "renewal": "Renewal"}.get(row.action, "Tag")),
                ("Issued", issued),
                ("Fees paid", paid),
            ),
            footer="The tag must be worn by the animal at all times. "
            "A lost tag is replaced for $5.00 at the finance counter.",
            signature=self._signature(),
        )

    def _signature(self) -> Signature:
        from cashdesk.reports.license_certificate import Signature

        signing = self.ctx.config.certificates
        return Signature(name=signing.signatory, title=signing.title, image=signing.image)

    def _returns_on_receipt(self, receipt_id: str, number: str) -> list[FiledReturn]:
        with self.ctx.sessions() as s:
            rows = s.scalars(select(TotReturnRow).where(TotReturnRow.receipt_id == receipt_id))
            return [
                FiledReturn(
                    tot_operator_id=r.tot_operator_id,
                    year=r.period_year,
                    month=r.period_month,
                    total=Money(cents=r.total_cents),
                    receipt_number=number,
                )
                for r in rows
            ]

    # -- the license register -------------------------------------------------------------------
    def license_register(
        self, operator: Operator, *, start: dt.date, end: dt.date, kind: str | None = None
    ) -> list[RegisterEntry]:
        """Licenses issued here with business dates from ``start`` to ``end`` (inclusive)."""
        from cashdesk.reports.license_register import RegisterEntry

        operator.require(Permission.LICENSE_REGISTER)
        if end < start:
            raise ValidationError(
                f"The register's end {long_date(end)} is before its start {long_date(start)}."
            )
        if kind not in (None, "business", "animal"):
            raise ValidationError(f"The register lists business or animal licenses, not {kind!r}.")
        with self.ctx.sessions() as s:
            query = (
                select(IssuedLicenseRow, Receipt.number, Receipt.status)
                .outerjoin(Receipt, Receipt.id == IssuedLicenseRow.receipt_id)
                .where(
                    IssuedLicenseRow.business_date >= start, IssuedLicenseRow.business_date <= end
                )
                .order_by(IssuedLicenseRow.business_date, IssuedLicenseRow.issued_at)
            )
            if kind is not None:
                query = query.where(IssuedLicenseRow.kind == kind)
            return [
                RegisterEntry(
                    business_date=row.business_date,
                    license_no=row.license_no,
                    kind=row.kind,
                    action=row.action,
                    holder=row.holder,
                    license_class=row.license_class,
                    term_start=row.term_start,
                    term_end=row.term_end,
                    tag_no=row.tag_no,
                    received_via=row.received_via,
                    receipt_number=number or "",
                    status=status or "no fee",
                    fee=Money(cents=row.fee_cents),
                    penalty=Money(cents=row.penalty_cents),
                    state_fee=Money(cents=row.state_fee_cents),
                    total=Money(cents=row.total_cents),
                )
                for row, number, status in s.execute(query)
            ]

    def write_license_register(
        self,
        operator: Operator,
        *,
        start: dt.date,
        end: dt.date,
        out: Path,
        kind: str | None = None,
        force: bool = False,
    ) -> int:
        """Write the register to ``out`` (.pdf or .csv); returns the number of entries."""
        from cashdesk.reports.license_register import register_csv, register_pdf

        suffix = out.suffix.lower()
        if suffix not in {".pdf", ".csv"}:
            raise ValidationError(f"The register is written as .pdf or .csv, not {out.name!r}.")
        entries = self.license_register(operator, start=start, end=end, kind=kind)
        if suffix == ".csv":
            write_output(out, register_csv(entries), force=force)
        else:
            printed = self.ctx.local_time(self.ctx.now()).strftime("%Y-%m-%d %H:%M")
            pdf = register_pdf(
                entries,
                city=self.ctx.config.city_name,
                start=start,
                end=end,
                printed=printed,
                workstation=self.ctx.workstation_id,
            )
            write_output(out, pdf, force=force)
        with transaction(self.ctx.sessions) as s:
            self.ctx.audit(
                s,
                action="license_register_run",
                actor_id=operator.user_id,
                subject=f"{start.isoformat()}..{end.isoformat()}",
                entries=len(entries),
            )
        return len(entries)
