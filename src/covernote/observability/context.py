"""Who and what the current log line is about: request id, user and tenant (firm).

Context variables, so that the web request, a task and a `tick` job each carry their
own values, and every log line written while they run is stamped with them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("request_id", default="-")
user: ContextVar[str] = ContextVar("user", default="-")
tenant: ContextVar[str] = ContextVar("tenant", default="-")


def new_request_id() -> str:
    return uuid.uuid4().hex


@contextmanager
def bound(*, rid: str | None = None, who: str = "system", firm: str = "-") -> Iterator[str]:
    """Stamp the log lines written inside the block (tasks, scheduled jobs)."""
    rid = rid or new_request_id()
    tokens = (request_id.set(rid), user.set(who), tenant.set(firm))
    try:
        yield rid
    finally:
        request_id.reset(tokens[0])
        user.reset(tokens[1])
        tenant.reset(tokens[2])
