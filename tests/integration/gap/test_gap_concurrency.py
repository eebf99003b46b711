"""API-IDEMPOTENCY under real concurrency (PostgreSQL, real threads).

Eight threads send the same request with the same idempotency key at once: one
policy change happens, every thread gets the same answer, none an error.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection, connections

from tests.integration.gap.conftest import TODAY

pytestmark = [
    pytest.mark.django_db(transaction=True),
]

THREADS = 8


def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "row locks and unique-key races need PostgreSQL (SQLite serialises every write); "
            "run with DATABASE_URL=postgres://…"
        )


def race(fn, n=THREADS):
    """Run ``fn`` in ``n`` threads released together; each result or exception is returned."""
    barrier = threading.Barrier(n)

    def one(_i):
        try:
            barrier.wait()
            return fn()
        except Exception as exc:
            return exc
        finally:
            connections.close_all()

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(one, range(n)))


TRANSFER_DAY = TODAY + timedelta(days=60)
REPLACEMENT = {
    "registration": "YK26 NEW",
    "make": "Volkswagen",
    "model": "Golf Life",
    "valuation_code": "GOLF-LIFE-23",
    "first_registered_on": (TRANSFER_DAY - timedelta(days=2)).isoformat(),
    "uses": ["social_domestic_pleasure"],
}
LINES = [
    {"kind": "vehicle", "amount": "22400.00", "description": "Golf Life (new-for-old)"},
    {"kind": "warranty", "amount": "300.00"},
]


def test_api_idempotency_eight_concurrent_identical_transfers_make_one_change(
    transactional_db, sold_policy, users
):
    _postgres_only()
    from covernote.gap.inputs.policy import TransferInput
    from covernote.gap.models import GapPolicy, GapVehicleTransfer
    from covernote.gap.services import gap_policy_transfer_vehicle

    broker = users["broker_north"]
    version_before = sold_policy.version

    def transfer():
        data = TransferInput.parse(
            {"vehicle": REPLACEMENT, "purchase_lines": LINES, "idempotency_key": "nfo-race-1"}
        )
        return gap_policy_transfer_vehicle(
            actor=broker, policy=sold_policy, data=data, today=TRANSFER_DAY
        ).pk

    outcomes = race(transfer)
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert not errors, errors
    assert len(set(outcomes)) == 1
    assert GapVehicleTransfer.objects.filter(policy=sold_policy).count() == 1
    assert GapPolicy.objects.get(pk=sold_policy.pk).version == version_before + 1
