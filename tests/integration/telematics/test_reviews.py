"""The 90-day review run (YD-REVIEW-1..4) on stored trips: cap, pro rata, notice, idempotency."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import polars as pl
import pytest
from django.core.management import call_command
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from covernote.audit.models import AuditRecord
from covernote.audit.selectors import audit_verify
from covernote.domain.money import round_money
from covernote.telematics.demo import demo_day
from covernote.telematics.models import PremiumReview, ReviewStatus, Trip
from covernote.telematics.reviews import _decimal_text, _pence_text, reviews_notify, reviews_run
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


# --- The columns engine (PostgreSQL) against the rows engine: same reviews, same audit ---------

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the columns engine runs on PostgreSQL"
)


def _clone(policy, n, *, start, trips=(), **fields):
    """Another policy like ``policy`` (own quote), with ``trips`` as (day, score, metres)."""
    from covernote.young_driver.models import YDPolicy, YDQuote

    quote = YDQuote.objects.get(pk=policy.quote_id)
    quote.pk = None
    quote.reference = f"RQ{n}"
    quote.save()
    twin = YDPolicy.objects.get(pk=policy.pk)
    twin.pk = None
    twin.quote = quote
    twin.number = f"RP{n}"
    twin.idempotency_key = f"review-engines-{n}"
    twin.start = start
    twin.end = start + timedelta(days=364)
    twin.created_at = policy.created_at + timedelta(seconds=n % 3)  # ties on purpose
    for name, value in fields.items():
        setattr(twin, name, value)
    twin.save()
    device = Trip.objects.filter(policy=policy).first().device
    for k, (day, score, metres) in enumerate(trips):
        at = datetime.combine(day, time(8), tzinfo=UTC)
        Trip.objects.create(
            trip_id=f"RP{n}/t{k}",
            device=device,
            policy=twin,
            start_at=at,
            end_at=at + timedelta(minutes=30),
            distance_m=metres,
            duration_s=1800,
            score_speed=score,
            score_eco=score,
            score_night=score,
            score_duration=score,
            score_overall=score,
            map_version="t",
            params_version="t",
        )
    return twin


@pytest.fixture
def book(driven):
    """Policies that take every branch of the run: no driving, a score a hair from a
    half-penny tie, half-way kilometres, the cap, a second review, a refused premium,
    one not in force, driving after the period, equal creation times."""
    as_of = review_date(driven)
    first, second = driven.start, driven.start - timedelta(days=90)
    day = as_of - timedelta(days=30)
    policies = [driven]
    add = policies.append
    add(_clone(driven, 1, start=first))  # no trips: the assumed score stands
    add(_clone(driven, 2, start=first, trips=[(day, "70.01", 1000.0), (day, "70.02", 1000.0)]))
    add(_clone(driven, 3, start=first, trips=[(day, "55.55", 1050.0)]))  # 1.05 km
    add(_clone(driven, 4, start=first, trips=[(day, "12.00", 33333.3), (day, "30.5", 0.7)]))
    add(_clone(driven, 5, start=first, trips=[(day, "99.99", 12.5)]))
    # well above the renewal premium already: the 150% cap binds
    high = round_money(driven.renewal_premium * Decimal("1.49"))
    add(_clone(driven, 6, start=first, trips=[(day, "5.00", 20000.0)], annual_premium=high))
    add(_clone(driven, 7, start=first, trips=[(day, "80.00", 5000.0)], renewal_premium=0))
    add(_clone(driven, 8, start=first, trips=[(day, "80.00", 5000.0)], status="cancelled"))
    add(_clone(driven, 9, start=first, trips=[(as_of, "10.00", 5000.0)]))  # after the period
    twin = _clone(driven, 10, start=second, trips=[(day, "66.66", 7777.7)])  # second review
    PremiumReview.objects.create(
        policy=twin,
        review_date=as_of - timedelta(days=90),
        number=1,
        previous_score=Decimal("70"),
        period_score=Decimal("81.23"),
        distance_km=Decimal("1.0"),
        current_premium=twin.annual_premium,
        new_premium=twin.annual_premium,
        adjustment=Decimal("0"),
        capped=False,
        decision={},
        notified_on=as_of - timedelta(days=90),
        effective_on=as_of - timedelta(days=76),
        status=ReviewStatus.NO_CHANGE,
    )
    add(twin)
    for n in range(11, 16):  # 1.45, 1.50, 1.55, 1.60 km; n = 15 scores 105.15: refused
        add(_clone(driven, n, start=first, trips=[(day, f"{7 * n}.{n:02d}", 900.0 + 50 * n)]))
    return as_of, policies


def _run(as_of, engine):
    """Run one engine; what it stored (every field) and the batch audit records it added."""
    seq = AuditRecord.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    result = reviews_run(as_of=as_of, engine=engine)
    rows = list(
        PremiumReview.objects.filter(review_date=as_of)
        .order_by("policy_id")
        .values(
            "policy_id", "number", "previous_score", "period_score", "distance_km",
            "current_premium", "new_premium", "adjustment", "capped", "decision",
            "notified_on", "effective_on", "status",
        )
    )  # fmt: skip
    audits = list(
        AuditRecord.objects.filter(action="premium_review.batch", seq__gt=seq)
        .order_by("seq")
        .values_list("object_id", "after")
    )
    return result, rows, audits


@on_postgresql
@pytest.mark.parametrize("chunk", [50_000, 4])
def test_yd_review_1_to_3_columns_engine_writes_what_the_rows_engine_writes(
    book, chunk, monkeypatch
):
    """YD-REVIEW-1..3: the same reviews and the same batch audit records (chunking,
    policies in order, digest), whichever engine ran."""
    from covernote.telematics.reviews import common

    monkeypatch.setattr(common, "CHUNK", chunk)  # both engines read it there
    as_of, _ = book
    rows_engine = _run(as_of, "rows")
    PremiumReview.objects.filter(review_date=as_of).delete()
    columns_engine = _run(as_of, "columns")
    assert columns_engine == rows_engine
    result, rows, audits = columns_engine
    assert (result.created, result.errors, len(rows)) == (13, 2, 13)
    assert result.capped == 1 and result.increased and result.decreased
    assert len(audits) == -(-13 // chunk)
    assert {r["number"] for r in rows} == {1, 2}


@on_postgresql
def test_yd_review_1_scores_and_km_at_a_rounding_tie_round_as_the_decimal_rule_does(
    book, monkeypatch
):
    """YD-SCORE-2 half-up from the float sums' decimals (70.01 and 70.02 over 1 km each:
    a hair off 70.015), and the km half-even (1.05 -> 1.0, 1.45 -> 1.4, 1.55 -> 1.6)."""
    from covernote.telematics.reviews import columns

    as_of, policies = book
    calls = []
    decimal_rule = columns._period_score
    monkeypatch.setattr(  # where the columns engine reads it
        columns, "_period_score", lambda w, d: calls.append((w, d)) or decimal_rule(w, d)
    )
    reviews_run(as_of=as_of, engine="columns")
    assert calls == [(70.01 * 1000.0 + 70.02 * 1000.0, 2000.0)]  # only the one near a tie
    by_policy = {r.policy_id: r for r in PremiumReview.objects.filter(review_date=as_of)}
    w = 70.01 * 1000.0 + 70.02 * 1000.0
    expected = round_money(Decimal(str(w)) / Decimal(str(2000.0)))
    assert by_policy[policies[2].pk].period_score == expected
    km = [by_policy[policies[i].pk].distance_km for i in (3, 11, 12, 13, 14)]
    assert km == [Decimal(x) for x in ("1.0", "1.4", "1.5", "1.6", "1.6")]
    assert policies[15].pk not in by_policy  # a period score above 100: left for staff


@on_postgresql
def test_yd_review_1_columns_engine_is_idempotent(book):
    as_of, _ = book
    first = reviews_run(as_of=as_of)
    second = reviews_run(as_of=as_of)
    assert (first.created, second.created, second.already_done) == (13, 0, 13)
    assert PremiumReview.objects.filter(review_date=as_of).count() == 13


def test_yd_review_1_columns_engine_needs_postgresql(driven):
    if connection.vendor == "postgresql":
        assert reviews_run(as_of=review_date(driven), engine="rows").created == 1
    else:
        with pytest.raises(ValueError, match="PostgreSQL"):
            reviews_run(as_of=review_date(driven), engine="columns")


@settings(deadline=None)  # a shared machine: no timed assertions
@given(st.lists(st.integers(-(10**12), 10**12), min_size=1, max_size=50))
def test_columns_engine_prints_decimals_as_python_does(values):
    """The digest and the stored rows are built from str(Decimal(n) / 100)."""
    frame = pl.DataFrame({"n": values}, schema={"n": pl.Int64})
    text = frame.select(a=_decimal_text("n"), b=_pence_text("n"))
    assert text["a"].to_list() == [str(Decimal(v) / 100) for v in values]
    assert text["b"].to_list() == [str(Decimal(v).scaleb(-2)) for v in values]


@on_postgresql
def test_yd_review_1_a_run_while_another_holds_the_date_is_refused(driven):
    """Two runs at once for one date: the second is refused before it reads anything."""
    import psycopg

    from covernote.telematics.reviews import ReviewRunBusy, _run_lock_key

    as_of = review_date(driven)
    db = connection.settings_dict
    other = psycopg.connect(
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname=db["NAME"],
        autocommit=True,
    )
    try:
        other.execute("SELECT pg_advisory_lock(%s)", [_run_lock_key(as_of)])
        with pytest.raises(ReviewRunBusy):
            reviews_run(as_of=as_of)
        assert not PremiumReview.objects.exists()
        other.execute("SELECT pg_advisory_unlock(%s)", [_run_lock_key(as_of)])
        assert reviews_run(as_of=as_of).created == 1
    finally:
        other.close()


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_yd_review_1_two_runs_started_together_review_each_policy_once(book):
    """Concurrency: whichever order two runs take the date in, each policy is reviewed once."""
    import threading

    from django.db import connections

    from covernote.telematics.reviews import ReviewRunBusy

    as_of, _ = book
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def run(engine):
        try:
            start.wait()
            outcomes.append(reviews_run(as_of=as_of, engine=engine).created)
        except ReviewRunBusy as exc:
            outcomes.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(e,)) for e in ("columns", "rows")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    created = [o for o in outcomes if isinstance(o, int)]
    assert len(outcomes) == 2 and sum(created) == 13
    assert all(isinstance(o, int | ReviewRunBusy) for o in outcomes)
    assert PremiumReview.objects.filter(review_date=as_of).count() == 13
