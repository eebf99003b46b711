"""Ingest parsing (YD-SCORE-1 data quality): content types, bad bodies, quarantined rows."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from covernote.domain.errors import DomainError
from covernote.telematics.adapters.parse import parse_body, validate

NOW = datetime(2026, 3, 3, tzinfo=UTC)
T = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)


def _rows(n: int = 3, device: str = "SBX-1") -> list[dict]:
    return [
        {
            "device_id": device,
            "ts": (T + timedelta(seconds=i)).isoformat().replace("+00:00", "Z"),
            "lat": 52.31,
            "lon": 13.60 + i * 1e-4,
            "speed_kmh": 25.0,
            "heading_deg": 90.0,
        }
        for i in range(n)
    ]


def _ndjson(rows: list[dict]) -> bytes:
    return "\n".join(json.dumps(r) for r in rows).encode()


def _csv(rows: list[dict]) -> bytes:
    return pl.DataFrame(rows).write_csv().encode()


def _parquet(df: pl.DataFrame) -> bytes:
    buf = io.BytesIO()
    df.write_parquet(buf)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("ctype", "encode"),
    [
        ("application/x-ndjson", _ndjson),
        ("application/jsonl; charset=utf-8", _ndjson),
        ("text/csv", _csv),
        ("application/vnd.apache.parquet", lambda r: _parquet(pl.DataFrame(r))),
        ("application/octet-stream", lambda r: _parquet(pl.DataFrame(r))),
    ],
)
def test_yd_score_1_each_content_type_gives_the_canonical_points(params, ctype, encode):
    raw = parse_body(encode(_rows()), ctype)
    out = validate(raw, now=NOW, params=params.plausibility)
    assert out.quarantine.height == 0
    assert out.points.columns == [
        "device_id", "ts", "lat", "lon", "speed_kmh", "heading_deg", "alarm"
    ]  # fmt: skip
    assert out.points["ts"].dtype == pl.Datetime("us", "UTC")
    assert out.points["ts"].to_list() == [T, T + timedelta(seconds=1), T + timedelta(seconds=2)]
    assert out.points["lon"].to_list() == pytest.approx([13.60, 13.6001, 13.6002])


def test_yd_score_1_wrong_content_type_is_refused_naming_the_field():
    with pytest.raises(DomainError) as exc:
        parse_body(_ndjson(_rows()), "application/xml")
    assert exc.value.field == "content_type"


def test_yd_score_1_octet_stream_without_parquet_magic_is_refused():
    with pytest.raises(DomainError, match="PAR1"):
        parse_body(b"hello world", "application/octet-stream")


def test_yd_score_1_corrupt_parquet_is_refused():
    body = _parquet(pl.DataFrame(_rows()))
    corrupt = body[:8] + b"\x00" * 40 + body[48:]
    with pytest.raises(DomainError, match="Parquet") as exc:
        parse_body(corrupt, "application/vnd.apache.parquet")
    assert exc.value.field == "body"


def test_yd_score_1_malformed_json_lines_name_the_line():
    body = _ndjson(_rows(2)) + b"\n{not json"
    with pytest.raises(DomainError, match="line 3"):
        parse_body(body, "application/x-ndjson")


def test_yd_score_1_missing_column_is_refused_naming_it():
    rows = [{k: v for k, v in r.items() if k != "speed_kmh"} for r in _rows()]
    with pytest.raises(DomainError) as exc:
        parse_body(_csv(rows), "text/csv")
    assert exc.value.field == "speed_kmh"


def test_yd_score_1_bad_rows_are_quarantined_with_reasons_and_the_rest_kept(params):
    rows = _rows(10)
    rows[1]["lat"] = "NaN"  # CSV text NaN
    rows[2]["lat"] = 95.0  # out of range
    rows[3]["ts"] = "yesterday"  # unparsable
    rows[4]["ts"] = "2026-03-02 07:00:04"  # no zone: ambiguous GMT/BST
    rows[5]["alarm"] = "teleport"  # not Traccar vocabulary
    rows[6]["speed_kmh"] = "fast"  # not a number
    rows[7]["ts"] = "2026-03-04T00:00:00Z"  # after now
    rows[8]["alarm"] = "hardBraking"  # known alarm: kept
    raw = parse_body(_csv(rows), "text/csv")
    out = validate(raw, now=NOW, params=params.plausibility)
    reasons = dict(zip(out.quarantine["raw"].to_list(), out.quarantine["reason"], strict=True))
    assert sorted(reasons.values()) == sorted(
        [
            "not_a_number",
            "lat_out_of_range",
            "unparsable_timestamp",
            "unparsable_timestamp",
            "unknown_alarm",
            "not_a_number",
            "future_timestamp",
        ]
    )
    assert out.points.height == 3  # rows 0, 8, 9
    assert out.points["alarm"].to_list() == [None, "hardBraking", None]
    assert any("yesterday" in r for r in reasons)  # the raw row is kept for review


def test_yd_score_1_duplicates_dropped_and_out_of_order_sorted(params):
    rows = _rows(5)
    shuffled = [rows[3], rows[0], rows[4], rows[0], rows[1], rows[2], rows[3]]
    out = validate(
        parse_body(_ndjson(shuffled), "application/x-ndjson"), now=NOW, params=params.plausibility
    )
    assert out.duplicates == 2
    assert out.points.height == 5
    assert out.points["ts"].is_sorted()
    assert out.quarantine.height == 0


def test_yd_score_1_ingest_keeps_a_position_spike_for_the_kernel_to_judge(params):
    rows = _rows(3)
    rows[1]["lat"] = 53.31  # 111 km away for one second
    out = validate(
        parse_body(_ndjson(rows), "application/x-ndjson"), now=NOW, params=params.plausibility
    )
    assert out.points.height == 3
