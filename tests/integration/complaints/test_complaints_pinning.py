"""A complaint runs under the procedures in force when it was received (COMP-5, ADR 0009)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.conf import settings

from covernote.complaints.models import Complaint
from covernote.complaints.selectors import complaint_clocks, complaint_timeline_for
from covernote.products.models import ProductConfiguration
from covernote.products.services import product_configs_load
from tests.integration.complaints.conftest import at

pytestmark = pytest.mark.django_db

SHIPPED = Path(settings.CONFIG_DIR) / "products" / "complaints" / "2019-04-01.toml"
MONDAY = at(2026, 3, 2, 10)


def load_newer(tmp_path: Path, *, effective_from: str, final_response_days: int) -> None:
    """A newer complaints version with a different 8-week clock, loaded beside the first."""
    text = SHIPPED.read_text()
    text = text.replace('version = "2026.11.1"', 'version = "2099.1.1"', 1)
    text = text.replace('effective_from = "2019-04-01"', f'effective_from = "{effective_from}"', 1)
    text = text.replace(
        "final_response_days = 56", f"final_response_days = {final_response_days}", 1
    )
    path = tmp_path / f"{effective_from}.toml"
    path.write_text(text)
    product_configs_load(actor="test", paths=[path])


def test_comp_5_registration_pins_the_procedures_in_force_on_the_received_date(register):
    c = register("harbour", received=MONDAY)
    assert c.config is not None
    assert (c.config.product, c.config.version) == ("complaints", "2026.11.1")


def test_comp_5_a_registered_complaint_keeps_its_pinned_version_when_a_newer_one_loads(
    register, tmp_path
):
    c = register("harbour", received=MONDAY)
    assert complaint_timeline_for(c).final_response_by == date(2026, 4, 27)  # 56 days
    load_newer(tmp_path, effective_from="2026-01-01", final_response_days=70)
    c = Complaint.objects.get(pk=c.pk)
    assert c.config.version == "2026.11.1"
    assert complaint_timeline_for(c).final_response_by == date(2026, 4, 27)
    later = register("harbour", received=at(2026, 3, 3, 10))
    assert later.config.version == "2099.1.1"
    assert complaint_timeline_for(later).final_response_by == date(2026, 5, 12)  # 70 days


def test_comp_5_an_unpinned_older_complaint_reads_the_version_in_force_on_its_received_date(
    register, tmp_path
):
    c = register("harbour", received=MONDAY)
    Complaint.objects.filter(pk=c.pk).update(config=None)  # registered before pinning
    load_newer(tmp_path, effective_from="2026-03-03", final_response_days=70)
    c = Complaint.objects.get(pk=c.pk)
    assert c.config is None
    clock = next(k for k in complaint_clocks(c, MONDAY) if k.kind == "final_response")
    assert clock.due_on == date(2026, 4, 27)  # the newer version starts the day after
    assert ProductConfiguration.objects.filter(product="complaints").count() == 2
