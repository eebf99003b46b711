"""Calculators over HTTP: the same JSON contract as ``covernote calc NAME``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from covernote import calculators
from covernote.api.errors import problem
from covernote.api.parser import parse_json_body
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
    payload = parse_json_body(request)  # BodyError -> 400/415 problem+json
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
        status = 409 if exc.code == "claim_pending" else 422
        return problem(
            request,
            status=status,
            title="Invalid request",
            detail=exc.message,
            code=str(exc.code),
            rule=exc.rule,
            field=exc.field,
            extra={"error": exc.as_dict()},  # the calculators' original error member, kept
        )
    return result
