"""Per-request context (request id, user, tenant) and one access-log line per request."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from covernote.observability import context

log = logging.getLogger("covernote.request")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestContextMiddleware:
    """Place after AuthenticationMiddleware. Honours an incoming ``X-Request-ID`` from the
    proxy when it is a plain token; otherwise makes one. Echoes it on the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if _SAFE_ID.match(incoming) else context.new_request_id()
        u = getattr(request, "user", None)
        who = str(getattr(u, "pk", "-")) if u is not None and u.is_authenticated else "anonymous"
        firm = getattr(u, "firm_id", None) if u is not None and u.is_authenticated else None
        # Set, not reset afterwards: Django logs a 5xx (django.request) after the middleware
        # has returned, and that line must carry the id too. The next request overwrites.
        context.request_id.set(rid)
        context.user.set(who)
        context.tenant.set(str(firm) if firm is not None else "-")
        started = time.perf_counter()
        response = self.get_response(request)
        response["X-Request-ID"] = rid
        log.info(
            "request",
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
        return response
