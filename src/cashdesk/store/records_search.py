"""The look-up index over the city's records: one contentless FTS5 table, ``record_search``.

It holds only the folded words (see ``cashdesk.domain.search_text``) of each record, under a
rowid that says which record it is: ``kind * KIND_STRIDE + rowid of the record's row`` in its
cache table. Contentless, because the cache tables already hold the text: the index adds
words and positions only. Migration 0040 creates and first fills it; ``rebuild_search_index``
refills it whenever the city's records are (re)loaded. Payments at this counter are recorded
beside the cache tables (record_postings) and change no name; licenses issued or re-tagged
here do change them, and ``keep_index_current`` indexes those rows as they are written.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum
from typing import Any

from sqlalchemy import Connection, inspect, text
from sqlalchemy.orm import Mapper, Session

from cashdesk.domain.search_text import fold

SEARCH_TABLE = "record_search"
KIND_STRIDE = 1_000_000_000

# Kept in step with migration 0040, which creates the table with the same statement.
CREATE_SEARCH_TABLE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS record_search USING fts5("
    "body, content='', tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')"
)


class RecordKind(IntEnum):
    UTILITY = 1
    CITATION = 2
    BUSINESS_LICENSE = 3
    ANIMAL_LICENSE = 4

    @property
    def label(self) -> str:
        return self.name.lower()


# The cache table of each kind and the columns whose words are indexed.
SOURCES: dict[RecordKind, tuple[str, tuple[str, ...]]] = {
    RecordKind.UTILITY: ("utility_accounts", ("account_no", "name", "service_address")),
    RecordKind.CITATION: ("citations", ("citation_no", "plate")),
    RecordKind.BUSINESS_LICENSE: (
        "business_licenses",
        ("license_no", "business_name", "owner", "address"),
    ),
    RecordKind.ANIMAL_LICENSE: (
        "animal_licenses",
        ("license_no", "tag_no", "owner", "animal_name"),
    ),
}


def search_rowid(kind: RecordKind, rowid: int) -> int:
    return int(kind) * KIND_STRIDE + rowid


def split_rowid(value: int) -> tuple[RecordKind, int]:
    kind, rowid = divmod(value, KIND_STRIDE)
    return RecordKind(kind), rowid


def _body(values: Iterable[object]) -> str:
    return fold(" ".join(str(v or "") for v in values))


_INSERT = text("INSERT INTO record_search(rowid, body) VALUES (:rowid, :body)")


def _documents(s: Session, kind: RecordKind) -> Iterable[dict[str, object]]:
    table, columns = SOURCES[kind]
    rows = s.execute(text(f"SELECT rowid, {', '.join(columns)} FROM {table}"))
    for rowid, *values in rows:
        yield {"rowid": search_rowid(kind, rowid), "body": _body(values)}


def rebuild_search_index(s: Session) -> int:
    """Refill the index from the cache tables; returns the number of records indexed."""
    s.execute(text(CREATE_SEARCH_TABLE))
    # A contentless table cannot delete a row without its old text; delete-all needs none.
    s.execute(text("INSERT INTO record_search(record_search) VALUES ('delete-all')"))
    count = 0
    for kind in RecordKind:
        docs = list(_documents(s, kind))
        if docs:
            s.execute(_INSERT, docs)
        count += len(docs)
    return count


# -- keeping the index in step with rows this counter writes ---------------------------------
# The license screens issue new licenses (new rows) and renew or re-tag existing ones (a new
# tag number) in the cache tables. The mapper events below index such a row in the same
# transaction, so a tag issued a minute ago is found by the next search. A contentless FTS5
# table forgets a row only when given its old words, which the ORM still holds as the
# attributes' history while the flush runs.


def _index_after_write(kind: RecordKind) -> tuple[Any, Any, Any]:
    columns = SOURCES[kind][1]
    forget = text(
        "INSERT INTO record_search(record_search, rowid, body) VALUES ('delete', :rowid, :body)"
    )

    def rowid_of(connection: Connection, mapper: Mapper[Any], target: Any) -> int:
        table = SOURCES[kind][0]
        key = mapper.primary_key[0].name
        value = connection.execute(
            text(f"SELECT rowid FROM {table} WHERE {key} = :key"), {"key": getattr(target, key)}
        ).scalar_one()
        return search_rowid(kind, int(value))

    def after_insert(mapper: Mapper[Any], connection: Connection, target: Any) -> None:
        body = _body(getattr(target, c) for c in columns)
        connection.execute(_INSERT, {"rowid": rowid_of(connection, mapper, target), "body": body})

    def after_update(mapper: Mapper[Any], connection: Connection, target: Any) -> None:
        state = inspect(target)
        old, changed = [], False
        for column in columns:
            history = state.attrs[column].history
            if history.deleted:
                changed = True
                old.append(history.deleted[0])
            else:
                old.append(getattr(target, column))
        if not changed:
            return
        rowid = rowid_of(connection, mapper, target)
        connection.execute(forget, {"rowid": rowid, "body": _body(old)})
        connection.execute(
            _INSERT, {"rowid": rowid, "body": _body(getattr(target, c) for c in columns)}
        )

    def before_delete(mapper: Mapper[Any], connection: Connection, target: Any) -> None:
        # A voided new license leaves the cache: its words leave the index with it.
        body = _body(getattr(target, c) for c in columns)
        connection.execute(forget, {"rowid": rowid_of(connection, mapper, target), "body": body})

    return after_insert, after_update, before_delete


def keep_index_current() -> None:
    """Register the mapper events for the license tables (once per process)."""
    global _registered
    if _registered:
        return
    from sqlalchemy import event

    from cashdesk.store.reference_models import AnimalLicenseRow, BusinessLicenseRow

    for model, kind in (
        (BusinessLicenseRow, RecordKind.BUSINESS_LICENSE),
        (AnimalLicenseRow, RecordKind.ANIMAL_LICENSE),
    ):
        after_insert, after_update, before_delete = _index_after_write(kind)
        event.listen(model, "after_insert", after_insert)
        event.listen(model, "after_update", after_update)
        event.listen(model, "before_delete", before_delete)
    _registered = True


_registered = False
