from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from covernote.accounts.permissions import Allowed


def platform(request: HttpRequest) -> dict[str, Any]:
    """The platform settings; ``can``: the permissions table for the signed-in user, so a
    page shows only the actions the user's role may take (ADR 0026); ``staff_view``: the
    reader is staff or a broker, who see rule ids and steps -- customers (and signed-out
    visitors) read plain English only (issue 12)."""
    user = getattr(request, "user", None)
    actor = user if user is not None and user.is_authenticated else None
    staff_view = bool(actor is not None and getattr(actor, "role", "") != "customer")
    return {"platform": settings.COVERNOTE, "can": Allowed(actor), "staff_view": staff_view}
