"""PLT-5: a broker user must accept the current Terms of Service before using the platform."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from covernote.accounts.selectors import terms_needs_acceptance

_EXEMPT_PREFIXES = (
    "/terms/",
    "/accounts/",
    "/static/",
    "/api/",
    "/admin/",
    "/healthz",
    "/readyz",
    "/metrics",
)


class TermsOfServiceMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_EXEMPT_PREFIXES)
            and terms_needs_acceptance(user)
        ):
            return redirect(f"/terms/accept/?next={request.get_full_path()}")
        return self.get_response(request)
