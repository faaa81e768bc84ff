"""The signed-in user as the store knows them now.

An ``Operator`` is a handle, not a credential (DESIGN.md, Trust): ``Operator.require`` re-reads
the user's status, role and training flag (the central check, AuthService.reader), so a user
disabled, locked or given another role since signing in is refused at once. This wrapper is
what the petty cash and housing services call inside their transactions.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from cashdesk.domain.roles import Operator, Permission


def signed_in(_s: Session, operator: Operator, permission: Permission) -> Operator:
    """``operator``, who must hold ``permission`` as the store knows them now."""
    operator.require(permission)
    return operator
