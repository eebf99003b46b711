"""PLT-9: failed MID/CUE submissions are resent by the `gap.retry_fraud_db` job, once."""

from __future__ import annotations

from unittest import mock

import pytest

from covernote.gap.inputs.policy import BindInput
from covernote.gap.inputs.quote import QuoteInput
from covernote.gap.models import FraudDatabaseSubmission
from covernote.gap.services import gap_fraud_submissions_retry

pytestmark = pytest.mark.django_db


class Down:
    name = "down"

    def submit(self, database, event, payload):
        raise OSError("MID unreachable")


def test_plt9_failed_submission_is_retried_once_and_then_left_alone(gap_ready, users):
    from covernote.gap.services import gap_policy_bind, gap_quote_create
    from tests.integration.gap.conftest import TODAY, quote_data

    broker = users["broker_north"]
    with mock.patch("covernote.gap.services.fraud.fraud_database_client", return_value=Down()):
        q = gap_quote_create(
            actor=broker,
            customer=gap_ready["north"],
            today=TODAY,
            data=QuoteInput.parse(quote_data()),
        )
        policy = gap_policy_bind(
            actor=broker, quote=q, today=TODAY, data=BindInput(idempotency_key="mid-down")
        )
    failed = FraudDatabaseSubmission.objects.filter(policy=policy, status="failed")
    assert failed.count() >= 1  # the sale itself went through
    n = failed.count()

    with mock.patch("covernote.gap.services.fraud.fraud_database_client", return_value=Down()):
        assert gap_fraud_submissions_retry() == 0
    assert (
        FraudDatabaseSubmission.objects.filter(policy=policy, status="failed", attempts=2).count()
        == n
    )

    assert gap_fraud_submissions_retry() == n  # the recording adapter accepts
    assert gap_fraud_submissions_retry() == 0  # idempotent: nothing left to send
    subs = FraudDatabaseSubmission.objects.filter(policy=policy)
    assert set(subs.values_list("status", flat=True)) == {"accepted"}
    assert all(s.result.get("reference") for s in subs)


def test_plt9_retry_job_is_registered_for_tick():
    from covernote.cli.jobs import JOBS

    assert "gap.retry_fraud_db" in dict(JOBS)
