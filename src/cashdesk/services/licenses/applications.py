"""Holding applications until their receipt posts; issuing them inside its transaction."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from cashdesk.domain import business_license as business_rules
from cashdesk.domain.calendar import long_date
from cashdesk.domain.lines import ChargeLine
from cashdesk.domain.quote import FeeQuote
from cashdesk.domain.receipt import FinalReceipt
from cashdesk.domain.roles import Operator
from cashdesk.errors import StateError, ValidationError
from cashdesk.services.context import ServiceContext
from cashdesk.services.payments import PaymentService
from cashdesk.store.license_models import (
    IssuedLicenseRow,
    LicenseCounterRow,
)
from cashdesk.store.models import Receipt, new_uuid

if TYPE_CHECKING:  # reportlab is loaded when a certificate or register is made, not at start
    pass
from cashdesk.services.licenses.common import (
    APPLICATION_PREFIX,
    LICENSE_CODES,
    LicenseCharge,
    _amount,
    _application_id,
    _issue_payload,
    _payable,
    _Pending,
    _Posting,
)


class LicenseApplications:
    def __init__(
        self, ctx: ServiceContext, payments: PaymentService, *, documents_dir: Path | None = None
    ) -> None:
        self.ctx = ctx
        self.payments = payments
        self.documents_dir = documents_dir
        self._pending: dict[str, _Pending] = {}
        self._lock = threading.Lock()

    # -- holding applications until they are paid ----------------------------------------------
    def _hold(
        self,
        *,
        kind: str,
        action: str,
        summary: str,
        today: dt.date,
        paid_on: dt.date,
        requote: Callable[[dt.date], FeeQuote],
        apply: Callable[[_Posting], str],
    ) -> LicenseCharge:
        """Hold an application: its fees are ``requote(today)``, the very function the posting
        checks them with."""
        application = _application_id()
        quote = requote(today)
        charge = LicenseCharge(
            application=application,
            kind=kind,
            action=action,
            summary=summary,
            quote=quote,
            lines=_payable(quote, application),
            paid_on=paid_on,
        )
        with self._lock:
            self._pending[application] = _Pending(charge=charge, requote=requote, apply=apply)
        return charge

    def discard(self, application: str) -> None:
        """Forget an application the customer did not pay (its lines were removed)."""
        with self._lock:
            self._pending.pop(application, None)

    def pending(self) -> list[LicenseCharge]:
        with self._lock:
            return [p.charge for p in self._pending.values()]

    # -- posting --------------------------------------------------------------------------------
    def check_receipt(self, s: Session, final: FinalReceipt, operator: Operator) -> None:
        """A posting check: license, tag and TOT lines only come from an application here."""
        for line in final.lines:
            if line.code in LICENSE_CODES and not line.reference.startswith(APPLICATION_PREFIX):
                raise ValidationError(
                    f"{line.code} lines are added by the license screens (which issue the "
                    "license or record the return with the payment), not keyed by hand."
                )

    def on_posted(
        self, s: Session, receipt: Receipt, final: FinalReceipt, operator: Operator
    ) -> None:
        """The posted-hook: issue what the receipt's applications pay for, in its transaction."""
        applications = list(
            dict.fromkeys(
                line.reference
                for line in final.lines
                if line.reference.startswith(APPLICATION_PREFIX)
            )
        )
        if not applications:
            return
        for application in applications:
            on_receipt = [line for line in final.lines if line.reference == application]
            reference = self._apply(
                s,
                application,
                on_receipt,
                receipt=receipt,
                business_date=receipt.business_date,
                now=receipt.posted_at,
                operator=operator,
            )
            for receipt_line in receipt.lines:
                if receipt_line.reference == application:
                    receipt_line.reference = reference

        def forget(_session: Session) -> None:
            with self._lock:
                for application in applications:
                    self._pending.pop(application, None)

        event.listen(s, "after_commit", forget, once=True)

    def _apply(
        self,
        s: Session,
        application: str,
        on_receipt: list[ChargeLine],
        *,
        receipt: Receipt | None,
        business_date: dt.date,
        now: dt.datetime,
        operator: Operator,
    ) -> str:
        with self._lock:
            pending = self._pending.get(application)
        if pending is None:
            done = s.scalar(
                select(IssuedLicenseRow.license_no).where(
                    IssuedLicenseRow.application == application
                )
            )
            if done is not None:
                raise StateError(f"Application {application} was already issued as {done}.")
            raise StateError(
                f"Application {application} is not open at this workstation (was the program "
                "restarted?); remove its lines and start the application again."
            )
        summary = pending.charge.summary
        if Counter(on_receipt) != Counter(pending.charge.lines):
            raise ValidationError(
                f"The lines of “{summary}” were changed on the receipt; remove them and add "
                "the application again."
            )
        fresh = pending.requote(business_date)
        if _payable(fresh, application) != pending.charge.lines:
            raise ValidationError(
                f"The fees for “{summary}” are different on {long_date(business_date)} than "
                "when they were worked out; remove the lines and work them out again."
            )
        posting = _Posting(
            application=application,
            session=s,
            receipt=receipt,
            business_date=business_date,
            now=now,
            operator=operator,
            quote=fresh,
        )
        return pending.apply(posting)

    def _record_issue(
        self,
        p: _Posting,
        *,
        kind: str,
        action: str,
        license_no: str,
        holder: str,
        owner: str,
        address: str,
        detail: str,
        license_class: str,
        term_start: dt.date,
        term_end: dt.date,
        received_via: str,
        received_on: dt.date,
        tag_no: str = "",
        fee_cents: int | None = None,
        penalty_cents: int | None = None,
        state_fee_cents: int | None = None,
    ) -> None:
        if fee_cents is None:
            fee_cents = _amount(p.quote, [business_rules.GL_TAX])
        if penalty_cents is None:
            penalty_cents = _amount(p.quote, [business_rules.GL_PENALTY])
        if state_fee_cents is None:
            state_fee_cents = _amount(
                p.quote,
                [business_rules.GL_STATE_FEE_CITY_SHARE, business_rules.GL_STATE_FEE_STATE_SHARE],
            )
        row = IssuedLicenseRow(
            id=new_uuid(),
            application=p.application,
            kind=kind,
            action=action,
            license_no=license_no,
            holder=holder[:120],
            owner=owner[:120],
            address=address[:120],
            detail=detail[:120],
            license_class=license_class,
            term_start=term_start,
            term_end=term_end,
            tag_no=tag_no,
            received_via=received_via,
            received_on=received_on,
            business_date=p.business_date,
            issued_at=p.now,
            cashier_id=p.operator.user_id,
            receipt=p.receipt,
            fee_cents=fee_cents,
            penalty_cents=penalty_cents,
            state_fee_cents=state_fee_cents,
            total_cents=fee_cents + penalty_cents + state_fee_cents,
        )
        if row.total_cents != p.quote.total.cents:
            raise StateError(f"The fees of {license_no} do not add up; nothing was issued.")
        p.session.add(row)
        self.ctx.enqueue(
            p.session,
            kind="license",
            subject_id=row.id,
            at=p.now,
            payload=_issue_payload(row, p.receipt.number if p.receipt is not None else ""),
        )

    def _next_license_no(self, s: Session, kind: str) -> str:
        """The next number of a kind ("BL", "AL") at this workstation, gapless: the counter
        moves inside the posting transaction and rolls back with it."""
        number = s.execute(
            update(LicenseCounterRow)
            .where(LicenseCounterRow.kind == kind)
            .values(last_no=LicenseCounterRow.last_no + 1)
            .returning(LicenseCounterRow.last_no)
        ).scalar_one_or_none()
        if number is None:
            number = 1
            s.add(LicenseCounterRow(kind=kind, last_no=number))
        return f"{kind}-{self.ctx.workstation_id}-{int(number):05d}"
