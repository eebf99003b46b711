from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.integration.young_driver.conftest import buy


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
def road_map(db):
    from covernote.telematics.demo import fixture_roads
    from covernote.telematics.services import road_map_load

    return road_map_load(path=fixture_roads(), actor="test")


NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)


@pytest.fixture(autouse=True)
def telematics_root(settings, tmp_path):
    settings.COVERNOTE_TELEMATICS_ROOT = str(tmp_path / "telematics")
    return settings.COVERNOTE_TELEMATICS_ROOT
