"""RFC 9457 (ex-7807) problem+json for every API error, carrying the rule id and field."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from covernote.domain.errors import DomainError, ErrorCode

_STATUS = {
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.PERMISSION_DENIED: 403,
    ErrorCode.CONFLICT: 409,
    ErrorCode.CLAIM_PENDING: 409,
    ErrorCode.ILLEGAL_TRANSITION: 409,
    ErrorCode.EXPIRED: 410,
}


def problem(
    request: HttpRequest,
    *,
    status: int,
    title: str,
    detail: str,
    code: str,
    rule: str | None = None,
    field: str | None = None,
    errors: list[dict[str, Any]] | None = None,
) -> HttpResponse:
    import json

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
    return HttpResponse(json.dumps(body), status=status, content_type="application/problem+json")


def install(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        status = _STATUS.get(exc.code, 422)
        return problem(
            request,
            status=status,
            title=exc.code.replace("_", " ").capitalize(),
            detail=exc.message,
            code=str(exc.code),
            rule=exc.rule,
            field=exc.field,
        )

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = []
        for err in exc.errors:
            loc = [
                str(p) for p in err.get("loc", []) if p not in ("body", "payload", "query", "path")
            ]
            errors.append({"field": ".".join(loc) or None, "message": err.get("msg", "invalid")})
        first = errors[0] if errors else {"field": None, "message": "invalid request"}
        return problem(
            request,
            status=422,
            title="Invalid request",
            detail=f"{first['field']}: {first['message']}"
            if first["field"]
            else str(first["message"]),
            code="invalid",
            rule="API-INPUT",
            field=first["field"],
            errors=errors,
        )

    @api.exception_handler(AuthenticationError)
    def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return problem(
            request,
            status=401,
            title="Not signed in",
            detail="send a session cookie with a CSRF token, or an Authorization: Bearer token",
            code="unauthenticated",
            rule="PLT-5",
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem(
            request,
            status=404,
            title="Not found",
            detail=str(exc) or "not found",
            code="not_found",
            rule="PLT-4",
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return problem(
            request, status=exc.status_code, title="Error", detail=str(exc), code="error"
        )
