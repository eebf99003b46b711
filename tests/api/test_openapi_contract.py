"""Issue 10: the OpenAPI document is complete, and the docs pages work offline.

The walker fails on any operation that lacks a summary or a description, a typed success
answer (a schema, never a bare ``object``), a documented 4xx in the one problem+json
shape, or — for uploads — the content types it accepts.
"""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from covernote.api.v1.api import api

pytestmark = pytest.mark.django_db

METHODS = ("get", "put", "post", "patch", "delete")
RULE_ID = re.compile(r"\b(?:GAP|YD|COMP|PLT|API)-[A-Z0-9]+|\bG\d\b")


@pytest.fixture(scope="module")
def document():
    return json.loads(json.dumps(api.get_openapi_schema()))


def _operations(document):
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield f"{method.upper()} {path}", item[method]


def _resolve(document, schema):
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _typed(document, schema) -> bool:
    """A schema with a shape: properties, typed items, or a named scalar — not bare object."""
    schema = _resolve(document, schema)
    if schema.get("type") == "array":
        return _typed(document, schema.get("items", {}))
    if "anyOf" in schema or "oneOf" in schema:
        return all(_typed(document, s) for s in schema.get("anyOf", schema.get("oneOf", [])))
    if schema.get("type") == "object" or "properties" in schema:
        return bool(schema.get("properties"))
    return "type" in schema or "enum" in schema or "const" in schema


def test_api_contract_every_operation_has_summary_description_typed_answer_and_problems(document):
    missing = []
    for name, op in _operations(document):
        if not op.get("summary"):
            missing.append(f"{name}: no summary")
        if not (op.get("description") or "").strip():
            missing.append(f"{name}: no description")
        ok = {s: r for s, r in op["responses"].items() if s.startswith("2")}
        if not ok:
            missing.append(f"{name}: no 2xx answer")
        for status, response in ok.items():
            content = response.get("content")
            if not content:
                missing.append(f"{name}: {status} has no content")
                continue
            for media, body in content.items():
                if media == "application/json" and not _typed(document, body["schema"]):
                    missing.append(f"{name}: {status} answers an untyped object")
        problems = {s: r for s, r in op["responses"].items() if s.startswith("4")}
        if not problems:
            missing.append(f"{name}: no documented 4xx")
        for status, response in problems.items():
            schema = response.get("content", {}).get("application/problem+json", {}).get("schema")
            if schema != {"$ref": "#/components/schemas/Problem"}:
                missing.append(f"{name}: {status} is not problem+json")
        if "requestBody" in op:
            for media, body in op["requestBody"]["content"].items():
                if media == "application/json" and not _typed(document, body["schema"]):
                    missing.append(f"{name}: request body is an untyped object")
    assert missing == []


def test_api_contract_statuses_follow_what_each_operation_is(document):
    for name, op in _operations(document):
        statuses = set(op["responses"])
        assert {"401", "403", "429"} <= statuses, name
        if "{" in name:
            assert "404" in statuses, name
        if "requestBody" in op:
            assert {"400", "413", "415", "422"} <= statuses, name


def test_api_contract_uploads_document_their_content_types(document):
    upload = document["paths"]["/api/v1/telematics/points"]["post"]
    media = set(upload["requestBody"]["content"])
    assert {"application/x-ndjson", "text/csv", "application/vnd.apache.parquet"} <= media


def test_api_contract_descriptions_cite_rule_ids(document):
    """Every operation says which rules it applies (plain English, with the ids)."""
    uncited = [
        name for name, op in _operations(document) if not RULE_ID.search(op.get("description", ""))
    ]
    assert uncited == []


def test_api_contract_problem_schema_names_rule_field_and_every_error(document):
    problem = document["components"]["schemas"]["Problem"]
    assert {"rule", "field", "errors", "status", "detail"} <= set(problem["properties"])


@pytest.mark.parametrize("url", ["/api/v1/docs", "/api/v1/redoc"])
def test_api_docs_pages_reference_no_external_host(url):
    page = Client().get(url)
    assert page.status_code == 200
    html = page.content.decode()
    hosts = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert hosts, "the page loads its scripts"
    assert all(h.startswith("/") for h in hosts), hosts
    assert "//" not in "".join(re.findall(r"https?://[^\s\"'<]+", html))
    assert "unpkg" not in html and "jsdelivr" not in html and "cdn" not in html.lower()


def test_api_docs_redoc_bundle_names_no_external_image():
    """ReDoc's bundle comes from /api/v1/redoc.js with its branding logo on this server."""
    resp = Client().get("/api/v1/redoc.js")
    assert resp.status_code == 200 and resp["Content-Type"].startswith("text/javascript")
    bundle = resp.content.decode()
    assert "Redoc" in bundle
    assert "cdn.redoc.ly" not in bundle
    assert re.findall(r'src:"(?:https?:)?//', bundle) == []


def test_api_input_calculator_over_http_lists_every_bad_field_with_its_rule(users):
    from covernote.accounts.services import api_token_create

    _, raw = api_token_create(user=users["claims"], name="t", actor=users["admin"])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    body = {
        "purchase_price": "20000",
        "settlement": 12500.5,
        "motor_excess": "-1",
        "limit_of_liability": "10000",
        "colour": "red",
    }
    resp = client.post("/api/v1/calculators/gap-claim", json.dumps(body), "application/json")
    assert resp.status_code == 422 and resp["Content-Type"] == "application/problem+json"
    problem = resp.json()
    assert (problem["field"], problem["rule"]) == ("settlement", "GAP-DEF-SETTLE")
    assert [(e["field"], e["rule"]) for e in problem["errors"]] == [
        ("settlement", "GAP-DEF-SETTLE"),
        ("motor_excess", "GAP-COVER-3"),
        ("colour", "GAP-COVER"),
    ]
    assert problem["error"]["field"] == "settlement"  # the calculators' own member, kept
    pending = {
        "premium": "436.80",
        "start": "2026-01-10",
        "end": "2029-01-09",
        "purchased": "2026-01-10",
        "cancel_on": "2027-03-20",
        "claim": "pending",
    }
    resp = client.post(
        "/api/v1/calculators/gap-cancellation", json.dumps(pending), "application/json"
    )
    assert resp.status_code == 409 and resp.json()["rule"] == "GAP-CANCEL-3"
