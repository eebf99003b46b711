from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from covernote.accounts.permissions import Allowed


def platform(request: HttpRequest) -> dict[str, Any]:
    """The platform settings, and ``can``: the permissions table for the signed-in user,
    so a page shows only the actions the user's role may take (ADR 0026)."""
    user = getattr(request, "user", None)
    actor = user if user is not None and user.is_authenticated else None
    return {"platform": settings.COVERNOTE, "can": Allowed(actor)}
