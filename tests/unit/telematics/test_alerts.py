"""Speeding alerts ladder and significant margins (YD-SPEED-1/2/3)."""

from __future__ import annotations

import copy
from datetime import timedelta

import polars as pl
import pytest

from covernote.domain.telematics.alerts import (
    ActionKind,
    EventKind,
    LadderState,
    LadderStatus,
    SpeedingEvent,
    run_ladder,
    significant_speed_for,
    speeding_events,
)
from covernote.domain.telematics.kernel import score_points
from covernote.domain.telematics.params import parse_params
from covernote.domain.telematics.speed_limits import build_road_index

from .conftest import T0, stream

MPH = 1.609344


def _ev(kind: EventKind, i: int) -> SpeedingEvent:
    return SpeedingEvent(
        kind,
        "D1",
        f"D1/{i}",
        T0 + timedelta(days=i),
        51.5,
        -0.1,
        "high-st",
        "High Street",
        30 * MPH,
        45 * MPH,
    )


def test_yd_speed_1_three_alerts_before_a_notice(params):
    events = [_ev(EventKind.CONSISTENT, i) for i in range(5)]
    decision, actions, state = run_ladder(events, LadderState(), params.alerts)
    kinds = [a.action for a in actions]
    assert kinds == [ActionKind.ALERT] * 3 + [ActionKind.NOTICE_PROPOSED, ActionKind.EVIDENCE]
    assert actions[3].alerts_before == 3
    assert state.status is LadderStatus.NOTICE_PROPOSED
    assert [s.rule for s in decision.steps[:4]] == ["YD-SPEED-1"] * 4


def test_yd_speed_1_ladder_state_carries_between_runs(params):
    _, _, st1 = run_ladder([_ev(EventKind.CONSISTENT, 0)], LadderState(), params.alerts)
    _, _, st2 = run_ladder([_ev(EventKind.CONSISTENT, 1)] * 2, st1, params.alerts)
    _, acts, _ = run_ladder([_ev(EventKind.CONSISTENT, 3)], st2, params.alerts)
    assert st2.consistent_alerts == 3
    assert acts[0].action is ActionKind.NOTICE_PROPOSED


def test_yd_speed_2_significant_margin_one_alert_then_notice(params):
    events = [_ev(EventKind.SIGNIFICANT, 0), _ev(EventKind.SIGNIFICANT, 1)]
    decision, actions, state = run_ladder(events, LadderState(), params.alerts)
    assert [a.action for a in actions] == [ActionKind.ALERT, ActionKind.NOTICE_PROPOSED]
    assert [s.rule for s in decision.steps] == ["YD-SPEED-2", "YD-SPEED-2"]
    assert state.status is LadderStatus.NOTICE_PROPOSED


def test_yd_speed_2_default_table_and_earlier_preset(params, doc):
    # Reconstructed default: 30 -> 50, 60 -> 85, 70 -> 100 mph.
    assert significant_speed_for(30, params.alerts) == 50
    assert significant_speed_for(60, params.alerts) == 85
    assert significant_speed_for(70, params.alerts) == 100
    # 50 km/h = 31.07 mph -> rounds to 31 -> the 40 mph row -> 60 mph
    assert significant_speed_for(50 / MPH, params.alerts) == 60
    earlier = copy.deepcopy(doc)
    earlier["alerts"]["significant_table"] = "published_earlier"
    p = parse_params(earlier)
    # <=30 -> 60, 31-40 -> 75, 41-50 -> 85, 51-60 -> 100, 61-70 -> 110
    assert [significant_speed_for(x, p.alerts) for x in (20, 30, 31, 45, 60, 70)] == [
        60,
        60,
        75,
        85,
        100,
        110,
    ]


def test_yd_speed_3_events_from_kernel_carry_evidence(params):
    roads = pl.DataFrame(
        {
            "road_id": ["high-st"],
            "name": ["High Street"],
            "maxspeed": ["30 mph"],
            "geometry_wkt": ["LINESTRING (-0.1001 51.5, -0.05 51.5)"],
        }
    )
    idx = build_road_index(roads, params.speed_limits)
    # 30 s at 52 mph on a 30 mph road: sustained speeding and >= 50 mph significant.
    speeds = [45.0] * 60 + [52 * MPH] * 30 + [45.0] * 200
    pts, trips = score_points(stream("D1", T0, speeds), idx, params)
    events = speeding_events(pts, trips, params.alerts)
    assert {e.kind for e in events} == {EventKind.CONSISTENT, EventKind.SIGNIFICANT}
    sig = next(e for e in events if e.kind is EventKind.SIGNIFICANT)
    assert sig.road_id == "high-st"
    assert sig.road_name == "High Street"
    assert sig.limit_mph == pytest.approx(30.0)
    assert sig.speed_mph == pytest.approx(52.0)
    assert sig.trip_id == trips["trip_id"][0]
    assert T0 + timedelta(seconds=60) <= sig.ts <= T0 + timedelta(seconds=89)
    decision, _actions, _ = run_ladder(events, LadderState(), params.alerts)
    step = decision.steps[0].as_dict()
    for key in ("device_id", "trip_id", "ts", "lat", "lon", "road_id", "limit_mph", "speed_mph"):
        assert key in step["inputs"]
