"""Product configuration: versioned TOML, validated with file + key, loaded all-or-nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from covernote.products.loader import ConfigurationError, config_files, parse_config_bytes
from covernote.products.models import ProductConfiguration
from covernote.products.selectors import product_config_in_force
from covernote.products.services import product_configs_load

pytestmark = pytest.mark.django_db

REPO_FILES = config_files(Path(settings.CONFIG_DIR) / "products")


def test_every_shipped_product_file_is_valid():
    assert REPO_FILES, "no product configuration files found"
    for path in REPO_FILES:
        cfg = parse_config_bytes(path.read_bytes(), str(path))
        assert cfg.product in {"gap", "young_driver", "telematics", "complaints"}


def test_load_is_idempotent_and_pins_versions():
    first = product_configs_load(actor="test")
    second = product_configs_load(actor="test")
    assert {s for _, s in first} == {"loaded"}
    assert {s for _, s in second} == {"unchanged"}
    assert ProductConfiguration.objects.count() == len(REPO_FILES)


def test_syntax_error_names_file_and_loads_nothing(tmp_path):
    good = REPO_FILES[0]
    bad = tmp_path / "2030-01-01.toml"
    bad.write_text('[product]\ncode = "gap"\nversion = "9"\neffective_from = 2030-01-01\n[fees\n')
    with pytest.raises(ConfigurationError) as err:
        product_configs_load(actor="test", paths=[good, bad])
    assert "2030-01-01.toml" in err.value.message and "(syntax)" in err.value.message
    assert ProductConfiguration.objects.count() == 0


def test_missing_header_key_is_named(tmp_path):
    bad = tmp_path / "2030-01-01.toml"
    bad.write_text('[product]\ncode = "gap"\neffective_from = 2030-01-01\n')
    with pytest.raises(ConfigurationError) as err:
        product_configs_load(actor="test", paths=[bad])
    assert err.value.key == "product.version"


def test_bad_product_value_is_named_by_the_domain_parser(tmp_path):
    gap = next(p for p in REPO_FILES if "/gap/" in str(p))
    text = gap.read_text()
    bad = tmp_path / "2031-01-01.toml"
    bad.write_text(text.replace('version = "', 'version = "x', 1) + "\n[bogus_section]\nkey = 1\n")
    with pytest.raises(ConfigurationError) as err:
        product_configs_load(actor="test", paths=[bad])
    assert "2031-01-01.toml" in err.value.message


def test_editing_a_loaded_version_is_refused(tmp_path):
    gap = next(p for p in REPO_FILES if "/gap/" in str(p))
    product_configs_load(actor="test", paths=[gap])
    edited = tmp_path / gap.name
    edited.write_text(gap.read_text() + "\n# edited\n")
    with pytest.raises(ConfigurationError) as err:
        product_configs_load(actor="test", paths=[edited])
    assert "already loaded" in err.value.message


def test_config_in_force_on_a_date():
    product_configs_load(actor="test")
    cfg = product_config_in_force("gap", __import__("datetime").date(2026, 6, 1))
    assert cfg.product == "gap"


def test_products_command_exits_non_zero_on_a_bad_file(tmp_path, capsys):
    bad = tmp_path / "2030-01-01.toml"
    bad.write_text("not toml at all [")
    with pytest.raises(SystemExit):
        call_command("products", "load", str(bad))
    assert "nothing was loaded" in capsys.readouterr().err


# ADR 0025: every product file is checked by a pydantic model; a broken file written to
# disk is refused naming the file, the dotted key and the reason, each once.
BROKEN = [
    ("gap", "retention_fee = \"40.00\"", "retention_fee = 40.5", "cancellation.retention_fee",
     "never a float"),
    ("gap", "[cover]", "[cover]\nsurprise = 1", "cover.surprise", "is not a known key"),
    ("young_driver", "instalments = 10", "instalments = \"10\"", "premium_finance.instalments",
     "must be an integer"),
    ("young_driver", "cooling_off_days = 14", "cooling_off_days = -1", "periods.cooling_off_days",
     "must be at least 0"),
    ("telematics", "yaw_window_fixes = 5", "yaw_window_fixes = 5.0", "events.yaw_window_fixes",
     "must be an integer"),
    ("telematics", "[night]", "[night]\nsunrise = 6", "night.sunrise", "is not a known key"),
    ("complaints", "years = 3", "years = 2", "retention.years", "must be at least 3"),
    ("complaints", 'stage1 = "customers_broker"', 'stage1 = "nobody"',
     "procedures.gap_sale.stage1", "unknown contact 'nobody'"),
]  # fmt: skip


@pytest.mark.parametrize(("product", "old", "new", "key", "reason"), BROKEN)
def test_plt_config_a_broken_file_names_file_key_and_reason_once(
    tmp_path, product, old, new, key, reason
):
    shipped = next(p for p in REPO_FILES if f"/{product}/" in str(p))
    text = shipped.read_text()
    assert old in text, f"fixture drift: {old!r} not in {shipped}"
    bad = tmp_path / product / "2031-01-01.toml"
    bad.parent.mkdir()
    bad.write_text(text.replace(old, new, 1))
    with pytest.raises(ConfigurationError) as err:
        product_configs_load(actor="test", paths=[bad])
    message = err.value.message
    assert err.value.key == key and reason in message
    assert message.count(str(bad.name)) == 1 and message.count(key) == 1
    assert message.startswith(str(bad)) and message.endswith(err.value.problem)
    assert ProductConfiguration.objects.count() == 0


def test_plt_config_a_header_without_version_names_the_key_once(tmp_path):
    bad = tmp_path / "2030-01-01.toml"
    bad.write_text('[product]\ncode = "gap"\neffective_from = 2030-01-01\n')
    with pytest.raises(ConfigurationError) as err:
        parse_config_bytes(bad.read_bytes(), str(bad))
    assert err.value.message == f"{bad}: product.version: is missing"
