"""Fixtures for the telematics app (``covernote.telematics``) and its adapters
(``covernote.telematics.adapters``, tested under ``adapters/``): a loaded Young Driver
policy with its Smartbox, the fixture road map, a slice of the a10kw fixture, the
shipped thresholds, and a private raw-point store per test."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
from django.conf import settings as django_settings

from covernote.domain.telematics.params import TelematicsParams
from covernote.products.loader import shipped_config_path, shipped_params
from covernote.telematics.adapters.fixture import a10kw_dir
from tests.integration.young_driver.conftest import buy

ROOT = Path(django_settings.BASE_DIR)
TOML = shipped_config_path("telematics")
FIXTURE = a10kw_dir()
NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)


@pytest.fixture(scope="session")
def params() -> TelematicsParams:
    """The shipped thresholds (DB-less entrance of the configuration door)."""
    p: TelematicsParams = shipped_params("telematics")
    return p


@pytest.fixture(scope="session")
def fixture_slice() -> pl.DataFrame:
    """The first 40 devices of the fixture (sorted by device_id, ts)."""
    pts = pl.read_parquet(FIXTURE / "points.parquet")
    devices = pts["device_id"].unique(maintain_order=True).head(40)
    return pts.filter(pl.col("device_id").is_in(devices.implode()))


@pytest.fixture
def yd_policy(users, customers, django_capture_on_commit_callbacks):
    from covernote.products.services import product_configs_load

    product_configs_load(actor="test")
    with django_capture_on_commit_callbacks(execute=True):
        return buy(users["agent"], customers["own"])


@pytest.fixture
def device(yd_policy):
    from covernote.young_driver.services import current_device

    return current_device(yd_policy)


@pytest.fixture
def products_loaded(db):
    """The shipped product files loaded: the app reads the thresholds in force from them."""
    from covernote.products.services import product_configs_load

    product_configs_load(actor="test")


@pytest.fixture
def road_map(products_loaded):
    from covernote.telematics.demo import fixture_roads
    from covernote.telematics.services import road_map_load

    return road_map_load(path=fixture_roads(), actor="test")


@pytest.fixture(autouse=True)
def telematics_root(settings, tmp_path):
    settings.COVERNOTE_TELEMATICS_ROOT = str(tmp_path / "telematics")
    return settings.COVERNOTE_TELEMATICS_ROOT
