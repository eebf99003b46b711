"""Product configuration: seed values (YD-FEE-*) and strict validation of every key."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.young_driver.params import parse_params


def test_yd_fee_table_matches_seed(params):
    # Seed 001 "What fees do we charge": £100 arrangement, £50 renewal, £50 change of
    # vehicle with Smartbox retained, £75 new Smartbox, £25 MTA, £50 cancellation
    # after the cooling off, 50% back on Smartbox return.
    fees = params.fees
    assert fees.arrangement == Decimal("100")
    assert fees.renewal == Decimal("50")
    assert fees.vehicle_change_keep_box == Decimal("50")
    assert fees.vehicle_change_new_box == Decimal("75")
    assert fees.mid_term_adjustment == Decimal("25")
    assert fees.cancellation == Decimal("50")
    assert fees.box_return_refund_rate == Decimal("0.5")


def test_yd_periods_match_seed_and_spec(params):
    p = params.periods
    assert (p.cooling_off_days, p.box_return_window_days) == (14, 14)  # YD-CANCEL-2/3
    assert p.our_cancellation_notice_days == 7  # YD-CANCEL-5
    assert p.install_window_days == 14  # YD-BOX-INSTALL
    assert p.data_window_days == 14  # YD-DATA-1
    assert p.cpa_notice_days == 14  # YD-PAY-2
    assert p.refund_due_days == 30  # ICOBS 7
    assert params.ipt_rate == Decimal("0.12")  # PLT-8
    assert params.review.cap_rate_of_renewal == Decimal("1.5")  # YD-REVIEW-3
    assert params.review.interval_days == 90  # YD-REVIEW-1
    assert (params.code, params.version) == ("young_driver", "2026.1")


def test_missing_key_names_file_and_path(raw_config):
    del raw_config["fees"]["arrangement"]
    with pytest.raises(DomainError) as err:
        parse_params(raw_config, "2026-01-01.toml")
    assert err.value.code is ErrorCode.CONFIGURATION
    assert "2026-01-01.toml" in err.value.message
    assert err.value.field == "fees.arrangement"


def test_float_money_refused_in_configuration(raw_config):
    raw_config["fees"]["renewal"] = 50.0
    with pytest.raises(DomainError) as err:
        parse_params(raw_config, "x.toml")
    assert err.value.field == "fees.renewal"


def test_unknown_key_refused(raw_config):
    raw_config["fees"]["surprise"] = "1"
    with pytest.raises(DomainError) as err:
        parse_params(raw_config, "x.toml")
    assert err.value.field == "fees.surprise"


def test_nested_band_errors_name_the_index(raw_config):
    bad = copy.deepcopy(raw_config)
    bad["rating"]["age"][1]["min"] = 18  # overlaps band 0 (17-18)
    with pytest.raises(DomainError) as err:
        parse_params(bad, "x.toml")
    assert err.value.field == "rating.age[1].min"


def test_review_bands_must_increase(raw_config):
    raw_config["review"]["bands"][2]["from_change"] = "-20"
    with pytest.raises(DomainError) as err:
        parse_params(raw_config, "x.toml")
    assert err.value.field == "review.bands[2].from_change"
