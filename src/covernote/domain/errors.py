"""Domain errors: a code, a message, the SPEC rule id and the field (ARCHITECTURE §3.5).

The API renders them as problem+json; forms show them next to the field.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID = "invalid"
    REQUIRED = "required"
    NOT_ELIGIBLE = "not_eligible"
    ILLEGAL_TRANSITION = "illegal_transition"
    CLAIM_PENDING = "claim_pending"
    EXPIRED = "expired"
    CONFLICT = "conflict"
    NOT_FOUND = "not_found"
    PERMISSION_DENIED = "permission_denied"
    CONFIGURATION = "configuration"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"  # the bytes are not a type we take


class DomainError(Exception):
    """A business rule refused the request.

    ``rule`` is the SPEC / REGULATION rule id the refusal applies; ``field`` names
    the input that caused it, when there is one.
    """

    def __init__(
        self,
        code: ErrorCode | str,
        message: str,
        rule: str | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.code = ErrorCode(code)
        self.message = message
        self.rule = rule
        self.field = field

    def as_dict(self) -> dict[str, str | None]:
        return {
            "code": str(self.code),
            "rule": self.rule,
            "message": self.message,
            "field": self.field,
        }

    def __repr__(self) -> str:
        return f"DomainError({self.code!s}, {self.message!r}, rule={self.rule!r}, field={self.field!r})"
