"""central ledger: petty cash vouchers, counts and replenishments; housing application events

Revision ID: c0140
Revises: c0080
Create Date: 2026-12-04

Insert-only like every workstation table: a voucher, a count, a replenishment request and the
check that came back are each one row; a housing application is a row per event (received,
documents, approved, denied, re-registered, lapsed), its household and income in the raw
event's payload (``ledger_events``), which the retention schedule (RULES.md section 13) keys
off ``closed_on``. The replenishment's journal entry goes into ``journal_entries`` (kind
``petty_cash``) with its lines.
"""

from __future__ import annotations

from alembic import op

revision = "c0140"
down_revision = "c0080"
branch_labels = None
depends_on = None

UP = """
CREATE TABLE petty_cash_vouchers (
    id                uuid        PRIMARY KEY,
    event_uuid        uuid        NOT NULL UNIQUE REFERENCES ledger_events (uuid),
    workstation       text        NOT NULL,
    number            text        NOT NULL,
    seq               integer     NOT NULL CHECK (seq > 0),
    paid_on           date        NOT NULL,
    paid_at           timestamptz NOT NULL,
    custodian         text        NOT NULL,
    approver          text        NOT NULL DEFAULT '',
    payee             text        NOT NULL,
    purpose           text        NOT NULL,
    expense_account   text        NOT NULL,
    amount_cents      bigint      NOT NULL CHECK (amount_cents > 0 AND amount_cents <= 7500),
    receipt_attached  boolean     NOT NULL,
    CONSTRAINT uq_petty_cash_vouchers_workstation_seq UNIQUE (workstation, seq),
    CONSTRAINT ck_petty_cash_vouchers_approved CHECK (amount_cents <= 2500 OR approver <> '')
);

CREATE TABLE petty_cash_replenishments (
    id                uuid        PRIMARY KEY,
    event_uuid        uuid        NOT NULL UNIQUE REFERENCES ledger_events (uuid),
    workstation       text        NOT NULL,
    number            text        NOT NULL,
    requested_on      date        NOT NULL,
    requested_at      timestamptz NOT NULL,
    requested_by      text        NOT NULL,
    total_cents       bigint      NOT NULL CHECK (total_cents > 0),
    journal_entry_id  uuid        NOT NULL REFERENCES journal_entries (id),
    CONSTRAINT uq_petty_cash_replenishments_workstation_number UNIQUE (workstation, number)
);

CREATE TABLE petty_cash_replenishment_vouchers (
    replenishment_id  uuid NOT NULL REFERENCES petty_cash_replenishments (id),
    voucher_id        uuid NOT NULL UNIQUE REFERENCES petty_cash_vouchers (id),
    PRIMARY KEY (replenishment_id, voucher_id)
);

-- The city's check cashed into the fund: the request's vouchers are closed.
CREATE TABLE petty_cash_checks_received (
    event_uuid        uuid        PRIMARY KEY REFERENCES ledger_events (uuid),
    replenishment_id  uuid        NOT NULL UNIQUE REFERENCES petty_cash_replenishments (id),
    received_at       timestamptz NOT NULL,
    received_by       text        NOT NULL,
    check_number      text        NOT NULL,
    amount_cents      bigint      NOT NULL CHECK (amount_cents > 0)
);

CREATE TABLE petty_cash_counts (
    id                   uuid        PRIMARY KEY,
    event_uuid           uuid        NOT NULL UNIQUE REFERENCES ledger_events (uuid),
    workstation          text        NOT NULL,
    counted_on           date        NOT NULL,
    counted_at           timestamptz NOT NULL,
    counted_by           text        NOT NULL,
    cash_cents           bigint      NOT NULL CHECK (cash_cents >= 0),
    open_vouchers_cents  bigint      NOT NULL CHECK (open_vouchers_cents >= 0),
    difference_cents     bigint      NOT NULL,
    note                 text        NOT NULL DEFAULT ''
);

-- What the finance administrator reviews: every count that did not come to $300.00.
CREATE VIEW petty_cash_differences AS
SELECT workstation, counted_on, counted_at, counted_by, cash_cents, open_vouchers_cents,
       difference_cents, note
FROM petty_cash_counts
WHERE difference_cents <> 0;

CREATE TABLE housing_application_events (
    event_uuid           uuid        PRIMARY KEY REFERENCES ledger_events (uuid),
    application_id       uuid        NOT NULL,
    number               text        NOT NULL,
    workstation          text        NOT NULL,
    event                text        NOT NULL,
    status               text        NOT NULL,
    at                   timestamptz NOT NULL,
    by_user              text        NOT NULL,
    household_size       integer     NOT NULL CHECK (household_size > 0),
    annual_income_cents  bigint      NOT NULL CHECK (annual_income_cents >= 0),
    limit_cents          bigint      NOT NULL CHECK (limit_cents > 0),
    eligible             boolean     NOT NULL,
    reason               text        NOT NULL DEFAULT '',
    anniversary          date,
    closed_on            date
);
CREATE INDEX ix_housing_application_events_application
    ON housing_application_events (application_id, at);
"""


def upgrade() -> None:
    op.execute(UP)


def downgrade() -> None:
    op.execute(
        "DROP TABLE housing_application_events; DROP VIEW petty_cash_differences; "
        "DROP TABLE petty_cash_counts, petty_cash_checks_received, "
        "petty_cash_replenishment_vouchers, petty_cash_replenishments, petty_cash_vouchers;"
    )
