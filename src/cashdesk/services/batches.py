"""Mail and lockbox batches: a CSV file of payments posted as one receipt per row.

File format: a header row with exactly the columns ``payer, kind, reference, amount, tender,
check_routing, check_account, check_number, postmark`` (any order, any case), then one payment
per row. UTF-8 with or without a byte-order mark, CRLF or LF line ends; a file that is not
UTF-8 is read as Latin-1 (what spreadsheet exports on Windows produce). ``kind`` is a revenue
code; ``tender`` is check, money_order or cash (a money order's serial goes in
``check_number``); ``postmark`` (YYYY-MM-DD, optional) is the date penalties are computed as of.

- A file whose columns are wrong, that has no rows, or whose total differs from the control
  total given with it, is refused as a whole with a message: nothing is posted.
- Each other row posts one receipt, or is an exception: written to ``NAME-exceptions.csv``
  beside the file (row number, reference, reason, and the row's payer, kind and amount),
  with nothing of that row posted. Exceptions include an unknown kind or reference, an amount
  that is not a citation's (or another fixed-price item's) amount due, a bad routing number,
  a check on the returned-check list, and anything the posting itself refuses.
- Importing the same file again posts nothing twice: every row has a key (sha256 of the file
  name, the row number and the row's content) that is written, under a unique constraint, in
  the same transaction as its receipt. A row already posted is counted, not posted again.
- The batch's receipts are posted under a drawer session of their own, drawer ``B-<NAME>``,
  opened by the importing user with no starting bank, so the daily cash report shows the
  batch as its own drawer. They are not printed and kick no drawer (``devices=False``).
- The control total is the sum of every row's amount; after an import it equals what was
  posted (now or by an earlier import of the file) plus the exceptions.

Kinds are handled through a registry, ``BatchService.handlers`` (kind -> function of the row
and the paid-on date returning the receipt lines). UTIL and CIT are registered here; every
fixed-price or keyed revenue code (GOLF-R, MISC, FAC-FEE...) is handled through the catalog.
Schedule-priced codes (BLT-REN, BLT-NEW, ANL, TOT) are exceptions until their area registers
a handler: ``desk.batches.handlers["BLT-REN"] = desk.licenses.batch_lines``. A handler raises
a CashdeskError to make the row an exception; the lines it returns must total the row's amount.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from cashdesk.domain import tender as T
from cashdesk.domain.catalog import Pricing
from cashdesk.domain.lines import ChargeLine
from cashdesk.domain.money import Money, total
from cashdesk.domain.receipt import ReceiptDraft
from cashdesk.domain.roles import Operator, Permission
from cashdesk.errors import CashdeskError, StateError, ValidationError
from cashdesk.outputs import atomic_output, csv_writer
from cashdesk.services.catalog import CatalogService
from cashdesk.services.context import ServiceContext
from cashdesk.services.drawers import DrawerService
from cashdesk.services.payments import PaymentService
from cashdesk.services.posting import BatchRowKey, Participant, Posting, Voiding
from cashdesk.services.records import RecordsService
from cashdesk.store.engine import transaction
from cashdesk.store.models import Receipt
from cashdesk.store.records_models import PaymentBatch, PaymentBatchRow

COLUMNS = (
    "payer",
    "kind",
    "reference",
    "amount",
    "tender",
    "check_routing",
    "check_account",
    "check_number",
    "postmark",
)
_BATCH_NAME = re.compile(r"^[A-Za-z0-9_-]{1,14}$")
MAX_ROWS = 100_000


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchRow:
    """One parsed row of a batch file."""

    row_no: int  # the file's line-of-data number: 1 is the first row after the header
    key: str
    payer: str
    kind: str
    reference: str
    amount: Money
    tender: str
    check_routing: str
    check_account: str
    check_number: str
    postmark: dt.date | None


KindHandler = Callable[[BatchRow, dt.date], Sequence[ChargeLine]]
Progress = Callable[[int, int], None]  # (rows done, rows in the file)


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchException:
    row_no: int
    reference: str
    reason: str
    payer: str = ""
    kind: str = ""
    amount: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchResult:
    name: str
    drawer: str
    drawer_session_id: str
    rows: int
    control_total: Money
    posted: int  # receipts posted by this import
    posted_amount: Money
    already_posted: int  # rows an earlier import of the file posted
    already_posted_amount: Money
    exceptions: tuple[BatchException, ...]
    exceptions_amount: Money
    exceptions_path: Path
    receipt_numbers: tuple[str, ...] = field(default=())

    @property
    def balanced(self) -> bool:
        """Every row is accounted for: posted (now or before) or an exception."""
        return (
            self.posted_amount + self.already_posted_amount + self.exceptions_amount
            == self.control_total
        )


def decode_batch_file(data: bytes) -> str:
    """UTF-8 (a byte-order mark is dropped), else Latin-1."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def row_key(file_name: str, row_no: int, values: Sequence[str]) -> str:
    content = "\x1f".join(v.strip() for v in values)
    return hashlib.sha256(f"{file_name}\x1e{row_no}\x1e{content}".encode()).hexdigest()


def read_batch_file(
    path: Path,
) -> tuple[list[BatchRow], list[BatchException], Money]:
    """Parse the whole file first: (rows, row exceptions, control total).

    Raises ValidationError for a file that cannot be a batch (nothing will be posted).
    """
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ValidationError(f"Cannot read {path}: {err.strerror or err}.") from None
    text = decode_batch_file(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ValidationError(f"{path.name} is empty.") from None
    except csv.Error as err:
        raise ValidationError(f"{path.name} is not a CSV file: {err}.") from None
    names = [h.strip().lower() for h in header]
    missing = [c for c in COLUMNS if c not in names]
    unknown = [h for h in names if h not in COLUMNS]
    duplicated = sorted({h for h in names if names.count(h) > 1})
    if missing or unknown or duplicated:
        problems = []
        if missing:
            problems.append("missing " + ", ".join(missing))
        if unknown:
            problems.append("unknown " + ", ".join(repr(u) for u in unknown))
        if duplicated:
            problems.append("repeated " + ", ".join(duplicated))
        raise ValidationError(
            f"{path.name} does not have the batch columns ({'; '.join(problems)}). "
            f"The header must be: {', '.join(COLUMNS)}. Nothing was posted."
        )
    index = {name: names.index(name) for name in COLUMNS}
    rows: list[BatchRow] = []
    exceptions: list[BatchException] = []
    control = Money.zero()
    row_no = 0
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue  # blank lines (a trailing newline, a spreadsheet's empty rows)
            row_no += 1
            if row_no > MAX_ROWS:
                raise ValidationError(f"{path.name} has more than {MAX_ROWS:,} rows.")
            got = {c: (values[i].strip() if i < len(values) else "") for c, i in index.items()}
            reference = got["reference"][:40]

            def fail(
                reason: str, got: dict[str, str] = got, reference: str = reference, n: int = row_no
            ) -> None:
                exceptions.append(
                    BatchException(
                        row_no=n,
                        reference=reference,
                        reason=reason,
                        payer=got["payer"],
                        kind=got["kind"],
                        amount=got["amount"],
                    )
                )

            if len(values) != len(names):
                fail(f"The row has {len(values)} fields; the header has {len(names)}.")
                continue
            try:
                amount = Money.parse(got["amount"])
            except ValidationError as err:
                fail(str(err))
                continue
            control += amount
            if not amount.is_positive:
                fail("The amount must be more than $0.00.")
                continue
            try:
                postmark = dt.date.fromisoformat(got["postmark"]) if got["postmark"] else None
            except ValueError:
                fail(f"Postmark {got['postmark']!r} is not a date (YYYY-MM-DD).")
                continue
            rows.append(
                BatchRow(
                    row_no=row_no,
                    key=row_key(path.name, row_no, values),
                    payer=got["payer"][:120],
                    kind=got["kind"].upper(),
                    reference=reference,
                    amount=amount,
                    tender=got["tender"].lower().replace(" ", "_"),
                    check_routing=got["check_routing"],
                    check_account=got["check_account"],
                    check_number=got["check_number"],
                    postmark=postmark,
                )
            )
    except csv.Error as err:
        raise ValidationError(
            f"{path.name} is not a readable CSV file near row {row_no}: {err}. Nothing was posted."
        ) from None
    if not row_no:
        raise ValidationError(f"{path.name} has a header but no payments. Nothing was posted.")
    return rows, exceptions, control


def write_exceptions(path: Path, exceptions: Sequence[BatchException]) -> None:
    """The exceptions file (UTF-8 with a byte-order mark, so a spreadsheet reads accents)."""
    with (
        atomic_output(path, force=True) as tmp,
        tmp.open("w", newline="", encoding="utf-8-sig") as f,
    ):
        out = csv_writer(f)
        out.writerow(["row", "reference", "reason", "payer", "kind", "amount"])
        for e in exceptions:
            out.writerow([e.row_no, e.reference, e.reason, e.payer, e.kind, e.amount])


class BatchService:
    def __init__(
        self,
        ctx: ServiceContext,
        *,
        catalog: CatalogService,
        drawers: DrawerService,
        payments: PaymentService,
        records: RecordsService,
    ) -> None:
        self.ctx = ctx
        self.catalog = catalog
        self.drawers = drawers
        self.payments = payments
        self.records = records
        self.handlers: dict[str, KindHandler] = {
            "UTIL": self._utility_lines,
            "CIT": self._citation_lines,
        }

    # -- kind handlers ------------------------------------------------------------------
    def _utility_lines(self, row: BatchRow, paid_on: dt.date) -> Sequence[ChargeLine]:
        return self.records.utility_payment(row.reference, amount=row.amount, paid_on=paid_on).lines

    def _citation_lines(self, row: BatchRow, paid_on: dt.date) -> Sequence[ChargeLine]:
        return self.records.citation_lines(row.reference, paid_on=paid_on)

    def _catalog_lines(self, row: BatchRow, paid_on: dt.date) -> Sequence[ChargeLine]:
        rc = self.catalog.catalog().get(row.kind)
        alternate = (
            rc.pricing is Pricing.FIXED
            and rc.alt_price is not None
            and row.amount == rc.alt_price
            and row.amount != rc.price
        )
        description = ""
        if rc.needs_description:
            description = row.reference or f"mail payment from {row.payer}"
        return (
            self.catalog.catalog().line(
                row.kind,
                amount=row.amount,
                alternate=alternate,
                reference=row.reference,
                description=description,
            ),
        )

    def handler_for(self, kind: str) -> KindHandler:
        handler = self.handlers.get(kind)
        if handler is not None:
            return handler
        catalog = self.catalog.catalog()
        if kind in catalog and catalog.get(kind).pricing is not Pricing.SCHEDULE:
            return self._catalog_lines
        if kind in catalog:
            raise ValidationError(
                f"Kind {kind} is priced by a schedule that mail batches do not handle yet; "
                "post it at the counter."
            )
        raise ValidationError(f"Unknown kind {kind!r}.")

    # -- import -------------------------------------------------------------------------
    def import_payments(
        self,
        operator: Operator,
        path: Path,
        *,
        batch: str,
        control_total: Money | None = None,
        progress: Progress | None = None,
    ) -> BatchResult:
        """Post a mail or lockbox file as batch ``batch``; see the module docstring."""
        operator.require(Permission.IMPORT_PAYMENTS)
        operator.require(Permission.TAKE_PAYMENT)
        name = batch.strip()
        if not _BATCH_NAME.match(name):
            raise ValidationError(
                "A batch name is 1 to 14 letters, digits, dashes or underscores "
                f"(it names the batch's drawer), not {batch!r}."
            )
        path = Path(path)
        rows, exceptions, control = read_batch_file(path)
        if control_total is not None and control_total != control:
            raise ValidationError(
                f"{path.name} totals {control}, not the control total {control_total}. "
                "Nothing was posted."
            )
        drawer = f"B-{name}"
        session_id, batch_id = self._open_batch(operator, name, drawer, path)
        today = self.ctx.business_date()
        posted_numbers: list[str] = []
        posted_amount = Money.zero()
        already = 0
        already_amount = Money.zero()
        row_count = len(rows) + len(exceptions)
        done = len(exceptions)
        if progress:
            progress(done, row_count)
        for row in rows:
            done += 1
            if self._already_posted(row.key):
                already += 1
                already_amount += row.amount
            else:
                try:
                    number = self._post_row(operator, row, drawer, batch_id, today)
                except _AlreadyPosted:
                    already += 1
                    already_amount += row.amount
                except CashdeskError as err:
                    exceptions.append(
                        BatchException(
                            row_no=row.row_no,
                            reference=row.reference,
                            reason=str(err),
                            payer=row.payer,
                            kind=row.kind,
                            amount=row.amount.plain(),
                        )
                    )
                else:
                    posted_numbers.append(number)
                    posted_amount += row.amount
            if progress:
                progress(done, row_count)
        exceptions.sort(key=lambda e: e.row_no)
        exceptions_path = path.with_name(f"{name}-exceptions.csv")
        write_exceptions(exceptions_path, exceptions)
        exceptions_amount = total(_amount_or_zero(e.amount) for e in exceptions)
        result = BatchResult(
            name=name,
            drawer=drawer,
            drawer_session_id=session_id,
            rows=row_count,
            control_total=control,
            posted=len(posted_numbers),
            posted_amount=posted_amount,
            already_posted=already,
            already_posted_amount=already_amount,
            exceptions=tuple(exceptions),
            exceptions_amount=exceptions_amount,
            exceptions_path=exceptions_path,
            receipt_numbers=tuple(posted_numbers),
        )
        self._close_import(operator, batch_id, result, path)
        return result

    def _open_batch(
        self, operator: Operator, name: str, drawer: str, path: Path
    ) -> tuple[str, str]:
        """The batch's open drawer session (opened with no starting bank) and its record."""
        current = self.drawers.current(drawer)
        if current is None:
            current = self.drawers.open_drawer(operator, opening_bank=Money.zero(), drawer=drawer)
        elif current.cashier_id != operator.user_id:
            raise StateError(
                f"Batch {name} is being imported by {current.cashier_name}; "
                "the same person imports all of a batch's files."
            )
        now = self.ctx.now()
        with transaction(self.ctx.sessions) as s:
            batch = s.scalar(select(PaymentBatch).where(PaymentBatch.name == name))
            if batch is None:
                batch = PaymentBatch(
                    name=name,
                    file_name=path.name[:255],
                    drawer_session_id=current.id,
                    created_by_id=operator.user_id,
                    created_at=now,
                    business_date=self.ctx.business_date(now),
                )
                s.add(batch)
            else:
                batch.drawer_session_id = current.id
                batch.file_name = path.name[:255]
            s.flush()
            return current.id, batch.id

    def _already_posted(self, key: str) -> bool:
        with self.ctx.sessions() as s:
            return (
                s.scalar(select(PaymentBatchRow.id).where(PaymentBatchRow.row_key == key))
                is not None
            )

    def _post_row(
        self, operator: Operator, row: BatchRow, drawer: str, batch_id: str, today: dt.date
    ) -> str:
        paid_on = row.postmark or today
        if paid_on > today:
            raise ValidationError(f"The postmark {paid_on:%m/%d/%Y} is after today.")
        lines = list(self.handler_for(row.kind)(row, paid_on))
        due = total(line.amount for line in lines)
        if due != row.amount:
            raise ValidationError(
                f"The amount {row.amount} is not the amount due {due} (as of {paid_on:%m/%d/%Y})."
            )
        draft = ReceiptDraft(payer=row.payer)
        for line in lines:
            draft.add_line(line)
        draft.add_tender(self._tender(row))
        key = BatchRowKey(
            batch_id=batch_id,
            row_key=row.key,
            row_no=row.row_no,
            reference=row.reference,
            amount_cents=row.amount.cents,
        )
        try:
            posted = self.payments.post_payment(
                operator, draft, drawer=drawer, devices=False, paid_on=paid_on, batch_row=key
            )
        except IntegrityError as err:
            if "row_key" in str(err.orig):
                raise _AlreadyPosted from None  # a concurrent import of the same file won
            raise
        return posted.number

    @staticmethod
    def _tender(row: BatchRow) -> T.Tender:
        if row.tender == "check":
            return T.check(
                row.amount,
                routing=row.check_routing,
                account=row.check_account,
                number=row.check_number,
            )
        if row.tender == "money_order":
            return T.money_order(row.amount, serial=row.check_number)
        if row.tender == "cash":
            return T.cash(row.amount)
        raise ValidationError(f"Tender {row.tender!r} is not check, money_order or cash.")

    def _close_import(
        self, operator: Operator, batch_id: str, result: BatchResult, path: Path
    ) -> None:
        now = self.ctx.now()
        with transaction(self.ctx.sessions) as s:
            batch = s.get(PaymentBatch, batch_id)
            assert batch is not None
            count, cents = s.execute(
                select(func.count(), func.coalesce(func.sum(PaymentBatchRow.amount_cents), 0))
                .join(Receipt, Receipt.id == PaymentBatchRow.receipt_id)
                .where(PaymentBatchRow.batch_id == batch_id, Receipt.status == "posted")
            ).one()
            batch.row_count = result.rows
            batch.control_total_cents = result.control_total.cents
            batch.posted_count = int(count)
            batch.posted_total_cents = int(cents)
            batch.exception_count = len(result.exceptions)
            batch.exception_total_cents = result.exceptions_amount.cents
            summary: dict[str, str | int] = {
                "batch": result.name,
                "file": path.name,
                "drawer": result.drawer,
                "drawer_session": result.drawer_session_id,
                "rows": result.rows,
                "control_total": result.control_total.plain(),
                "posted": result.posted,
                "posted_amount": result.posted_amount.plain(),
                "already_posted": result.already_posted,
                "exceptions": len(result.exceptions),
                "exceptions_amount": result.exceptions_amount.plain(),
            }
            self.ctx.audit(
                s,
                action="payment_batch_imported",
                actor_id=operator.user_id,
                subject=result.name,
                at=now,
                details=summary,
            )
            self.ctx.enqueue(
                s,
                kind="payment_batch",
                subject_id=batch.id,
                at=now,
                payload={
                    "id": batch.id,
                    "business_date": batch.business_date.isoformat(),
                    **summary,
                },
            )


class BatchRows(Participant[BatchRowKey | None]):
    """The batch row a receipt posts: recorded with it, forgotten by its void (so the row
    can be posted again by the next import of the file)."""

    name = "batches"

    def check(self, posting: Posting) -> BatchRowKey | None:
        return posting.batch_row

    def apply(self, posting: Posting, plan: BatchRowKey | None) -> None:
        if plan is None:
            return
        posting.session.add(
            PaymentBatchRow(
                batch_id=plan.batch_id,
                row_key=plan.row_key,
                row_no=plan.row_no,
                reference=plan.reference,
                amount_cents=plan.amount_cents,
                receipt_id=posting.posted.id,
            )
        )
        posting.session.flush()  # the unique row key refuses a second posting, in the transaction

    def undo(self, voiding: Voiding) -> None:
        row = voiding.session.scalar(
            select(PaymentBatchRow).where(PaymentBatchRow.receipt_id == voiding.receipt.id)
        )
        if row is None:
            return
        voiding.undone.append(
            {"record": "batch_row", "batch_id": row.batch_id, "row_no": row.row_no}
        )
        voiding.session.delete(row)
        voiding.session.flush()


class _AlreadyPosted(Exception):
    """A concurrent import posted this row first."""


def _amount_or_zero(text: str) -> Money:
    try:
        return Money.parse(text)
    except ValidationError:
        return Money.zero()
