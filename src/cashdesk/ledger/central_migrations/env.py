"""Alembic environment for the central PostgreSQL ledger; run through cashdesk.ledger.central.

Its own script location and version table (``central_alembic_version``), so the central
schema never mixes with the workstation store's migrations.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

VERSION_TABLE = "central_alembic_version"
config = context.config


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=None, version_table=VERSION_TABLE)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:  # pragma: no cover - the `alembic` command line, for developers
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as conn:
        _run(conn)
