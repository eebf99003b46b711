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

import time
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from ninja.throttling import BaseThrottle, SimpleRateThrottle

from covernote.api.errors import problem_response

DEFAULT_MAX_BODY = 1 * 1024 * 1024
DEFAULT_MAX_UPLOAD = 16 * 1024 * 1024
DEFAULT_RATES = {"user": "600/min", "anon": "1200/min"}
DEFAULT_DEVICE_RATE = "20/min"
UPLOAD_PATHS = ("/api/v1/telematics/points",)


def max_body_bytes(path: str) -> int:
    if path.startswith(UPLOAD_PATHS):
        return int(getattr(settings, "COVERNOTE_UPLOAD_MAX_BODY_BYTES", DEFAULT_MAX_UPLOAD))
    return int(getattr(settings, "COVERNOTE_API_MAX_BODY_BYTES", DEFAULT_MAX_BODY))


_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"20/h"`` -> (20, 3600): a count and a window in seconds."""
    count, per = rate.split("/", 1)
    return int(count), _SECONDS[per]


def count_hit(key: str, limit: int, window: int) -> bool:
    """Count one request under ``key`` in a fixed window; True while within ``limit``."""
    cache.add(key, 0, window)
    try:
        used = cache.incr(key)
    except ValueError:  # the window expired between add and incr
        cache.set(key, 1, window)
        used = 1
    return used <= limit


def device_upload_wait(serials: Iterable[str]) -> int:
    """Count one upload for each device; 0 while all are within the per-device rate, else
    the seconds until the fixed window of the busiest device turns (Retry-After)."""
    limit, window = parse_rate(
        str(getattr(settings, "COVERNOTE_TELEMATICS_DEVICE_RATE", DEFAULT_DEVICE_RATE))
    )
    now = time.time()
    slot = int(now // window)
    wait = 0
    for serial in sorted(set(serials)):
        if not count_hit(f"throttle_device_{serial}_{slot}", limit, window):
            wait = max(1, int((slot + 1) * window - now + 0.999))
    return wait


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
