"""Keeping the petty cash fund: vouchers, counts and replenishment (RULES.md section 11).

The custodian is a lead (``Permission.PETTY_CASH``). The fund is not a drawer: nothing here
reads or writes a drawer session, a receipt, a tender or a deposit, and the day's journal
(built from receipts) never sees it. Each action re-reads the signed-in user inside its
transaction, writes its rows, an audit entry and an outbox row for the central ledger.

- ``record_voucher``: a disbursement; over $25.00 it takes another lead's approval
  (``OverrideAction.PETTY_CASH_VOUCHER``, given for the amount), over $75.00 it is refused.
- ``count_fund``: the weekly count by denomination; a difference against $300.00 is recorded,
  audited as ``petty_cash_difference`` (what the finance administrator reviews) and sent on.
- ``request_replenishment``: the open vouchers not yet requested, by expense account, and the
  journal entry (expense accounts debited, accounts payable 101-000-20100 credited).
- ``receive_replenishment``: the city's check cashed into the fund closes those vouchers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cashdesk.domain.drawer import CashCount
from cashdesk.domain.money import Money, total
from cashdesk.domain.petty_cash import (
    EXPENSE_ACCOUNTS,
    FUND,
    FundCount,
    VoucherCheck,
    VoucherDraft,
    check_replenishment_received,
    check_voucher,
    replenishment,
    replenishment_reasons,
    voucher_number,
)
from cashdesk.domain.roles import Operator, Permission
from cashdesk.errors import NotFound, PermissionDenied, StateError, ValidationError
from cashdesk.reports.program_data import ReplenishmentRequest, VoucherInfo
from cashdesk.services.approvals import Approval, OverrideAction, use_approval
from cashdesk.services.context import ServiceContext
from cashdesk.services.current_user import signed_in
from cashdesk.services.payments import entry_payload
from cashdesk.store.engine import transaction
from cashdesk.store.models import JournalEntry, User, journal_line_rows, new_uuid
from cashdesk.store.program_models import (
    PettyCashCount,
    PettyCashReplenishment,
    PettyCashVoucher,
)

REPLENISHMENT_PREFIX = "PCR-"
MAX_NOTE = 200


@dataclass(frozen=True, slots=True, kw_only=True)
class FundStatus:
    cash: Money  # $300.00 less the open vouchers
    open_vouchers: tuple[VoucherInfo, ...]
    open_total: Money
    unrequested: Money  # open vouchers not yet on a replenishment request
    replenish_reasons: tuple[str, ...]
    pending_requests: tuple[str, ...]  # requested, check not yet received


@dataclass(frozen=True, slots=True, kw_only=True)
class CountResult:
    id: str
    count: FundCount
    counted_by: str
    counted_at: dt.datetime
    note: str


def _voucher_info(row: PettyCashVoucher, names: Mapping[int, str], request: str) -> VoucherInfo:
    return VoucherInfo(
        id=row.id,
        number=row.number,
        paid_on=row.paid_on,
        paid_at=row.paid_at,
        custodian=names.get(row.custodian_id, ""),
        approver=names.get(row.approver_id, "") if row.approver_id is not None else "",
        payee=row.payee,
        purpose=row.purpose,
        expense_account=row.expense_account,
        amount=Money(cents=row.amount_cents),
        replenishment=request,
        closed=row.closed_at is not None,
    )


def _voucher_payload(row: PettyCashVoucher, custodian: str, approver: str) -> dict[str, object]:
    return {
        "id": row.id,
        "number": row.number,
        "workstation": row.workstation_id,
        "paid_on": row.paid_on.isoformat(),
        "paid_at": row.paid_at.isoformat(),
        "custodian": custodian,
        "approver": approver,
        "payee": row.payee,
        "purpose": row.purpose,
        "expense_account": row.expense_account,
        "amount_cents": row.amount_cents,
        "receipt_attached": row.receipt_attached,
    }


class PettyCashService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    # -- reading --------------------------------------------------------------------------
    def _names(self, s: Session) -> dict[int, str]:
        return {u.id: u.full_name for u in s.scalars(select(User))}

    def _open_rows(self, s: Session) -> list[PettyCashVoucher]:
        return list(
            s.scalars(
                select(PettyCashVoucher)
                .where(
                    PettyCashVoucher.workstation_id == self.ctx.workstation_id,
                    PettyCashVoucher.closed_at.is_(None),
                )
                .order_by(PettyCashVoucher.seq)
            )
        )

    def _cash(self, s: Session) -> Money:
        return FUND - total(Money(cents=r.amount_cents) for r in self._open_rows(s))

    def _request_numbers(self, s: Session) -> dict[str, str]:
        rows = s.execute(
            select(PettyCashReplenishment.id, PettyCashReplenishment.number).where(
                PettyCashReplenishment.workstation_id == self.ctx.workstation_id
            )
        )
        return {str(rid): str(number) for rid, number in rows}

    def status(self, operator: Operator) -> FundStatus:
        with self.ctx.reading() as s:
            signed_in(s, operator, Permission.PETTY_CASH)
            names, requests = self._names(s), self._request_numbers(s)
            rows = self._open_rows(s)
            infos = tuple(
                _voucher_info(r, names, requests.get(r.replenishment_id or "", "")) for r in rows
            )
            pending = tuple(
                s.scalars(
                    select(PettyCashReplenishment.number)
                    .where(
                        PettyCashReplenishment.workstation_id == self.ctx.workstation_id,
                        PettyCashReplenishment.received_at.is_(None),
                    )
                    .order_by(PettyCashReplenishment.seq)
                )
            )
        open_total = total(v.amount for v in infos)
        cash = FUND - open_total
        unrequested = [v for v in infos if not v.replenishment]
        return FundStatus(
            cash=cash,
            open_vouchers=infos,
            open_total=open_total,
            unrequested=total(v.amount for v in unrequested),
            replenish_reasons=replenishment_reasons(
                cash_in_fund=cash,
                today=self.ctx.business_date(),
                oldest_open_voucher=min((v.paid_on for v in unrequested), default=None),
            ),
            pending_requests=pending,
        )

    def vouchers(self, operator: Operator, *, open_only: bool = False) -> list[VoucherInfo]:
        with self.ctx.reading() as s:
            signed_in(s, operator, Permission.PETTY_CASH)
            query = select(PettyCashVoucher).where(
                PettyCashVoucher.workstation_id == self.ctx.workstation_id
            )
            if open_only:
                query = query.where(PettyCashVoucher.closed_at.is_(None))
            names, requests = self._names(s), self._request_numbers(s)
            return [
                _voucher_info(r, names, requests.get(r.replenishment_id or "", ""))
                for r in s.scalars(query.order_by(PettyCashVoucher.seq))
            ]

    def voucher(self, operator: Operator, number: str) -> VoucherInfo:
        with self.ctx.reading() as s:
            signed_in(s, operator, Permission.PETTY_CASH)
            row = s.scalar(
                select(PettyCashVoucher).where(PettyCashVoucher.number == number.strip().upper())
            )
            if row is None:
                raise NotFound(f"There is no petty cash voucher {number}.")
            requests = self._request_numbers(s)
            return _voucher_info(row, self._names(s), requests.get(row.replenishment_id or "", ""))

    # -- vouchers -------------------------------------------------------------------------
    def check(self, operator: Operator, draft: VoucherDraft) -> VoucherCheck:
        """What ``record_voucher`` would accept (and whether it needs an approval), before a
        lead is asked for one."""
        with self.ctx.reading() as s:
            signed_in(s, operator, Permission.PETTY_CASH)
            return check_voucher(draft, cash_in_fund=self._cash(s))

    def record_voucher(
        self, operator: Operator, draft: VoucherDraft, *, approval: Approval | None = None
    ) -> VoucherInfo:
        now = self.ctx.now()
        with transaction(self.ctx.sessions, outcome="the voucher was not recorded") as s:
            custodian = signed_in(s, operator, Permission.PETTY_CASH)
            checked = check_voucher(draft, cash_in_fund=self._cash(s))
            clean = checked.draft
            approver_id: int | None = None
            details: dict[str, object] = {}
            if checked.needs_approval:
                if approval is None:
                    raise PermissionDenied(
                        f"A voucher over $25.00 ({clean.amount}) needs another lead's approval."
                    )
                use_approval(
                    self.ctx,
                    s,
                    approval,
                    requester=custodian,
                    action=OverrideAction.PETTY_CASH_VOUCHER,
                    subject=clean.amount.plain(),
                )
                approver_id = approval.approver_id
                details = approval.audit_details()
            seq = 1 + int(
                s.scalar(
                    select(func.max(PettyCashVoucher.seq)).where(
                        PettyCashVoucher.workstation_id == self.ctx.workstation_id
                    )
                )
                or 0
            )
            row = PettyCashVoucher(
                id=new_uuid(),
                number=voucher_number(seq),
                workstation_id=self.ctx.workstation_id,
                seq=seq,
                paid_on=self.ctx.business_date(now),
                paid_at=now,
                custodian_id=custodian.user_id,
                approver_id=approver_id,
                approval_id=approval.id if approval is not None and approver_id else None,
                payee=clean.payee,
                purpose=clean.purpose,
                expense_account=clean.expense_account,
                amount_cents=clean.amount.cents,
                receipt_attached=True,
            )
            s.add(row)
            s.flush()
            self.ctx.audit(
                s,
                action="petty_cash_voucher",
                actor_id=custodian.user_id,
                approver_id=approver_id,
                subject=row.number,
                at=now,
                amount=clean.amount.plain(),
                account=clean.expense_account,
                payee=clean.payee,
                **details,
            )
            approver = approval.approver_name if approver_id and approval else ""
            self.ctx.enqueue(
                s,
                kind="pc_voucher",
                subject_id=row.id,
                payload=_voucher_payload(row, custodian.username, approver),
                at=now,
            )
            names = {custodian.user_id: custodian.full_name}
            if approval is not None and approver_id:
                names[approver_id] = approval.approver_name
            return _voucher_info(row, names, "")

    # -- counting -------------------------------------------------------------------------
    def count_fund(
        self, operator: Operator, pieces: Mapping[str, int], *, note: str = ""
    ) -> CountResult:
        counted = CashCount.of(pieces)
        note = " ".join(note.split())[:MAX_NOTE]
        now = self.ctx.now()
        with transaction(self.ctx.sessions, outcome="the count was not recorded") as s:
            custodian = signed_in(s, operator, Permission.PETTY_CASH)
            open_total = total(Money(cents=r.amount_cents) for r in self._open_rows(s))
            count = FundCount(counted=counted, open_vouchers=open_total)
            if not count.balanced and len(note) < 3:
                raise ValidationError(
                    f"The fund is {'over' if count.difference.is_positive else 'short'} by "
                    f"{Money(cents=abs(count.difference.cents))}: say what is known about it."
                )
            row = PettyCashCount(
                id=new_uuid(),
                workstation_id=self.ctx.workstation_id,
                counted_on=self.ctx.business_date(now),
                counted_at=now,
                counted_by_id=custodian.user_id,
                pieces=counted.as_dict(),
                cash_cents=count.cash.cents,
                open_vouchers_cents=open_total.cents,
                difference_cents=count.difference.cents,
                note=note,
            )
            s.add(row)
            s.flush()
            facts: dict[str, Any] = {
                "cash": count.cash.plain(),
                "open_vouchers": open_total.plain(),
                "difference": count.difference.plain(),
                "note": note,
            }
            self.ctx.audit(
                s, action="petty_cash_count", actor_id=custodian.user_id, at=now, **facts
            )
            if not count.balanced:
                # What the finance administrator reviews (audit trail filter and the ledger).
                self.ctx.audit(
                    s,
                    action="petty_cash_difference",
                    actor_id=custodian.user_id,
                    subject=row.id,
                    at=now,
                    report_to="finance administrator",
                    **facts,
                )
            self.ctx.enqueue(
                s,
                kind="pc_count",
                subject_id=row.id,
                payload={
                    "id": row.id,
                    "workstation": row.workstation_id,
                    "counted_on": row.counted_on.isoformat(),
                    "counted_at": now.isoformat(),
                    "counted_by": custodian.username,
                    "pieces": row.pieces,
                    "cash_cents": row.cash_cents,
                    "open_vouchers_cents": row.open_vouchers_cents,
                    "difference_cents": row.difference_cents,
                    "note": note,
                },
                at=now,
            )
            return CountResult(
                id=row.id, count=count, counted_by=custodian.full_name, counted_at=now, note=note
            )

    def counts(self, operator: Operator, *, limit: int = 50) -> list[CountResult]:
        """The fund's counts, newest first: for the custodian, and for the finance
        administrator and auditor who review the differences."""
        with self.ctx.reading() as s:
            if not operator.may(Permission.VIEW_AUDIT):
                signed_in(s, operator, Permission.PETTY_CASH)
            else:
                signed_in(s, operator, Permission.VIEW_AUDIT)
            names = self._names(s)
            rows = s.scalars(
                select(PettyCashCount)
                .where(PettyCashCount.workstation_id == self.ctx.workstation_id)
                .order_by(PettyCashCount.counted_at.desc())
                .limit(limit)
            )
            return [
                CountResult(
                    id=r.id,
                    count=FundCount(
                        counted=CashCount.of(r.pieces),
                        open_vouchers=Money(cents=r.open_vouchers_cents),
                    ),
                    counted_by=names.get(r.counted_by_id, ""),
                    counted_at=r.counted_at,
                    note=r.note,
                )
                for r in rows
            ]

    # -- replenishment --------------------------------------------------------------------
    def request_replenishment(self, operator: Operator) -> ReplenishmentRequest:
        now = self.ctx.now()
        with transaction(self.ctx.sessions, outcome="the request was not recorded") as s:
            custodian = signed_in(s, operator, Permission.PETTY_CASH)
            rows = [r for r in self._open_rows(s) if r.replenishment_id is None]
            names = self._names(s)
            infos = [_voucher_info(r, names, "") for r in rows]
            request = replenishment(v.line() for v in infos)
            seq = 1 + int(
                s.scalar(
                    select(func.max(PettyCashReplenishment.seq)).where(
                        PettyCashReplenishment.workstation_id == self.ctx.workstation_id
                    )
                )
                or 0
            )
            number = f"{REPLENISHMENT_PREFIX}{seq:06d}"
            day = self.ctx.business_date(now)
            entry = JournalEntry(
                id=new_uuid(),
                kind="petty_cash",
                workstation_id=self.ctx.workstation_id,
                business_date=day,
                posted_at=now,
                description=f"Petty cash replenishment {number}",
            )
            entry.lines = journal_line_rows(request.journal)
            s.add(entry)
            s.flush()
            head = PettyCashReplenishment(
                id=new_uuid(),
                number=number,
                workstation_id=self.ctx.workstation_id,
                seq=seq,
                requested_on=day,
                requested_at=now,
                requested_by_id=custodian.user_id,
                total_cents=request.total.cents,
                journal_entry_id=entry.id,
            )
            s.add(head)
            s.flush()
            for r in rows:
                r.replenishment_id = head.id
            self.ctx.audit(
                s,
                action="petty_cash_replenishment",
                actor_id=custodian.user_id,
                subject=number,
                at=now,
                total=request.total.plain(),
                vouchers=[r.number for r in rows],
            )
            self.ctx.enqueue(
                s,
                kind="pc_replenishment",
                subject_id=head.id,
                payload={
                    "id": head.id,
                    "number": number,
                    "workstation": head.workstation_id,
                    "requested_on": day.isoformat(),
                    "requested_at": now.isoformat(),
                    "requested_by": custodian.username,
                    "total_cents": head.total_cents,
                    "vouchers": [r.id for r in rows],
                    "journal_entry": entry_payload(entry),
                },
                at=now,
            )
            return ReplenishmentRequest(
                id=head.id,
                number=number,
                requested_on=day,
                requested_by=custodian.full_name,
                request=request,
                received=False,
                check_number="",
            )

    def _request_row(self, s: Session, number: str) -> PettyCashReplenishment:
        row = s.scalar(
            select(PettyCashReplenishment).where(
                PettyCashReplenishment.number == number.strip().upper(),
                PettyCashReplenishment.workstation_id == self.ctx.workstation_id,
            )
        )
        if row is None:
            raise NotFound(f"There is no petty cash replenishment request {number}.")
        return row

    def replenishment_request(self, operator: Operator, number: str) -> ReplenishmentRequest:
        """A request as it was made (for its PDF and accounts-payable CSV)."""
        with self.ctx.reading() as s:
            signed_in(s, operator, Permission.PETTY_CASH)
            head = self._request_row(s, number)
            names = self._names(s)
            rows = s.scalars(
                select(PettyCashVoucher).where(PettyCashVoucher.replenishment_id == head.id)
            )
            request = replenishment(_voucher_info(r, names, head.number).line() for r in rows)
            return ReplenishmentRequest(
                id=head.id,
                number=head.number,
                requested_on=head.requested_on,
                requested_by=names.get(head.requested_by_id, ""),
                request=request,
                received=head.received_at is not None,
                check_number=head.check_number,
            )

    def receive_replenishment(
        self, operator: Operator, number: str, *, check_amount: Money, check_number: str
    ) -> ReplenishmentRequest:
        """The city's check for ``number`` has been cashed into the fund: its vouchers close."""
        check_number = check_number.strip()
        if not check_number or len(check_number) > 20 or not check_number.isalnum():
            raise ValidationError("Give the city check's number (letters and digits).")
        now = self.ctx.now()
        with transaction(self.ctx.sessions, outcome="the replenishment was not recorded") as s:
            custodian = signed_in(s, operator, Permission.PETTY_CASH)
            head = self._request_row(s, number)
            if head.received_at is not None:
                raise StateError(f"{head.number} was received already.")
            check_replenishment_received(
                requested=Money(cents=head.total_cents), check_amount=check_amount
            )
            rows = list(
                s.scalars(
                    select(PettyCashVoucher).where(PettyCashVoucher.replenishment_id == head.id)
                )
            )
            for r in rows:
                r.closed_at = now
            head.received_at, head.received_by_id = now, custodian.user_id
            head.check_number = check_number
            self.ctx.audit(
                s,
                action="petty_cash_replenished",
                actor_id=custodian.user_id,
                subject=head.number,
                at=now,
                amount=check_amount.plain(),
                check=check_number,
                vouchers=[r.number for r in rows],
            )
            self.ctx.enqueue(
                s,
                kind="pc_replenished",
                subject_id=head.id,
                payload={
                    "replenishment_id": head.id,
                    "number": head.number,
                    "workstation": head.workstation_id,
                    "received_at": now.isoformat(),
                    "received_by": custodian.username,
                    "check_number": check_number,
                    "amount_cents": check_amount.cents,
                },
                at=now,
            )
        return self.replenishment_request(operator, number)


def expense_accounts() -> Sequence[tuple[str, str]]:
    """The accounts a voucher may charge, for pickers."""
    return list(EXPENSE_ACCOUNTS.items())
