"""The signed-in user as the store knows them now.

An ``Operator`` is a handle, not a credential (DESIGN.md, Trust): a service re-reads the user
inside its own transaction, so a user disabled, locked or given another role since signing in
is refused at once. Used by the petty cash and housing services; the central role check the
security work adds may absorb it.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from cashdesk.domain.roles import Operator, Permission
from cashdesk.errors import PermissionDenied
from cashdesk.services.auth import operator_of
from cashdesk.store.models import User


def signed_in(s: Session, operator: Operator, permission: Permission) -> Operator:
    """``operator`` re-read in ``s`` (active, unlocked, their current role and training
    flag), who must hold ``permission``."""
    user = s.get(User, operator.user_id)
    if user is None or not user.active or user.locked:
        raise PermissionDenied(f"{operator.full_name}'s account is no longer active.")
    current = operator_of(user)
    current.require(permission)
    return current
