"""Smartbox data in (device-authenticated) and driving data out (tenant-scoped)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.errors import Throttled
from ninja.security import APIKeyHeader

from covernote.accounts.models import Role, User
from covernote.accounts.selectors import request_user
from covernote.api.auth import AUTH
from covernote.api.limits import device_upload_wait
from covernote.api.v1.pagination import Page, PageQuery, paginate
from covernote.domain.errors import DomainError, ErrorCode
from covernote.telematics.adapters.parse import parse_body
from covernote.telematics.ingest import telematics_ingest
from covernote.telematics.models import Trip
from covernote.telematics.reviews import review_decision
from covernote.telematics.selectors import (
    alerts_for,
    last_position_for,
    reviews_for,
    score_summary,
    telematics_policy_for,
    tracked_miles,
    trips_for,
)
from covernote.telematics.services import device_for_key
from covernote.young_driver.models import Device

router = Router(tags=["telematics"])

MAX_BODY_BYTES = 16 * 1024 * 1024
#: Machine clients that may post any device's data (the telematics service provider's gateway).
GATEWAY_ROLES = {Role.UNDERWRITER}


class DeviceKeyAuth(APIKeyHeader):
    """``X-Device-Key``: the secret issued to one Smartbox (``covernote telematics device-key``)."""

    param_name = "X-Device-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> Device | None:
        return device_for_key(key) if key else None


def _throttle(serials: Iterable[str]) -> None:
    """Per-device upload rate (COVERNOTE_TELEMATICS_DEVICE_RATE): 429 with Retry-After."""
    wait = device_upload_wait(serials)
    if wait:
        raise Throttled(wait)


class IngestOut(Schema):
    batch: int
    rows: int
    accepted: int
    duplicates: int
    quarantined: int
    rejected: int
    reasons: dict[str, int]
    trips: int


FIX_SCHEMA = {
    "type": "object",
    "required": ["device_id", "ts", "lat", "lon", "speed_kmh", "heading_deg"],
    "properties": {
        "device_id": {"type": "string", "description": "The Smartbox's serial"},
        "ts": {"type": "string", "format": "date-time", "description": "With its UTC offset"},
        "lat": {"type": "number", "minimum": -90, "maximum": 90},
        "lon": {"type": "number", "minimum": -180, "maximum": 180},
        "speed_kmh": {"type": "number", "minimum": 0},
        "heading_deg": {"type": "number", "minimum": 0, "maximum": 360},
        "alarm": {"type": "string", "description": "Optional Traccar alarm"},
    },
}
UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "description": "Smartbox fixes, one per row, in any of three formats (YD-DATA-1)",
        "content": {
            "application/x-ndjson": {
                "schema": {"type": "string", "description": "JSON lines: one fix object a line"},
                "x-row-schema": FIX_SCHEMA,
            },
            "text/csv": {
                "schema": {
                    "type": "string",
                    "description": "A header row device_id,ts,lat,lon,speed_kmh,heading_deg",
                },
                "x-row-schema": FIX_SCHEMA,
            },
            "application/vnd.apache.parquet": {
                "schema": {"type": "string", "format": "binary"},
                "x-row-schema": FIX_SCHEMA,
            },
        },
    }
}


@router.post(
    "/points",
    response=IngestOut,
    auth=[DeviceKeyAuth(), *AUTH],
    summary="Upload Smartbox fixes",
    openapi_extra=UPLOAD_BODY,
)
def upload_points(request: HttpRequest) -> IngestOut:
    """Upload fixes as JSON lines, CSV or Parquet (YD-DATA-1). Idempotent on (device_id, ts).

    A device key may post only its own device's rows; a gateway token (underwriter
    role) may post for any device. Rows for other devices, unknown or deactivated
    devices, or outside the policy's data window are counted and not stored.
    """
    auth = request.auth  # type: ignore[attr-defined]
    caller_device = auth if isinstance(auth, Device) else None
    if caller_device is None:
        user = request_user(request)
        if user.role not in GATEWAY_ROLES:
            raise DomainError(
                ErrorCode.PERMISSION_DENIED,
                "only a device key or the gateway may send data",
                "YD-DATA-1",
                "authorization",
            )
        caller = user.email
    else:
        caller = f"device:{caller_device.serial}"
        _throttle([caller_device.serial])  # before the body is read
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > MAX_BODY_BYTES:
        raise DomainError(
            ErrorCode.INVALID,
            f"body over {MAX_BODY_BYTES // 1024 // 1024} MB: split the upload",
            "YD-DATA-1",
            "body",
        )
    content_type = request.META.get("CONTENT_TYPE", "")
    frame = parse_body(request.body, content_type)
    if caller_device is None and "device_id" in frame.columns:
        _throttle(str(d) for d in frame["device_id"].unique().drop_nulls().to_list())
    batch = telematics_ingest(
        frame=frame,
        now=timezone.now(),
        caller=caller,
        source="http",
        content_type=content_type,
        caller_device=caller_device,
    )
    return IngestOut(
        batch=batch.pk,
        rows=batch.rows,
        accepted=batch.accepted,
        duplicates=batch.duplicates,
        quarantined=batch.quarantined,
        rejected=batch.rejected,
        reasons=batch.reasons,
        trips=batch.trips,
    )


class TripOut(Schema):
    trip_id: str
    start_at: datetime
    end_at: datetime
    distance_miles: float
    duration_min: float
    scores: dict[str, float]
    measures: dict[str, Any]
    track: list[list[float]]


def trip_out(t: Trip) -> TripOut:
    return TripOut(
        trip_id=t.trip_id,
        start_at=t.start_at,
        end_at=t.end_at,
        distance_miles=round(t.distance_miles, 2),
        duration_min=round(t.duration_s / 60, 1),
        scores={
            "overall": float(t.score_overall),
            "speed": float(t.score_speed),
            "eco": float(t.score_eco),
            "night": float(t.score_night),
            "duration": float(t.score_duration),
        },
        measures=t.measures,
        track=t.track,
    )


class TripPage(Page):
    items: list[TripOut]


class AlertOut(Schema):
    kind: str
    action: str
    rule: str
    at: datetime
    alerts_before: int
    evidence: dict[str, Any]


class DrivingOut(Schema):
    policy: str
    trips_total: int = Field(description="Every trip; `trips` holds the latest 100 (all: /trips)")
    summary: dict[str, Any]
    tracked_miles: str
    last_position: dict[str, Any] | None
    trips: list[TripOut]
    alerts: list[AlertOut]
    reviews: list[dict[str, Any]]


@router.get("/policies/{policy_id}", response=DrivingOut, summary="A policy's driving")
def policy_driving(request: HttpRequest, policy_id: int) -> DrivingOut:
    """Scores (YD-SCORE-1), the latest 100 trips (`trips_total` counts them all; every trip
    at `/trips`, a page at a time), alerts with evidence (YD-ALERT) and premium reviews
    (YD-REVIEW-1..4); staff also get the last known position. Another firm's policy is
    404 (PLT-4)."""
    user: User = request_user(request)
    policy = telematics_policy_for(user, policy_id)
    position = last_position_for(policy) if user.is_intermediary_staff else None
    return DrivingOut(
        policy=policy.number,
        trips_total=trips_for(policy).count(),
        summary=score_summary(policy),
        tracked_miles=str(tracked_miles(policy)),
        last_position=(
            {
                "ts": position.ts.isoformat(),
                "lat": position.lat,
                "lon": position.lon,
                "speed_kmh": position.speed_kmh,
            }
            if position
            else None
        ),
        trips=[trip_out(t) for t in trips_for(policy)[:100]],
        alerts=[
            AlertOut(
                kind=a.kind,
                action=a.action,
                rule=a.rule,
                at=a.at,
                alerts_before=a.alerts_before,
                evidence=a.evidence,
            )
            for a in alerts_for(policy)
        ],
        reviews=[
            {
                "review_date": r.review_date.isoformat(),
                "number": r.number,
                "previous_score": str(r.previous_score),
                "period_score": str(r.period_score),
                "current_premium": str(r.current_premium),
                "new_premium": str(r.new_premium),
                "adjustment": str(r.adjustment),
                "capped": r.capped,
                "status": r.status,
                "effective_on": r.effective_on.isoformat(),
                "steps": review_decision(r).get("steps", []),
            }
            for r in reviews_for(policy)
        ],
    )


@router.get("/policies/{policy_id}/trips", response=TripPage, summary="A policy's trips")
def policy_trips(
    request: HttpRequest, response: HttpResponse, policy_id: int, page: PageQuery
) -> dict[str, Any]:
    """Every trip of the policy, newest first, a page at a time, with its scores
    (YD-SCORE-1) and track. Another firm's policy is 404 (PLT-4)."""
    policy = telematics_policy_for(request_user(request), policy_id)
    return paginate(request, response, trips_for(policy), page, trip_out)
