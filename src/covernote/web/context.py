from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def platform(request: HttpRequest) -> dict[str, Any]:
    """``staff_view``: the reader is staff or a broker, who see rule ids and steps;
    customers (and signed-out visitors) read plain English only (issue 12)."""
    user = getattr(request, "user", None)
    staff_view = bool(
        user is not None and user.is_authenticated and getattr(user, "role", "") != "customer"
    )
    return {"platform": settings.COVERNOTE, "staff_view": staff_view}
