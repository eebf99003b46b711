"""Telematics reads, scoped through the Young Driver policy selectors (PLT-4)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import polars as pl
from django.db.models import QuerySet

from covernote.accounts.models import User
from covernote.documents.models import Document
from covernote.documents.selectors import documents_about
from covernote.domain.telematics.score import period_score
from covernote.telematics.models import (
    DeviceCase,
    DrivingAlert,
    LastPosition,
    MileageTopUp,
    PremiumReview,
    Trip,
)
from covernote.young_driver.models import YDPolicy
from covernote.young_driver.selectors import policy_document_links, policy_get_for


def telematics_policy_for(actor: User, policy_id: int) -> YDPolicy:
    return policy_get_for(actor, policy_id)


def trips_for(policy: YDPolicy) -> QuerySet[Trip]:
    return policy.trips.order_by("-start_at")


def alerts_for(policy: YDPolicy) -> QuerySet[DrivingAlert]:
    return policy.driving_alerts.select_related("trip", "document").order_by("at", "id")


def reviews_for(policy: YDPolicy) -> QuerySet[PremiumReview]:
    return policy.premium_reviews.order_by("review_date")


def cases_for(policy: YDPolicy) -> QuerySet[DeviceCase]:
    return policy.device_cases.select_related("device")


def last_position_for(policy: YDPolicy) -> LastPosition | None:
    return (
        LastPosition.objects.filter(device__policy=policy)
        .select_related("device")
        .order_by("-ts")
        .first()
    )


def score_summary(policy: YDPolicy) -> dict[str, Any]:
    """The period score so far (YD-SCORE-2) and each indicator's distance-weighted mean."""
    rows = list(
        policy.trips.values_list(
            "distance_m",
            "score_overall",
            "score_speed",
            "score_eco",
            "score_night",
            "score_duration",
        )
    )
    if not rows:
        return {"trips": 0, "distance_miles": 0, "overall": None, "indicators": {}, "steps": []}
    frame = pl.DataFrame(
        rows,
        schema=["distance_m", "score_overall", "speed", "eco", "night", "duration"],
        orient="row",
    ).with_columns(pl.exclude("distance_m").cast(pl.Float64))
    decision = period_score(frame)
    total = float(frame["distance_m"].sum())
    indicators = {
        name: round(float((frame[name] * frame["distance_m"]).sum()) / total, 1) if total else None
        for name in ("speed", "eco", "night", "duration")
    }
    overall = decision.data.get("score")
    return {
        "trips": frame.height,
        "distance_miles": round(total / 1609.344, 1),
        "overall": round(overall, 1) if overall is not None else None,
        "indicators": indicators,
        "steps": [s.as_dict() for s in decision.steps],
    }


def tracked_miles(policy: YDPolicy) -> Decimal:
    """Miles driven on the policy so far, from trips: the feed for YD-MILES-1."""
    total = sum(policy.trips.values_list("distance_m", flat=True))
    return (Decimal(str(total)) / Decimal("1609.344")).quantize(Decimal("0.1"))


def policy_documents(policy: YDPolicy) -> QuerySet[Document]:
    """A Young Driver policy's documents with its driving letters (alerts, premium reviews,
    mileage top-ups): only this policy's, never another's (PLT-7)."""
    links, ids = policy_document_links(policy)
    links += [
        ("telematics.drivingalert", policy.driving_alerts.values_list("pk", flat=True)),
        ("telematics.premiumreview", policy.premium_reviews.values_list("pk", flat=True)),
        ("telematics.mileagetopup", policy.mileage_top_ups.values_list("pk", flat=True)),
    ]
    for model in (DrivingAlert, PremiumReview, MileageTopUp):
        ids += [
            d
            for d in model.objects.filter(policy=policy).values_list("document_id", flat=True)
            if d
        ]
    return documents_about(policy.customer_id, links, document_ids=ids)
