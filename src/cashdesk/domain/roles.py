"""Roles and what each may do. Enforced in the services, whatever the screen shows."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from cashdesk.errors import PermissionDenied


class Role(enum.StrEnum):
    CASHIER = "cashier"
    LEAD = "lead"  # lead cashier: the counter's supervisor
    ADMIN = "admin"  # finance administrator
    AUDITOR = "auditor"  # read-only
    PROGRAM_STAFF = "program_staff"  # housing assistance program: applications, no cash

    @property
    def label(self) -> str:
        return {
            Role.CASHIER: "Cashier",
            Role.LEAD: "Lead cashier",
            Role.ADMIN: "Finance administrator",
            Role.AUDITOR: "Auditor",
            Role.PROGRAM_STAFF: "Housing program staff",
        }[self]


class Permission(enum.StrEnum):
    TAKE_PAYMENT = "take_payment"
    OPEN_DRAWER = "open_drawer"
    VOID_RECEIPT = "void_receipt"
    REPRINT_RECEIPT = "reprint_receipt"
    VIEW_ALL_RECEIPTS = "view_all_receipts"
    MANAGE_USERS = "manage_users"
    MANAGE_TAG_STOCK = "manage_tag_stock"
    LICENSE_REGISTER = "license_register"
    NO_SALE = "no_sale"  # open the cash drawer without a payment, with a reason (audited)
    PROCESS_RETURNED_CHECK = "process_returned_check"
    IMPORT_PAYMENTS = "import_payments"
    COUNT_DRAWER = "count_drawer"
    PICKUP_CASH = "pickup_cash"
    APPROVE_VARIANCE = "approve_variance"
    REOPEN_DRAWER = "reopen_drawer"
    CLOSE_DAY = "close_day"
    MAKE_DEPOSIT = "make_deposit"
    RUN_REPORTS = "run_reports"
    # A cashier asks for a void; a lead's approval (services/approvals.py) carries it out.
    REQUEST_VOID = "request_void"
    APPROVE_OVERRIDE = "approve_override"
    UNLOCK_USER = "unlock_user"
    VIEW_ALL_DRAWERS = "view_all_drawers"
    WATCH_DRAWERS = "watch_drawers"  # the lead's dashboard: every drawer's cash on hand, live
    SEE_CHECK_ACCOUNTS = "see_check_accounts"
    VIEW_AUDIT = "view_audit"
    EXPORT_AUDIT = "export_audit"
    MANAGE_SYNC = "manage_sync"  # retry or resolve rows the central ledger refused
    # The petty cash fund's custodian (a lead): vouchers, counts, replenishment. Never a drawer.
    PETTY_CASH = "petty_cash"
    # Housing assistance applications are personal data: program staff, leads, administrators.
    HOUSING_PROGRAM = "housing_program"
    EXPORT_HOUSING = "export_housing"  # applications leave cashdesk only by an administrator
    # Find accounts, citations and licenses: names, addresses and balances (any signed-in user).
    LOOK_UP_RECORDS = "look_up_records"


_GRANTS: dict[Role, frozenset[Permission]] = {
    Role.CASHIER: frozenset(
        {
            Permission.TAKE_PAYMENT,
            Permission.OPEN_DRAWER,
            Permission.REPRINT_RECEIPT,
            Permission.NO_SALE,
            Permission.IMPORT_PAYMENTS,
            Permission.COUNT_DRAWER,
            Permission.REQUEST_VOID,
            Permission.LOOK_UP_RECORDS,
        }
    ),
    Role.LEAD: frozenset(
        {
            Permission.LOOK_UP_RECORDS,
            Permission.TAKE_PAYMENT,
            Permission.OPEN_DRAWER,
            Permission.REPRINT_RECEIPT,
            Permission.REQUEST_VOID,
            Permission.VOID_RECEIPT,
            Permission.VIEW_ALL_RECEIPTS,
            Permission.MANAGE_TAG_STOCK,
            Permission.LICENSE_REGISTER,
            Permission.NO_SALE,
            Permission.PROCESS_RETURNED_CHECK,
            Permission.IMPORT_PAYMENTS,
            # The lead cashier supervises the drawers: pickups to the safe, sign-offs,
            # reopens, the day close and the deposit (never for a drawer they worked).
            Permission.COUNT_DRAWER,
            Permission.PICKUP_CASH,
            Permission.APPROVE_VARIANCE,
            Permission.REOPEN_DRAWER,
            Permission.CLOSE_DAY,
            Permission.MAKE_DEPOSIT,
            Permission.RUN_REPORTS,
            Permission.APPROVE_OVERRIDE,
            Permission.UNLOCK_USER,
            Permission.VIEW_ALL_DRAWERS,
            Permission.WATCH_DRAWERS,
            # Returned-check work needs the whole account number; only leads do it.
            Permission.SEE_CHECK_ACCOUNTS,
            Permission.MANAGE_SYNC,
            Permission.PETTY_CASH,
            Permission.HOUSING_PROGRAM,
        }
    ),
    # The finance administrator manages the system but does not handle cash, so a drawer
    # stays attributable to the people who count it.
    Role.ADMIN: frozenset(
        {
            Permission.MANAGE_USERS,
            Permission.MANAGE_SYNC,
            Permission.LOOK_UP_RECORDS,
            Permission.UNLOCK_USER,
            Permission.VIEW_ALL_RECEIPTS,
            Permission.VIEW_ALL_DRAWERS,
            Permission.WATCH_DRAWERS,
            Permission.VIEW_AUDIT,
            Permission.EXPORT_AUDIT,
            Permission.MANAGE_TAG_STOCK,
            Permission.LICENSE_REGISTER,
            Permission.RUN_REPORTS,
            Permission.HOUSING_PROGRAM,
            Permission.EXPORT_HOUSING,
        }
    ),
    Role.AUDITOR: frozenset(
        {
            Permission.VIEW_ALL_RECEIPTS,
            Permission.VIEW_ALL_DRAWERS,
            Permission.VIEW_AUDIT,
            Permission.EXPORT_AUDIT,
            Permission.LICENSE_REGISTER,
            Permission.RUN_REPORTS,
            Permission.LOOK_UP_RECORDS,
        }
    ),
    # Program staff take and review housing applications; they handle no cash.
    Role.PROGRAM_STAFF: frozenset({Permission.HOUSING_PROGRAM}),
}

# What a user flagged for training may still do: everything else has a real effect (a drawer
# session on the ledger, a void, an approval) and is refused whatever the role grants.
TRAINING_PERMISSIONS = frozenset(
    {
        Permission.TAKE_PAYMENT,
        Permission.REPRINT_RECEIPT,
        Permission.VIEW_ALL_RECEIPTS,
        Permission.LOOK_UP_RECORDS,
    }
)

_WHAT = {
    Permission.TAKE_PAYMENT: "take payments",
    Permission.OPEN_DRAWER: "open a drawer",
    Permission.VOID_RECEIPT: "void receipts (a lead cashier must)",
    Permission.REPRINT_RECEIPT: "reprint receipts",
    Permission.VIEW_ALL_RECEIPTS: "see other cashiers' receipts",
    Permission.MANAGE_USERS: "manage users",
    Permission.MANAGE_TAG_STOCK: "load animal tag stock",
    Permission.LICENSE_REGISTER: "run the license register",
    Permission.NO_SALE: "open the cash drawer without a sale",
    Permission.PROCESS_RETURNED_CHECK: "process returned checks (a lead cashier must)",
    Permission.IMPORT_PAYMENTS: "import mail and lockbox payments",
    Permission.COUNT_DRAWER: "count a drawer",
    Permission.PICKUP_CASH: "take a pickup to the safe (a lead cashier must)",
    Permission.APPROVE_VARIANCE: "sign off a drawer difference (a lead cashier must)",
    Permission.REOPEN_DRAWER: "reopen a counted drawer (a lead cashier must)",
    Permission.CLOSE_DAY: "close the business day (a lead cashier must)",
    Permission.MAKE_DEPOSIT: "prepare the deposit (a lead cashier must)",
    Permission.RUN_REPORTS: "run cash reports",
    Permission.REQUEST_VOID: "ask for a void",
    Permission.APPROVE_OVERRIDE: "approve overrides (a lead cashier must)",
    Permission.UNLOCK_USER: "unlock accounts",
    Permission.VIEW_ALL_DRAWERS: "see other cashiers' drawers",
    Permission.WATCH_DRAWERS: "watch the counter's drawers (a lead cashier must)",
    Permission.SEE_CHECK_ACCOUNTS: "see whole check account numbers",
    Permission.VIEW_AUDIT: "read the audit trail",
    Permission.EXPORT_AUDIT: "export the audit trail",
    Permission.MANAGE_SYNC: "retry or resolve sync exceptions (a lead cashier must)",
    Permission.PETTY_CASH: "keep the petty cash fund (a lead cashier must)",
    Permission.HOUSING_PROGRAM: "see housing assistance applications (program staff must)",
    Permission.EXPORT_HOUSING: "export housing applications (a finance administrator must)",
    Permission.LOOK_UP_RECORDS: "look up accounts, citations and licenses",
}


def may(role: Role, permission: Permission) -> bool:
    return permission in _GRANTS[role]


@dataclass(frozen=True, slots=True)
class UserState:
    """A user's row as it is now: what a permission check goes by."""

    active: bool
    role: Role
    training: bool
    full_name: str


# Reads the user's row now (None: there is no such user). Given by the services
# (services.auth.AuthService.reader); the domain does no I/O itself.
UserReader = Callable[[int], "UserState | None"]


class Operator:
    """A handle on the person signed in at the workstation, not a credential.

    ``user_id`` and ``username`` say who it is; ``role``, ``training`` and ``full_name`` are
    read from the user's row at each use (``reader``), so a lead disabled after signing in
    may no longer void, a user put into training after signing in posts training receipts,
    and an Operator built by hand with ``role=ADMIN`` has only the role its user has. An
    Operator without a reader (not made by signing in) is refused every permission.
    """

    __slots__ = ("_known", "_reader", "_role", "_training", "full_name", "user_id", "username")

    def __init__(
        self,
        user_id: int,
        username: str,
        full_name: str,
        role: Role,
        training: bool = False,
        *,
        reader: UserReader | None = None,
    ) -> None:
        self.user_id = user_id
        self.username = username
        self.full_name = full_name
        self._role = role  # as signed in: shown when no reader is given
        self._training = training
        self._reader = reader
        # The row as signed in (the sign-in just read it); refreshed at each ``state``.
        self._known: UserState | None = (
            UserState(active=True, role=role, training=training, full_name=full_name)
            if reader is not None
            else None
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Operator):
            return NotImplemented
        return (self.user_id, self.username) == (other.user_id, other.username)

    def __hash__(self) -> int:
        return hash((self.user_id, self.username))

    def __repr__(self) -> str:
        return f"Operator(user_id={self.user_id}, username={self.username!r})"

    def state(self) -> UserState | None:
        """The user's row now; None when there is none or this handle has no reader."""
        if self._reader is None:
            return None
        state = self._reader(self.user_id)
        self._known = state
        return state

    @property
    def role(self) -> Role:
        state = self.state()
        return state.role if state is not None else self._role

    @property
    def training(self) -> bool:
        state = self.state()
        return state.training if state is not None else self._training

    def known(self) -> UserState | None:
        """The user's row as last read (at sign-in, or by the last permission check), without
        reading it again: what a screen offers and shows, on the GUI thread. Services decide
        with ``require``, which reads the row now. None for a handle not made by signing in."""
        return self._known

    @property
    def known_role(self) -> Role:
        """The role as last read (``known``), for a screen's label."""
        return self._known.role if self._known is not None else self._role

    def may(self, permission: Permission) -> bool:
        return _why_not(self.state(), self.username, permission) is None

    def may_known(self, permission: Permission) -> bool:
        """``may`` by the row as last read (``known``): for what a screen offers."""
        return _why_not(self._known, self.username, permission) is None

    def require(self, permission: Permission) -> None:
        why = _why_not(self.state(), self.username, permission)
        if why is not None:
            raise PermissionDenied(why)


def _why_not(state: UserState | None, username: str, permission: Permission) -> str | None:
    """Why the user whose row is ``state`` may not do what needs ``permission``; None: they
    may."""
    if state is None:
        return f"{username} is not signed in here and may not {_WHAT[permission]}."
    if not state.active:
        return f"{state.full_name}'s account is no longer active; they may not {_WHAT[permission]}."
    if state.training and permission not in TRAINING_PERMISSIONS:
        return f"{state.full_name} is in training and may not {_WHAT[permission]}."
    if not may(state.role, permission):
        return f"{state.full_name} ({state.role.label}) may not {_WHAT[permission]}."
    return None


def refusal(operator: Operator, *permissions: Permission) -> str:
    """Why ``operator`` may not do what needs any one of ``permissions``: "" when they may.
    Screens use it to leave out or disable what a role may not do (the services still
    refuse it), with this as the reason."""
    known = operator.known()
    reasons = [_why_not(known, operator.username, p) for p in permissions]
    if any(why is None for why in reasons):
        return ""
    return reasons[0] or ""
