"""GAP product configuration (config/products/gap/*.toml) and its validation."""

import copy
import tomllib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from covernote.calculators.gap_claim import load_gap_params
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.gap.params import parse_params

PATH = Path(__file__).resolve().parents[3] / "config/products/gap/2026-01-01.toml"
RAW = tomllib.loads(PATH.read_text())


def test_defaults_equal_the_seed_values():
    p = parse_params(RAW, str(PATH))
    assert (p.code, p.version, p.effective_from) == ("gap", "2026.1", date(2026, 1, 1))
    assert p.eligibility.max_purchase_price == Decimal("125000")  # GAP-ELIG-2
    assert p.eligibility.max_vehicle_age_years == 8  # GAP-ELIG-3
    assert p.eligibility.ownership_window_days == 365  # GAP-ELIG-6
    assert p.cover.excess_benefit_cap == Decimal("500")  # GAP-COVER-3
    assert p.cover.vat_rate == Decimal("0.20")  # GAP-EXCL-14
    assert p.cancellation.retention_fee == Decimal("40")  # GAP-CANCEL-2
    assert p.cancellation.cooling_off_days == 30  # GAP-CANCEL-1
    assert p.cancellation.insurer_notice_days == 30  # GAP-CANCEL-4
    assert p.quote_validity_days == 30
    assert p.sale.deferred_opt_in and p.sale.deferral_clear_days == 2  # GAP-SALE-1
    assert p.ipt_rate_on(date(2026, 1, 1)) == Decimal("0.12")  # PLT-8
    assert p.rates.terms_months == (12, 24, 36, 48, 60)
    assert len(p.rates.limits) == 5 and len(p.rates.bands) == 5


def test_load_gap_params_picks_version_in_force():
    assert load_gap_params(date(2026, 6, 1)).version == "2026.1"


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda d: d["cancellation"].pop("retention_fee"), "cancellation.retention_fee"),
        (lambda d: d["cover"].update(excess_benefit_cap=500.0), "cover.excess_benefit_cap"),
        (lambda d: d["cover"].update(typo=1), "cover.typo"),
        (lambda d: d["sale"].update(deferred_opt_in="yes"), "sale.deferred_opt_in"),
        (lambda d: d["ipt"][1].update(percent="abc"), "ipt[1].percent"),
        (
            lambda d: d["pricing"]["bands"][2]["net_premiums"]["36"].pop(),
            "pricing.bands[2].net_premiums.36",
        ),
        (lambda d: d["pricing"].update(terms_months=[12, 72]), "pricing.terms_months[1]"),
        (lambda d: d["product"].update(code="young_driver"), "product.code"),
    ],
)
def test_bad_configuration_names_file_and_key(mutate, field):
    data = copy.deepcopy(RAW)
    mutate(data)
    with pytest.raises(DomainError) as err:
        parse_params(data, "gap-test.toml")
    assert err.value.code is ErrorCode.CONFIGURATION
    assert err.value.field == field
    assert "gap-test.toml" in err.value.message and field in err.value.message
