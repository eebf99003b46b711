"""Telematics writes: road maps, device keys, scoring trips, the alert ladder, last position.

Scoring is idempotent: a trip is keyed by ``device/start`` (the kernel's trip id),
so rescoring a day after late points arrive replaces the trip's figures, and the
ladder never alerts twice for the same trip and kind.
"""

from __future__ import annotations

import hashlib
import secrets
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone

from covernote.audit.services import audit_record
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.telematics.alerts import (
    ActionKind,
    EventKind,
    LadderState,
    LadderStatus,
    run_ladder,
    speeding_events,
)
from covernote.domain.telematics.kernel import score_points
from covernote.domain.telematics.speed_limits import RoadIndex, build_road_index
from covernote.domain.young_driver import letters
from covernote.telematics.config import storage_root, telematics_params
from covernote.telematics.models import DeviceKey, DrivingAlert, LastPosition, RoadMap, Trip
from covernote.young_driver.models import Device, YDPolicy
from covernote.young_driver.selectors import policy_letterhead

TRACK_POINTS = 200  # points kept per trip to draw its route


# --- road maps ----------------------------------------------------------------------------


def _read_roads(path: Path) -> pl.DataFrame:
    try:
        return pl.read_parquet(path)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise DomainError(
            ErrorCode.INVALID,
            f"{path.name}: not a readable Parquet roads table ({exc})",
            "YD-SCORE-1",
            "roads",
        ) from exc


@transaction.atomic
def road_map_load(*, path: Path, actor: Any, default_oneway: bool | None = True) -> RoadMap:
    """Normalise, version and activate a roads table (fixture ``roads.parquet`` format).

    ``default_oneway=True`` suits maps that list each driving direction as its own
    row (the a10kw fixture); give ``None`` for maps with an ``oneway`` column.
    """
    roads = _read_roads(path)
    limits = telematics_params(timezone.now()).speed_limits
    index = build_road_index(roads, limits, default_oneway=default_oneway)
    existing = RoadMap.objects.filter(version=index.map_version).first()
    maps_dir = storage_root() / "maps"
    maps_dir.mkdir(parents=True, exist_ok=True)
    stored = maps_dir / f"{index.map_version.replace(':', '-')}.parquet"
    if not stored.exists():
        shutil.copyfile(path, stored)
    RoadMap.objects.exclude(version=index.map_version).update(is_active=False)
    if existing is not None:
        existing.is_active = True
        existing.save(update_fields=["is_active"])
        return existing
    road_map = RoadMap.objects.create(
        version=index.map_version,
        source=str(path),
        path=str(stored),
        roads=roads.height,
        is_active=True,
    )
    audit_record(
        actor=actor,
        action="road_map.load",
        obj=road_map,
        after={"version": road_map.version, "roads": road_map.roads, "source": road_map.source},
    )
    _INDEX_CACHE.clear()
    return road_map


_INDEX_CACHE: dict[str, RoadIndex] = {}


def active_road_index(on: datetime) -> RoadIndex:
    """The active map indexed with the road-class limits in force on ``on`` (cached)."""
    road_map = RoadMap.objects.filter(is_active=True).first()
    if road_map is None:
        raise DomainError(
            ErrorCode.CONFIGURATION,
            "no road map loaded: run `covernote telematics load-roads FILE`",
            "YD-SCORE-1",
            "roads",
        )
    limits = telematics_params(on).speed_limits
    key = f"{road_map.version}|{id(limits)}"  # parsed params are cached per content hash
    index = _INDEX_CACHE.get(key)
    if index is None:
        roads = _read_roads(Path(road_map.path))
        index = build_road_index(roads, limits, default_oneway=True)
        _INDEX_CACHE.clear()
        _INDEX_CACHE[key] = index
    return index


# --- device keys --------------------------------------------------------------------------


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def device_key_issue(*, device: Device, actor: Any) -> str:
    """Issue (or replace) the device's secret; returned once, stored hashed."""
    raw = "sbx_" + secrets.token_urlsafe(24)
    DeviceKey.objects.update_or_create(
        device=device,
        defaults={
            "prefix": raw[:10],
            "key_hash": _hash(raw),
            "revoked_at": None,
            "created_at": timezone.now(),
        },
    )
    audit_record(
        actor=actor,
        action="device_key.issue",
        object_type="young_driver.device",
        object_id=str(device.pk),
        after={"serial": device.serial, "prefix": raw[:10]},
    )
    return raw


def device_for_key(raw: str) -> Device | None:
    key = (
        DeviceKey.objects.select_related("device")
        .filter(key_hash=_hash(raw), revoked_at__isnull=True)
        .first()
    )
    return key.device if key else None


# --- scoring ------------------------------------------------------------------------------


@dataclass
class ScoreResult:
    trips: int = 0
    alerts: int = 0
    notices: int = 0
    devices: int = 0
    skipped_devices: list[str] = field(default_factory=list)


def _dec(value: Any) -> Decimal:
    return Decimal(str(round(float(value or 0.0), 2)))


def _thin(track: pl.DataFrame) -> list[list[float]]:
    step = max(1, track.height // TRACK_POINTS)
    rows = track.gather_every(step)
    return [
        [round(a, 6), round(b, 6)]
        for a, b in zip(rows["lat"].to_list(), rows["lon"].to_list(), strict=True)
    ]


def _ladder_state(policy: YDPolicy) -> LadderState:
    rows = list(policy.driving_alerts.values_list("kind", "action"))
    consistent = sum(1 for k, a in rows if k == EventKind.CONSISTENT and a == ActionKind.ALERT)
    significant = sum(1 for k, a in rows if k == EventKind.SIGNIFICANT and a == ActionKind.ALERT)
    if any(a == ActionKind.NOTICE_PROPOSED for _, a in rows):
        status = LadderStatus.NOTICE_PROPOSED
    elif rows:
        status = LadderStatus.ALERTED
    else:
        status = LadderStatus.CLEAR
    return LadderState(status=status, consistent_alerts=consistent, significant_alerts=significant)


def telematics_score(
    *, points: pl.DataFrame, now: datetime, actor: Any = "telematics"
) -> ScoreResult:
    """Score stored points of known devices: trips, last position, the speeding ladder.

    ``points`` holds whole device-days (the caller re-reads the partitions a batch
    touched), so a trip that spans batches is scored on all its points.
    """
    result = ScoreResult()
    if points.height == 0:
        return result
    params = telematics_params(now)
    index = active_road_index(now)
    serials = points["device_id"].unique().to_list()
    devices = {
        d.serial: d for d in Device.objects.filter(serial__in=serials).select_related("policy")
    }
    result.skipped_devices = sorted(set(serials) - {s for s, d in devices.items() if d.policy_id})
    known = [s for s, d in devices.items() if d.policy_id]
    if not known:
        return result
    pts = points.filter(pl.col("device_id").is_in(known))
    points_out, trips_out = score_points(pts, index, params, now=now)
    events = speeding_events(points_out, trips_out, params.alerts)
    tracks = (
        points_out.filter(pl.col("trip_id").is_not_null())
        .sort("ts")
        .partition_by("trip_id", as_dict=True)
    )
    with transaction.atomic():
        trip_rows: dict[str, Trip] = {}
        for row in trips_out.iter_rows(named=True):
            device = devices[row["device_id"]]
            track = tracks.get((row["trip_id"],))
            measures = {
                k: row[k]
                for k in (
                    "points",
                    "speeding_s",
                    "speeding_m",
                    "speeding_share",
                    "max_over_limit_kmh",
                    "night_m",
                    "night_share",
                    "harsh_brakes",
                    "harsh_accels",
                    "harsh_corners",
                    "harsh_per_100km",
                    "over_duration_s",
                    "over_duration_share",
                )
                if k in row
            }
            trip, _ = Trip.objects.update_or_create(
                trip_id=row["trip_id"],
                defaults={
                    "device": device,
                    "policy_id": device.policy_id,
                    "start_at": row["start_ts"],
                    "end_at": row["end_ts"],
                    "distance_m": float(row["distance_m"]),
                    "duration_s": float(row["duration_s"]),
                    "measures": measures,
                    "score_speed": _dec(row["score_speed"]),
                    "score_eco": _dec(row["score_eco"]),
                    "score_night": _dec(row["score_night"]),
                    "score_duration": _dec(row["score_duration"]),
                    "score_overall": _dec(row["score_overall"]),
                    "track": _thin(track) if track is not None else [],
                    "map_version": row["map_version"],
                    "params_version": row["params_version"],
                    "scored_at": now,
                },
            )
            trip_rows[row["trip_id"]] = trip
        result.trips = len(trip_rows)
        last = (
            points_out.filter(pl.col("plausibility_reason").is_null())
            .sort("ts")
            .group_by("device_id", maintain_order=True)
            .last()
        )
        for row in last.iter_rows(named=True):
            device = devices[row["device_id"]]
            current = LastPosition.objects.filter(device=device).first()
            if current is None or current.ts < row["ts"]:
                LastPosition.objects.update_or_create(
                    device=device,
                    defaults={
                        "ts": row["ts"],
                        "lat": row["lat"],
                        "lon": row["lon"],
                        "speed_kmh": row["speed_kmh"],
                    },
                )
        by_policy: dict[int, list[Any]] = {}
        for ev in events:
            by_policy.setdefault(devices[ev.device_id].policy_id, []).append(ev)  # type: ignore[arg-type]
        for policy_id, evs in by_policy.items():
            policy = YDPolicy.objects.select_for_update(of=("self",)).get(pk=policy_id)
            seen = set(policy.driving_alerts.values_list("trip__trip_id", "kind"))
            fresh = [e for e in evs if (e.trip_id, e.kind.value) not in seen]
            if not fresh:
                continue
            decision, actions, _ = run_ladder(fresh, _ladder_state(policy), params.alerts)
            for action, step in zip(actions, decision.steps, strict=True):
                ev = action.event
                alert = DrivingAlert.objects.create(
                    policy=policy,
                    trip=trip_rows.get(ev.trip_id),
                    kind=ev.kind.value,
                    action=action.action.value,
                    rule=action.rule,
                    at=ev.ts,
                    alerts_before=action.alerts_before,
                    evidence=step.as_dict(),
                )
                audit_record(
                    actor=actor,
                    action=f"driving_alert.{action.action.value}",
                    obj=alert,
                    firm_id=policy.firm_id,
                    after=step.as_dict(),
                )
                if action.action is ActionKind.ALERT:
                    result.alerts += 1
                elif action.action is ActionKind.NOTICE_PROPOSED:
                    result.notices += 1
                transaction.on_commit(partial(_send_alert_letter, alert.pk))
        result.devices = len(known)
    return result


def _send_alert_letter(alert_id: int) -> None:
    """Tell the customer, in their channel and format (YD-SPEED-3, PLT-2)."""
    from covernote.documents.services import document_issue

    alert = DrivingAlert.objects.select_related("policy__customer").get(pk=alert_id)
    if alert.action == ActionKind.EVIDENCE or alert.document_id:
        return
    ev = alert.evidence.get("inputs", {})
    letter = letters.speeding_alert(
        at=alert.at,
        road_name=ev.get("road_name"),
        limit_mph=ev.get("limit_mph"),
        speed_mph=ev.get("speed_mph"),
        notice_proposed=alert.action == ActionKind.NOTICE_PROPOSED,
    )
    doc = document_issue(
        actor="telematics",
        customer=alert.policy.customer,
        kind="yd_driving_alert",
        title=letter.title,
        template="documents/yd_letter.html",
        context={"policy": alert.policy, "paragraphs": letter.paragraphs, "rows": letter.rows},
        related=alert,
        idempotency_key=f"driving-alert-{alert.pk}",
        letterhead=policy_letterhead(alert.policy),
    )
    DrivingAlert.objects.filter(pk=alert.pk).update(document=doc)
