"""central ledger: raw events, typed projections, reference tables, reports

Revision ID: c0001
Revises:
Create Date: 2026-11-26

Every table a workstation writes is append-only: rows are inserted once (keyed by the sync
UUID) and never updated; the workstation role gets INSERT but no UPDATE or DELETE (granted by
``cashdesk central init``). Money is integer cents (BIGINT).
"""

from __future__ import annotations

from alembic import op

revision = "c0001"
down_revision = None
branch_labels = None
depends_on = None

LEDGER = """
-- Every outbox row of every workstation, exactly once, whatever its kind (kinds this version
-- does not project are kept here raw, never refused).
CREATE TABLE ledger_events (
    uuid         uuid        PRIMARY KEY,
    workstation  text        NOT NULL,
    outbox_id    bigint      NOT NULL,
    kind         text        NOT NULL,
    subject_id   text        NOT NULL,
    payload      jsonb       NOT NULL,
    created_at   timestamptz NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_ledger_events_kind ON ledger_events (kind, created_at);
CREATE INDEX ix_ledger_events_workstation ON ledger_events (workstation, outbox_id);

CREATE TABLE receipts (
    id              uuid        PRIMARY KEY,
    event_uuid      uuid        NOT NULL UNIQUE REFERENCES ledger_events (uuid),
    workstation     text        NOT NULL,
    number          text        NOT NULL,
    seq             integer     NOT NULL CHECK (seq > 0),
    drawer_session  text        NOT NULL DEFAULT '',
    cashier_id      integer,
    business_date   date        NOT NULL,
    posted_at       timestamptz NOT NULL,
    payer           text        NOT NULL DEFAULT '',
    total_cents     bigint      NOT NULL CHECK (total_cents > 0),
    change_cents    bigint      NOT NULL CHECK (change_cents >= 0),
    received_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT uq_receipts_workstation_number UNIQUE (workstation, number),
    CONSTRAINT uq_receipts_workstation_seq UNIQUE (workstation, seq)
);
CREATE INDEX ix_receipts_business_date ON receipts (business_date);

CREATE TABLE receipt_lines (
    receipt_id    uuid   NOT NULL REFERENCES receipts (id),
    line_no       integer NOT NULL,
    code          text   NOT NULL,
    description   text   NOT NULL DEFAULT '',
    reference     text   NOT NULL DEFAULT '',
    amount_cents  bigint NOT NULL CHECK (amount_cents > 0),
    gl_account    text   NOT NULL,
    PRIMARY KEY (receipt_id, line_no)
);
CREATE INDEX ix_receipt_lines_reference ON receipt_lines (code, reference);

CREATE TABLE tenders (
    receipt_id     uuid    NOT NULL REFERENCES receipts (id),
    seq            integer NOT NULL,
    kind           text    NOT NULL,
    amount_cents   bigint  NOT NULL CHECK (amount_cents > 0),
    check_routing  text    NOT NULL DEFAULT '',
    check_account  text    NOT NULL DEFAULT '',
    check_number   text    NOT NULL DEFAULT '',
    card_last4     text    NOT NULL DEFAULT '' CHECK (length(card_last4) IN (0, 4)),
    card_approval  text    NOT NULL DEFAULT '',
    reference      text    NOT NULL DEFAULT '',
    PRIMARY KEY (receipt_id, seq)
);

CREATE TABLE journal_entries (
    id             uuid        PRIMARY KEY,
    event_uuid     uuid        NOT NULL REFERENCES ledger_events (uuid),
    kind           text        NOT NULL,
    receipt_id     uuid,
    workstation    text        NOT NULL,
    business_date  date        NOT NULL,
    posted_at      timestamptz NOT NULL,
    description    text        NOT NULL DEFAULT ''
);
CREATE INDEX ix_journal_entries_business_date ON journal_entries (business_date);
CREATE INDEX ix_journal_entries_receipt ON journal_entries (receipt_id);

CREATE TABLE journal_lines (
    entry_id      uuid    NOT NULL REFERENCES journal_entries (id),
    line_no       integer NOT NULL,
    account       text    NOT NULL,
    debit_cents   bigint  NOT NULL DEFAULT 0,
    credit_cents  bigint  NOT NULL DEFAULT 0,
    memo          text    NOT NULL DEFAULT '',
    PRIMARY KEY (entry_id, line_no),
    CONSTRAINT ck_journal_lines_one_side CHECK (
        (debit_cents > 0 AND credit_cents = 0) OR (credit_cents > 0 AND debit_cents = 0))
);

CREATE TABLE voids (
    event_uuid        uuid        PRIMARY KEY REFERENCES ledger_events (uuid),
    receipt_id        uuid        NOT NULL UNIQUE REFERENCES receipts (id),
    number            text        NOT NULL,
    voided_at         timestamptz NOT NULL,
    voided_by         text        NOT NULL DEFAULT '',
    reason            text        NOT NULL DEFAULT '',
    journal_entry_id  uuid        NOT NULL REFERENCES journal_entries (id)
);

-- One row per state a drawer session reaches (opened, closed...): appended, never updated.
CREATE TABLE drawer_sessions (
    event_uuid          uuid        PRIMARY KEY REFERENCES ledger_events (uuid),
    id                  uuid        NOT NULL,
    workstation         text        NOT NULL,
    drawer              text        NOT NULL,
    cashier             text        NOT NULL DEFAULT '',
    business_date       date        NOT NULL,
    opened_at           timestamptz NOT NULL,
    opening_bank_cents  bigint      NOT NULL CHECK (opening_bank_cents >= 0),
    status              text        NOT NULL,
    CONSTRAINT uq_drawer_sessions_id_status UNIQUE (id, status)
);

-- Gaps in each workstation's receipt numbers (numbers are gapless at the counter, so a gap
-- is a receipt that never arrived: still in an outbox, refused, or lost).
CREATE VIEW receipt_number_gaps AS
SELECT workstation,
       prev_seq + 1        AS first_missing,
       seq - 1             AS last_missing,
       seq - prev_seq - 1  AS missing
FROM (SELECT workstation, seq,
             lag(seq, 1, 0) OVER (PARTITION BY workstation ORDER BY seq) AS prev_seq
      FROM receipts) numbered
WHERE seq > prev_seq + 1;

-- The same utility account or citation paid at two counters while neither counter could know
-- of the other payment: each receipt was posted before the other reached the central ledger.
CREATE VIEW offline_double_payments AS
WITH paid AS (
    SELECT l.code, l.reference, r.id AS receipt_id, r.number, r.workstation, r.posted_at,
           r.received_at, sum(l.amount_cents) AS amount_cents
    FROM receipt_lines l
    JOIN receipts r ON r.id = l.receipt_id
    WHERE l.code IN ('UTIL', 'CIT') AND l.reference <> ''
      AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.receipt_id = r.id)
    GROUP BY l.code, l.reference, r.id
)
SELECT a.code, a.reference,
       a.number AS first_receipt, a.workstation AS first_workstation,
       a.posted_at AS first_posted_at, a.amount_cents AS first_amount_cents,
       b.number AS second_receipt, b.workstation AS second_workstation,
       b.posted_at AS second_posted_at, b.amount_cents AS second_amount_cents
FROM paid a
JOIN paid b ON a.code = b.code AND a.reference = b.reference
           AND a.workstation <> b.workstation
           AND (a.posted_at, a.receipt_id) < (b.posted_at, b.receipt_id)
WHERE a.posted_at < b.received_at AND b.posted_at < a.received_at;

CREATE VIEW unbalanced_journal_entries AS
SELECT e.id, e.kind, e.workstation, e.business_date,
       sum(l.debit_cents) AS debit_cents, sum(l.credit_cents) AS credit_cents
FROM journal_entries e JOIN journal_lines l ON l.entry_id = e.id
GROUP BY e.id
HAVING sum(l.debit_cents) <> sum(l.credit_cents);
"""

# The city's records, owned here and pulled by the workstations. ``change_xid`` is the
# transaction that last wrote the row (set by a trigger): a workstation pulls the rows written
# by transactions that finished since its last pull (see cashdesk.ledger.reference). A row is
# retired by setting ``deleted``, never by DELETE, so the retirement reaches every cache.
REFERENCE = """
CREATE FUNCTION stamp_reference_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.change_xid := pg_current_xact_id();
    NEW.updated_at := now();
    RETURN NEW;
END $$;

CREATE TABLE utility_accounts (
    account_no       text PRIMARY KEY,
    name             text NOT NULL,
    service_address  text NOT NULL,
    mailing_address  text NOT NULL,
    status           text NOT NULL
);
CREATE TABLE utility_bill_items (
    id            bigint PRIMARY KEY,
    account_no    text   NOT NULL REFERENCES utility_accounts (account_no),
    bill_no       text   NOT NULL,
    bill_date     date   NOT NULL,
    due_date      date   NOT NULL,
    category      text   NOT NULL,
    amount_cents  bigint NOT NULL
);
CREATE INDEX ix_utility_bill_items_account ON utility_bill_items (account_no, due_date);
CREATE TABLE citations (
    citation_no     text PRIMARY KEY,
    plate           text NOT NULL,
    plate_state     text NOT NULL,
    issue_date      date NOT NULL,
    violation_code  text NOT NULL,
    status          text NOT NULL,
    contest_date    date
);
CREATE TABLE business_licenses (
    license_no            text PRIMARY KEY,
    business_name         text NOT NULL,
    owner                 text NOT NULL,
    address               text NOT NULL,
    license_class         text NOT NULL,
    gross_receipts_cents  bigint,
    machines              integer,
    expires               date NOT NULL
);
CREATE TABLE animal_licenses (
    license_no        text PRIMARY KEY,
    owner             text NOT NULL,
    owner_birth_date  date,
    address           text NOT NULL,
    animal_name       text NOT NULL,
    species           text NOT NULL,
    altered           boolean NOT NULL,
    service_animal    boolean NOT NULL,
    tag_no            text NOT NULL,
    issued            date NOT NULL,
    expires           date NOT NULL,
    rabies_expires    date
);
CREATE TABLE returned_checks (
    id           bigint PRIMARY KEY,
    routing      text NOT NULL,
    account      text NOT NULL,
    payer        text NOT NULL,
    returned_on  date NOT NULL,
    reason       text NOT NULL,
    CONSTRAINT uq_returned_checks_check UNIQUE (routing, account, returned_on)
);
"""

REFERENCE_TABLES = (
    "utility_accounts",
    "utility_bill_items",
    "citations",
    "business_licenses",
    "animal_licenses",
    "returned_checks",
)


def upgrade() -> None:
    op.execute(LEDGER)
    op.execute(REFERENCE)
    for table in REFERENCE_TABLES:
        op.execute(
            f"""
            ALTER TABLE {table}
                ADD COLUMN deleted boolean NOT NULL DEFAULT false,
                ADD COLUMN change_xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
                ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
            CREATE INDEX ix_{table}_change_xid ON {table} (change_xid);
            CREATE TRIGGER stamp_{table}_change BEFORE INSERT OR UPDATE ON {table}
                FOR EACH ROW EXECUTE FUNCTION stamp_reference_change();
            """
        )


def downgrade() -> None:
    op.execute(
        "DROP VIEW unbalanced_journal_entries, offline_double_payments, receipt_number_gaps;"
        "DROP TABLE drawer_sessions, voids, journal_lines, journal_entries, tenders, "
        "receipt_lines, receipts, ledger_events;"
        f"DROP TABLE {', '.join(reversed(REFERENCE_TABLES))};"
        "DROP FUNCTION stamp_reference_change();"
    )
