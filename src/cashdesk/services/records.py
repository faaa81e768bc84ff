"""Collecting against the city's records: utility bills, parking citations, returned checks.

The rules are the domain's (``domain.utility``, ``domain.citation``, ``domain.returned_checks``);
this service reads the local cache, builds receipt lines through them and keeps the cache
honest about what this counter has collected:

- **At once, in the posting transaction.** The ``UtilityBills`` and ``Citations`` posting
  participants (services/posting.py) recompute every UTIL and CIT line of a receipt from the
  cache as it is inside the posting transaction (BEGIN IMMEDIATE, so no other posting
  interleaves) and refuse the receipt when they differ: a bill that another payment at this
  counter has paid meanwhile, a citation paid twice, a citation amount that is not its amount
  due. Their ``apply`` then writes ``record_postings`` rows: what each bill item received, a
  credit balance, a restored service, a citation paid. The cache tables themselves are never
  edited (they are the central ledger's copy); open amounts and statuses are the cached ones
  minus the live postings.
- **Voids** delete the receipt's postings (the participants' ``undo``), which re-opens what
  it paid exactly as before; a **returned check** marks them reversed
  (``process_returned_check``) and keeps them as the history of the NSF.
- A check tender on the returned-check list is refused at posting by the ``ReturnedChecks``
  participant,
  so a keyed check, a MICR-read check and a mailed check all meet the same rule.

Choices where RULES.md is silent (documented here once):

- "Paid on" is the receipt's business date; a mail batch row uses its postmark instead
  (``Posting.paid_on``).
- A contested citation that is paid stays contested in the cache (the contest stays open) but
  has a live posting, so it shows "paid, contest pending" and takes no second payment.
- An account's credit balance is shown, not applied to its open items: the central billing
  system applies credits when it bills; the counter only records that one arose.
- Returned-check (NSF) processing takes a receipt paid entirely by the returned check. A
  receipt split between a check and other tenders is refused with a message: which lines the
  other tenders paid is not something the rules settle, and guessing would re-open the wrong
  bill. The finance office handles that case by hand.
- Accounting of a returned check: the NSF journal entry is the exact reverse of the receipt's
  entry (debit each account the receipt credited, credit each fund's pooled cash), dated the
  day the check is processed: the bank took the money back, the utility receivable is owed
  again, a citation's fine is no longer collected. The returned-check fee is NOT booked when it
  is charged: the chart has no general-fund receivable and the fee is revenue
  (101-150-36910) when it is collected. Until then it is an open charge carried in
  ``returned_check_events`` (``fee_cents``, ``fee_paid_receipt_id`` empty) and sent to the
  central ledger in the outbox so central billing carries it too; :meth:`fee_line` gives the
  receipt line (code NSF, reference the NSF number) that collects it and marks it paid.
- "Later ones for the same payer": earlier returned checks are counted from this counter's
  NSF history, matching the same bank account (routing and account number) or the same
  payer name (folded, so "Núñez" and "Nunez" are one payer).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from cashdesk.domain import citation as cit
from cashdesk.domain import utility as util
from cashdesk.domain.gl import reverse
from cashdesk.domain.lines import ChargeLine, added_twice
from cashdesk.domain.money import Money, total
from cashdesk.domain.returned_checks import (
    FIRST_RETURNED_CHECK_FEE,
    REVENUE_CODE,
    ReturnedCheckList,
    collects_fee_of,
    normalise_account,
    returned_check_fee,
    returned_check_fee_amount,
)
from cashdesk.domain.roles import Operator, Permission
from cashdesk.domain.search_text import fold
from cashdesk.domain.tender import TenderKind
from cashdesk.errors import NotFound, StateError, ValidationError
from cashdesk.services.context import ServiceContext
from cashdesk.services.posting import Participant, Posting, Voiding
from cashdesk.store.engine import transaction
from cashdesk.store.models import (
    JournalEntry,
    Receipt,
    TenderRow,
    journal_line_rows,
    new_uuid,
)
from cashdesk.store.records_models import RecordPosting, ReturnedCheckEvent
from cashdesk.store.reference_models import (
    CitationRow,
    ReturnedCheckRow,
    UtilityAccountRow,
    UtilityBillItemRow,
)

# -- reading the cache as this counter has changed it -----------------------------------


def _live() -> ColumnElement[bool]:
    return RecordPosting.reversed_at.is_(None)


def citation_of(row: CitationRow, *, paid_here: bool) -> cit.Citation:
    """The cached citation, as this counter's live payments leave it."""
    return cit.Citation(
        citation_no=row.citation_no,
        plate=row.plate,
        plate_state=row.plate_state,
        issue_date=row.issue_date,
        violation_code=row.violation_code,
        status=cit.status_after_payments(row.status, paid_here=paid_here),
        contest_date=row.contest_date,
    )


@dataclass(frozen=True, slots=True)
class LoadedAccount:
    account: util.UtilityAccount
    items: tuple[util.BillItem, ...]  # open amounts, after this counter's live postings
    item_ids: dict[tuple[str, dt.date, str], int]  # BillItem.key -> utility_bill_items.id
    credit_balance: Money


def load_utility(s: Session, account_no: str) -> LoadedAccount:
    number = account_no.strip()
    row = s.get(UtilityAccountRow, number)
    if row is None:
        raise NotFound(f"No utility account {number!r}.")
    # Restores and credit balances recorded here, in one query (kind -> (rows, cents)).
    recorded = {
        kind: (int(count), int(cents or 0))
        for kind, count, cents in s.execute(
            select(RecordPosting.kind, func.count(), func.sum(RecordPosting.amount_cents))
            .where(
                RecordPosting.kind.in_(("utility_restore", "utility_credit")),
                RecordPosting.reference == number,
                _live(),
            )
            .group_by(RecordPosting.kind)
        )
    }
    account = util.UtilityAccount(
        account_no=row.account_no,
        name=row.name,
        service_address=row.service_address,
        mailing_address=row.mailing_address,
        status=util.AccountStatus(
            util.shown_status(row.status, restored_here="utility_restore" in recorded)
        ),
    )
    paid = (
        select(
            RecordPosting.bill_item_id.label("item_id"),
            func.sum(RecordPosting.amount_cents).label("paid"),
        )
        .where(
            RecordPosting.kind == "utility_item",
            RecordPosting.reference == number,  # the (kind, reference) index: this account only
            _live(),
        )
        .group_by(RecordPosting.bill_item_id)
        .subquery()
    )
    rows = s.execute(
        select(UtilityBillItemRow, func.coalesce(paid.c.paid, 0))
        .outerjoin(paid, paid.c.item_id == UtilityBillItemRow.id)
        .where(UtilityBillItemRow.account_no == number)
    ).all()
    items: list[util.BillItem] = []
    ids: dict[tuple[str, dt.date, str], int] = {}
    for item_row, paid_cents in rows:
        left = item_row.amount_cents - int(paid_cents)
        if left <= 0:
            continue
        item = util.BillItem(
            bill_no=item_row.bill_no,
            bill_date=item_row.bill_date,
            due_date=item_row.due_date,
            category=util.BillCategory(item_row.category),
            amount=Money(cents=left),
        )
        items.append(item)
        ids[item.key] = item_row.id
    ordered = util.application_order(items)
    return LoadedAccount(
        account=account,
        items=ordered,
        item_ids=ids,
        credit_balance=Money(cents=recorded.get("utility_credit", (0, 0))[1]),
    )


def load_citation(s: Session, number: str) -> cit.Citation:
    key = number.strip().upper()
    row = s.get(CitationRow, key)
    if row is None:
        raise NotFound(f"No parking citation {number.strip()!r}.")
    paid_here = s.scalar(
        select(func.count())
        .select_from(RecordPosting)
        .where(
            RecordPosting.kind == "citation",
            RecordPosting.reference == key,
            _live(),
        )
    )
    return citation_of(row, paid_here=bool(paid_here))


def returned_check_list(s: Session, routing: str) -> ReturnedCheckList:
    """The list's entries for one routing number (the only ones a check can match)."""
    rows = s.execute(
        select(ReturnedCheckRow.routing, ReturnedCheckRow.account, ReturnedCheckRow.payer).where(
            ReturnedCheckRow.routing == routing
        )
    ).all()
    return ReturnedCheckList((r.routing, r.account, r.payer) for r in rows)


def ensure_check_accepted(s: Session, routing: str, account: str) -> str:
    """RULES.md section 7 for one check: a valid routing number, not on the list."""
    from cashdesk.domain.routing import validate_routing_number

    digits = validate_routing_number(routing)
    return returned_check_list(s, digits).ensure_check_accepted(digits, account)


# -- what the UI shows ------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class OpenItemView:
    bill_no: str
    bill_date: dt.date
    due_date: dt.date
    category: str
    description: str
    open_amount: Money
    past_due: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class UtilityAccountView:
    account_no: str
    name: str
    service_address: str
    mailing_address: str
    status: str  # active / disconnected / inactive (after a restore here: active)
    items: tuple[OpenItemView, ...]  # by due date, in the order a payment reaches them
    open_balance: Money
    past_due: Money  # the amount to bring the account current
    restore_amount: Money | None  # disconnected accounts: past due plus the $45.00 fee
    max_payment: Money | None  # inactive accounts: at most the unpaid balance
    credit_balance: Money  # credit balances arisen at this counter


@dataclass(frozen=True, slots=True, kw_only=True)
class CitationView:
    citation_no: str
    plate: str
    plate_state: str
    issue_date: dt.date
    violation: str
    status: str  # open / contested / paid / dismissed ("paid" once paid here)
    contest_date: dt.date | None
    paid_on: dt.date
    lines: tuple[ChargeLine, ...]  # empty when it takes no payment
    amount_due: Money | None
    refusal: str  # why it takes no payment, when it does not


@dataclass(frozen=True, slots=True, kw_only=True)
class ReturnedCheckResult:
    number: str  # "NSF-W01-0001"
    receipt_number: str
    payer: str
    check_amount: Money
    fee: Money
    reopened: tuple[str, ...]  # what the receipt paid, open again
    journal_entry_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class OpenReturnedCheckFee:
    number: str
    payer: str
    receipt_number: str
    fee: Money
    business_date: dt.date


class RecordsService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    # -- utility ------------------------------------------------------------------------
    def utility_account(self, account_no: str, *, on: dt.date | None = None) -> UtilityAccountView:
        on = on or self.ctx.business_date()
        with self.ctx.sessions() as s:
            loaded = load_utility(s, account_no)
        quote = util.utility_quote(loaded.account, loaded.items, on=on)
        a = loaded.account
        return UtilityAccountView(
            account_no=a.account_no,
            name=a.name,
            service_address=a.service_address,
            mailing_address=a.mailing_address,
            status=a.status.value,
            items=tuple(
                OpenItemView(
                    bill_no=i.bill_no,
                    bill_date=i.bill_date,
                    due_date=i.due_date,
                    category=i.category.value,
                    description=i.label,
                    open_amount=i.amount,
                    past_due=i.is_past_due(on),
                )
                for i in loaded.items
            ),
            open_balance=quote.open_balance,
            past_due=quote.past_due,
            restore_amount=quote.restore_amount,
            max_payment=quote.max_payment,
            credit_balance=loaded.credit_balance,
        )

    def utility_payment(
        self,
        account_no: str,
        *,
        amount: Money,
        paid_on: dt.date | None = None,
        restore: bool = False,
    ) -> util.UtilityApplication:
        """What ``amount`` does to the account: its ``lines`` go on the receipt as they are."""
        with self.ctx.sessions() as s:
            loaded = load_utility(s, account_no)
        return util.apply_payment(
            loaded.account,
            loaded.items,
            amount=amount,
            paid_on=paid_on or self.ctx.business_date(),
            restore=restore,
        )

    # -- citations ----------------------------------------------------------------------
    def citation(self, number: str, *, paid_on: dt.date | None = None) -> CitationView:
        """The citation and what it owes on ``paid_on``; refusals are reported, not raised."""
        paid_on = paid_on or self.ctx.business_date()
        with self.ctx.sessions() as s:
            c = load_citation(s, number)
            row = s.get(CitationRow, c.citation_no)
            cached_status = row.status if row else c.status.value
        lines: tuple[ChargeLine, ...] = ()
        refusal = ""
        try:
            lines = cit.citation_due(c, paid_on=paid_on)
        except ValidationError as err:
            refusal = str(err)
        status = cit.shown_status(cached_status, paid_here=c.status is cit.CitationStatus.PAID)
        v = cit.VIOLATIONS.get(c.violation_code)
        return CitationView(
            citation_no=c.citation_no,
            plate=c.plate,
            plate_state=c.plate_state,
            issue_date=c.issue_date,
            violation=f"{v.description} ({v.code})" if v else c.violation_code,
            status=status,
            contest_date=c.contest_date,
            paid_on=paid_on,
            lines=lines,
            amount_due=total(line.amount for line in lines) if lines else None,
            refusal=refusal,
        )

    def citation_lines(
        self, number: str, *, paid_on: dt.date | None = None
    ) -> tuple[ChargeLine, ...]:
        """The receipt lines that pay the citation; refuses paid and dismissed citations."""
        with self.ctx.sessions() as s:
            c = load_citation(s, number)
        return cit.citation_due(c, paid_on=paid_on or self.ctx.business_date())

    def _reverse_postings(self, s: Session, receipt_id: str, *, by: str) -> list[RecordPosting]:
        rows = list(
            s.scalars(
                select(RecordPosting).where(
                    RecordPosting.receipt_id == receipt_id,
                    _live(),
                )
            )
        )
        now = self.ctx.now()
        for row in rows:
            row.reversed_at = now
            row.reversed_by = by
        return rows

    # -- returned checks ----------------------------------------------------------------
    def process_returned_check(
        self,
        operator: Operator,
        receipt_number: str,
        *,
        reason: str = "NSF",
    ) -> ReturnedCheckResult:
        """A lead cashier records that the bank returned the check that paid a receipt."""
        from cashdesk.services.payments import entry_payload  # posting's, not a lookup's

        operator.require(Permission.PROCESS_RETURNED_CHECK)
        reason = " ".join(reason.split())[:60] or "NSF"
        now = self.ctx.now()
        today = self.ctx.business_date(now)
        with transaction(self.ctx.sessions) as s:
            receipt = s.scalar(
                select(Receipt)
                .where(Receipt.number == receipt_number.strip().upper())
                .options(selectinload(Receipt.tenders), selectinload(Receipt.lines))
            )
            if receipt is None:
                raise NotFound(f"No receipt {receipt_number.strip()!r}.")
            if receipt.status != "posted":
                raise StateError(f"Receipt {receipt.number} is {receipt.status}.")
            tender = self._returned_tender(receipt)
            if s.scalar(
                select(ReturnedCheckEvent).where(ReturnedCheckEvent.tender_id == tender.id)
            ):
                raise StateError(f"The check on receipt {receipt.number} was already returned.")
            original = s.scalar(
                select(JournalEntry)
                .where(JournalEntry.receipt_id == receipt.id, JournalEntry.kind == "receipt")
                .options(selectinload(JournalEntry.lines))
            )
            if original is None:
                raise StateError(f"Receipt {receipt.number} has no journal entry to reverse.")
            reversing = reverse(jl.journal_line() for jl in original.lines)
            entry = JournalEntry(
                id=new_uuid(),
                kind="nsf",
                receipt_id=receipt.id,
                workstation_id=self.ctx.workstation_id,
                business_date=today,
                posted_at=now,
                description=f"Returned check on receipt {receipt.number}: {reason}"[:200],
            )
            entry.lines = journal_line_rows(reversing)
            s.add(entry)
            reopened = self._reverse_postings(s, receipt.id, by="nsf")
            account = normalise_account(tender.check_account)
            payer_key = fold(" ".join(receipt.payer.split()))
            same_check = and_(
                ReturnedCheckEvent.routing == tender.check_routing,
                ReturnedCheckEvent.account == account,
            )
            same_payer = (
                or_(same_check, ReturnedCheckEvent.payer_key == payer_key)
                if payer_key
                else same_check
            )
            earlier = int(
                s.scalar(select(func.count()).select_from(ReturnedCheckEvent).where(same_payer))
                or 0
            )
            fee = returned_check_fee_amount(earlier_returned_checks=earlier)
            prefix = f"NSF-{self.ctx.workstation_id}-"
            seq = (
                int(
                    s.scalar(
                        select(func.count())
                        .select_from(ReturnedCheckEvent)
                        .where(ReturnedCheckEvent.number.startswith(prefix))
                    )
                    or 0
                )
                + 1
            )
            event = ReturnedCheckEvent(
                number=f"{prefix}{seq:04d}",
                receipt_id=receipt.id,
                tender_id=tender.id,
                journal_entry_id=entry.id,
                business_date=today,
                processed_at=now,
                processed_by_id=operator.user_id,
                payer=receipt.payer,
                payer_key=payer_key,
                routing=tender.check_routing,
                account=account,
                check_amount_cents=tender.amount_cents,
                reason=reason,
                fee_cents=fee.cents,
            )
            s.add(event)
            s.add(
                ReturnedCheckRow(
                    routing=tender.check_routing,
                    account=tender.check_account,
                    payer=receipt.payer or "(no name)",
                    returned_on=today,
                    reason=reason,
                )
            )
            s.flush()
            described = self._describe(s, reopened)
            self.ctx.audit(
                s,
                action="returned_check_processed",
                actor_id=operator.user_id,
                subject=event.number,
                at=now,
                receipt=receipt.number,
                check_amount=Money(cents=tender.amount_cents).plain(),
                fee=fee.plain(),
                earlier_returned_checks=earlier,
                reason=reason,
            )
            self.ctx.enqueue(
                s,
                kind="returned_check",
                subject_id=event.id,
                at=now,
                payload={
                    "id": event.id,
                    "number": event.number,
                    "receipt_id": receipt.id,
                    "receipt_number": receipt.number,
                    "business_date": today.isoformat(),
                    "payer": receipt.payer,
                    "routing": tender.check_routing,
                    "account_last4": account[-4:],
                    "check_amount_cents": tender.amount_cents,
                    "reason": reason,
                    "fee_cents": fee.cents,  # an open charge owed by the payer
                    "reopened": list(described),
                    "journal_entry": entry_payload(entry),
                },
            )
            result = ReturnedCheckResult(
                number=event.number,
                receipt_number=receipt.number,
                payer=receipt.payer,
                check_amount=Money(cents=tender.amount_cents),
                fee=fee,
                reopened=described,
                journal_entry_id=entry.id,
            )
        return result

    @staticmethod
    def _returned_tender(receipt: Receipt) -> TenderRow:
        checks = [t for t in receipt.tenders if t.kind == TenderKind.CHECK.value]
        if not checks:
            raise ValidationError(f"Receipt {receipt.number} was not paid by check.")
        if len(receipt.tenders) > 1 or checks[0].amount_cents != receipt.total_cents:
            raise ValidationError(
                f"Receipt {receipt.number} was paid partly by other tenders; a returned check "
                "on a split payment is handled by the finance office."
            )
        return checks[0]

    @staticmethod
    def _describe(s: Session, postings: Sequence[RecordPosting]) -> tuple[str, ...]:
        out = []
        for p in postings:
            amount = Money(cents=p.amount_cents)
            if p.kind == "utility_item" and p.bill_item_id is not None:
                item = s.get(UtilityBillItemRow, p.bill_item_id)
                what = f"{item.category} bill {item.bill_no}" if item else "bill item"
                out.append(f"Utility account {p.reference}: {what} {amount} open again")
            elif p.kind == "utility_credit":
                out.append(f"Utility account {p.reference}: credit balance {amount} removed")
            elif p.kind == "utility_restore":
                out.append(f"Utility account {p.reference}: service restore reversed")
            elif p.kind == "citation":
                out.append(f"Citation {p.reference}: open again")
        return tuple(out)

    def open_returned_check_fees(self, *, payer: str = "") -> list[OpenReturnedCheckFee]:
        """Returned-check fees not yet paid (all of them, or one payer's)."""
        with self.ctx.sessions() as s:
            query = (
                select(ReturnedCheckEvent, Receipt.number)
                .join(Receipt, Receipt.id == ReturnedCheckEvent.receipt_id)
                .where(ReturnedCheckEvent.fee_paid_receipt_id.is_(None))
                .order_by(ReturnedCheckEvent.processed_at)
            )
            if payer.strip():
                query = query.where(ReturnedCheckEvent.payer_key == fold(" ".join(payer.split())))
            return [
                OpenReturnedCheckFee(
                    number=e.number,
                    payer=e.payer,
                    receipt_number=number,
                    fee=Money(cents=e.fee_cents),
                    business_date=e.business_date,
                )
                for e, number in s.execute(query)
            ]

    def fee_line(self, nsf_number: str) -> ChargeLine:
        """The receipt line that collects an open returned-check fee."""
        with self.ctx.sessions() as s:
            event = s.scalar(
                select(ReturnedCheckEvent).where(
                    ReturnedCheckEvent.number == nsf_number.strip().upper()
                )
            )
            if event is None:
                raise NotFound(f"No returned check {nsf_number.strip()!r}.")
            if event.fee_paid_receipt_id is not None:
                raise StateError(f"The fee for returned check {event.number} is already paid.")
            earlier = 0 if event.fee_cents == FIRST_RETURNED_CHECK_FEE.cents else 1
            return returned_check_fee(earlier_returned_checks=earlier, reference=event.number)


def _shape(lines: Sequence[ChargeLine]) -> list[tuple[str, str, int, str]]:
    return [(x.code, x.description, x.amount.cents, x.gl_account) for x in lines]


# -- the posting participants (services/posting.py) -------------------------------------

UtilityPlan = list[tuple[LoadedAccount, util.UtilityApplication]]
CitationPlan = list[tuple[cit.Citation, list[ChargeLine]]]


class UtilityBills(Participant[UtilityPlan]):
    """UTIL lines: recomputed from the cache inside the transaction, recorded per bill item."""

    name = "utility"
    codes = frozenset({util.REVENUE_CODE})

    def check(self, posting: Posting) -> UtilityPlan:
        plans = []
        for account_no, lines in posting.by_reference(self.codes).items():
            if added_twice(lines):
                raise ValidationError(
                    f"Account {account_no} is on this sale twice; remove one set of its lines."
                )
            loaded = load_utility(posting.session, account_no)
            restore = any(line.gl_account == util.GL_RECONNECTION_FEE for line in lines)
            application = util.apply_payment(
                loaded.account,
                loaded.items,
                amount=total(line.amount for line in lines),
                paid_on=posting.paid_on,
                restore=restore,
            )
            if _shape(application.lines) != _shape(lines) or (restore and not application.restored):
                raise StateError(
                    f"Utility account {account_no} has changed since this payment was built "
                    "(another payment was posted to it, or the amount does not restore "
                    "service); look the account up again."
                )
            plans.append((loaded, application))
        return plans

    def apply(self, posting: Posting, plan: UtilityPlan) -> None:
        receipt_id = posting.posted.id
        for loaded, application in plan:
            number = loaded.account.account_no
            for allocation in application.allocations:
                if allocation.applied:
                    posting.session.add(
                        RecordPosting(
                            receipt_id=receipt_id,
                            kind="utility_item",
                            reference=number,
                            bill_item_id=loaded.item_ids[allocation.item.key],
                            amount_cents=allocation.applied.cents,
                        )
                    )
            if application.credit_balance:
                posting.session.add(
                    RecordPosting(
                        receipt_id=receipt_id,
                        kind="utility_credit",
                        reference=number,
                        amount_cents=application.credit_balance.cents,
                    )
                )
            if application.restored:
                posting.session.add(
                    RecordPosting(receipt_id=receipt_id, kind="utility_restore", reference=number)
                )

    def undo(self, voiding: Voiding) -> None:
        _forget_postings(voiding, ("utility_item", "utility_credit", "utility_restore"))


class Citations(Participant[CitationPlan]):
    """CIT lines: a citation is paid in full, its amount due as of the paid-on date."""

    name = "citations"
    codes = frozenset({cit.REVENUE_CODE})

    def check(self, posting: Posting) -> CitationPlan:
        plans = []
        for number, lines in posting.by_reference(self.codes).items():
            if added_twice(lines):
                raise ValidationError(
                    f"Citation {number} is on this sale twice; remove one set of its lines."
                )
            c = load_citation(posting.session, number)
            due = cit.citation_due(c, paid_on=posting.paid_on)  # refuses paid and dismissed
            if _shape(due) != _shape(lines):
                raise ValidationError(
                    f"Citation {c.citation_no} owes {total(x.amount for x in due)} on "
                    f"{posting.paid_on:%m/%d/%Y}, not {total(x.amount for x in lines)}; "
                    "a citation is paid in full."
                )
            plans.append((c, lines))
        return plans

    def apply(self, posting: Posting, plan: CitationPlan) -> None:
        for c, lines in plan:
            posting.session.add(
                RecordPosting(
                    receipt_id=posting.posted.id,
                    kind="citation",
                    reference=c.citation_no,
                    amount_cents=total(line.amount for line in lines).cents,
                )
            )

    def undo(self, voiding: Voiding) -> None:
        _forget_postings(voiding, ("citation",))


class ReturnedChecks(Participant[list[ReturnedCheckEvent]]):
    """Checks on the returned-check list are refused (keyed, MICR-read or mailed alike); NSF
    lines naming a returned check collect its open fee; a receipt whose check came back
    cannot be voided (its NSF entry already reversed it)."""

    name = "returned_checks"
    codes = frozenset({REVENUE_CODE})

    def check(self, posting: Posting) -> list[ReturnedCheckEvent]:
        for tender in posting.final.tenders:
            if tender.kind is TenderKind.CHECK:
                ensure_check_accepted(posting.session, tender.check_routing, tender.check_account)
        events = []
        for line in posting.final.lines:
            number = collects_fee_of(line)
            if number is None:
                continue
            event = posting.session.scalar(
                select(ReturnedCheckEvent).where(ReturnedCheckEvent.number == number)
            )
            if event is None:
                raise NotFound(f"No returned check {number}.")
            if event.fee_paid_receipt_id is not None:
                raise StateError(f"The fee for returned check {event.number} is already paid.")
            if line.amount.cents != event.fee_cents:
                raise ValidationError(
                    f"The fee for returned check {event.number} is {Money(cents=event.fee_cents)}."
                )
            events.append(event)
        return events

    def apply(self, posting: Posting, plan: list[ReturnedCheckEvent]) -> None:
        for event in plan:
            event.fee_paid_receipt_id = posting.posted.id

    def undo(self, voiding: Voiding) -> None:
        s, receipt = voiding.session, voiding.receipt
        returned = s.scalar(
            select(ReturnedCheckEvent.number).where(ReturnedCheckEvent.receipt_id == receipt.id)
        )
        if returned is not None:
            raise StateError(
                f"Receipt {receipt.number} had its check returned ({returned}); "
                "it cannot also be voided."
            )
        for event in s.scalars(
            select(ReturnedCheckEvent).where(ReturnedCheckEvent.fee_paid_receipt_id == receipt.id)
        ):
            event.fee_paid_receipt_id = None
            voiding.undone.append({"record": "returned_check_fee", "number": event.number})


def _forget_postings(voiding: Voiding, kinds: tuple[str, ...]) -> None:
    """A void takes the receipt's postings away: what they paid is open again, exactly as
    before the receipt (the audit entry and the outbox row keep what was undone)."""
    rows = list(
        voiding.session.scalars(
            select(RecordPosting).where(
                RecordPosting.receipt_id == voiding.receipt.id, RecordPosting.kind.in_(kinds)
            )
        )
    )
    for row in rows:
        voiding.undone.append(
            {
                "record": row.kind,
                "reference": row.reference,
                "bill_item_id": row.bill_item_id,
                "amount_cents": row.amount_cents,
            }
        )
        voiding.session.delete(row)
    voiding.session.flush()
