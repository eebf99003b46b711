"""Service transactions retried on deadlock, serialization failure and unique-key race
(API-IDEMPOTENCY, ADR 0025): bounded attempts, never inside an outer transaction."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import IntegrityError, OperationalError, connection, connections, transaction

from covernote.transactions import retrying, sqlstate


class _PgError(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.sqlstate = code


def _failing(code: str, calls: list[int], *, succeed_on: int | None = None):
    @retrying(attempts=3, backoff_s=0)
    def service() -> str:
        calls.append(1)
        if succeed_on is not None and len(calls) >= succeed_on:
            return "done"
        raise OperationalError("refused") from _PgError(code)

    return service


@pytest.mark.parametrize("code", ["40P01", "40001", "23505"])
def test_api_idempotency_retry_stops_after_the_bounded_attempts(code):
    calls: list[int] = []
    with pytest.raises(OperationalError) as err:
        _failing(code, calls)()
    assert len(calls) == 3 and sqlstate(err.value) == code


def test_api_idempotency_retry_returns_the_first_successful_attempt():
    calls: list[int] = []
    assert _failing("40P01", calls, succeed_on=2)() == "done"
    assert len(calls) == 2


def test_api_idempotency_other_database_errors_are_not_retried():
    calls: list[int] = []
    with pytest.raises(OperationalError):
        _failing("53300", calls)()  # too many connections: a retry cures nothing here
    assert len(calls) == 1


@pytest.mark.django_db
def test_api_idempotency_no_retry_inside_an_outer_transaction():
    calls: list[int] = []
    with pytest.raises(OperationalError), transaction.atomic():
        _failing("40P01", calls)()
    assert len(calls) == 1  # only the outermost transaction can be re-run


def test_api_idempotency_attempts_must_be_positive():
    with pytest.raises(ValueError, match="at least 1"):
        retrying(attempts=0)


@pytest.mark.django_db(transaction=True)
def test_api_idempotency_a_real_deadlock_is_retried_and_both_transactions_commit(firms):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL detects deadlocks between row locks; SQLite takes one write lock")
    from covernote.accounts.models import Firm

    a, b = firms["north"].pk, firms["harbour"].pk
    barrier = threading.Barrier(2)
    calls = {"first": 0, "second": 0}

    def lock_both(name: str, first: int, second: int) -> str:
        @retrying(attempts=3, backoff_s=0.01)
        @transaction.atomic
        def service() -> str:
            calls[name] += 1
            Firm.objects.select_for_update().get(pk=first)
            if calls[name] == 1:
                barrier.wait()  # both hold their first row: the opposite order deadlocks
            Firm.objects.filter(pk=second).update(phone=f"0113 496 000{calls[name]}")
            Firm.objects.select_for_update().get(pk=second)
            return name

        try:
            return service()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(2) as pool:
        one = pool.submit(lock_both, "first", a, b)
        two = pool.submit(lock_both, "second", b, a)
        assert {one.result(timeout=60), two.result(timeout=60)} == {"first", "second"}
    assert sorted(calls.values()) == [1, 2]  # PostgreSQL chose one victim; it ran again


def test_api_idempotency_integrity_error_sqlstate_is_read_from_the_cause():
    try:
        raise IntegrityError("dup") from _PgError("23505")
    except IntegrityError as exc:
        assert sqlstate(exc) == "23505"
