"""The posting pipeline: what a receipt does to the records, and how a void takes it back.

A receipt line's revenue code belongs to exactly one *participant*: utility bills, citations,
business licenses, animal licenses, TOT returns, programs, returned-check fees, or the plain
catalog (codes that keep no record of their own). A participant that owns no code (mail batch
rows, the card-number guard) still sees every posting. Each participant is registered once,
and a revenue code of the catalog that nobody owns is refused when the workstation starts.

``PaymentService.post_payment`` builds one :class:`Posting` (the receipt being posted, its
business date, the paid-on date penalties are computed as of, the mail batch row it comes
from) and, inside its single transaction:

1. ``check(posting)`` of every participant, before anything is written: each reads the
   records as they are inside the transaction (BEGIN IMMEDIATE: no other posting interleaves)
   and returns its *plan* (the bill items to pay, the application to issue...) or raises a
   CashdeskError to refuse the receipt. The plan is kept on the posting, under the
   participant's name, and handed back to it in step 2: nothing travels through context
   variables, session stashes or module state.
2. The receipt, its lines, tenders and journal entry are written, then ``apply(posting,
   plan)`` of every participant records what the receipt did.
3. A void runs ``undo(voiding)`` of every participant (in reverse order) in the void's
   transaction, beside the reversing journal entry: every record returns to its state before
   the receipt, or the participant raises to refuse the void (a receipt whose check came back).

``check`` and ``apply`` only use the :class:`Posting` given, so a batch or mail handler can
price lines, then run a participant's ``check`` and ``apply`` for a posting of its own.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session

from cashdesk.domain.lines import ChargeLine
from cashdesk.domain.privacy import refuse_card_numbers
from cashdesk.domain.receipt import FinalReceipt
from cashdesk.domain.roles import Operator
from cashdesk.errors import StateError, ValidationError
from cashdesk.store.models import Receipt


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchRowKey:
    """The mail / lockbox batch row a receipt posts (its unique key refuses a second post)."""

    batch_id: str
    row_key: str
    row_no: int
    reference: str
    amount_cents: int


@dataclass(slots=True, kw_only=True)
class Posting:
    """One receipt on its way through the participants, inside the posting transaction."""

    session: Session
    final: FinalReceipt
    operator: Operator
    now: dt.datetime
    business_date: dt.date
    # The date penalties are computed as of: the business date, or a mail row's postmark.
    paid_on: dt.date
    batch_row: BatchRowKey | None = None
    # Set once the receipt's rows exist (after every check, before every apply).
    receipt: Receipt | None = None
    plans: dict[str, object] = field(default_factory=dict)

    @property
    def posted(self) -> Receipt:
        if self.receipt is None:
            raise StateError("The receipt is not written yet.")
        return self.receipt

    def lines_of(self, codes: Iterable[str]) -> list[ChargeLine]:
        wanted = frozenset(codes)
        return [line for line in self.final.lines if line.code in wanted]

    def by_reference(self, codes: Iterable[str]) -> dict[str, list[ChargeLine]]:
        """The lines of ``codes`` grouped by reference (account, citation, application)."""
        groups: dict[str, list[ChargeLine]] = defaultdict(list)
        for line in self.lines_of(codes):
            groups[line.reference].append(line)
        return dict(groups)

    def set_reference(self, old: str, new: str) -> None:
        """Give the written receipt lines of ``old`` (an application) their record's number."""
        for line in self.posted.lines:
            if line.reference == old:
                line.reference = new


@dataclass(slots=True, kw_only=True)
class Voiding:
    """A receipt being voided, inside the void's transaction."""

    session: Session
    receipt: Receipt
    operator: Operator
    now: dt.datetime
    # What each participant undid, for the audit entry and the central ledger.
    undone: list[dict[str, object]] = field(default_factory=list)


PlanT = TypeVar("PlanT")


class Participant(ABC, Generic[PlanT]):
    """A kind of record a receipt can touch. Subclasses set ``name`` and ``codes``."""

    name: str = ""
    codes: frozenset[str] = frozenset()

    @abstractmethod
    def check(self, posting: Posting) -> PlanT:
        """Refuse the receipt (raise) or return what ``apply`` will do; writes nothing."""

    @abstractmethod
    def apply(self, posting: Posting, plan: PlanT) -> None:
        """Record what the receipt did; runs after the receipt's rows are added."""

    @abstractmethod
    def undo(self, voiding: Voiding) -> None:
        """Put every record ``apply`` changed back as it was, or raise to refuse the void."""


class Pipeline:
    """The registered participants, and which one owns each revenue code."""

    def __init__(self) -> None:
        self._participants: list[Participant[Any]] = []
        self._owners: dict[str, Participant[Any]] = {}

    def register(self, participant: Participant[Any]) -> None:
        if not participant.name or any(p.name == participant.name for p in self._participants):
            raise ValueError(f"participant name {participant.name!r} is empty or taken")
        for code in participant.codes:
            if code in self._owners:
                raise ValueError(
                    f"revenue code {code} is owned by {self._owners[code].name} already; "
                    f"{participant.name} cannot own it too"
                )
        self._participants.append(participant)
        self._owners.update(dict.fromkeys(participant.codes, participant))

    @property
    def participants(self) -> tuple[Participant[Any], ...]:
        return tuple(self._participants)

    def owner(self, code: str) -> Participant[Any] | None:
        return self._owners.get(code)

    def unowned(self, codes: Iterable[str]) -> list[str]:
        return sorted(code for code in set(codes) if code not in self._owners)

    def require_owners(self, codes: Iterable[str]) -> None:
        """Refuse a catalog with a code no participant records (checked at start)."""
        missing = self.unowned(codes)
        if missing:
            raise StateError(
                f"Revenue code(s) {', '.join(missing)} have no posting participant: a payment "
                "of them would record nothing. Register a participant for them (the plain "
                "catalog participant for codes that keep no record)."
            )

    def check(self, posting: Posting) -> None:
        for line in posting.final.lines:
            if line.code not in self._owners:
                raise ValidationError(f"Revenue code {line.code} cannot be posted here.")
        for participant in self._participants:
            posting.plans[participant.name] = participant.check(posting)

    def apply(self, posting: Posting) -> None:
        for participant in self._participants:
            participant.apply(posting, posting.plans[participant.name])

    def undo(self, voiding: Voiding) -> None:
        for participant in reversed(self._participants):
            participant.undo(voiding)


class NoRecord(Participant[None]):
    """Codes that keep no record beyond the receipt: the plain catalog, the programs."""

    def __init__(self, name: str, codes: Iterable[str]) -> None:
        self.name = name
        self.codes = frozenset(codes)

    def check(self, posting: Posting) -> None:
        return None

    def apply(self, posting: Posting, plan: None) -> None:
        return None

    def undo(self, voiding: Voiding) -> None:
        return None


class CardNumberGuard(NoRecord):
    """Refuses a receipt whose free text holds what looks like a card number."""

    def __init__(self) -> None:
        super().__init__("card_number_guard", ())

    def check(self, posting: Posting) -> None:
        refuse_card_numbers(posting.final)
