"""Structured logs: one JSON object a line, each with the request id, user and tenant."""

from __future__ import annotations

import logging
from typing import Any

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from covernote.observability import context


class ContextFilter(logging.Filter):
    """Adds ``request_id``, ``user`` and ``tenant`` to every record (text or JSON)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = context.request_id.get()
        record.user = context.user.get()
        record.tenant = context.tenant.get()
        return True


def install_record_factory() -> None:
    """Stamp every record at creation, whichever handler (or test capture) sees it."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "covernote_context", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        record.request_id = context.request_id.get()
        record.user = context.user.get()
        record.tenant = context.tenant.get()
        return record

    factory.covernote_context = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


class JsonFormatter(_JsonFormatter):
    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault(
            "fmt",
            "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(user)s %(tenant)s",
        )
        kwargs.setdefault(
            "rename_fields", {"asctime": "ts", "levelname": "level", "name": "logger"}
        )
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
