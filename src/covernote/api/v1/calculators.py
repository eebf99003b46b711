"""Calculators over HTTP: the same JSON contract as ``covernote calc NAME``.

One operation per calculator, typed by the calculator's own pydantic models
(:mod:`covernote.calculators.contract`): the request body is its ``Input``, the answer
its ``Output``. A payload that does not fit is 422 with every bad field and the rule
each breaks; a refusal by the rules is 422 (409 for a pending claim, GAP-CANCEL-3).
Both keep the calculators' original ``error`` member as an extension.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from covernote import calculators
from covernote.api.errors import problem
from covernote.api.v1.pagination import Page, PageQuery, paginate
from covernote.domain.errors import DomainError

router = Router(tags=["calculators"])


class CalculatorOut(Schema):
    name: str
    summary: str
    rules: list[str]
    url: str


class CalculatorPage(Page):
    items: list[CalculatorOut]


def _about(name: str) -> CalculatorOut:
    mod = calculators.module(name)
    return CalculatorOut(
        name=name, summary=mod.SUMMARY, rules=list(mod.RULES), url=f"/api/v1/calculators/{name}"
    )


@router.get(
    "",
    response=CalculatorPage,
    summary="List the calculators",
    description="Every calculator in this build: what it works out and the SPEC rules it "
    "applies (GAP-COVER, GAP-CANCEL, YD-CANCEL, YD-REVIEW, COMP-2, COMP-FOS-ELIG). "
    "`covernote calc --list` prints the same.",
)
def list_calculators(
    request: HttpRequest, response: HttpResponse, page: PageQuery
) -> dict[str, Any]:
    return paginate(request, response, calculators.available(), page, _about)


def _operation(name: str) -> None:
    mod = calculators.module(name)

    def run(request: HttpRequest, payload: Any) -> Any:
        try:
            return mod.compute(payload)
        except DomainError as exc:
            return problem(
                request,
                status=409 if exc.code == "claim_pending" else 422,
                title="Refused" if exc.code != "claim_pending" else "Claim pending",
                detail=exc.message,
                code=str(exc.code),
                rule=exc.rule,
                field=exc.field,
                extra={"error": exc.as_dict()},  # the calculators' original error member
            )

    # Real classes, not strings: ninja reads the body and answer types from these.
    run.__annotations__ = {"request": HttpRequest, "payload": mod.Input, "return": Any}
    run.__name__ = f"calculate_{name.replace('-', '_')}"
    doc = (mod.__doc__ or "").strip()
    router.post(
        f"/{name}",
        response=mod.Output,
        url_name=f"calc-{name}",
        summary=mod.SUMMARY,
        description=(
            f"{doc}\n\nRules applied: {', '.join(mod.RULES)}. Each input field names, as "
            "`x-rule`, the rule a refusal cites. `covernote calc "
            f"{name} --schema` prints the same schema."
        ),
        openapi_extra={"x-problems": [409] if name == "gap-cancellation" else []},
    )(run)


for _name in calculators.available():
    _operation(_name)


@router.post("/{name}", include_in_schema=False)
def unknown_calculator(request: HttpRequest, name: str) -> Any:
    return problem(
        request,
        status=404,
        title="Not found",
        detail=f"no calculator {name!r}: GET /api/v1/calculators lists them",
        code="not_found",
        field="name",
    )
