"""Projections: how an outbox row of a known kind becomes rows of the central typed tables.

Every outbox row is stored raw in ``ledger_events`` (keyed by its UUID); a projection adds the
typed rows for the kinds it knows, in the same central transaction. Adding a kind is one
function::

    @projection("deposit")
    def _deposit(event: OutboxEvent) -> list[Row]:
        return [("deposits", {"id": event.payload["id"], ...})]

(plus its table in a central migration and in ``TABLE_ORDER``). A projection raises
``ProjectionError`` (or any ValueError/KeyError/TypeError from reading the payload) for a
payload it cannot accept: the row goes to the workstation's exceptions queue instead of
being stored half-understood. Kinds without a projection are stored raw, never refused.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cashdesk.domain.gl import check_balanced_cents

Row = tuple[str, dict[str, Any]]
Projection = Callable[["OutboxEvent"], list[Row]]

# Parents before children, so one batch can insert table by table.
TABLE_ORDER: list[str] = [
    "receipts",
    "receipt_lines",
    "tenders",
    "journal_entries",
    "journal_lines",
    "voids",
    "drawer_sessions",
    "petty_cash_vouchers",
    "petty_cash_replenishments",
    "petty_cash_replenishment_vouchers",
    "petty_cash_checks_received",
    "petty_cash_counts",
    "housing_application_events",
]

PROJECTIONS: dict[str, Projection] = {}

_RECEIPT_NUMBER = re.compile(r"^(?P<ws>W\d{2,3})-(?P<seq>\d{1,9})$")


class ProjectionError(ValueError):
    """A payload of a known kind that the central ledger cannot accept as it is."""


@dataclass(frozen=True, slots=True)
class OutboxEvent:
    """One outbox row on its way to the central ledger."""

    outbox_id: int
    uuid: str
    kind: str
    subject_id: str
    payload: Mapping[str, Any]
    created_at: dt.datetime
    workstation: str


def projection(kind: str) -> Callable[[Projection], Projection]:
    def register(func: Projection) -> Projection:
        PROJECTIONS[kind] = func
        return func

    return register


def project(event: OutboxEvent) -> list[Row]:
    """The typed rows of an event (none for a kind nobody projects)."""
    func = PROJECTIONS.get(event.kind)
    return func(event) if func else []


# -- reading payload values strictly (a wrong type is refused, never coerced) ----------------
def _cents(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProjectionError(f"{what} must be integer cents, not {value!r}")
    return value


def _text(value: Any, what: str, *, default: str | None = None) -> str:
    if value is None and default is not None:
        return default
    if not isinstance(value, str):
        raise ProjectionError(f"{what} must be text, not {value!r}")
    return value


def _date(value: Any, what: str) -> dt.date:
    return dt.date.fromisoformat(_text(value, what))


def _moment(value: Any, what: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(_text(value, what))
    if moment.tzinfo is None:
        # Workstations write aware UTC; a naive time is read as UTC, never as server-local.
        moment = moment.replace(tzinfo=dt.UTC)
    return moment


def receipt_seq(number: str, workstation: str) -> int:
    """The sequence number inside a receipt number ("W01-000123" -> 123)."""
    match = _RECEIPT_NUMBER.match(number)
    if match is None:
        raise ProjectionError(f"{number!r} is not a receipt number")
    if match["ws"] != workstation:
        raise ProjectionError(f"receipt {number} does not belong to workstation {workstation}")
    return int(match["seq"])


def _own_workstation(payload: Mapping[str, Any], event: OutboxEvent) -> str:
    """The payload's workstation, which must be the one pushing it (a store copied to another
    counter would otherwise file its receipts under the wrong workstation)."""
    named = _text(payload.get("workstation"), "workstation", default=event.workstation)
    if named != event.workstation:
        raise ProjectionError(f"a row of {named} pushed by workstation {event.workstation}")
    return named


def _journal(
    event: OutboxEvent, entry: Mapping[str, Any], *, receipt_id: str | None, posted_at: dt.datetime
) -> list[Row]:
    lines = entry["lines"]
    check_balanced_cents(
        (
            _text(line["account"], "journal account"),
            _cents(line["debit_cents"], "debit"),
            _cents(line["credit_cents"], "credit"),
        )
        for line in lines
    )
    entry_id = _text(entry["id"], "journal entry id")
    rows: list[Row] = [
        (
            "journal_entries",
            {
                "id": entry_id,
                "event_uuid": event.uuid,
                "kind": _text(entry["kind"], "journal kind"),
                "receipt_id": receipt_id,
                "workstation": event.workstation,
                "business_date": _date(entry["business_date"], "business date"),
                "posted_at": posted_at,
                "description": _text(entry.get("description"), "description", default=""),
            },
        )
    ]
    rows += [
        (
            "journal_lines",
            {
                "entry_id": entry_id,
                "line_no": i,
                "account": line["account"],
                "debit_cents": line["debit_cents"],
                "credit_cents": line["credit_cents"],
                "memo": _text(line.get("memo"), "memo", default=""),
            },
        )
        for i, line in enumerate(lines, start=1)
    ]
    return rows


@projection("receipt")
def _receipt(event: OutboxEvent) -> list[Row]:
    p = event.payload
    workstation = _own_workstation(p, event)
    receipt_id = _text(p["id"], "receipt id")
    number = _text(p["number"], "receipt number")
    posted_at = _moment(p["posted_at"], "posted at")
    lines = p["lines"]
    tenders = p["tenders"]
    total = _cents(p["total_cents"], "total")
    if sum(_cents(line["amount_cents"], "line amount") for line in lines) != total:
        raise ProjectionError(f"receipt {number}: the lines do not add up to the total")
    rows: list[Row] = [
        (
            "receipts",
            {
                "id": receipt_id,
                "event_uuid": event.uuid,
                "workstation": workstation,
                "number": number,
                "seq": receipt_seq(number, workstation),
                "drawer_session": _text(p.get("drawer_session"), "drawer session", default=""),
                "cashier_id": p.get("cashier_id"),
                "business_date": _date(p["business_date"], "business date"),
                "posted_at": posted_at,
                "payer": _text(p.get("payer"), "payer", default=""),
                "total_cents": total,
                "change_cents": _cents(p["change_cents"], "change"),
            },
        )
    ]
    rows += [
        (
            "receipt_lines",
            {
                "receipt_id": receipt_id,
                "line_no": i,
                "code": _text(line["code"], "code"),
                "description": _text(line.get("description"), "description", default=""),
                "reference": _text(line.get("reference"), "reference", default=""),
                "amount_cents": line["amount_cents"],
                "gl_account": _text(line["gl_account"], "GL account"),
            },
        )
        for i, line in enumerate(lines, start=1)
    ]
    rows += [
        (
            "tenders",
            {
                "receipt_id": receipt_id,
                "seq": i,
                "kind": _text(t["kind"], "tender kind"),
                "amount_cents": _cents(t["amount_cents"], "tender amount"),
                **{
                    key: _text(t.get(key), key, default="")
                    for key in (
                        "check_routing",
                        "check_account",
                        "check_number",
                        "card_last4",
                        "card_approval",
                        "reference",
                    )
                },
            },
        )
        for i, t in enumerate(tenders, start=1)
    ]
    rows += _journal(event, p["journal_entry"], receipt_id=receipt_id, posted_at=posted_at)
    return rows


@projection("void")
def _void(event: OutboxEvent) -> list[Row]:
    p = event.payload
    receipt_id = _text(p["receipt_id"], "receipt id")
    voided_at = _moment(p["voided_at"], "voided at")
    entry = p["journal_entry"]
    rows = _journal(event, entry, receipt_id=receipt_id, posted_at=voided_at)
    rows.append(
        (
            "voids",
            {
                "event_uuid": event.uuid,
                "receipt_id": receipt_id,
                "number": _text(p["number"], "receipt number"),
                "voided_at": voided_at,
                "voided_by": _text(p.get("voided_by"), "voided by", default=""),
                "reason": _text(p.get("reason"), "reason", default=""),
                "journal_entry_id": entry["id"],
            },
        )
    )
    return rows


@projection("drawer_session")
def _drawer_session(event: OutboxEvent) -> list[Row]:
    p = event.payload
    return [
        (
            "drawer_sessions",
            {
                "event_uuid": event.uuid,
                "id": _text(p["id"], "drawer session id"),
                "workstation": _own_workstation(p, event),
                "drawer": _text(p["drawer"], "drawer"),
                "cashier": _text(p.get("cashier"), "cashier", default=""),
                "business_date": _date(p["business_date"], "business date"),
                "opened_at": _moment(p["opened_at"], "opened at"),
                "opening_bank_cents": _cents(p["opening_bank_cents"], "opening bank"),
                "status": _text(p["status"], "status"),
            },
        )
    ]


# -- petty cash and housing (RULES.md sections 11 and 12) ------------------------------------
_VOUCHER_NUMBER = re.compile(r"^PC-(?P<seq>\d{6,9})$")


def _bool(value: Any, what: str) -> bool:
    if not isinstance(value, bool):
        raise ProjectionError(f"{what} must be true or false, not {value!r}")
    return value


@projection("pc_voucher")
def _petty_cash_voucher(event: OutboxEvent) -> list[Row]:
    p = event.payload
    number = _text(p["number"], "voucher number")
    match = _VOUCHER_NUMBER.match(number)
    if match is None:
        raise ProjectionError(f"{number!r} is not a petty cash voucher number")
    return [
        (
            "petty_cash_vouchers",
            {
                "id": _text(p["id"], "voucher id"),
                "event_uuid": event.uuid,
                "workstation": _own_workstation(p, event),
                "number": number,
                "seq": int(match["seq"]),
                "paid_on": _date(p["paid_on"], "paid on"),
                "paid_at": _moment(p["paid_at"], "paid at"),
                "custodian": _text(p["custodian"], "custodian"),
                "approver": _text(p.get("approver"), "approver", default=""),
                "payee": _text(p["payee"], "payee"),
                "purpose": _text(p["purpose"], "purpose"),
                "expense_account": _text(p["expense_account"], "expense account"),
                "amount_cents": _cents(p["amount_cents"], "voucher amount"),
                "receipt_attached": _bool(p["receipt_attached"], "receipt attached"),
            },
        )
    ]


@projection("pc_replenishment")
def _petty_cash_replenishment(event: OutboxEvent) -> list[Row]:
    p = event.payload
    replenishment_id = _text(p["id"], "replenishment id")
    requested_at = _moment(p["requested_at"], "requested at")
    entry = p["journal_entry"]
    rows = _journal(event, entry, receipt_id=None, posted_at=requested_at)
    total_cents = _cents(p["total_cents"], "replenishment total")
    if sum(line["debit_cents"] for line in entry["lines"]) != total_cents:
        raise ProjectionError("the replenishment's journal entry does not carry its total")
    rows.append(
        (
            "petty_cash_replenishments",
            {
                "id": replenishment_id,
                "event_uuid": event.uuid,
                "workstation": _own_workstation(p, event),
                "number": _text(p["number"], "replenishment number"),
                "requested_on": _date(p["requested_on"], "requested on"),
                "requested_at": requested_at,
                "requested_by": _text(p["requested_by"], "requested by"),
                "total_cents": total_cents,
                "journal_entry_id": _text(entry["id"], "journal entry id"),
            },
        )
    )
    rows += [
        (
            "petty_cash_replenishment_vouchers",
            {"replenishment_id": replenishment_id, "voucher_id": _text(v, "voucher id")},
        )
        for v in p["vouchers"]
    ]
    return rows


@projection("pc_replenished")
def _petty_cash_replenished(event: OutboxEvent) -> list[Row]:
    p = event.payload
    _own_workstation(p, event)
    return [
        (
            "petty_cash_checks_received",
            {
                "event_uuid": event.uuid,
                "replenishment_id": _text(p["replenishment_id"], "replenishment id"),
                "received_at": _moment(p["received_at"], "received at"),
                "received_by": _text(p["received_by"], "received by"),
                "check_number": _text(p["check_number"], "check number"),
                "amount_cents": _cents(p["amount_cents"], "check amount"),
            },
        )
    ]


@projection("pc_count")
def _petty_cash_count(event: OutboxEvent) -> list[Row]:
    p = event.payload
    return [
        (
            "petty_cash_counts",
            {
                "id": _text(p["id"], "count id"),
                "event_uuid": event.uuid,
                "workstation": _own_workstation(p, event),
                "counted_on": _date(p["counted_on"], "counted on"),
                "counted_at": _moment(p["counted_at"], "counted at"),
                "counted_by": _text(p["counted_by"], "counted by"),
                "cash_cents": _cents(p["cash_cents"], "cash"),
                "open_vouchers_cents": _cents(p["open_vouchers_cents"], "open vouchers"),
                "difference_cents": _cents(p["difference_cents"], "difference"),
                "note": _text(p.get("note"), "note", default=""),
            },
        )
    ]


@projection("housing")
def _housing_event(event: OutboxEvent) -> list[Row]:
    p = event.payload
    members = p["members"]
    if not isinstance(members, list) or not members:
        raise ProjectionError("a housing application lists its household's members")
    anniversary, closed_on = p.get("anniversary"), p.get("closed_on")
    return [
        (
            "housing_application_events",
            {
                "event_uuid": event.uuid,
                "application_id": _text(p["id"], "application id"),
                "number": _text(p["number"], "application number"),
                "workstation": _own_workstation(p, event),
                "event": _text(p["event"], "event"),
                "status": _text(p["status"], "status"),
                "at": event.created_at,
                "by_user": _text(p["by"], "by"),
                "household_size": len(members),
                "annual_income_cents": _cents(p["annual_income_cents"], "annual income"),
                "limit_cents": _cents(p["limit_cents"], "limit"),
                "eligible": _bool(p["eligible"], "eligible"),
                "reason": _text(p.get("decision_reason"), "reason", default=""),
                "anniversary": _date(anniversary, "anniversary") if anniversary else None,
                "closed_on": _date(closed_on, "closed on") if closed_on else None,
            },
        )
    ]
