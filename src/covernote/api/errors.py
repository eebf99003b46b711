"""RFC 9457 problem+json for every API error, carrying the rule id and every bad field.

Statuses (issue 10): 400 unreadable body, 401 no or bad credential, 403 forbidden,
404 not found (also another tenant's object, PLT-4), 409 conflict, 410 expired,
413 body too large, 415 wrong content type, 422 invalid content, 429 throttled (with
Retry-After), 500 anything unexpected (logged, never a stack trace in the body).
"""

from __future__ import annotations

import logging
import math
from typing import Any

import orjson
import pydantic
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from covernote.api.parser import BodyError
from covernote.domain.bounds import every_error, label_of
from covernote.domain.errors import DomainError, ErrorCode

log = logging.getLogger("covernote.api")

_STATUS = {
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.PERMISSION_DENIED: 403,
    ErrorCode.CONFLICT: 409,
    ErrorCode.CLAIM_PENDING: 409,
    ErrorCode.ILLEGAL_TRANSITION: 409,
    ErrorCode.EXPIRED: 410,
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: 415,
}

_WHERE = ("body", "payload", "query", "path", "data")


def problem_response(
    request: HttpRequest,
    *,
    status: int,
    title: str,
    detail: str,
    code: str,
    rule: str | None = None,
    field: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": f"https://covernote.example/problems/{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        "rule": rule,
        "field": field,
        "instance": request.path,
    }
    if errors:
        body["errors"] = errors
    body.update(extra or {})
    response = HttpResponse(
        orjson.dumps(body), status=status, content_type="application/problem+json"
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


problem = problem_response  # the name the API modules use


def field_label(field: str) -> str:
    """``purchase_lines.0.amount`` -> ``Purchase lines 1 amount`` (people count from 1)."""
    return label_of(field)


def _plain(message: str) -> str:
    text = message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def validation_errors(errs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every invalid field, each as {field, label, message, rule}."""
    out = []
    for err in errs:
        field = None
        for part in (p for p in err.get("loc", []) if p not in _WHERE):
            if isinstance(part, int) and field is not None:
                field += f"[{part}]"  # purchase_lines[0].amount, as the inputs name it
            else:
                field = str(part) if field is None else f"{field}.{part}"
        ctx = err.get("ctx") or {}
        rule = ctx.get("rule") if isinstance(ctx, dict) else None
        message = _plain(str(err.get("msg", "invalid")))
        out.append(
            {
                "field": field,
                "label": field_label(field) if field else "Request",
                "message": message,
                "rule": rule or "API-INPUT",
            }
        )
    return out


def _calc_error(first: dict[str, Any]) -> dict[str, Any]:
    message = f"{first['field']} {first['message']}" if first.get("field") else first["message"]
    return {
        "code": "invalid",
        "rule": first.get("rule"),
        "message": message,
        "field": first["field"],
    }


def install(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        status = exc.status if isinstance(exc, BodyError) else _STATUS.get(exc.code, 422)
        errors = [
            {
                "field": e.field,
                "label": field_label(e.field),
                "message": e.message,
                "rule": e.rule,
            }
            for e in every_error(exc)
            if e.field
        ]
        return problem_response(
            request,
            status=status,
            title=exc.code.replace("_", " ").capitalize(),
            detail=exc.message,
            code=str(exc.code),
            rule=exc.rule,
            field=exc.field,
            errors=errors or None,
        )

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = validation_errors(list(exc.errors))
        first = errors[0] if errors else {"field": None, "label": "Request", "message": "invalid"}
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        url_name = getattr(request.resolver_match, "url_name", "") or ""
        calculator = url_name.startswith("calc-")
        return problem_response(
            request,
            status=422,
            title="Invalid request",
            detail=f"{first['label']}: {first['message']}{more}",
            code="invalid",
            rule=first.get("rule") or "API-INPUT",
            field=first["field"],
            errors=errors,
            # The calculators' original ``error`` member, kept (ADR 0016).
            extra={"error": _calc_error(first)} if calculator else None,
        )

    @api.exception_handler(pydantic.ValidationError)
    def input_error(request: HttpRequest, exc: pydantic.ValidationError) -> HttpResponse:
        """A typed input built in a handler refused its values (ADR 0023): 422, not 500."""
        return validation_error(request, ValidationError(list(exc.errors())))  # type: ignore[arg-type]

    @api.exception_handler(AuthenticationError)
    def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return problem_response(
            request,
            status=401,
            title="Not signed in",
            detail="sign in (a session cookie with a CSRF token) or send an "
            "Authorization: Bearer token",
            code="unauthenticated",
            rule="PLT-5",
            headers={"WWW-Authenticate": 'Bearer realm="covernote"'},
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem_response(
            request,
            status=404,
            title="Not found",
            detail=str(exc) or "not found",
            code="not_found",
            rule="PLT-4",
        )

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        wait = max(1, math.ceil(float(exc.wait or 1)))
        return problem_response(
            request,
            status=429,
            title="Too many requests",
            detail=f"slow down: try again in {wait} second{'s' if wait != 1 else ''}",
            code="throttled",
            rule="API-THROTTLE",
            headers={"Retry-After": str(wait)},
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        cause = exc.__cause__
        if isinstance(cause, BodyError):  # ninja wraps the parser's error in a 400
            return problem_response(
                request,
                status=cause.status,
                title="Unsupported media type" if cause.status == 415 else "Unreadable body",
                detail=cause.message,
                code="unsupported_media_type" if cause.status == 415 else "malformed",
                rule=cause.rule,
                field=cause.field,
            )
        return problem_response(
            request, status=exc.status_code, title="Error", detail=str(exc), code="error"
        )

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        log.exception("unhandled error in %s %s", request.method, request.path)
        return problem_response(
            request,
            status=500,
            title="Server error",
            detail="something went wrong on our side. Try again (a retry with the same "
            "Idempotency-Key is safe), and tell us if it keeps happening",
            code="server_error",
        )
