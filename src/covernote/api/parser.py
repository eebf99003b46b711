"""JSON request bodies, parsed with orjson under a depth and a content-type check.

orjson (a maintained Rust parser) is several times faster than the standard library
and refuses nesting beyond 1,024 levels instead of blowing the Python stack; we hold
bodies to a much shallower ``COVERNOTE_API_MAX_JSON_DEPTH`` (default 32): no operation
takes anything deeper than a few levels. The body size is bounded before parsing by
``covernote.api.limits.BodySizeLimitMiddleware`` (413).
"""

from __future__ import annotations

from typing import Any, cast

import orjson
from django.conf import settings
from django.http import HttpRequest
from ninja.parser import Parser

from covernote.domain.errors import DomainError, ErrorCode

DEFAULT_MAX_DEPTH = 32


class BodyError(DomainError):
    """A body that cannot be read: malformed (400) or of the wrong media type (415)."""

    def __init__(self, status: int, message: str, field: str | None = None) -> None:
        super().__init__(ErrorCode.INVALID, message, "API-INPUT", field)
        self.status = status


def _depth(value: Any, limit: int) -> int:
    """Nesting depth of a parsed JSON value, stopping once it passes ``limit``."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                return deepest
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values() if isinstance(v, dict | list))
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node if isinstance(v, dict | list))
    return deepest


def is_json_type(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media in ("", "application/json") or media.endswith("+json")


def parse_json_body(request: HttpRequest) -> Any:
    """The request's JSON body, or BodyError (415 wrong type, 400 malformed or too deep)."""
    if not is_json_type(request.content_type or ""):
        raise BodyError(
            415,
            f"this operation takes application/json, not {request.content_type}",
            "Content-Type",
        )
    try:
        data = orjson.loads(request.body or b"null")
    except orjson.JSONDecodeError as exc:
        raise BodyError(400, f"the body is not valid JSON: {exc}") from None
    limit = int(getattr(settings, "COVERNOTE_API_MAX_JSON_DEPTH", DEFAULT_MAX_DEPTH))
    if _depth(data, limit) > limit:
        raise BodyError(400, f"the body nests deeper than {limit} levels")
    return data


class JsonParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        return cast(dict[str, Any], parse_json_body(request))
