"""Fixtures for the telematics I/O tests: a slice of the a10kw fixture, the product params."""

from __future__ import annotations

import tomllib
from pathlib import Path

import polars as pl
import pytest

from covernote.domain.telematics.params import TelematicsParams, parse_params
from covernote.products.loader import shipped_config_path
from covernote.telematics_io.fixture import a10kw_dir

ROOT = Path(__file__).resolve().parents[3]
TOML = shipped_config_path("telematics", directory=ROOT / "config/products")
FIXTURE = a10kw_dir()


@pytest.fixture(scope="session")
def params() -> TelematicsParams:
    with TOML.open("rb") as fh:
        return parse_params(tomllib.load(fh))


@pytest.fixture(scope="session")
def fixture_slice() -> pl.DataFrame:
    """The first 40 devices of the fixture (sorted by device_id, ts)."""
    pts = pl.read_parquet(FIXTURE / "points.parquet")
    devices = pts["device_id"].unique(maintain_order=True).head(40)
    return pts.filter(pl.col("device_id").is_in(devices.implode()))
