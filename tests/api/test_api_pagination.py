"""Issue 10: every list is a page — a total, limit/offset, next/previous links, a largest
page size in settings — and another firm's rows are never counted (PLT-4)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.test import Client

from covernote.accounts.services import api_token_create
from covernote.parties.services import customer_create

pytestmark = pytest.mark.django_db

URL = "/api/v1/customers"


@pytest.fixture
def bearer(users):
    def make(key):
        _, raw = api_token_create(user=users[key], name="t", actor=users["admin"])
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return make


@pytest.fixture
def book(users, firms):
    """Seven customers at Northgate and four at Harbour Lane."""
    made = {"north": [], "harbour": []}
    for firm, count in (("north", 7), ("harbour", 4)):
        for n in range(count):
            made[firm].append(
                customer_create(
                    actor=users["agent"],
                    data={
                        "first_name": f"Page{n}",
                        "last_name": f"{firm.title()}{n}",
                        "date_of_birth": date(1990, 1, 1 + n),
                        "postcode": "LS6 2AB",
                        "firm_id": firms[firm].pk,
                    },
                )
            )
    return made


def _problem(resp, status):
    assert resp.status_code == status, resp.content[:300]
    assert resp["Content-Type"] == "application/problem+json"
    return json.loads(resp.content)


def test_api_page_total_limit_offset_and_next_walk_the_whole_list(bearer, book):
    client = bearer("broker_north")
    first = client.get(URL, {"limit": 3}).json()
    assert (first["count"], first["limit"], first["offset"]) == (7, 3, 0)
    assert len(first["items"]) == 3 and first["previous"] is None
    seen, page = [], first
    while True:
        seen += [c["id"] for c in page["items"]]
        if page["next"] is None:
            break
        page = client.get(page["next"]).json()
    assert sorted(seen) == sorted(c.pk for c in book["north"])  # every row once, none cut
    assert len(seen) == len(set(seen)) == 7
    last = client.get(URL, {"limit": 3, "offset": 6}).json()
    assert len(last["items"]) == 1 and last["next"] is None
    assert "offset=3" in last["previous"]


def test_api_page_link_header_carries_next_and_prev(bearer, book):
    resp = bearer("broker_north").get(URL, {"limit": 2, "offset": 2})
    link = resp["Link"]
    assert 'rel="next"' in link and 'rel="prev"' in link
    assert "offset=4" in link and "offset=0" in link


def test_plt_4_page_counts_never_include_another_firms_rows(bearer, book):
    north = bearer("broker_north").get(URL, {"limit": 100}).json()
    harbour = bearer("broker_harbour").get(URL, {"limit": 100}).json()
    assert north["count"] == len(north["items"]) == 7
    assert harbour["count"] == len(harbour["items"]) == 4
    assert not {c["id"] for c in north["items"]} & {c["id"] for c in harbour["items"]}
    staff = bearer("agent").get(URL, {"limit": 100}).json()
    assert staff["count"] >= 11


def test_api_page_default_size_and_largest_size_come_from_settings(bearer, book, settings):
    settings.COVERNOTE_API_PAGE_SIZE = 4
    settings.COVERNOTE_API_MAX_PAGE_SIZE = 5
    body = bearer("agent").get(URL).json()
    assert body["limit"] == 4 and len(body["items"]) == 4 and body["next"]
    assert len(bearer("agent").get(URL, {"limit": 5}).json()["items"]) == 5
    problem = _problem(bearer("agent").get(URL, {"limit": 6}), 422)
    assert problem["field"] == "limit" and problem["rule"] == "API-PAGE"
    assert "at most 5" in problem["detail"]


def test_api_page_bad_limit_or_offset_is_422_naming_the_field(bearer, book):
    assert _problem(bearer("agent").get(URL, {"limit": 0}), 422)["field"] == "limit"
    assert _problem(bearer("agent").get(URL, {"offset": -1}), 422)["field"] == "offset"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/gap/policies",
        "/api/v1/young-driver/policies",
        "/api/v1/complaints",
        "/api/v1/work",
        "/api/v1/products/configurations",
        "/api/v1/calculators",
    ],
)
def test_api_page_every_list_answers_the_same_envelope(bearer, users, url):
    body = bearer("manager").get(url, {"limit": 2}).json()
    assert set(body) == {"count", "limit", "offset", "next", "previous", "items"}
    assert body["limit"] == 2 and len(body["items"]) <= 2
    assert (body["next"] is None) == (body["count"] <= 2)
