"""The central ledger: its PostgreSQL schema (own Alembic migrations), the projections of
outbox rows into typed tables, the push of a workstation's outbox and the pull of the city's
reference records. Nothing here imports Qt; services/sync.py drives it."""
