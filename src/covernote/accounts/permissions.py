"""Who may do what: the one place role checks live (PLT-4).

Services call these before they write; a refusal is a DomainError with
PERMISSION_DENIED and the rule id, which the API answers with 403 and a page
shows as a message.
"""

from __future__ import annotations

from collections.abc import Iterable

from covernote.accounts.models import STAFF_ROLES, Role, User
from covernote.domain.errors import DomainError, ErrorCode

#: The intermediary's own staff (PLT-4); brokers and customers are outside it.
STAFF = STAFF_ROLES
#: People who sell and service policies: the intermediary's staff and broker users.
SELLERS = STAFF_ROLES | {Role.BROKER}


def require_role(actor: User, roles: Iterable[Role], *, what: str, rule: str = "PLT-4") -> None:
    """Refuse unless ``actor`` holds one of ``roles``."""
    if actor.role not in frozenset(roles):
        raise DomainError(ErrorCode.PERMISSION_DENIED, f"your role may not {what}", rule, None)


def require_staff(actor: User, *, what: str, rule: str = "PLT-4") -> None:
    """Refuse unless ``actor`` works for the intermediary (not a broker, not a customer)."""
    if not getattr(actor, "is_intermediary_staff", False):
        raise DomainError(
            ErrorCode.PERMISSION_DENIED, f"only the intermediary's staff can {what}", rule, None
        )


def require_same_firm(actor: User, firm_id: int | None, *, label: str, field: str) -> None:
    """A broker user acting on another firm's record is told it does not exist (PLT-4)."""
    if actor.role == Role.BROKER and firm_id != actor.firm_id:
        raise DomainError(ErrorCode.NOT_FOUND, f"no such {label}", "PLT-4", field)
