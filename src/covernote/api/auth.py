"""API authentication: bearer tokens for machine clients, the session (with CSRF) for people.

The order of the checks gives each failure its own status (issue 10):
- no credential at all, or a bearer token that is unknown or revoked -> 401;
- a signed-in session without a valid CSRF token on an unsafe method -> 403 (``csrf``);
- a signed-in broker user who has not accepted the current Terms of Service -> 403
  (PLT-5). Machine clients with a bearer token are excepted: their firm accepted the
  terms when the token was issued (README, "API").
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf

from covernote.accounts.selectors import api_token_user, terms_needs_acceptance
from covernote.domain.errors import DomainError, ErrorCode


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """Django's session, checked for CSRF only once we know who is asking."""

    param_name: str = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=False)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None  # -> 401 when no other credential matched
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise DomainError(
                ErrorCode.PERMISSION_DENIED,
                "the CSRF token is missing or wrong: send the X-CSRFToken header "
                "with the csrftoken cookie's value",
                "PLT-5",
                "X-CSRFToken",
            )
        terms = terms_needs_acceptance(user)
        if terms is not None:
            raise DomainError(
                ErrorCode.PERMISSION_DENIED,
                f"accept the Terms of Service (version {terms.version}) at /terms/accept/ "
                "before using the platform",
                "PLT-5",
                None,
            )
        return user


AUTH = [TokenAuth(), SessionAuth()]
