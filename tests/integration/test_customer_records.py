"""Issue 12, customer records: validation, duplicates, scoping, the one customer page."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.urls import reverse

from covernote.accounts.models import TermsAcceptance
from covernote.accounts.services import api_token_create
from covernote.audit.models import AuditRecord
from covernote.domain.errors import DomainError
from covernote.parties.models import Customer
from covernote.parties.services import DuplicateCustomerError, customer_create, customer_update

pytestmark = pytest.mark.django_db

PERSON = {
    "first_name": "Priya",
    "last_name": "Shah",
    "date_of_birth": date(1988, 5, 4),
    "address_line1": "7 Cardigan Road",
    "town": "Leeds",
    "postcode": "ls62ab",
    "phone": "(0113) 496 0777",
    "email": "priya@example.com",
}


def form_data(**overrides):
    data = {
        "first_name": "Priya",
        "last_name": "Shah",
        "date_of_birth": "1988-05-04",
        "address_line1": "7 Cardigan Road",
        "town": "Leeds",
        "postcode": "ls6 2ab",
        "nation": "england",
        "email": "priya@example.com",
        "phone": "0113 496 0777",
        "contact_channel": "email",
        "document_format": "standard",
    }
    data.update(overrides)
    return data


@pytest.fixture
def broker_client(client, users, terms):
    TermsAcceptance.objects.create(user=users["broker_north"], terms=terms)
    client.force_login(users["broker_north"])
    return client


@pytest.fixture
def agent_client(client, users):
    client.force_login(users["agent"])
    return client


# ---------------------------------------------------------------- validation


def test_plt1_postcode_and_phone_are_stored_normalised_and_phone_shown_nationally(users):
    customer = customer_create(actor=users["agent"], data=dict(PERSON))
    assert customer.postcode == "LS6 2AB"
    assert customer.phone == "+441134960777"
    assert customer.phone_display == "0113 496 0777"
    assert customer.reference.startswith("C")


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("postcode", "LS6", "full UK postcode"),
        ("postcode", "12345", "full UK postcode"),
        ("phone", "12345", "UK phone number"),
        ("phone", "0113 496", "UK phone number"),
        ("email", "not-an-email", "Email"),
    ],
)
def test_plt1_bad_contact_details_are_refused_naming_the_field(users, field, value, words):
    with pytest.raises(DomainError) as err:
        customer_create(actor=users["agent"], data={**PERSON, field: value})
    assert err.value.field == field
    assert words in err.value.message


def test_plt1_form_shows_plain_english_errors_next_to_the_fields(broker_client):
    page = broker_client.post(
        reverse("customer-new"), form_data(postcode="LS", phone="999", first_name="")
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert "Enter a full UK postcode, like LS6 2AB." in body
    assert "Enter a UK phone number" in body
    assert "Enter the customer&#x27;s first name." in body
    assert Customer.objects.filter(last_name="Shah").count() == 0


def test_plt1_form_creates_a_customer_and_the_reference_is_generated(broker_client, firms):
    harbour = firms["harbour"].pk
    page = broker_client.post(
        reverse("customer-new"), form_data(reference="HACK1", firm=str(harbour))
    )
    customer = Customer.objects.get(last_name="Shah")
    assert page.status_code == 302 and page.url == reverse(
        "broker-customer-detail", args=[customer.pk]
    )
    assert customer.reference != "HACK1" and customer.reference.startswith("C")
    assert customer.firm == firms["north"]  # a broker's customer is its own firm's
    assert customer.postcode == "LS6 2AB" and customer.phone == "+441134960777"
    assert AuditRecord.objects.filter(action="customer.create", object_id=str(customer.pk))


def test_plt1_staff_choose_the_firm(agent_client, firms):
    agent_client.post(reverse("customer-new"), form_data(firm=str(firms["harbour"].pk)))
    assert Customer.objects.get(last_name="Shah").firm == firms["harbour"]
    agent_client.post(
        reverse("customer-new"), form_data(first_name="Ravi", firm="direct", phone="")
    )
    assert Customer.objects.get(first_name="Ravi").firm is None


def test_plt4_customers_cannot_open_the_new_customer_page(client, users):
    client.force_login(users["customer"])
    assert client.get(reverse("customer-new")).status_code == 404
    with pytest.raises(DomainError):
        customer_create(actor=users["customer"], data=dict(PERSON))


# ---------------------------------------------------------------- duplicates


def test_plt1_likely_duplicate_is_refused_until_confirmed_and_the_confirmation_audited(users):
    first = customer_create(actor=users["agent"], data=dict(PERSON))
    with pytest.raises(DuplicateCustomerError) as err:
        customer_create(
            actor=users["agent"],
            data={**PERSON, "first_name": "PRIYA", "postcode": "LS6 2AB", "phone": ""},
        )
    assert err.value.existing == [first] and first.reference in err.value.message
    second = customer_create(actor=users["agent"], data=dict(PERSON), confirm_duplicate=True)
    record = AuditRecord.objects.get(action="customer.create", object_id=str(second.pk))
    assert record.after["confirmed_not_duplicate_of"] == [first.reference]


def test_plt1_another_postcode_or_birthday_is_not_a_duplicate(users):
    customer_create(actor=users["agent"], data=dict(PERSON))
    customer_create(actor=users["agent"], data={**PERSON, "postcode": "LS6 3AA"})
    customer_create(actor=users["agent"], data={**PERSON, "date_of_birth": date(1988, 5, 5)})
    assert Customer.objects.filter(last_name="Shah").count() == 3


def test_plt4_a_broker_is_never_shown_another_firms_customer_as_a_duplicate(users, customers):
    harbour = customers["harbour"]
    data = {
        "first_name": harbour.first_name,
        "last_name": harbour.last_name,
        "date_of_birth": harbour.date_of_birth,
        "postcode": harbour.postcode,
    }
    created = customer_create(actor=users["broker_north"], data=data)
    assert created.firm_id == users["broker_north"].firm_id


def test_plt1_form_shows_the_existing_record_and_creates_only_when_confirmed(broker_client):
    broker_client.post(reverse("customer-new"), form_data())
    existing = Customer.objects.get(last_name="Shah")
    page = broker_client.post(reverse("customer-new"), form_data(phone=""))
    body = page.content.decode()
    assert page.status_code == 200 and 'data-testid="duplicates"' in body
    assert reverse("broker-customer-detail", args=[existing.pk]) in body
    assert existing.reference in body
    assert Customer.objects.filter(last_name="Shah").count() == 1
    page = broker_client.post(reverse("customer-new"), form_data(confirm_duplicate="on"))
    assert page.status_code == 302
    assert Customer.objects.filter(last_name="Shah").count() == 2


def _api(users, key):
    from django.test import Client

    _, raw = api_token_create(user=users[key], name="t", actor=users["admin"])
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _post(client, body):
    return client.post("/api/v1/customers", json.dumps(body), content_type="application/json")


def test_plt1_api_answers_409_with_the_existing_reference_unless_confirmed(users):
    api = _api(users, "broker_north")
    body = {**PERSON, "date_of_birth": "1988-05-04"}
    first = _post(api, body)
    assert first.status_code == 201, first.content
    assert first.json()["phone"] == "+441134960777"
    again = _post(api, body)
    assert again.status_code == 409
    problem = again.json()
    assert problem["existing"][0]["reference"] == first.json()["reference"]
    assert again["Content-Type"] == "application/problem+json"
    confirmed = _post(api, {**body, "confirm_duplicate": True})
    assert confirmed.status_code == 201
    assert confirmed.json()["reference"] != first.json()["reference"]


def test_plt1_api_names_a_bad_postcode_in_plain_english(users):
    r = _post(_api(users, "agent"), {**PERSON, "date_of_birth": "1988-05-04", "postcode": "LS"})
    assert r.status_code == 422
    assert r.json()["errors"][0]["label"] == "Postcode"
    assert r.json()["detail"] == "Enter a full UK postcode, like LS6 2AB."


# ---------------------------------------------------------------- edit and the version guard


def test_plt1_edit_saves_and_a_stale_form_says_so(broker_client, customers, users):
    north = customers["north"]
    url = reverse("customer-edit", args=[north.pk])
    page = broker_client.get(url)
    assert "0113 496 0123" in page.content.decode()  # shown nationally, stored E.164
    stale = form_data(
        first_name=north.first_name, last_name=north.last_name, date_of_birth="1951-04-12"
    )
    ok = broker_client.post(url, {**stale, "version": north.version, "phone": "0113 496 0999"})
    assert ok.status_code == 302
    north.refresh_from_db()
    assert north.phone == "+441134960999" and north.version == 2
    page = broker_client.post(url, {**stale, "version": 1, "town": "Otley"})
    assert page.status_code == 200
    assert "Someone else changed this customer" in page.content.decode()
    north.refresh_from_db()
    assert north.town == "Leeds"


def test_plt4_broker_cannot_edit_another_firms_customer(broker_client, customers):
    url = reverse("customer-edit", args=[customers["harbour"].pk])
    assert broker_client.get(url).status_code == 404
    assert broker_client.post(url, form_data(version=1)).status_code == 404


def test_plt1_api_patch_checks_the_version(users, customers):
    api = _api(users, "agent")
    url = f"/api/v1/customers/{customers['own'].pk}"
    ok = api.patch(
        url, json.dumps({"expected_version": 1, "postcode": "nr11aa"}), "application/json"
    )
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = api.patch(url, json.dumps({"expected_version": 1, "town": "X"}), "application/json")
    assert stale.status_code == 409


def test_plt1_update_normalises_too(users, customers):
    updated = customer_update(
        actor=users["agent"], customer=customers["own"], data={"postcode": " nr1  1aa "}
    )
    assert updated.postcode == "NR1 1AA"


# ---------------------------------------------------------------- lists and CSV


def test_customer_list_filters_and_exports_csv_with_formulas_neutralised(agent_client, users):
    customer_create(
        actor=users["agent"],
        data={**PERSON, "first_name": "=HYPERLINK(1)", "last_name": "Shah"},
    )
    page = agent_client.get(reverse("backoffice-home"), {"q": "Shah"})
    assert "HYPERLINK" in page.content.decode()
    response = agent_client.get(reverse("customers-csv"), {"q": "Shah"})
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Reference,Name")
    assert "'=HYPERLINK(1) Shah" in text
    assert "Holloway" not in text


def test_customer_list_filters_by_firm_and_needs(agent_client, customers, firms):
    page = agent_client.get(reverse("backoffice-home"), {"firm": firms["harbour"].pk})
    body = page.content.decode()
    assert "MacLeod" in body and "Holloway" not in body
    page = agent_client.get(reverse("backoffice-home"), {"needs": "1"})
    body = page.content.decode()
    assert "Holloway" in body and "MacLeod" not in body


def test_plt4_broker_csv_holds_only_its_own_firm(broker_client, customers, firms):
    text = broker_client.get(
        reverse("customers-csv"), {"firm": firms["harbour"].pk}
    ).content.decode("utf-8-sig")
    assert "Holloway" in text and "MacLeod" not in text


def test_customer_list_is_paginated(agent_client, users):
    for i in range(30):
        Customer.objects.create(
            reference=f"CP{i:05d}",
            first_name="Page",
            last_name=f"Test{i:02d}",
            date_of_birth=date(1990, 1, 1),
        )
    page = agent_client.get(reverse("backoffice-home"), {"q": "Page"})
    body = page.content.decode()
    assert "Page 1 of 2" in body and "q=Page&amp;page=2" in body
