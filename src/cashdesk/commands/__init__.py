"""Headless ``cashdesk`` sub-commands, one module per area.

Each module has ``register(subparsers)``, which adds its sub-commands and sets ``handler`` (a
function taking the parsed arguments and returning the exit status) on each. Modules import
what they need inside their handlers, so ``cashdesk --version`` and friends stay fast and
never import Qt.
"""

from __future__ import annotations

from cashdesk.commands import (
    audit,
    check,
    devices,
    drawer,
    ledger,
    licenses,
    programs,
    quote,
    records,
    store,
    users,
)

MODULES = [
    store,
    quote,
    licenses,
    devices,
    records,
    drawer,
    users,
    audit,
    ledger,
    check,
    programs,
]
quote.KIND_MODULES += [licenses, records]  # their `quote` kinds
