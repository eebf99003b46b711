"""GET /api/v1/work and POST claim/assign/close (issue 12): staff only, typed bodies."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from covernote.accounts.services import api_token_create
from covernote.work.models import WorkItem
from tests.integration.complaints.conftest import (  # noqa: F401 (fixtures)
    complaints_procedures,
    register,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(users):
    def make(user_key):
        _, raw = api_token_create(user=users[user_key], name="test", actor=users["admin"])
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return make


@pytest.fixture
def tasks(register):  # noqa: F811
    from covernote.complaints.services import complaint_clocks_check

    register("harbour", received=timezone.now() - timedelta(days=10))
    complaint_clocks_check(as_of=timezone.localdate())


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_api_lists_work_for_staff_and_refuses_brokers_and_customers(api, tasks):
    r = api("manager").get("/api/v1/work?owner=anyone&due=overdue&limit=5")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["count"] >= 1 and body["items"][0]["sla"] == "overdue"
    assert body["items"][0]["link"].startswith("/backoffice/complaints/")
    assert api("broker_north").get("/api/v1/work").status_code == 403
    assert api("customer").get("/api/v1/work").status_code == 403
    assert api("manager").get("/api/v1/work?owner=everyone").status_code == 422


def test_api_claim_assign_close_with_versions(api, users, tasks):
    api("manager").get("/api/v1/work")
    item = WorkItem.objects.filter(source_kind="complaint_task").first()
    r = post(api("agent"), f"/api/v1/work/{item.pk}/claim", {"version": item.version})
    assert r.status_code == 200 and r.json()["owner_id"] == users["agent"].pk
    stale = post(api("manager"), f"/api/v1/work/{item.pk}/claim", {"version": item.version})
    assert stale.status_code == 409 and stale["Content-Type"] == "application/problem+json"
    r = post(api("agent"), f"/api/v1/work/{item.pk}/assign", {"user_id": users["qa"].pk})
    assert r.status_code == 403
    r = post(api("manager"), f"/api/v1/work/{item.pk}/assign", {"user_id": users["qa"].pk})
    assert r.status_code == 403  # QA is not on the contact centre team
    r = post(api("agent"), f"/api/v1/work/{item.pk}/close", {"reason": "done"})
    assert r.status_code == 422 and r.json()["field"] == "reason"
    r = post(
        api("agent"),
        f"/api/v1/work/{item.pk}/close",
        {"reason": "Phoned the complainant with an update"},
    )
    assert r.status_code == 200 and r.json()["status"] == "closed"
    assert post(api("broker_north"), f"/api/v1/work/{item.pk}/claim", {}).status_code == 403
