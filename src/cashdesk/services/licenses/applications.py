"""Applications waiting for their payment, and the posting participants that issue them.

An application is data (an :class:`Application` subclass per kind and action), kept in
``license_applications`` under its ``APP-…`` id, the reference of its receipt lines. The
posting participants (one per license kind, owning its revenue codes) re-price it on the
posting's business date in ``check``, issue it in ``apply``, and put every record back in
``undo`` when the receipt is voided.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import typing
from abc import ABC, abstractmethod
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import Select, delete, or_, select, update
from sqlalchemy.orm import Session

from cashdesk.domain import business_license as business_rules
from cashdesk.domain.calendar import long_date
from cashdesk.domain.lines import ChargeLine
from cashdesk.domain.quote import FeeQuote
from cashdesk.errors import StateError, ValidationError
from cashdesk.services.context import ServiceContext
from cashdesk.services.licenses.common import (
    APPLICATION_PREFIX,
    LicenseCharge,
    _amount,
    _application_id,
    _issue_payload,
    _payable,
    _Posting,
)
from cashdesk.services.payments import PaymentService
from cashdesk.services.posting import Participant, Posting, Voiding
from cashdesk.store.engine import transaction
from cashdesk.store.license_models import (
    IssuedLicenseRow,
    LicenseApplicationRow,
    LicenseCounterRow,
)
from cashdesk.store.models import Receipt, new_uuid


class Application(ABC):
    """What a customer applied for, as plain fields (dates, amounts, choices): everything
    needed to price it on any business date and to issue it. Subclasses are frozen
    dataclasses naming their ``kind`` and ``action``."""

    kind: ClassVar[str]
    action: ClassVar[str]
    kinds: ClassVar[dict[tuple[str, str], type[Application]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        Application.kinds[(cls.kind, cls.action)] = cls

    @abstractmethod
    def requote(self, business_date: dt.date) -> FeeQuote:
        """The fees on ``business_date`` (the hold and the posting use this same rule)."""

    @abstractmethod
    def issue(self, licenses: LicenseApplications, p: _Posting) -> str:
        """Issue / renew / record inside the posting transaction; returns the reference the
        receipt lines get (the license or tag number)."""

    def license_changed(self) -> str | None:
        """The license on file this application changes (a renewal, a new tag), if any."""
        return None

    def to_json(self) -> str:
        values = {}
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if isinstance(value, dt.date | Decimal):
                value = str(value)
            elif isinstance(value, enum.Enum):
                value = value.value
            values[f.name] = value
        return json.dumps(values, sort_keys=True)

    @staticmethod
    def from_row(row: LicenseApplicationRow) -> Application:
        cls = Application.kinds.get((row.kind, row.action))
        if cls is None:
            raise StateError(f"Application {row.id} is of an unknown kind {row.kind}/{row.action}.")
        hints = typing.get_type_hints(cls)
        values = json.loads(row.params)
        fields = {}
        for f in dataclasses.fields(cls):  # type: ignore[arg-type]
            fields[f.name] = _decode(hints[f.name], values[f.name])
        return cls(**fields)


def _decode(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    options = typing.get_args(hint) or (hint,)
    for option in options:
        if option is dt.date:
            return dt.date.fromisoformat(value)
        if option is Decimal:
            return Decimal(value)
        if isinstance(option, type) and issubclass(option, enum.Enum):
            return option(value)
    return value


IssuePlan = list[tuple[LicenseApplicationRow, Application, FeeQuote]]


class LicenseApplications:
    def __init__(
        self, ctx: ServiceContext, payments: PaymentService, *, documents_dir: Path | None = None
    ) -> None:
        self.ctx = ctx
        self.payments = payments
        self.documents_dir = documents_dir

    # -- holding applications until they are paid ----------------------------------------------
    def _hold(self, application: Application, *, summary: str, paid_on: dt.date) -> LicenseCharge:
        """Keep an application until it is paid: its fees are ``requote(today)``, the very
        rule the posting checks them with."""
        today = self.ctx.business_date()
        number = _application_id()
        quote = application.requote(today)
        with transaction(self.ctx.sessions) as s:
            s.add(
                LicenseApplicationRow(
                    id=number,
                    kind=application.kind,
                    action=application.action,
                    summary=summary[:200],
                    params=application.to_json(),
                    quoted_on=today,
                    paid_on=paid_on,
                    created_at=self.ctx.now(),
                    status="open",
                )
            )
        return _charge(number, application, summary, quote, paid_on)

    def discard(self, application: str) -> None:
        """Forget an application the customer did not pay (its lines were removed)."""
        with transaction(self.ctx.sessions) as s:
            s.execute(
                delete(LicenseApplicationRow).where(
                    LicenseApplicationRow.id == application, LicenseApplicationRow.status == "open"
                )
            )

    def pending(self) -> list[LicenseCharge]:
        """The applications waiting for their payment, as they were worked out."""
        with self.ctx.sessions() as s:
            rows = s.scalars(
                select(LicenseApplicationRow)
                .where(LicenseApplicationRow.status == "open")
                .order_by(LicenseApplicationRow.created_at)
            ).all()
            return [
                _charge(
                    row.id,
                    application := Application.from_row(row),
                    row.summary,
                    application.requote(row.quoted_on),
                    row.paid_on,
                )
                for row in rows
            ]

    def _open_application(self, s: Session, number: str) -> LicenseApplicationRow:
        row = s.get(LicenseApplicationRow, number)
        if row is None or row.status != "open":
            done = s.scalar(
                select(IssuedLicenseRow.license_no).where(
                    IssuedLicenseRow.application == number,
                    IssuedLicenseRow.id.in_(_live_issues()),
                )
            )
            if done is not None:
                raise StateError(f"Application {number} was already issued as {done}.")
            raise StateError(
                f"Application {number} is not open at this workstation; remove its lines and "
                "start the application again."
            )
        return row

    def _priced(
        self, row: LicenseApplicationRow, on_receipt: list[ChargeLine], business_date: dt.date
    ) -> tuple[Application, FeeQuote]:
        """The application and its fees on ``business_date``, refusing lines that are not
        exactly the ones it was worked out with (or that the date has changed)."""
        application = Application.from_row(row)
        if Counter(on_receipt) != Counter(_payable(application.requote(row.quoted_on), row.id)):
            raise ValidationError(
                f"The lines of “{row.summary}” were changed on the receipt; remove them and add "
                "the application again."
            )
        fresh = application.requote(business_date)
        if Counter(_payable(fresh, row.id)) != Counter(on_receipt):
            raise ValidationError(
                f"The fees for “{row.summary}” are different on {long_date(business_date)} "
                "than when they were worked out; remove the lines and work them out again."
            )
        return application, fresh

    def _issue(
        self,
        row: LicenseApplicationRow,
        application: Application,
        quote: FeeQuote,
        p: Posting | None,
        *,
        s: Session,
        business_date: dt.date,
        now: dt.datetime,
        operator: Any,
    ) -> str:
        issuing = _Posting(
            application=row.id,
            session=s,
            receipt=p.posted if p is not None else None,
            business_date=business_date,
            now=now,
            operator=operator,
            quote=quote,
        )
        reference = application.issue(self, issuing)
        row.status = "issued"
        row.receipt_id = issuing.receipt.id if issuing.receipt is not None else None
        return reference

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
        prior: str = "",
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
            prior=prior,
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


def _charge(
    number: str, application: Application, summary: str, quote: FeeQuote, paid_on: dt.date
) -> LicenseCharge:
    return LicenseCharge(
        application=number,
        kind=application.kind,
        action=application.action,
        summary=summary,
        quote=quote,
        lines=_payable(quote, number),
        paid_on=paid_on,
    )


def row_state(row: Any) -> str:
    """A license row's columns as JSON: what a void puts back."""
    values = {}
    for column in row.__table__.columns:
        value = getattr(row, column.key)
        values[column.key] = value.isoformat() if isinstance(value, dt.date) else value
    return json.dumps(values, sort_keys=True)


def restore_state(row: Any, prior: str) -> None:
    for column in row.__table__.columns:
        if column.primary_key or column.key not in (values := json.loads(prior)):
            continue
        value = values[column.key]
        if value is not None and column.type.python_type is dt.date:
            value = dt.date.fromisoformat(value)
        setattr(row, column.key, value)


def give_back_number(s: Session, kind: str, license_no: str) -> None:
    """A voided new license's number goes back to its counter when it was the last one taken
    (numbers stay gapless); a later one taken since keeps the gap, named in the audit."""
    counter = s.get(LicenseCounterRow, kind)
    try:
        number = int(license_no.rsplit("-", 1)[1])
    except (IndexError, ValueError):
        return
    if counter is not None and counter.last_no == number:
        if number == 1:
            s.delete(counter)  # the first number of the kind: the counter was not there before
        else:
            counter.last_no = number - 1


class LicenseParticipant(Participant[IssuePlan]):
    """The posting participant of one license kind: its codes' lines come only from an open
    application here; ``apply`` issues it; ``undo`` takes the issue back (per kind)."""

    def __init__(self, licenses: LicenseApplications, *, name: str, codes: frozenset[str]):
        self.licenses = licenses
        self.name = name
        self.codes = codes

    def check(self, posting: Posting) -> IssuePlan:
        plan = []
        for reference, lines in posting.by_reference(self.codes).items():
            if not reference.startswith(APPLICATION_PREFIX):
                raise ValidationError(
                    f"{lines[0].code} lines are added by the license screens (which issue the "
                    "license or record the return with the payment), not keyed by hand."
                )
            row = self.licenses._open_application(posting.session, reference)
            if row.kind != self.name:
                raise ValidationError(f"Application {reference} is not a {self.name} license.")
            on_receipt = [line for line in posting.final.lines if line.reference == reference]
            application, quote = self.licenses._priced(row, on_receipt, posting.business_date)
            plan.append((row, application, quote))
        # One change to a license per receipt: a void puts each license back in one step.
        changed = [n for _, a, _ in plan if (n := a.license_changed()) is not None]
        for number in {n for n in changed if changed.count(n) > 1}:
            raise ValidationError(
                f"{number} has two applications on this receipt; take them one at a time."
            )
        return plan

    def apply(self, posting: Posting, plan: IssuePlan) -> None:
        for row, application, quote in plan:
            reference = self.licenses._issue(
                row,
                application,
                quote,
                posting,
                s=posting.session,
                business_date=posting.business_date,
                now=posting.now,
                operator=posting.operator,
            )
            posting.set_reference(row.id, reference)

    def undo(self, voiding: Voiding) -> None:
        s = voiding.session
        applications = s.scalars(
            select(LicenseApplicationRow).where(
                LicenseApplicationRow.receipt_id == voiding.receipt.id,
                LicenseApplicationRow.kind == self.name,
            )
        ).all()
        # The latest number first, so each counter steps back over the numbers it gave.
        issues = sorted(
            ((a, register_issue(voiding, a.id)) for a in applications),
            key=lambda pair: pair[1].license_no if pair[1] is not None else "",
            reverse=True,
        )
        for application, issued in issues:
            self.take_back(voiding, application.id, issued)
            application.status = "open"
            application.receipt_id = None
        s.flush()

    @abstractmethod
    def take_back(
        self, voiding: Voiding, application: str, issued: IssuedLicenseRow | None
    ) -> None:
        """Undo what the application issued with the voided receipt."""


def register_issue(voiding: Voiding, application: str) -> IssuedLicenseRow | None:
    """The license issue of ``application`` on the voided receipt. It stays in the license
    register (shown voided, with its receipt): the register is the counter's history, like
    the receipt itself; the license row is what the void puts back."""
    issued = voiding.session.scalar(
        select(IssuedLicenseRow).where(
            IssuedLicenseRow.application == application,
            IssuedLicenseRow.receipt_id == voiding.receipt.id,
        )
    )
    if issued is not None:
        voiding.undone.append(
            {
                "record": "license",
                "license_no": issued.license_no,
                "kind": issued.kind,
                "action": issued.action,
                "tag_no": issued.tag_no,
                "application": application,
            }
        )
    return issued


def _live_issues() -> Select[tuple[str]]:
    """Issues not undone by a void (no receipt: issued without a fee)."""
    return (
        select(IssuedLicenseRow.id)
        .outerjoin(Receipt, Receipt.id == IssuedLicenseRow.receipt_id)
        .where(or_(IssuedLicenseRow.receipt_id.is_(None), Receipt.status != "voided"))
    )
