"""Speeding alerts and the notice-of-cancellation ladder (YD-SPEED-1..3).

* YD-SPEED-1 consistent speeding: a trip whose sustained-speeding share of distance
  reaches ``consistent_trip_share`` is a *consistent* event; each one sends an alert,
  and only once ``consistent_alerts_before_notice`` (>= 3) alerts have been sent does
  a further event propose a notice of cancellation.
* YD-SPEED-2 significant margin: a fix at or above the significant speed for its
  posted limit is a *significant* event; the first ``significant_alerts_before_notice``
  (>= 1) send alerts, a further one proposes the notice.
* YD-SPEED-3: every alert and notice carries its evidence (device, trip, ts,
  position, road, limit, speed) and is returned for keeping.

The notice is *proposed* (YD-CANCEL-5 then applies: staff decide, 7-day notice).
Once a notice is proposed further events are kept as evidence only.

Significant table lookup: the posted limit in mph is rounded to a whole mph and the
first band whose key (max posted limit) is >= it applies; limits above the last key
use the last band.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

import polars as pl

from covernote.domain.decisions import Decision
from covernote.domain.telematics.params import KMH_PER_MPH, AlertParams


class EventKind(StrEnum):
    CONSISTENT = "consistent"  # YD-SPEED-1
    SIGNIFICANT = "significant"  # YD-SPEED-2


class ActionKind(StrEnum):
    ALERT = "alert"
    NOTICE_PROPOSED = "notice_of_cancellation_proposed"
    EVIDENCE = "evidence_only"


class LadderStatus(StrEnum):
    """Lifecycle: CLEAR -> ALERTED -> NOTICE_PROPOSED (terminal for this ladder)."""

    CLEAR = "clear"
    ALERTED = "alerted"
    NOTICE_PROPOSED = "notice_proposed"


@dataclass(frozen=True)
class SpeedingEvent:
    """Evidence of one speeding event (YD-SPEED-3)."""

    kind: EventKind
    device_id: str
    trip_id: str
    ts: datetime
    lat: float
    lon: float
    road_id: str | None
    road_name: str | None
    limit_kmh: float
    speed_kmh: float

    @property
    def limit_mph(self) -> float:
        return self.limit_kmh / KMH_PER_MPH

    @property
    def speed_mph(self) -> float:
        return self.speed_kmh / KMH_PER_MPH


@dataclass(frozen=True)
class LadderAction:
    action: ActionKind
    rule: str
    event: SpeedingEvent
    alerts_before: int  # alerts already sent when this action was taken


@dataclass(frozen=True)
class LadderState:
    status: LadderStatus = LadderStatus.CLEAR
    consistent_alerts: int = 0
    significant_alerts: int = 0

    @property
    def alerts(self) -> int:
        return self.consistent_alerts + self.significant_alerts


def significant_speed_mph(limit_kmh: pl.Expr, params: AlertParams) -> pl.Expr:
    """YD-SPEED-2: speed (mph) at or above which a fix is significant, for its posted limit."""
    limit_mph = (limit_kmh / KMH_PER_MPH).round(0)
    bands = params.significant_bands
    expr: pl.Expr = pl.lit(bands[-1][1])
    for max_limit, speed in reversed(bands):
        expr = pl.when(limit_mph <= max_limit).then(pl.lit(speed)).otherwise(expr)
    return pl.when(limit_kmh.is_not_null()).then(expr)


def significant_speed_for(limit_mph: float, params: AlertParams) -> float:
    """Scalar form of :func:`significant_speed_mph` for a posted limit in mph."""
    rounded = round(limit_mph)
    for max_limit, speed in params.significant_bands:
        if rounded <= max_limit:
            return speed
    return params.significant_bands[-1][1]


def _evidence(rows: pl.DataFrame, kind: EventKind) -> list[SpeedingEvent]:
    return [
        SpeedingEvent(
            kind=kind,
            device_id=r["device_id"],
            trip_id=r["trip_id"],
            ts=r["ts"],
            lat=r["lat"],
            lon=r["lon"],
            road_id=r["road_id"],
            road_name=r["road_name"],
            limit_kmh=r["speed_limit_kmh"],
            speed_kmh=r["speed_kmh"],
        )
        for r in rows.iter_rows(named=True)
    ]


def speeding_events(
    points: pl.DataFrame, trips: pl.DataFrame, params: AlertParams
) -> list[SpeedingEvent]:
    """Events from kernel output: one per consistent-speeding trip, one per trip with a
    significant fix; the evidence is the fix with the largest excess over the limit
    (for significant: the first such fix with the largest speed). Sorted by ts.
    """
    pts = points.filter(pl.col("trip_id").is_not_null() & pl.col("speed_limit_kmh").is_not_null())
    excess = pl.col("speed_kmh") - pl.col("speed_limit_kmh")
    consistent_trips = trips.filter(pl.col("speeding_share") >= params.consistent_trip_share)
    cons = (
        pts.filter(pl.col("is_sustained_speeding"))
        .join(consistent_trips.select("trip_id"), on="trip_id", how="semi")
        .sort(excess, "ts", descending=[True, False])
        .unique("trip_id", keep="first", maintain_order=True)
    )
    sig = (
        pts.filter(
            pl.col("speed_kmh") / KMH_PER_MPH
            >= significant_speed_mph(pl.col("speed_limit_kmh"), params)
        )
        .sort(excess, "ts", descending=[True, False])
        .unique("trip_id", keep="first", maintain_order=True)
    )
    events = _evidence(cons, EventKind.CONSISTENT) + _evidence(sig, EventKind.SIGNIFICANT)
    return sorted(events, key=lambda e: (e.ts, e.kind != EventKind.SIGNIFICANT, e.trip_id))


def run_ladder(
    events: Sequence[SpeedingEvent], state: LadderState, params: AlertParams
) -> tuple[Decision, list[LadderAction], LadderState]:
    """Apply the alert ladder to events in time order (pure; YD-SPEED-1/2/3)."""
    decision = Decision(outcome=state.status.value)
    actions: list[LadderAction] = []
    for ev in sorted(events, key=lambda e: e.ts):
        if state.status is LadderStatus.NOTICE_PROPOSED:
            act = LadderAction(ActionKind.EVIDENCE, "YD-SPEED-3", ev, state.alerts)
        elif ev.kind is EventKind.SIGNIFICANT:
            if state.significant_alerts >= params.significant_alerts_before_notice:
                act = LadderAction(ActionKind.NOTICE_PROPOSED, "YD-SPEED-2", ev, state.alerts)
                state = replace(state, status=LadderStatus.NOTICE_PROPOSED)
            else:
                act = LadderAction(ActionKind.ALERT, "YD-SPEED-2", ev, state.alerts)
                state = replace(
                    state,
                    status=LadderStatus.ALERTED,
                    significant_alerts=state.significant_alerts + 1,
                )
        elif state.alerts >= params.consistent_alerts_before_notice:
            act = LadderAction(ActionKind.NOTICE_PROPOSED, "YD-SPEED-1", ev, state.alerts)
            state = replace(state, status=LadderStatus.NOTICE_PROPOSED)
        else:
            act = LadderAction(ActionKind.ALERT, "YD-SPEED-1", ev, state.alerts)
            state = replace(
                state, status=LadderStatus.ALERTED, consistent_alerts=state.consistent_alerts + 1
            )
        actions.append(act)
        decision.step(
            act.rule,
            f"{act.action.value}: {ev.kind.value} speeding",
            value=act.action.value,
            device_id=ev.device_id,
            trip_id=ev.trip_id,
            ts=ev.ts.isoformat(),
            lat=ev.lat,
            lon=ev.lon,
            road_id=ev.road_id,
            road_name=ev.road_name,
            limit_mph=round(ev.limit_mph, 1),
            speed_mph=round(ev.speed_mph, 1),
            alerts_before=act.alerts_before,
        )
    decision.outcome = state.status.value
    return decision, actions, state
