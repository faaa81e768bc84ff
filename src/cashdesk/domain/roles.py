"""Roles and what each may do. Enforced in the services, whatever the screen shows."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from cashdesk.errors import PermissionDenied


class Role(enum.StrEnum):
    CASHIER = "cashier"
    LEAD = "lead"  # lead cashier: the counter's supervisor
    ADMIN = "admin"  # finance administrator
    AUDITOR = "auditor"  # read-only

    @property
    def label(self) -> str:
        return {
            Role.CASHIER: "Cashier",
            Role.LEAD: "Lead cashier",
            Role.ADMIN: "Finance administrator",
            Role.AUDITOR: "Auditor",
        }[self]


class Permission(enum.StrEnum):
    TAKE_PAYMENT = "take_payment"
    OPEN_DRAWER = "open_drawer"
    VOID_RECEIPT = "void_receipt"
    REPRINT_RECEIPT = "reprint_receipt"
    VIEW_ALL_RECEIPTS = "view_all_receipts"
    MANAGE_USERS = "manage_users"
    MANAGE_SYNC = "manage_sync"  # retry or resolve rows the central ledger refused


_GRANTS: dict[Role, frozenset[Permission]] = {
    Role.CASHIER: frozenset(
        {Permission.TAKE_PAYMENT, Permission.OPEN_DRAWER, Permission.REPRINT_RECEIPT}
    ),
    Role.LEAD: frozenset(
        {
            Permission.TAKE_PAYMENT,
            Permission.OPEN_DRAWER,
            Permission.REPRINT_RECEIPT,
            Permission.VOID_RECEIPT,
            Permission.VIEW_ALL_RECEIPTS,
            Permission.MANAGE_SYNC,
        }
    ),
    # The finance administrator manages the system but does not handle cash, so a drawer
    # stays attributable to the people who count it.
    Role.ADMIN: frozenset(
        {Permission.MANAGE_USERS, Permission.VIEW_ALL_RECEIPTS, Permission.MANAGE_SYNC}
    ),
    Role.AUDITOR: frozenset({Permission.VIEW_ALL_RECEIPTS}),
}

_WHAT = {
    Permission.TAKE_PAYMENT: "take payments",
    Permission.OPEN_DRAWER: "open a drawer",
    Permission.VOID_RECEIPT: "void receipts (a lead cashier must)",
    Permission.REPRINT_RECEIPT: "reprint receipts",
    Permission.VIEW_ALL_RECEIPTS: "see other cashiers' receipts",
    Permission.MANAGE_USERS: "manage users",
    Permission.MANAGE_SYNC: "retry or resolve sync exceptions (a lead cashier must)",
}


def may(role: Role, permission: Permission) -> bool:
    return permission in _GRANTS[role]


@dataclass(frozen=True, slots=True)
class Operator:
    """The person signed in at the workstation."""

    user_id: int
    username: str
    full_name: str
    role: Role
    training: bool = False

    def require(self, permission: Permission) -> None:
        if not may(self.role, permission):
            raise PermissionDenied(
                f"{self.full_name} ({self.role.label}) may not {_WHAT[permission]}."
            )
