"""Calculators over HTTP: the same JSON contract as ``covernote calc NAME``."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router

from covernote import calculators
from covernote.api.errors import problem
from covernote.domain.errors import DomainError

router = Router(tags=["calculators"])


@router.get("", response=list[str])
def list_calculators(request: HttpRequest) -> list[str]:
    return calculators.available()


@router.post("/{name}", response=dict[str, Any])
def run_calculator(request: HttpRequest, name: str) -> Any:
    if name not in calculators.available():
        return problem(
            request,
            status=404,
            title="Not found",
            detail=f"no calculator {name!r}",
            code="not_found",
            field="name",
        )
    try:
        payload = json.loads(request.body or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return problem(
            request,
            status=400,
            title="Malformed JSON",
            detail=str(exc),
            code="invalid",
            rule="API-INPUT",
        )
    if not isinstance(payload, dict):
        return problem(
            request,
            status=422,
            title="Invalid request",
            detail="the body must be a JSON object",
            code="invalid",
            rule="API-INPUT",
        )
    try:
        result = calculators.get(name)(payload)
    except DomainError as exc:
        body = {"error": exc.as_dict()}
        status = 409 if exc.code == "claim_pending" else 422
        return HttpResponse(json.dumps(body), status=status, content_type="application/json")
    return result
