"""Shared fixtures: the product TOML and small synthetic streams."""

from __future__ import annotations

import math
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from covernote.domain.telematics.params import TelematicsParams, parse_params
from covernote.products.loader import shipped_config_path
from covernote.telematics.adapters.fixture import a10kw_dir

ROOT = Path(__file__).resolve().parents[3]
TOML = shipped_config_path("telematics", directory=ROOT / "config/products")
FIXTURE = a10kw_dir()
M_PER_DEG = 111_320.0


@pytest.fixture(scope="session")
def doc() -> dict:
    with TOML.open("rb") as fh:
        return tomllib.load(fh)


@pytest.fixture(scope="session")
def params(doc: dict) -> TelematicsParams:
    return parse_params(doc)


def stream(
    device: str,
    start: datetime,
    speeds_kmh: list[float],
    *,
    lat0: float = 51.5,
    lon0: float = -0.1,
    heading: float = 90.0,
    step_s: int = 1,
) -> pl.DataFrame:
    """A 1 Hz (by default) eastbound stream whose positions follow the speeds."""
    rows = []
    x = 0.0
    k = M_PER_DEG * math.cos(math.radians(lat0))
    for i, v in enumerate(speeds_kmh):
        if i:
            x += v / 3.6 * step_s
        rows.append(
            {
                "device_id": device,
                "ts": start + timedelta(seconds=i * step_s),
                "lat": lat0,
                "lon": lon0 + x / k,
                "speed_kmh": float(v),
                "heading_deg": heading,
            }
        )
    return pl.DataFrame(rows).with_columns(pl.col("ts").cast(pl.Datetime("us", "UTC")))


T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
