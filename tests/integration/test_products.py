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
