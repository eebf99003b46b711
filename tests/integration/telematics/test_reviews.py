"""The 90-day review run (YD-REVIEW-1..4) on stored trips: cap, pro rata, notice, idempotency."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command

from covernote.audit.selectors import audit_verify
from covernote.domain.money import round_money
from covernote.telematics.demo import demo_day
from covernote.telematics.models import PremiumReview, ReviewStatus, Trip
from covernote.telematics.reviews import reviews_notify, reviews_run
from covernote.telematics.services import telematics_score
from tests.integration.telematics.conftest import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def driven(device, road_map, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        telematics_score(points=demo_day(device.serial, date(2026, 3, 3), cars=6), now=NOW)
    return device.policy


def review_date(policy):
    return policy.start + timedelta(days=90)


def test_yd_review_1_falls_on_start_plus_90_and_scores_the_period(driven):
    as_of = review_date(driven)
    result = reviews_run(as_of=as_of)
    assert result.created == 1
    review = PremiumReview.objects.get(policy=driven)
    trips = Trip.objects.filter(policy=driven)
    expected = round_money(
        sum(Decimal(str(t.score_overall)) * Decimal(str(t.distance_m)) for t in trips)
        / sum(Decimal(str(t.distance_m)) for t in trips)
    )
    # the kernel stores scores rounded to 0.01; allow that rounding in the weighted mean
    assert abs(review.period_score - expected) <= Decimal("0.02")
    assert review.number == 1
    assert review.previous_score == Decimal("70")  # assumed score at pricing (product config)


def test_yd_review_1_no_review_on_other_days(driven):
    assert reviews_run(as_of=review_date(driven) - timedelta(days=1)).created == 0


def test_yd_review_2_adjustment_is_pro_rata_to_the_end(driven):
    as_of = review_date(driven)
    reviews_run(as_of=as_of)
    review = PremiumReview.objects.get(policy=driven)
    remaining = (driven.end - as_of).days + 1
    term = (driven.end - driven.start).days + 1
    expected = round_money((review.new_premium - review.current_premium) * remaining / term)
    assert review.adjustment == expected


def test_yd_review_3_never_above_150_percent_of_renewal_premium(driven):
    reviews_run(as_of=review_date(driven))
    review = PremiumReview.objects.get(policy=driven)
    assert review.new_premium <= round_money(driven.renewal_premium * Decimal("1.5"))


def test_yd_review_run_is_idempotent_and_audited(driven):
    as_of = review_date(driven)
    first = reviews_run(as_of=as_of)
    second = reviews_run(as_of=as_of)
    assert (first.created, second.created, second.already_done) == (1, 0, 1)
    assert PremiumReview.objects.count() == 1
    checked, problems = audit_verify()
    assert problems == [] and checked > 0


def test_yd_review_4_outcome_letter_and_14_day_notice_before_any_collection(
    driven, django_capture_on_commit_callbacks
):
    as_of = review_date(driven)
    reviews_run(as_of=as_of)
    with django_capture_on_commit_callbacks(execute=True):
        assert reviews_notify(as_of=as_of) == 1
        assert reviews_notify(as_of=as_of) == 0  # letters are sent once
    review = PremiumReview.objects.get(policy=driven)
    assert review.document is not None and review.document.kind == "yd_review_outcome"
    assert review.effective_on == as_of + timedelta(days=14)
    if review.adjustment != 0:
        assert review.status == ReviewStatus.APPLIED
        driven.refresh_from_db()
        assert driven.annual_premium == review.new_premium
        payment = driven.payments.order_by("-id").first()
        assert payment.collect_on >= as_of + timedelta(days=14)
        assert driven.versions.filter(kind="driving_review").exists()


def test_reviews_command_prints_a_summary(driven, capsys):
    call_command("reviews", "run", "--as-of", review_date(driven).isoformat())
    assert "1 reviews made" in capsys.readouterr().out
