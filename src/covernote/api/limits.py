"""Request limits at the API door: body size (413) and request rate (429).

Sizes and rates live in settings so an operator can change them without code:
``COVERNOTE_API_MAX_BODY_BYTES`` (JSON operations, default 1 MiB),
``COVERNOTE_UPLOAD_MAX_BODY_BYTES`` (telematics uploads, default 16 MiB) and
``COVERNOTE_API_THROTTLE_RATES``: ``user`` per token or signed-in user (ninja's
throttling, after authentication) and ``anon`` per client address for every API request
(this middleware, before authentication, so guessing tokens is throttled too).
``COVERNOTE_TELEMATICS_DEVICE_RATE`` (default ``20/min``) caps telematics uploads per
Smartbox, whoever sends them (its own key or the gateway): 429 with an exact
Retry-After (ADR 0025).
Rates are counted in Django's cache: in production that cache must be shared by the
workers (see the production settings).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja.throttling import BaseThrottle, SimpleRateThrottle

from covernote.api.errors import problem_response
from covernote.throttle import count_hit, device_upload_wait, parse_rate

__all__ = ["count_hit", "device_upload_wait", "parse_rate"]  # shared with the web and MQTT doors

DEFAULT_MAX_BODY = 1 * 1024 * 1024
DEFAULT_MAX_UPLOAD = 16 * 1024 * 1024
DEFAULT_RATES = {"user": "600/min", "anon": "1200/min"}
UPLOAD_PATHS = ("/api/v1/telematics/points",)


def max_body_bytes(path: str) -> int:
    if path.startswith(UPLOAD_PATHS):
        return int(getattr(settings, "COVERNOTE_UPLOAD_MAX_BODY_BYTES", DEFAULT_MAX_UPLOAD))
    return int(getattr(settings, "COVERNOTE_API_MAX_BODY_BYTES", DEFAULT_MAX_BODY))


def _client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def _ip_allowed(request: HttpRequest) -> tuple[bool, int]:
    """Count one API request from the client's address; (allowed, seconds to wait)."""
    rates = {**DEFAULT_RATES, **getattr(settings, "COVERNOTE_API_THROTTLE_RATES", {})}
    limit, window = parse_rate(str(rates["anon"]))
    return count_hit(f"throttle_ip_{_client_ip(request)}", limit, window), window


class ApiDoorMiddleware:
    """Before anything reads an API request: its size (413) and its address's rate (429)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            limit = max_body_bytes(request.path)
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                return problem_response(
                    request,
                    status=413,
                    title="Request body too large",
                    detail=f"the body is {length:,} bytes; this operation takes at most {limit:,}",
                    code="too_large",
                    rule="API-INPUT",
                    field=None,
                )
            allowed, window = _ip_allowed(request)
            if not allowed:
                return problem_response(
                    request,
                    status=429,
                    title="Too many requests",
                    detail=f"too many requests from your address: try again in {window} seconds",
                    code="throttled",
                    rule="API-THROTTLE",
                    headers={"Retry-After": str(window)},
                )
        return self.get_response(request)


class RateThrottle(SimpleRateThrottle):
    """Per token or signed-in user; the rate is read from settings on every request."""

    scope = "user"

    def __init__(self) -> None:
        super().__init__(rate=self._rate())

    def _rate(self) -> str:
        rates = {**DEFAULT_RATES, **getattr(settings, "COVERNOTE_API_THROTTLE_RATES", {})}
        return str(rates["user"])

    def get_cache_key(self, request: HttpRequest) -> str | None:
        self.num_requests, self.duration = self.parse_rate(self._rate())
        auth: Any = getattr(request, "auth", None)
        ident = getattr(auth, "pk", None)
        label = getattr(getattr(auth, "_meta", None), "label_lower", "")
        if ident is None or label != "accounts.user":
            return None  # a Smartbox key has its own per-device rate (device_upload_wait)
        return self.cache_format % {"scope": self.scope, "ident": ident}


THROTTLES: list[BaseThrottle] = [RateThrottle()]
