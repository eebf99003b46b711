"""Young Driver back-office forms show each refusal next to its field (ARCHITECTURE §3.5,
ADR 0023), as the other forms do: the input is marked invalid and points at its error,
and what was typed is kept. Errors about no field stay at the top of the page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _next_to(page: str, name: str) -> str:
    found = re.search(
        rf'<p class="error field-error" id="error_{name}" role="alert">(.*?)</p>', page
    )
    assert found, f"no error next to {name}"
    assert f'aria-describedby="error_{name}"' in page
    return found.group(1)


def test_yd_rate_quote_form_refuses_a_bad_vehicle_group_next_to_the_field(
    client, users, customers, yd_config
):
    client.force_login(users["agent"])
    url = reverse("yd-bo-quote", args=[customers["own"].pk])
    response = client.post(
        url,
        {
            "start": "2026-03-02",
            "vehicle_reg": "AB12 CDE",
            "vehicle_group": "eight",
            "licence_years": "1",
            "annual_mileage": "6000",
            "no_claims_years": "0",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert _next_to(page, "vehicle_group")
    assert 'value="AB12 CDE"' in page  # what was typed is kept
    assert 'id="error_vehicle_reg"' not in page  # only the refused field


def test_yd_theft_1_theft_form_refuses_a_placeholder_incident_number_next_to_it(
    client, users, dd_policy
):
    client.force_login(users["agent"])
    url = reverse("yd-bo-theft-new", args=[dd_policy.pk])
    response = client.post(
        url,
        {"police_incident_number": "n/a", "stolen_on": "2026-03-03", "description": "Gone"},
    )
    assert response.status_code == 400
    assert "YD-THEFT-1" in _next_to(response.content.decode(), "police_incident_number")


def test_yd_policy_vehicle_change_refuses_next_to_the_registration(client, users, dd_policy):
    client.force_login(users["agent"])
    url = reverse("yd-bo-policy", args=[dd_policy.pk])
    response = client.post(
        url,
        {
            "action": "vehicle",
            "vehicle_reg": "",
            "vehicle_group": "8",
            "effective": "2026-03-05",
            "idempotency_key": "vc-1",
        },
    )
    assert response.status_code == 400
    assert _next_to(response.content.decode(), "vehicle_reg")
