"""Shared fixtures: the Young Driver product configuration as shipped (seed values)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from covernote.domain.young_driver.params import YoungDriverParams, parse_params

CONFIG = Path(__file__).resolve().parents[3] / "config/products/young_driver/2026-01-01.toml"


def load_raw() -> dict[str, Any]:
    with CONFIG.open("rb") as fh:
        return tomllib.load(fh)


@pytest.fixture(scope="session")
def params() -> YoungDriverParams:
    return parse_params(load_raw(), CONFIG.name)


@pytest.fixture
def raw_config() -> dict[str, Any]:
    return load_raw()
