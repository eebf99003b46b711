"""The REST API at /api/v1 with OpenAPI docs (django-ninja)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import ninja
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from ninja import NinjaAPI, Swagger

from covernote.api import errors
from covernote.api.auth import AUTH
from covernote.api.limits import THROTTLES
from covernote.api.parser import JsonParser
from covernote.api.v1 import (
    calculators,
    complaints,
    customers,
    gap,
    openapi,
    platform,
    telematics,
    work,
    young_driver,
)

DESCRIPTION = """Insurance administration for UK motor intermediaries: Combined GAP, Young
Driver telematics motor, customers, complaints and the work queue.

**Sign in** with `Authorization: Bearer <token>` (`covernote token create`), or a
signed-in session with the `X-CSRFToken` header.

**Errors** are RFC 9457 `application/problem+json` in one shape (`Problem`): the SPEC rule
id in `rule`, the first bad field in `field`, and every invalid field in `errors`. Each
operation documents the statuses it may answer.

**Lists** are pages: `limit` (default 25, at most 100) and `offset`; the answer carries
`count` (every row you may see), `next` and `previous` links (also in a `Link` header).
Nothing is cut short: ask for the next page.

**Money** is a decimal string with two places (`"13400.00"`), never a float (G1); dates
are ISO (`2026-05-01`)."""


class CovernoteAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document lists every operation's problem+json answers."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        return openapi.complete(super().get_openapi_schema(**kwargs))

    def get_openapi_operation_id(self, operation: Any) -> str:
        """``covernote_api_v1_<area>_<function>``: an area split into a package by
        capability (``api/v1/gap/claims.py``) keeps the ids its clients generated from."""
        area = operation.view_func.__module__.split(".")[:4]
        return "_".join([*area, operation.view_func.__name__])


api = CovernoteAPI(
    title="covernote API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=AUTH,
    parser=JsonParser(),
    throttle=THROTTLES,
    docs_url="/docs",
    # Our own static files, and no call to the online validator: the docs work offline.
    docs=Swagger(settings={"validatorUrl": None}),
)
errors.install(api)
api.add_router("/", platform.router)
api.add_router("/customers", customers.router)
api.add_router("/calculators", calculators.router)
api.add_router("/gap", gap.router)
api.add_router("/complaints", complaints.router)
api.add_router("/young-driver", young_driver.router)
api.add_router("/telematics", telematics.router)
api.add_router("/work", work.router)


@api.get("/redoc", auth=None, include_in_schema=False, url_name="redoc")
def redoc(request: HttpRequest) -> HttpResponse:
    """The same document in ReDoc, from our own static files (offline). ReDoc styles its
    page with generated <style> elements, so this page alone allows inline styles."""
    response = render(
        request, "api/redoc.html", {"api": api, "openapi_json_url": reverse("api-v1:openapi-json")}
    )
    response._csp_update = {"style-src": ["'unsafe-inline'"]}  # type: ignore[attr-defined]
    return response


# ReDoc has no option for its "API docs by Redocly" footer, whose <img> always loads
# Redocly's logo from their CDN (hiding it with CSS does not stop the load). The bundle is
# served here with that one address pointed at our own icon, so the page stays offline.
_REDOC_BUNDLE = Path(ninja.__file__).parent / "static" / "ninja" / "redoc.standalone.js"
_REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


@cache
def _redoc_bundle(logo: str) -> bytes:
    return _REDOC_BUNDLE.read_text("utf-8").replace(_REDOC_LOGO, logo).encode("utf-8")


@api.get("/redoc.js", auth=None, include_in_schema=False, url_name="redoc-js")
def redoc_js(request: HttpRequest) -> HttpResponse:
    """ReDoc's standalone bundle with its logo from this server (see above)."""
    response = HttpResponse(
        _redoc_bundle(static("ninja/favicon.svg")), content_type="text/javascript; charset=utf-8"
    )
    response["Cache-Control"] = "public, max-age=86400"
    return response
