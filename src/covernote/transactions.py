"""Service transactions that survive concurrency (API-IDEMPOTENCY, ADR 0025).

:func:`retry_transaction` re-runs a whole service transaction when PostgreSQL
refuses it for a reason a retry can cure — a deadlock (``40P01``), a
serialization failure (``40001``) or a unique-key race (``23505``, the loser of
two identical requests: on the retry the service's idempotency check finds the
winner's row and replays it). Attempts are bounded; a call nested in an outer
transaction is never retried (only the outermost transaction can be re-run).

:func:`lock_row` takes the row lock on its own, without joins: PostgreSQL
re-checks a ``SELECT … FOR UPDATE`` with joins against the statement's old
snapshot after the lock wait, so a joined row the winner created (a new vehicle)
is invisible and the loser found *no* row — a 500 instead of a replay.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from django.db import DatabaseError, connection, models

log = logging.getLogger(__name__)

#: SQLSTATEs a fresh attempt can cure.
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001", "23505"})
DEFAULT_ATTEMPTS = 4

P = ParamSpec("P")
R = TypeVar("R")
M = TypeVar("M", bound=models.Model)


def sqlstate(exc: BaseException) -> str | None:
    """The PostgreSQL SQLSTATE behind a Django database error (None elsewhere)."""
    cause = exc.__cause__
    code = getattr(cause, "sqlstate", None)
    return code if isinstance(code, str) else None


def retrying(
    *, attempts: int = DEFAULT_ATTEMPTS, backoff_s: float = 0.02
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a ``transaction.atomic`` service: re-run it on deadlock, serialization
    failure or unique-key race, at most ``attempts`` times, with a short jittered pause."""
    if attempts < 1:
        raise ValueError("attempts must be at least 1")

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        @wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            if connection.in_atomic_block:
                return func(*args, **kwargs)  # the outer transaction owns the retry
            attempt = 1
            while True:
                try:
                    return func(*args, **kwargs)
                except DatabaseError as exc:
                    code = sqlstate(exc)
                    if code not in RETRYABLE_SQLSTATES or attempt >= attempts:
                        raise
                    log.warning(
                        "transaction retried",
                        extra={"service": func.__qualname__, "sqlstate": code, "attempt": attempt},
                    )
                    time.sleep(backoff_s * attempt * (1 + random.random()))  # noqa: S311
                    attempt += 1

        return wrapper

    return decorate


#: ``@retry_transaction`` above ``@transaction.atomic`` on a service (4 attempts).
retry_transaction = retrying()


def lock_row(model: type[M], pk: object) -> None:
    """Take the row lock of ``model`` ``pk`` (no joins; see the module docstring)."""
    list(model._default_manager.select_for_update().filter(pk=pk).values_list("pk", flat=True))
