"""Eco per trip vs eco over the period (YD-SCORE-2): the effect on two fixtures, with a chart.

    uv run python scripts/eco_period_chart.py [--out docs/telematics-period-eco.svg]

Scores the a10kw fixture (SUMO, one short trip per device: its kept trips are dealt at
random, seed 14, ten per synthetic driver) and the UK demo town (``data/telematics/uk_town``:
six Smartboxes with twelve trips each over four days, so real several-trip periods: one
period per device and one per device-day) with the telematics version in force before the
change (2026-12-03, eco per trip) and after it (2026-12-10, eco over the period). Prints
a table per fixture (eco and overall period scores: mean, p10/p50/p90, share at 0), the
harsh-event rate by kind, and a sensitivity table (zero point 20/40 per 100 km, cornering
counted or not) for the product owner -- information, not a re-tuning. Writes one SVG with
a panel per fixture (grey: eco per trip; blue: eco over the period).
"""

from __future__ import annotations

import argparse
import random
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from covernote.domain.telematics.kernel import score_points
from covernote.domain.telematics.params import TelematicsParams, parse_params
from covernote.domain.telematics.score import curve_value, period_score
from covernote.domain.telematics.speed_limits import build_road_index

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "config" / "products" / "telematics"
A10KW = ROOT.parent / "shared" / "data" / "telematics" / "a10kw"
TOWN = ROOT / "data" / "telematics" / "uk_town"
NOW = datetime(2100, 1, 1, tzinfo=UTC)
EVENTS = ("harsh_brakes", "harsh_accels", "harsh_corners")


def params(version: str) -> TelematicsParams:
    with (CONFIG / f"{version}.toml").open("rb") as fh:
        return parse_params(tomllib.load(fh), source=f"{version}.toml")


def trips_of(directory: Path, p: TelematicsParams) -> pl.DataFrame:
    roads = pl.read_parquet(directory / "roads.parquet")
    idx = build_road_index(roads, p.speed_limits, default_oneway=True)
    _, trips = score_points(pl.read_parquet(directory / "points.parquet"), idx, p, now=NOW)
    return trips


def periods(trips: pl.DataFrame, key: str) -> list[pl.DataFrame]:
    return [g for _, g in trips.group_by(key, maintain_order=True)]


def dealt(trips: pl.DataFrame, per_driver: int = 10, seed: int = 14) -> pl.DataFrame:
    order = list(range(trips.height))
    random.Random(seed).shuffle(order)  # noqa: S311 - a seeded deal, not a secret
    driver = [0] * trips.height
    for pos, row in enumerate(order):
        driver[row] = pos // per_driver
    out = trips.with_columns(driver=pl.Series(driver))
    full = out.group_by("driver").len().filter(pl.col("len") == per_driver)["driver"]
    return out.filter(pl.col("driver").is_in(full.implode()))


def scores(groups: list[pl.DataFrame], p: TelematicsParams) -> tuple[list[float], list[float]]:
    """(eco, overall) period scores of each group under ``p``."""
    eco, overall = [], []
    for g in groups:
        dist = float(g["distance_m"].sum())
        if p.score.eco_basis == "period":
            events = sum(int(g[c].sum()) for c in EVENTS)
            e = curve_value(events / (dist / 100_000.0), p.score.zero_at["eco"])
        else:
            e = float((g["score_eco"] * g["distance_m"]).sum()) / dist
        eco.append(e)
        overall.append(float(period_score(g, p).data["score"]))
    return eco, overall


def quantile(xs: list[float], q: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, int(q * (len(s) - 1) + 0.5))]


def describe(xs: list[float]) -> str:
    zero = sum(1 for x in xs if x <= 0.0) / len(xs)
    return (
        f"{sum(xs) / len(xs):5.1f} | {quantile(xs, 0.1):5.1f} / {quantile(xs, 0.5):5.1f} / "
        f"{quantile(xs, 0.9):5.1f} | {zero:4.0%}"
    )


def sensitivity(groups: list[pl.DataFrame], zero_at: float, corners: bool) -> str:
    vals = []
    for g in groups:
        kinds = EVENTS if corners else EVENTS[:2]
        events = sum(int(g[c].sum()) for c in kinds)
        vals.append(curve_value(events / (float(g["distance_m"].sum()) / 100_000.0), zero_at))
    return describe(vals)


def histogram(xs: list[float]) -> list[int]:
    bins = [0] * 10
    for x in xs:
        bins[min(9, int(x // 10))] += 1
    return bins


def panel(x0: float, title: str, before: list[float], after: list[float]) -> list[str]:
    hb, ha = histogram(before), histogram(after)
    top = max(1, *hb, *ha)
    h, base = 200.0, 250.0
    out = [f'<text x="{x0}" y="40" font-size="12">{title}</text>']
    for i in range(10):
        for j, (bins, colour, name) in enumerate(
            ((hb, "#9aa5b1", "per trip"), (ha, "#1f6f8b", "over the period"))
        ):
            bh = h * bins[i] / top
            x = x0 + i * 26 + j * 12
            out.append(
                f'<rect x="{x:.1f}" y="{base - bh:.1f}" width="11" height="{bh:.1f}" '
                f'fill="{colour}"><title>eco {i * 10}-{i * 10 + 10}, {name}: {bins[i]}'
                "</title></rect>"
            )
        out.append(f'<text x="{x0 + i * 26:.1f}" y="{base + 14}" font-size="10">{i * 10}</text>')
    out.append(f'<text x="{x0 + 100}" y="{base + 30}" font-size="11">eco score</text>')
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "telematics-period-eco.svg")
    args = ap.parse_args()
    before, after = params("2026-12-03"), params("2026-12-10")
    assert before.score.eco_basis == "trip" and after.score.eco_basis == "period"
    # the trip rows do not depend on eco_basis: score once, read the period both ways
    fixtures = {}
    a10 = dealt(trips_of(A10KW, after))
    fixtures["a10kw: 10 trips dealt per driver"] = periods(a10, "driver")
    town = trips_of(TOWN, after).with_columns(day=pl.col("start_ts").dt.date())
    fixtures["UK town: one period per device (4 days)"] = periods(town, "device_id")
    fixtures["UK town: a period per device-day"] = periods(
        town.with_columns(dd=pl.concat_str("device_id", pl.col("day").cast(pl.Utf8))), "dd"
    )
    drawn: list[tuple[str, list[float], list[float]]] = []
    for name, groups in fixtures.items():
        e0, o0 = scores(groups, before)
        e1, o1 = scores(groups, after)
        every = pl.concat(groups)
        km = float(every["distance_m"].sum()) / 1000.0
        rates = ", ".join(f"{c[6:]} {float(every[c].sum()) / km * 100:.1f}" for c in EVENTS)
        print(f"\n{name}: {len(groups)} periods, {km:,.0f} km; harsh events per 100 km: {rates}")
        print(
            "| reading | eco mean | eco p10 / p50 / p90 | eco = 0 | overall mean | overall p10 / p50 / p90 | overall = 0 |"
        )
        print("|---|---|---|---|---|---|---|")
        print(f"| per trip (2026-12-03) | {describe(e0)} | {describe(o0)} |")
        print(f"| over the period (2026-12-10) | {describe(e1)} | {describe(o1)} |")
        print("sensitivity of eco over the period (mean | p10 / p50 / p90 | share at 0):")
        for zero_at in (20.0, 40.0):
            for corners in (True, False):
                what = "brake + accel + corner" if corners else "brake + accel"
                print(
                    f"  zero at {zero_at:.0f}/100 km, {what}: {sensitivity(groups, zero_at, corners)}"
                )
        if not name.endswith("(4 days)"):  # six periods draw no distribution
            drawn.append((name, e0, e1))
    svg = [
        '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="300" font-family="sans-serif">',
        "<title>Eco period scores, grey = eco per trip (2026-12-03), blue = eco over the "
        f"period (2026-12-10); made by scripts/eco_period_chart.py on {datetime.now(UTC):%d %B %Y}"
        "</title>",
    ]
    legend = (
        ("#9aa5b1", "eco per trip (2026-12-03)"),
        ("#1f6f8b", "eco over the period (2026-12-10)"),
    )
    for k, (colour, label) in enumerate(legend):
        svg.append(f'<rect x="{20 + k * 240}" y="6" width="11" height="11" fill="{colour}"/>')
        svg.append(f'<text x="{36 + k * 240}" y="16" font-size="11">{label}</text>')
    for k, (name, e0, e1) in enumerate(drawn):
        svg += panel(20 + k * 320, f"{name} (n={len(e0)})", e0, e1)
    svg.append("</svg>")
    args.out.write_text("\n".join(svg) + "\n")
    print(f"\nchart: {args.out}")


if __name__ == "__main__":
    main()
