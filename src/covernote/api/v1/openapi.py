"""The OpenAPI document, made complete: every operation's error answers documented.

Each error is ``application/problem+json`` in the one :class:`Problem` shape. Which
statuses an operation may answer follows from what it is (ADR 0016, ADR 0024):

* every operation: 401 (no or bad credential), 403 (forbidden: no CSRF token, terms not
  accepted PLT-5, or the role may not), 429 (too many requests, with Retry-After);
* with a path id: 404 (not found — also another firm's object, PLT-4);
* with a request body: 400 (unreadable JSON), 413 (too large), 415 (wrong content type),
  422 (invalid content, every bad field listed);
* with query parameters: 422;
* 409 (conflict: a stale version, an illegal state change, a duplicate) and 410 (an
  expired quote) where the operation declares them in ``openapi_extra["x-problems"]``.
"""

from __future__ import annotations

from typing import Any

from covernote.api.v1.schemas import Problem, ProblemField

REASONS = {
    400: "Unreadable body: not JSON, or nested deeper than COVERNOTE_API_MAX_JSON_DEPTH",
    401: "No credential, or a bad one: sign in, or send Authorization: Bearer <token>",
    403: "Forbidden: a session without its X-CSRFToken header, a broker who has not "
    "accepted the current Terms of Service (PLT-5), or a role that may not do this",
    404: "Not found — also another firm's object (PLT-4)",
    409: "Conflict: someone changed it first (a stale version), the state does not allow "
    "it, or it would duplicate an existing record",
    410: "Expired: the quote is past its expiry date",
    413: "Body too large (COVERNOTE_API_MAX_BODY_BYTES; uploads COVERNOTE_UPLOAD_MAX_BODY_BYTES)",
    415: "Unsupported media type: send the Content-Type this operation documents",
    422: "Invalid content: every invalid field is listed in errors, each with its rule",
    429: "Too many requests: try again after Retry-After seconds",
}
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
METHODS = ("get", "put", "post", "patch", "delete")


def _problem(status: int) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": REASONS[status],
        "content": {"application/problem+json": {"schema": PROBLEM_REF}},
    }
    if status == 429:
        response["headers"] = {
            "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}
        }
    if status == 401:
        response["headers"] = {
            "WWW-Authenticate": {
                "description": 'Bearer realm="covernote"',
                "schema": {"type": "string"},
            }
        }
    return response


def statuses(operation: dict[str, Any]) -> set[int]:
    """The error statuses ``operation`` may answer."""
    params = operation.get("parameters", [])
    found = {401, 403, 429}
    if any(p.get("in") == "path" for p in params):
        found.add(404)
    if "requestBody" in operation:
        found |= {400, 413, 415, 422}
    if any(p.get("in") == "query" for p in params):
        found.add(422)
    found |= set(operation.pop("x-problems", []))
    return found


def complete(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the problem+json answers and the Problem schema to ``schema`` (in place)."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    ref = "#/components/schemas/{model}"
    components["ProblemField"] = ProblemField.model_json_schema(ref_template=ref)
    components["Problem"] = Problem.model_json_schema(ref_template=ref)
    for path in schema.get("paths", {}).values():
        for method in METHODS:
            operation = path.get(method)
            if operation is None:
                continue
            responses = {str(k): v for k, v in operation.get("responses", {}).items()}
            operation["responses"] = responses
            for status in sorted(statuses(operation)):
                responses[str(status)] = _problem(status)
    return schema
