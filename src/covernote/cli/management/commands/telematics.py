"""``covernote telematics``: batch tools for data teams (YD-SCORE-1..3, YD-DATA-1).

    covernote telematics score --points POINTS.parquet --roads ROADS.parquet --out DIR
    covernote telematics score --points POINTS.parquet --osm EXTRACT.osm.pbf --out DIR
    covernote telematics score ... --engine spark [--master local[2] | spark://HOST:7077]
    covernote telematics ingest FILE --root DIR [--window-start ISO --window-end ISO]
    covernote telematics store migrate --root DIR     old device_id=/day= layout -> day files
    covernote telematics store compact --root DIR [--day YYYY-MM-DD]   one sorted file a day

Operations on the platform's own store and policies:

    covernote telematics listen [--host H --port P --client-id ID --ca-file CA
                                 --cert-file C --key-file K --username U]      MQTT in
    covernote telematics load-roads ROADS.parquet                            activate a map
    covernote telematics device-key SERIAL                                   a Smartbox's upload key
    covernote telematics demo-feed SERIAL --date YYYY-MM-DD [--cars 6]       a demo day of driving

``score`` writes ``DIR/points.parquet`` (input columns + limit, trip, accel, flags)
and ``DIR/trips.parquet`` (one row per kept trip with measures and scores), with a
progress bar over device chunks and a one-line summary. A bad input (corrupt Parquet,
missing column) prints one ``error:`` line and exits 2; the output directory is
written to a temporary sibling and renamed at the end, so it is never half-written.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
import tomllib
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import polars as pl
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.telematics.frames import as_points_frame
from covernote.domain.telematics.kernel import score_points
from covernote.domain.telematics.params import TelematicsParams
from covernote.domain.telematics.speed_limits import build_road_index, calibrate_matching
from covernote.products.loader import parse_params_for, shipped_params
from covernote.telematics.adapters.osm import read_osm_roads
from covernote.telematics.adapters.parse import parse_body, parse_parquet
from covernote.telematics.adapters.store import (
    POINTS_DIR,
    compact,
    compact_store,
    ingest_body,
    migrate,
)

CHUNK_POINTS = 500_000  # points per progress step (chunks end on device boundaries)
CONTENT_TYPES = {
    ".parquet": "application/vnd.apache.parquet",
    ".csv": "text/csv",
    ".jsonl": "application/x-ndjson",
    ".ndjson": "application/x-ndjson",
}


def load_params(path: Path | None = None) -> TelematicsParams:
    if path is None:
        params: TelematicsParams = shipped_params("telematics")
        return params
    custom: TelematicsParams = parse_params_for(
        "telematics", tomllib.loads(path.read_text()), str(path)
    )
    return custom


def device_chunks(points: pl.DataFrame, size: int) -> list[pl.DataFrame]:
    """Slices of ~``size`` points of a (device_id, ts)-sorted frame, cut between devices.

    Trips and journey-duration spells never span devices, so scoring chunk by chunk
    gives the same result as one call.
    """
    if points.height <= size:
        return [points]
    starts = (
        points.select(pl.arg_where(pl.col("device_id").ne_missing(pl.col("device_id").shift(1))))
        .to_series()
        .to_list()
    )
    chunks: list[pl.DataFrame] = []
    lo = 0
    for s in starts[1:]:
        if s - lo >= size:
            chunks.append(points.slice(lo, s - lo))
            lo = s
    chunks.append(points.slice(lo))
    return chunks


def _iso(value: str, field: str) -> datetime:
    try:
        dt = datetime.fromisoformat(value)
    except ValueError as exc:
        raise DomainError(ErrorCode.INVALID, f"{field}: not ISO 8601", "YD-DATA-1", field) from exc
    if dt.tzinfo is None:
        raise DomainError(ErrorCode.INVALID, f"{field}: needs a zone offset", "YD-DATA-1", field)
    return dt


def _read_parquet(path: Path, field: str) -> pl.DataFrame:
    try:
        return parse_parquet(str(path))
    except DomainError as exc:
        raise DomainError(exc.code, f"{path}: {exc.message}", exc.rule, field) from exc


def _score_locally(
    points: pl.DataFrame, index: Any, params: TelematicsParams, now: datetime, options: Any
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The kernel in this process, in chunks of whole devices (progress bar on stderr)."""
    pts_parts: list[pl.DataFrame] = []
    trip_parts: list[pl.DataFrame] = []
    with tqdm(
        total=points.height,
        unit="pt",
        unit_scale=True,
        desc="scoring",
        disable=options["no_progress"],
        file=sys.stderr,
    ) as bar:
        for chunk in device_chunks(points, CHUNK_POINTS):
            p, t = score_points(chunk, index, params, now=now)
            pts_parts.append(p)
            trip_parts.append(t)
            bar.update(chunk.height)
    return pl.concat(pts_parts), pl.concat(trip_parts)


def _score_on_spark(
    points: pl.DataFrame, index: Any, params: TelematicsParams, now: datetime, options: Any
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The same kernel through the Spark adapter (``--engine spark``), outputs collected."""
    try:
        from covernote.telematics.adapters import spark as spark_adapter
    except ImportError as exc:
        raise DomainError(
            ErrorCode.CONFIGURATION,
            f"--engine spark needs pyspark ({exc}): install the 'spark' dependency group",
            "YD-SCORE-1",
            "engine",
        ) from exc
    session = spark_adapter.spark_session(options.get("master"))
    return spark_adapter.score_frame_with_spark(
        points, index, params, spark=session, now=now, buckets=options.get("buckets")
    )


class Command(BaseCommand):
    help = "Telematics batch tools: score a points file, ingest a local file into the store."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sc = sub.add_parser("score", help="score a points Parquet file against a roads map")
        sc.add_argument("--points", required=True, type=Path)
        roads = sc.add_mutually_exclusive_group(required=True)
        roads.add_argument("--roads", type=Path, help="roads.parquet (fixture format)")
        roads.add_argument(
            "--osm", type=Path, help="OSM extract: .osm.pbf (read with osmium) or .osm XML"
        )
        sc.add_argument("--out", required=True, type=Path)
        sc.add_argument("--config", type=Path, help="telematics TOML (default: product config)")
        sc.add_argument(
            "--default-oneway",
            choices=["yes", "no", "none"],
            default="yes",
            help="direction of roads without a oneway column (yes: one row per direction)",
        )
        sc.add_argument("--now", help="ISO instant for the future-timestamp check")
        sc.add_argument(
            "--engine",
            choices=["local", "spark"],
            default="local",
            help="local: Polars in this process; spark: the same kernel through the Spark "
            "adapter (needs the 'spark' dependency group and Java)",
        )
        sc.add_argument(
            "--master",
            help="Spark master (local[2], spark://host:7077, yarn); default: spark-submit's",
        )
        sc.add_argument(
            "--buckets", type=int, help="Spark: device groups (default: shuffle partitions)"
        )
        sc.add_argument("--overwrite", action="store_true", help="replace an existing --out")
        sc.add_argument("--no-progress", action="store_true")
        ca = sub.add_parser(
            "calibrate",
            help="calibrate the map matcher on a sample of a fleet's fixes (ADR 0036); prints "
            "the [speed_limits] keys for a new version of the parameters",
        )
        ca.add_argument("--points", required=True, type=Path, help="points.parquet (a sample)")
        ca.add_argument("--roads", required=True, type=Path, help="roads.parquet (the map)")
        ca.add_argument("--config", type=Path, help="telematics TOML (default: product config)")
        ca.add_argument(
            "--default-oneway",
            choices=["yes", "no", "none"],
            default="yes",
            help="direction of roads without a oneway column (yes: one row per direction)",
        )
        ig = sub.add_parser("ingest", help="ingest a local points file into the raw store")
        ig.add_argument("file", type=Path)
        ig.add_argument("--root", required=True, type=Path)
        ig.add_argument("--content-type", help="default: from the file extension")
        ig.add_argument("--window-start", help="YD-DATA-1 window start (ISO, with offset)")
        ig.add_argument("--window-end", help="YD-DATA-1 window end (ISO, with offset)")
        ig.add_argument("--now", help="ISO instant for the future-timestamp check")
        st = sub.add_parser("store", help="maintain the raw points store (migrate, compact)")
        st.add_argument(
            "store_action",
            choices=["migrate", "compact"],
            help="migrate: rewrite the layout before issue 14 (device_id=/day=) into day "
            "files; compact: merge each day's parts into one sorted file",
        )
        st.add_argument("--root", required=True, type=Path)
        st.add_argument("--day", type=date.fromisoformat, help="compact: this UTC day only")
        ls = sub.add_parser(
            "listen", help="ingest Smartbox data from MQTT (covernote/devices/+/points)"
        )
        ls.add_argument("--host", help="broker (default 127.0.0.1, or COVERNOTE_MQTT_HOST)")
        ls.add_argument("--port", type=int, help="default 1883 (8883 is usual with TLS)")
        ls.add_argument(
            "--client-id", help="stable id: the broker keeps the session (queued QoS 1) under it"
        )
        ls.add_argument("--username")
        ls.add_argument(
            "--password", help="prefer COVERNOTE_MQTT_PASSWORD (a CLI argument shows in ps)"
        )
        ls.add_argument("--ca-file", help="TLS: the broker's CA certificate (PEM)")
        ls.add_argument("--cert-file", help="TLS: client certificate (PEM)")
        ls.add_argument("--key-file", help="TLS: client private key (PEM)")
        ls.add_argument("--tls", action="store_true", help="TLS with the system CAs")
        ls.add_argument(
            "--seconds", type=float, help="stop after this long (default: run until stopped)"
        )
        lr = sub.add_parser("load-roads", help="normalise, version and activate a roads map")
        lr.add_argument("file", type=Path)
        dk = sub.add_parser(
            "device-key", help="issue a Smartbox's upload key (X-Device-Key), shown once"
        )
        dk.add_argument("serial")
        df = sub.add_parser(
            "demo-feed", help="a demo day of driving for a Smartbox (a10kw fixture)"
        )
        df.add_argument("serial")
        df.add_argument("--date", required=True, type=date.fromisoformat)
        df.add_argument("--cars", type=int, default=6)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            action = options["action"]
            if action == "score":
                self.score(options)
            elif action == "calibrate":
                self.calibrate(options)
            elif action == "ingest":
                self.ingest(options)
            elif action == "store":
                self.store(options)
            else:
                self.operate(action, options)
        except DomainError as exc:
            where = f" (field {exc.field})" if exc.field else ""
            raise CommandError(f"{exc.message}{where}", returncode=2) from exc
        except OSError as exc:
            raise CommandError(str(exc), returncode=2) from exc

    def _now(self, options: dict[str, Any]) -> datetime:
        return _iso(options["now"], "now") if options.get("now") else datetime.now(UTC)

    def calibrate(self, options: dict[str, Any]) -> None:
        """Estimate the matcher's calibration from a sample (YD-SCORE-1, ADR 0036)."""
        params = load_params(options.get("config"))
        for name in ("points", "roads"):
            if not options[name].is_file():
                raise DomainError(ErrorCode.NOT_FOUND, f"{options[name]} not found", None, name)
        oneway = {"yes": True, "no": False, "none": None}[options["default_oneway"]]
        roads = _read_parquet(options["roads"], "roads")
        points = as_points_frame(_read_parquet(options["points"], "points"))
        points = points.sort("device_id", "ts", maintain_order=True)
        index = build_road_index(roads, params.speed_limits, default_oneway=oneway)
        cal = calibrate_matching(points, index, along="device_id")
        left, straight, right = cal.changes
        lag = "too few turns" if cal.heading_lag_m is None else f"{cal.turns:,} turns"
        self.stdout.write(
            f"# calibrated on {cal.fixes:,} fixes of {points['device_id'].n_unique():,} "
            f"devices (params {params.version}, median GPS noise {cal.sigma_m:.1f} m); "
            f"junction paths from {left:,} left, {straight:,} straight-on and {right:,} right "
            f"turns; heading lag from {lag}\n"
            "# [speed_limits] keys for a new version of the telematics parameters (YD-SCORE-3):\n"
            f"{cal.toml()}\n"
        )

    def score(self, options: dict[str, Any]) -> None:
        t0 = time.perf_counter()
        out: Path = options["out"]
        if out.exists() and not options["overwrite"]:
            raise DomainError(ErrorCode.CONFLICT, f"{out} exists (use --overwrite)", None, "out")
        params = load_params(options.get("config"))
        now = self._now(options)
        if not options["points"].is_file():
            raise DomainError(ErrorCode.NOT_FOUND, f"{options['points']} not found", None, "points")
        oneway = {"yes": True, "no": False, "none": None}[options["default_oneway"]]
        if options.get("osm"):
            # OSM ways carry their own oneway tags (the roads table always has the column).
            roads = read_osm_roads(options["osm"], params.speed_limits.road_class_mph.keys())
            if roads.height == 0:
                raise DomainError(
                    ErrorCode.INVALID, f"{options['osm']}: no drivable ways", "YD-SPEED-1", "osm"
                )
        else:
            if not options["roads"].is_file():
                raise DomainError(
                    ErrorCode.NOT_FOUND, f"{options['roads']} not found", None, "roads"
                )
            roads = _read_parquet(options["roads"], "roads")
        points = as_points_frame(_read_parquet(options["points"], "points"))
        index = build_road_index(roads, params.speed_limits, default_oneway=oneway)
        points = points.sort("device_id", "ts", maintain_order=True)
        if options.get("engine") == "spark":
            pts_out, trips_out = _score_on_spark(points, index, params, now, options)
        else:
            pts_out, trips_out = _score_locally(points, index, params, now, options)
        tmp = out.parent / f".{out.name}.tmp-{uuid.uuid4().hex[:8]}"
        tmp.mkdir(parents=True)
        try:
            pts_out.write_parquet(tmp / "points.parquet")
            trips_out.write_parquet(tmp / "trips.parquet")
            if out.exists():
                shutil.rmtree(out)
            tmp.rename(out)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp)
        quarantined = int(pts_out["plausibility_reason"].is_not_null().sum())
        self.stdout.write(
            f"scored {pts_out.height:,} points ({quarantined:,} quarantined) of "
            f"{points['device_id'].n_unique():,} devices into {trips_out.height:,} trips "
            f"in {time.perf_counter() - t0:.1f} s -> {out}"
        )

    def ingest(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise DomainError(ErrorCode.NOT_FOUND, f"{path} not found", None, "file")
        ctype = options.get("content_type") or CONTENT_TYPES.get(path.suffix.lower())
        if ctype is None:
            raise DomainError(
                ErrorCode.INVALID,
                f"cannot tell the type of {path.name}: use --content-type",
                "YD-SCORE-1",
                "content_type",
            )
        body = path.read_bytes()
        raw = parse_body(body, ctype)
        start = (
            _iso(options["window_start"], "window_start") if options.get("window_start") else None
        )
        end = _iso(options["window_end"], "window_end") if options.get("window_end") else None
        lo = start or datetime(1970, 1, 1, tzinfo=UTC)
        hi = end or datetime(9999, 1, 1, tzinfo=UTC)
        # A local file from a data team: every device in it is allowed (within the window).
        devices = raw["device_id"].cast(pl.String).str.strip_chars().drop_nulls().unique().to_list()
        res = ingest_body(
            body,
            ctype,
            allowed_devices={d: (lo, hi) for d in devices},
            now=self._now(options),
            root=options["root"],
        )
        self.stdout.write(json.dumps(res.as_dict()))

    def store(self, options: dict[str, Any]) -> None:
        root: Path = options["root"]
        if not (root / POINTS_DIR).is_dir():
            raise DomainError(
                ErrorCode.NOT_FOUND, f"{root} holds no points store", "YD-DATA-1", "root"
            )
        if options["store_action"] == "migrate":
            self.stdout.write(json.dumps(migrate(root).as_dict()))
        elif options.get("day"):
            self.stdout.write(
                json.dumps({options["day"].isoformat(): compact(root, options["day"])})
            )
        else:
            self.stdout.write(json.dumps(compact_store(root)))

    def operate(self, action: str, options: dict[str, Any]) -> None:
        """Sub-commands that act on the platform's store and policies (``covernote.telematics``)."""
        from covernote.telematics import operations

        if action == "listen":
            broker = operations.broker_options(
                {k: options.get(k) for k in operations.BROKER_OPTION_NAMES}
            )
            tls = " over TLS" if broker.uses_tls else ""
            self.stdout.write(
                f"listening on {broker.host}:{broker.port}{tls} as {broker.client_id} "
                "(covernote/devices/+/points, QoS 1, persistent session)"
            )
            sub = operations.listen(options=broker, seconds=options["seconds"], out=self.stdout)
            self.stdout.write(
                f"{sub.handled} batches ingested, {sub.rejected} messages quarantined"
            )
        elif action == "load-roads":
            self.stdout.write(operations.load_roads(options["file"]))
        elif action == "device-key":
            self.stdout.write(operations.issue_key(options["serial"]))
            self.stderr.write(
                "keep it secret: it is not shown again; send it as the X-Device-Key header"
            )
        elif action == "demo-feed":
            self.stdout.write(
                json.dumps(
                    operations.feed_demo_day(options["serial"], options["date"], options["cars"])
                )
            )
