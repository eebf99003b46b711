"""The configuration door (PLT-CONFIG, ADR 0005): one way to the parameters in force."""

from __future__ import annotations

from datetime import date

import pytest

from covernote.domain.complaints.config import ComplaintsConfig
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.gap.params import GapParams
from covernote.domain.telematics.params import TelematicsParams
from covernote.domain.young_driver.params import YoungDriverParams
from covernote.products.loader import shipped_config, shipped_params
from covernote.products.selectors import params_in_force, params_of, product_config_in_force
from covernote.products.services import product_configs_load

pytestmark = pytest.mark.django_db

TYPES = {
    "gap": GapParams,
    "young_driver": YoungDriverParams,
    "telematics": TelematicsParams,
    "complaints": ComplaintsConfig,
}


@pytest.mark.parametrize("product", sorted(TYPES))
def test_plt_config_every_product_resolves_through_the_door(product):
    product_configs_load(actor="test")
    on = date(2027, 1, 4)
    params = params_in_force(product, on)
    assert isinstance(params, TYPES[product])
    # The pinned row and the shipped file give the same parameters.
    row = product_config_in_force(product, on)
    assert params_of(row) == shipped_params(product, on)
    assert row.sha256 == shipped_config(product, on).sha256


def test_plt_config_nothing_in_force_before_the_first_version_is_a_clear_error():
    product_configs_load(actor="test")
    with pytest.raises(DomainError) as err:
        params_in_force("young_driver", date(2001, 1, 1))
    assert err.value.code == ErrorCode.CONFIGURATION and err.value.rule == "PLT-CONFIG"
    with pytest.raises(DomainError):
        shipped_params("young_driver", date(2001, 1, 1))
    # The GAP calculator asks for the launch terms explicitly.
    launch = shipped_params("gap", date(2001, 1, 1), launch_terms_before_first=True)
    assert launch.version == "2026.1"


def test_plt_config_a_pinned_row_is_parsed_once():
    product_configs_load(actor="test")
    row = product_config_in_force("gap", date(2026, 6, 1))
    assert params_of(row) is params_of(row)
