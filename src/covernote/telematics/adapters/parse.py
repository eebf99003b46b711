"""Parse uploaded Smartbox fixes into the canonical points schema (YD-SCORE-1 data quality).

Two levels of problem:

* the **body** is wrong (unsupported content type, not JSON lines / CSV, corrupt
  Parquet, a required column missing): :func:`parse_body` raises a
  :class:`DomainError` naming the problem and the field when there is one; nothing
  of the batch is used;
* a **row** is wrong (missing or non-numeric value, NaN, out of range, unparsable or
  zone-less timestamp, unknown alarm, future timestamp): :func:`validate` quarantines
  the row with a ``reason`` and keeps the rest of the batch.

Exact repeats of ``(device_id, ts)`` are duplicates (first kept, the rest counted,
not stored); out-of-order rows are sorted. Position spikes are *not* decided here:
that needs the neighbouring fixes, which may arrive in another batch, so the kernel's
plausibility step decides them at scoring time (``docs/decisions/telematics.md``).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

import polars as pl
import pyarrow as pa

from covernote.documents.uploads import check_telematics_body
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.telematics.frames import POINTS_IN, TS
from covernote.domain.telematics.params import PlausibilityParams
from covernote.domain.telematics.plausibility import Reason, check_plausibility

RULE = "YD-SCORE-1"

#: Canonical stored points: what the kernel reads, plus the optional Traccar alarm.
CANONICAL: dict[str, Any] = {**POINTS_IN, "alarm": pl.String}
REQUIRED = ("device_id", "ts", "lat", "lon", "speed_kmh", "heading_deg")
NUMERIC = ("lat", "lon", "speed_kmh", "heading_deg")

#: Quarantined rows: the typed values we could read, the raw row as JSON, the reason.
QUARANTINE: dict[str, Any] = {
    **CANONICAL,
    "raw": pl.String,
    "reason": pl.String,
}

NDJSON_TYPES = frozenset({"application/x-ndjson", "application/jsonl", "application/json-lines"})
CSV_TYPES = frozenset({"text/csv"})
PARQUET_TYPES = frozenset({"application/vnd.apache.parquet", "application/x-parquet"})
PARQUET_MAGIC = b"PAR1"

MAX_SPEED_KMH = 400.0  # km/h: no road vehicle reports more; a higher value is a bad fix (decision)

#: Traccar ``Position.ALARM_*`` values (traccar/src/main/java/org/traccar/model/Position.java),
#: plus ``shock`` and ``oilLeak`` used by its OsmAnd/HTTP clients. Several may be comma-joined.
TRACCAR_ALARMS = frozenset(
    {
        "general", "sos", "vibration", "movement", "lowspeed", "overspeed", "fallDown",
        "lowPower", "lowBattery", "fault", "powerOff", "powerOn", "door", "lock", "unlock",
        "geofence", "geofenceEnter", "geofenceExit", "gpsAntennaCut", "accident", "tow",
        "idle", "highRpm", "hardAcceleration", "hardBraking", "hardCornering", "laneChange",
        "fatigueDriving", "powerCut", "powerRestored", "jamming", "temperature", "parking",
        "bonnet", "footBrake", "fuelLeak", "tampering", "removing", "shock", "oilLeak",
    }
)  # fmt: skip

#: ISO 8601 with a zone ("Z" or an offset); a zone-less time is ambiguous (GMT/BST) and refused.
TS_FORMATS = ("%Y-%m-%dT%H:%M:%S%.f%#z", "%Y-%m-%d %H:%M:%S%.f%#z")


class IngestReason(StrEnum):
    """Why a row was quarantined at ingest (first applicable, in this order)."""

    MISSING = Reason.MISSING.value
    UNPARSABLE_TS = "unparsable_timestamp"
    NOT_A_NUMBER = "not_a_number"
    LAT_RANGE = Reason.LAT_RANGE.value
    LON_RANGE = Reason.LON_RANGE.value
    SPEED_RANGE = "speed_out_of_range"
    HEADING_RANGE = "heading_out_of_range"
    UNKNOWN_ALARM = "unknown_alarm"
    FUTURE = Reason.FUTURE.value


def _bad(
    message: str, field: str | None = None, code: ErrorCode = ErrorCode.INVALID
) -> DomainError:
    return DomainError(code, message, RULE, field)


def media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def parse_body(body: bytes, content_type: str) -> pl.DataFrame:
    """Read a request body by content type into a frame with the :data:`CANONICAL` columns.

    Values are not validated yet (columns may still be strings): see :func:`validate`.
    Raises :class:`DomainError` for a wrong content type, a malformed body or a missing
    required column.
    """
    media = media_type(content_type)
    if not body.strip():
        raise _bad("the body is empty", "body", ErrorCode.REQUIRED)
    check_telematics_body(body, media)  # ADR 0025: the bytes must be what the type says
    if media in NDJSON_TYPES:
        df = _parse_ndjson(body)
    elif media in CSV_TYPES:
        df = _parse_csv(body)
    elif media in PARQUET_TYPES or (
        media == "application/octet-stream" and body[:4] == PARQUET_MAGIC
    ):
        df = parse_parquet(body)
    elif media == "application/octet-stream":
        raise _bad("application/octet-stream body is not Parquet (no PAR1 magic)", "body")
    else:
        raise _bad(
            f"unsupported content type {content_type!r}: send application/x-ndjson, "
            "text/csv or application/vnd.apache.parquet",
            "content_type",
            ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        )
    return select_columns(df)


def _parse_ndjson(body: bytes) -> pl.DataFrame:
    try:
        return pl.read_ndjson(io.BytesIO(body), infer_schema_length=None)
    except (pl.exceptions.PolarsError, ValueError, RuntimeError) as exc:
        for no, line in enumerate(body.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except ValueError:
                raise _bad(f"line {no} is not JSON", "body") from exc
            if not isinstance(obj, dict):
                raise _bad(f"line {no} is not a JSON object", "body") from exc
        raise _bad(f"malformed JSON lines body: {exc}", "body") from exc


def _parse_csv(body: bytes) -> pl.DataFrame:
    try:
        return pl.read_csv(io.BytesIO(body), infer_schema=False)
    except (pl.exceptions.PolarsError, ValueError) as exc:
        raise _bad(f"malformed CSV body: {str(exc).splitlines()[0]}", "body") from exc


def parse_parquet(source: bytes | str | Any) -> pl.DataFrame:
    """Read Parquet bytes or a path; a corrupt file is a :class:`DomainError`."""
    src = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        return pl.read_parquet(src)
    except (pl.exceptions.PolarsError, OSError, pa.ArrowException, ValueError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise _bad(f"corrupt or unreadable Parquet: {first}", "body") from exc


def select_columns(df: pl.DataFrame) -> pl.DataFrame:
    """Keep the canonical columns; a missing required column is a DomainError naming it."""
    for name in REQUIRED:
        if name not in df.columns:
            raise _bad(f"column {name} missing", name, ErrorCode.REQUIRED)
    if "alarm" not in df.columns:
        df = df.with_columns(alarm=pl.lit(None, pl.String))
    return df.select(list(CANONICAL))


@dataclass(frozen=True)
class Validated:
    """Outcome of :func:`validate`."""

    points: pl.DataFrame  # CANONICAL, sorted by (device_id, ts), unique on the key
    quarantine: pl.DataFrame  # QUARANTINE
    duplicates: int  # repeats of (device_id, ts) within the batch, dropped


def _ts_expr(dtype: pl.DataType) -> pl.Expr:
    c = pl.col("ts")
    if isinstance(dtype, pl.Datetime):
        # Parquet timestamps without a zone are UTC by the Parquet convention (decision).
        c = c.dt.replace_time_zone("UTC") if dtype.time_zone is None else c
        return c.dt.convert_time_zone("UTC").cast(TS)
    if dtype == pl.String:
        return pl.coalesce(
            [
                c.str.to_datetime(f, time_zone="UTC", strict=False, time_unit="us")
                for f in TS_FORMATS
            ]
        )
    return pl.lit(None, TS)  # numbers etc.: not an ISO 8601 instant


def _num_expr(name: str, dtype: pl.DataType) -> pl.Expr:
    c = pl.col(name)
    if dtype == pl.String:
        c = c.str.strip_chars()
    return c.cast(pl.Float64, strict=False)


def validate(raw: pl.DataFrame, *, now: datetime, params: PlausibilityParams) -> Validated:
    """Type the columns and quarantine bad rows (reasons: :class:`IngestReason`).

    Range, future and duplicate checks are :func:`plausibility.check_plausibility`'s.
    """
    raw = select_columns(raw).with_row_index("_row")
    schema = raw.schema
    typed = raw.with_columns(
        pl.col("device_id").cast(pl.String).str.strip_chars(),
        _ts_expr(schema["ts"]).alias("ts"),
        *[_num_expr(n, schema[n]).alias(n) for n in NUMERIC],
        pl.col("alarm").cast(pl.String),
        **{f"_null_{n}": pl.col(n).is_null() for n in ("ts", *NUMERIC)},
    )
    missing = pl.col("device_id").is_null() | (pl.col("device_id") == "")
    for n in ("ts", "lat", "lon", "speed_kmh"):
        missing = missing | pl.col(f"_null_{n}")
    not_num = pl.lit(False)
    for n in NUMERIC:
        bad_cast = pl.col(n).is_null() & pl.col(f"_null_{n}").not_()
        not_num = not_num | bad_cast | pl.col(n).is_nan().fill_null(False)
    alarms_ok = (
        pl.col("alarm")
        .str.split(",")
        .list.eval(pl.element().str.strip_chars().is_in(list(TRACCAR_ALARMS)))
        .list.all()
    )
    heading = pl.col("heading_deg")
    reason = (
        pl.when(missing)
        .then(pl.lit(IngestReason.MISSING.value))
        .when(pl.col("ts").is_null())
        .then(pl.lit(IngestReason.UNPARSABLE_TS.value))
        .when(not_num)
        .then(pl.lit(IngestReason.NOT_A_NUMBER.value))
        .when((pl.col("speed_kmh") < 0) | (pl.col("speed_kmh") > MAX_SPEED_KMH))
        .then(pl.lit(IngestReason.SPEED_RANGE.value))
        .when((heading < 0) | (heading > 360))
        .then(pl.lit(IngestReason.HEADING_RANGE.value))
        .when(pl.col("alarm").is_not_null() & alarms_ok.not_().fill_null(True))
        .then(pl.lit(IngestReason.UNKNOWN_ALARM.value))
        .otherwise(pl.lit(None, pl.String))
    )
    typed = typed.with_columns(reason=reason)
    early = typed.filter(pl.col("reason").is_not_null())
    rest = typed.filter(pl.col("reason").is_null()).drop("reason")
    # Spikes are judged at scoring time with all neighbours (module docstring): not here.
    checked = check_plausibility(rest, now, params, spikes=False).with_columns(
        reason=pl.col("plausibility_reason")
    )
    is_dup = pl.col("reason") == Reason.DUPLICATE.value
    duplicates = int(checked.select(is_dup.sum()).item())
    good = checked.filter(pl.col("reason").is_null()).select(list(CANONICAL))
    late_bad = checked.filter(pl.col("reason").is_not_null() & is_dup.not_())
    bad = pl.concat(
        [
            early.select("_row", *CANONICAL, reason=pl.col("reason")),
            late_bad.select("_row", *CANONICAL, reason=pl.col("reason")),
        ],
        how="vertical_relaxed",
    )
    # The raw row as JSON, made for the quarantined rows only (issue 14: it was half
    # of the validation time when made for every row).
    raw_json = raw.filter(pl.col("_row").is_in(bad["_row"].implode())).select(
        "_row",
        raw=pl.struct(
            [pl.col(c).cast(pl.String) for c in CANONICAL if c != "alarm"]
        ).struct.json_encode(),
    )
    quarantine = bad.join(raw_json, on="_row", how="left", maintain_order="left").select(
        [pl.col(c).cast(t) for c, t in QUARANTINE.items()]
    )
    return Validated(good, quarantine, duplicates)


def empty_quarantine() -> pl.DataFrame:
    return pl.DataFrame(schema=QUARANTINE)
