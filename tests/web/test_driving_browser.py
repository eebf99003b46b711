"""What a young driver sees (YD-SCORE-2, YD-SPEED-3): trips, charts and an alert, on a phone."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from tests.conftest import PASSWORD
from tests.integration.young_driver.conftest import buy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def driven_policy(settings, tmp_path, users, customers):
    from covernote.products.services import product_configs_load
    from covernote.telematics.demo import demo_day, fixture_roads
    from covernote.telematics.services import road_map_load, telematics_score
    from covernote.young_driver.services import current_device

    settings.COVERNOTE_TELEMATICS_ROOT = str(tmp_path / "telematics")
    product_configs_load(actor="test")
    policy = buy(users["agent"], customers["own"])
    road_map_load(path=fixture_roads(), actor="test")
    device = current_device(policy)
    telematics_score(
        points=demo_day(device.serial, date(2026, 3, 3), cars=6),
        now=datetime(2026, 3, 10, tzinfo=UTC),
    )
    return policy


def test_yd_score_2_customer_sees_trips_charts_and_an_alert_on_a_phone(phone_page, driven_policy):
    page = phone_page
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill("jamie@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/app/"))
    page.goto(f"/app/young-driver/policies/{driven_policy.pk}/")
    page.get_by_role("link", name="See my trips, scores and alerts").click()
    page.wait_for_url(re.compile(r"/driving/$"))
    assert page.get_by_role("heading", name=re.compile("Your driving")).is_visible()
    assert page.get_by_role("img", name="Overall score of each trip, oldest first").is_visible()
    assert page.get_by_role("img", name="Indicator scores (distance-weighted)").is_visible()
    assert page.locator("article.trip").count() == 6
    alerts = page.get_by_test_id("alerts")
    assert alerts.is_visible() and "mph" in alerts.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    page.screenshot(
        path=str(__import__("pathlib").Path("var") / "driving-phone.png"), full_page=True
    )
