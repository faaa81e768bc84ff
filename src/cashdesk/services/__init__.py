"""Use cases a person performs. Each checks the caller's role, writes one transaction with
its audit entry (and outbox row), then drives devices."""
