"""The license service: every kind of license and return, and paying for them."""

from __future__ import annotations

from sqlalchemy import select

from cashdesk.domain.receipt import ReceiptDraft
from cashdesk.domain.roles import Operator, Permission
from cashdesk.errors import NotFound, StateError
from cashdesk.services.drawers import DEFAULT_DRAWER
from cashdesk.services.licenses.animal import AnimalLicenses
from cashdesk.services.licenses.applications import Application
from cashdesk.services.licenses.business import BusinessLicenses
from cashdesk.services.licenses.common import LicensePayment
from cashdesk.services.licenses.documents import LicenseDocuments
from cashdesk.services.licenses.tot import TotReturns
from cashdesk.store.engine import transaction
from cashdesk.store.license_models import IssuedLicenseRow, LicenseApplicationRow


class LicenseService(BusinessLicenses, AnimalLicenses, TotReturns, LicenseDocuments):
    def pay(
        self, operator: Operator, draft: ReceiptDraft, *, drawer: str = DEFAULT_DRAWER
    ) -> LicensePayment:
        """Post a draft that carries applications, then hand back the licenses issued (with
        their certificates) and the returns recorded."""
        posted = self.payments.post_payment(operator, draft, drawer=drawer)
        return LicensePayment(
            receipt=posted,
            issued=tuple(self.issued_on_receipt(operator, posted.number)),
            returns=tuple(self._returns_on_receipt(posted.id, posted.number)),
        )

    def issue_without_payment(self, operator: Operator, application: str) -> LicensePayment:
        """Issue an application that owes nothing (a service animal; a TOT return with no tax
        that is on time): no receipt, the same records, an audit entry and an outbox row."""
        operator.require(Permission.TAKE_PAYMENT)
        now = self.ctx.now()
        business_date = self.ctx.business_date(now)
        with transaction(self.ctx.sessions) as s:
            pending = s.get(LicenseApplicationRow, application)
            if pending is None or pending.status != "open":
                raise NotFound(f"No open application {application!r}.")
            if pending.kind == "tot":
                raise StateError(
                    "A TOT return with nothing to pay is filed with the city's TOT office, "
                    "not at the counter."
                )
            owed = Application.from_row(pending).requote(pending.quoted_on).total
            if owed.is_positive:
                raise StateError(f"“{pending.summary}” owes {owed}; take it.")
            app, quote = self._priced(pending, [], business_date)
            reference = self._issue(
                pending,
                app,
                quote,
                None,
                s=s,
                business_date=business_date,
                now=now,
                operator=operator,
            )
            row = s.scalar(
                select(IssuedLicenseRow).where(
                    IssuedLicenseRow.application == application,
                    IssuedLicenseRow.receipt_id.is_(None),
                )
            )
            assert row is not None
            self.ctx.audit(
                s,
                action="license_issued_without_fee",
                actor_id=operator.user_id,
                subject=row.license_no,
                at=now,
                application=application,
                reference=reference,
            )
            row_id = row.id
        with self.ctx.sessions() as s:
            stored = s.get(IssuedLicenseRow, row_id)
            assert stored is not None
            issued = self._issued(stored, "")
        return LicensePayment(
            receipt=None,
            issued=(issued,),
            returns=(),
        )
