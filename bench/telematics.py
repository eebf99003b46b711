"""Telematics kernel benchmark: prints figure, value, target, baseline, ratio.

    uv run python bench/telematics.py [--points 2000000] [--repeat 3] [--noise-m 5]

Figures on the a10kw SUMO fixture (/work/shared/data/telematics/a10kw) and on a
synthetic book made of fixture copies (new device ids, shifted by whole days) scaled
to ``--points`` (use 10000000 for the issue's 10 M book; the default runs in well
under 2 minutes). Baseline = a plain nearest-road lookup (no heading, no smoothing)
measured here, and the issue's quoted figures (99.2% / 97.6% / 250 k points/s).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import math
import os
import random
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from covernote.domain.telematics.kernel import device_parts, score_points
from covernote.domain.telematics.kernel import trips_and_indicators as kernel_trips_and_indicators
from covernote.domain.telematics.params import parse_params
from covernote.domain.telematics.segment import segment_frame
from covernote.domain.telematics.speed_limits import build_road_index, match_limits
from covernote.products.loader import shipped_config_path
from covernote.telematics.adapters.fixture import a10kw_dir

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the NumPy reference of the matcher lives with the tests
FIXTURE = a10kw_dir()
M_PER_DEG = 111_320.0


def best_rate(n: int, fn: Callable[[], Any], repeat: int) -> float:
    best = math.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return n / best


def add_noise(pts: pl.DataFrame, sigma_m: float, seed: int = 1) -> pl.DataFrame:
    """Gaussian position noise, ``sigma_m`` per axis (east and north)."""
    rng = random.Random(seed)
    n = pts.height
    k = M_PER_DEG * math.cos(math.radians(52.31))
    return pts.with_columns(
        lat=pl.col("lat") + pl.Series([rng.gauss(0, sigma_m) for _ in range(n)]) / M_PER_DEG,
        lon=pl.col("lon") + pl.Series([rng.gauss(0, sigma_m) for _ in range(n)]) / k,
    )


def book(pts: pl.DataFrame, n_points: int) -> pl.DataFrame:
    copies = max(1, math.ceil(n_points / pts.height))
    parts = [
        pts.with_columns(
            device_id=pl.col("device_id") + f"-{i}",
            ts=pl.col("ts") + pl.duration(days=i),
        )
        for i in range(copies)
    ]
    return pl.concat(parts).head(n_points).sort("device_id", "ts")


#: trips+indicators before the linear-scan rewrite (same bench, same machine, 2026-11-23):
#: a10kw 3.58 M/s, 2 M book 3.28 M/s. Issue 14 (compiled segmentation and indicator
#: passes, ADR 0032): the NumPy/Polars forms they replaced are timed in the same process
#: (tests/unit/telematics/reference_kernel.py), see docs/decisions/telematics.md
#: "Kernel speed (issue 14)".
TARGET_TI = 10e6


def machine() -> str:
    load = os.getloadavg()
    return f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs"


def best_cpu(fn: Callable[[], Any], repeat: int) -> float:
    """Least CPU time of ``repeat`` runs (all threads; less distorted by a shared machine)."""
    best = math.inf
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


def trips_and_indicators(pts_with_limits: pl.DataFrame, params: Any) -> pl.DataFrame:
    """The kernel minus plausibility and limit lookup (limits already on the points):
    segmentation, per-fix indicators, journey-duration spells, trip measures and
    scores. Per-fix ``trip_id`` strings are output formatting, done in score_points."""
    p, trips, seg = segment_frame(pts_with_limits, params.trips, with_trip_id=False)
    return kernel_trips_and_indicators(p, trips, params, seg)[1]


def reference_trips_and_indicators(pts_with_limits: pl.DataFrame, params: Any) -> pl.DataFrame:
    """The same on the NumPy/Polars forms the compiled passes replaced (test reference)."""
    from tests.unit.telematics import reference_kernel as ref

    p, trips = ref.assign_trips(pts_with_limits, params.trips, with_trip_id=False)
    return ref.trips_and_indicators(p, trips, params)[1]


def reference_score_points(frame: pl.DataFrame, idx: Any, params: Any, now: datetime) -> None:
    """score_points on the reference kernel: the same slices of whole devices, threads."""
    from tests.unit.telematics import reference_kernel as ref

    parts = device_parts(frame.sort("device_id", "ts", maintain_order=True), os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=len(parts)) as pool:
        list(pool.map(lambda f: ref.score_one(f, idx, params, now, None), parts))


def interleaved(
    n: int, new: Callable[[], Any], old: Callable[[], Any] | None, repeat: int
) -> tuple[float, float | None]:
    """Best rate of ``new`` and of ``old`` over ``repeat`` rounds, run alternately."""
    bn, bo = math.inf, math.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        new()
        bn = min(bn, time.perf_counter() - t0)
        if old is not None:
            t0 = time.perf_counter()
            old()
            bo = min(bo, time.perf_counter() - t0)
    return n / bn, (n / bo if old is not None else None)


def threaded(parts: list[pl.DataFrame], fn: Callable[[pl.DataFrame], Any]) -> Callable[[], None]:
    def run() -> None:
        with ThreadPoolExecutor(max_workers=len(parts)) as pool:
            list(pool.map(fn, parts))

    return run


@contextlib.contextmanager
def _numpy_matcher() -> Iterator[None]:
    """Swap the matcher's compiled loops for the vectorised NumPy forms they replaced
    (kept as the test reference), to measure both in one process."""
    from tests.unit.telematics import reference_matching as ref

    from covernote.domain.telematics.matching import search

    saved = search.find_candidates, search.viterbi
    search.find_candidates, search.viterbi = ref.find_candidates, ref.viterbi
    try:
        yield
    finally:
        search.find_candidates, search.viterbi = saved


def _reference() -> Callable[[], contextlib.AbstractContextManager[None]] | None:
    try:
        import tests.unit.telematics.reference_matching  # noqa: F401
    except ImportError:  # a checkout without the tests
        return None
    return _numpy_matcher


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", type=int, default=2_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--noise-m", type=float, default=5.0)
    args = ap.parse_args()
    load_start = machine()

    with shipped_config_path("telematics", directory=ROOT / "config/products").open("rb") as fh:
        params = parse_params(tomllib.load(fh))
    pts = pl.read_parquet(FIXTURE / "points.parquet")
    truth = pl.read_parquet(FIXTURE / "truth.parquet")["speed_limit_kmh"]
    roads = pl.read_parquet(FIXTURE / "roads.parquet")
    idx = build_road_index(roads, params.speed_limits, default_oneway=True)
    plain = dataclasses.replace(
        params.speed_limits, heading_weight_m_per_deg=0.0, smoothing_window=1
    )
    idx_plain = build_road_index(roads, plain, default_oneway=True)
    adr_0020 = dataclasses.replace(
        params.speed_limits, hmm_heading_hold=False, hmm_placement="entry"
    )
    idx_0020 = build_road_index(roads, adr_0020, default_oneway=True)
    with (ROOT / "config/products/telematics/2026-12-17.toml").open("rb") as fh:
        adr_0030 = parse_params(tomllib.load(fh)).speed_limits
    idx_0030 = build_road_index(roads, adr_0030, default_oneway=True)
    noisy = add_noise(pts, args.noise_m)
    now = datetime(2100, 1, 1, tzinfo=UTC)
    reference = _reference()
    rows: list[tuple[str, str, str, str, str]] = []

    def agree(p: pl.DataFrame, ix: Any) -> float:
        return float((match_limits(p, ix, along="device_id")["speed_limit_kmh"] == truth).mean())

    def pct(x: float) -> str:
        return f"{100 * x:.2f}%"

    def rate(x: float) -> str:
        return f"{x / 1e6:.2f} M/s"

    def ti_row(
        name: str, new: float, old: float | None, cpu: float | None = None
    ) -> tuple[str, str, str, str, str]:
        value = rate(new) + ("" if cpu is None else f" (cpu {cpu / 1e6:.2f} M/s)")
        base = "-" if old is None else rate(old) + " (reference, same process)"
        ratio = f"{new / TARGET_TI:.2f} of target"
        if old is not None:
            ratio = f"{new / old:.2f} ({ratio})"
        return name, value, f">= {TARGET_TI / 1e6:.2f} M/s", base, ratio

    a0, a0b = agree(pts, idx), agree(pts, idx_plain)
    a5, a5b = agree(noisy, idx), agree(noisy, idx_plain)
    rows.append(
        ("a10kw agreement as given", pct(a0), ">= 99.50%", pct(a0b) + " (99.2%)", f"{a0 / a0b:.4f}")
    )
    rows.append(
        (
            f"a10kw agreement, {args.noise_m:g} m noise",
            pct(a5),
            ">= 98.50%",
            pct(a5b) + " (97.6%)",
            f"{a5 / a5b:.4f}",
        )
    )
    for label, frame in (("a10kw", pts), (f"book {args.points:,}", book(pts, args.points))):
        n = frame.height
        if reference is not None:  # the matcher's loops: compiled vs the NumPy form before
            lk_new = best_rate(
                n, lambda f=frame: match_limits(f, idx, along="device_id"), args.repeat
            )
            with reference():
                lk_old = best_rate(n, lambda f=frame: match_limits(f, idx, along="device_id"), 1)
            rows.append(
                (
                    f"{label}: lookup + HMM matching",
                    rate(lk_new),
                    ">= 1.00 M/s",
                    rate(lk_old) + " (NumPy form, before)",
                    f"{lk_new / lk_old:.2f}",
                )
            )
        # ADR 0030 (heading hold, two-sided placement) vs the ADR 0020 matcher, interleaved
        # the shipped placement against ADR 0020's and against ADR 0030's (2026-12-17),
        # each pair interleaved in this process
        for name, other, base in (
            ("shipped placement", idx_0020, "ADR 0020 placement"),
            ("ADR 0036 placement", idx_0030, "ADR 0030, version 2026-12-17"),
        ):
            new_r = old_r = 0.0
            for _ in range(args.repeat):
                new_r = max(
                    new_r, best_rate(n, lambda f=frame: match_limits(f, idx, along="device_id"), 1)
                )
                old_r = max(
                    old_r,
                    best_rate(n, lambda f=frame, o=other: match_limits(f, o, along="device_id"), 1),
                )
            rows.append(
                (
                    f"{label}: lookup + HMM, {name}",
                    rate(new_r),
                    ">= 1.00 M/s",
                    f"{rate(old_r)} ({base})",
                    f"{new_r / old_r:.2f}",
                )
            )
        lk = best_rate(n, lambda f=frame: match_limits(f, idx, along="device_id"), args.repeat)
        lkb = best_rate(n, lambda f=frame: match_limits(f, idx_plain), args.repeat)
        rows.append(
            (
                f"{label}: limit lookup",
                rate(lk),
                ">= 1.00 M/s",
                rate(lkb) + " (0.25)",
                f"{lk / lkb:.2f}",
            )
        )
        with_limits = match_limits(frame, idx, along="device_id")
        ref_ti = None
        if reference is not None:
            ref_ti = lambda f=with_limits: reference_trips_and_indicators(f, params)  # noqa: E731
        trips_and_indicators(with_limits.head(1000), params)  # compiled (or cache loaded)
        ti, ti_old = interleaved(
            n, lambda f=with_limits: trips_and_indicators(f, params), ref_ti, args.repeat
        )
        cpu = best_cpu(lambda f=with_limits: trips_and_indicators(f, params), args.repeat)
        rows.append(ti_row(f"{label}: trips+indicators, 1 thread", ti, ti_old, n / cpu))
        parts = device_parts(with_limits, os.cpu_count() or 1)
        if len(parts) > 1:
            tt, tt_old = interleaved(
                n,
                threaded(parts, lambda f: trips_and_indicators(f, params)),
                threaded(parts, lambda f: reference_trips_and_indicators(f, params))
                if reference is not None
                else None,
                args.repeat,
            )
            rows.append(
                ti_row(f"{label}: trips+indicators, {len(parts)} threads by device", tt, tt_old)
            )
        full, full_old = interleaved(
            n,
            lambda f=frame: score_points(f, idx, params, now=now),
            (lambda f=frame: reference_score_points(f, idx, params, now))
            if reference is not None
            else None,
            args.repeat,
        )
        rows.append(
            (
                f"{label}: score_points (all, {os.cpu_count()} threads)",
                rate(full),
                "-",
                "-" if full_old is None else rate(full_old) + " (reference kernel)",
                "-" if full_old is None else f"{full / full_old:.2f}",
            )
        )

    print(f"machine: {load_start} at the start, {machine()} at the end")
    print("(a shared machine: figures vary run to run; old and new interleaved, best of runs)")
    print(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    head = ("figure", "value", "target", "baseline (issue)", "ratio")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(5)]
    for r in [head, tuple("-" * w for w in widths), *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))


if __name__ == "__main__":
    main()
