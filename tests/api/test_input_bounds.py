"""Every door checks its input (issue 10, ADR 0023): each bad-input class through each
door — the API, the web form, the calculators — is refused with the field, a plain
message and the rule, before anything is written."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from covernote.accounts.services import api_token_create
from covernote.complaints.inputs import FinalResponse
from covernote.complaints.models import Complaint
from covernote.domain.errors import DomainError
from covernote.gap.models import GapPolicy, GapQuote
from tests.integration.gap.conftest import gap_config, quote_data, valuations  # noqa: F401
from tests.integration.gap.test_gap_pages import login
from tests.integration.young_driver.conftest import RATING

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(users):
    def make(key):
        _, raw = api_token_create(user=users[key], name="t", actor=users["admin"])
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return make


@pytest.fixture
def loaded(gap_config, valuations, customers):  # noqa: F811
    from covernote.products.services import product_configs_load

    product_configs_load(actor="test")
    return customers


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def good_quote(**kw):
    today = timezone.localdate()
    return quote_data(
        ownership_date=(today - timedelta(days=3)).isoformat(), start_on=today.isoformat(), **kw
    )


def with_value(body, path, value):
    """``body`` with ``value`` at a dotted path (``purchase_lines.0.amount``)."""
    out = copy.deepcopy(body)
    *parents, last = path.split(".")
    node = out
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    node[int(last) if last.isdigit() else last] = value
    return out


#: (bad-input class, where, what) — the issue's findings, one row each.
GAP_API_CASES = [
    ("huge_money", "purchase_lines.0.amount", "1e30"),
    ("huge_money_digits", "limit_of_liability", "9999999999999999999999"),
    ("sub_penny", "purchase_lines.0.amount", "0.001"),
    ("bool_as_money", "limit_of_liability", True),
    ("full_width_digits", "purchase_lines.0.amount", "２０５００"),
    ("nul_in_vehicle", "vehicle.model", "Golf\x00Life"),
    ("control_in_vehicle", "vehicle.make", "Volks\x1bwagen"),
    ("registration_too_long", "vehicle.registration", "YK23ABCDEFGHIJ"),
    ("model_too_long", "vehicle.model", "G" * 101),
    ("term_out_of_range", "term_months", 10**12),
    ("weight_out_of_range", "vehicle.gross_weight_kg", 10**20),
    ("date_far_future", "vehicle.first_registered_on", "9999-12-31"),
    ("date_year_one", "ownership_date", "0001-01-01"),
]


@pytest.mark.parametrize(
    ("kind", "path", "value"), GAP_API_CASES, ids=[c[0] for c in GAP_API_CASES]
)
def test_gap_def_price_api_quote_refuses_bad_input_before_writing(api, loaded, kind, path, value):
    body = with_value({"customer_id": loaded["north"].pk, **good_quote()}, path, value)
    r = post(api("broker_north"), "/api/v1/gap/quotes", body)
    assert r.status_code == 422, (kind, r.content)
    problem = r.json()
    field = problem["errors"][0]["field"]
    assert field.replace("[", ".").replace("]", "") == path
    assert problem["errors"][0]["label"] and problem["errors"][0]["message"]
    assert problem["rule"] and problem["rule"] != "API-INPUT"
    assert GapQuote.objects.count() == 0


def test_gap_def_price_api_lists_every_bad_field_at_once(api, loaded):
    body = {"customer_id": loaded["north"].pk, **good_quote()}
    body = with_value(body, "purchase_lines.0.amount", "0.001")
    body = with_value(body, "vehicle.model", "Golf\x00")
    body = with_value(body, "term_months", 10**12)
    r = post(api("broker_north"), "/api/v1/gap/quotes", body)
    assert r.status_code == 422
    errors = {e["field"]: e for e in r.json()["errors"]}
    assert set(errors) == {"purchase_lines[0].amount", "vehicle.model", "term_months"}
    amount = errors["purchase_lines[0].amount"]
    assert amount["rule"] == "GAP-DEF-PRICE"
    assert amount["message"] == "must be at most 2 decimal places (pence); you sent 0.001"
    assert amount["label"] == "Purchase lines 1 amount"


def test_gap_def_price_zero_purchase_price_is_ineligible_and_cannot_be_bound(api, loaded):
    lines = [{"kind": "vehicle", "amount": "0.00"}]
    body = {"customer_id": loaded["north"].pk, **good_quote(purchase_lines=lines)}
    r = post(api("broker_north"), "/api/v1/gap/quotes", body)
    assert r.status_code in (201, 422), r.content
    quote = GapQuote.objects.get()
    assert "GAP-DEF-PRICE" in quote.failing_rules
    bind = post(
        api("broker_north"),
        f"/api/v1/gap/quotes/{quote.pk}/bind",
        {"idempotency_key": "zero-price-1"},
    )
    assert bind.status_code >= 400
    assert GapPolicy.objects.count() == 0


def test_gap_price_1_start_beyond_the_quote_validity_is_refused(api, loaded):
    far = (timezone.localdate() + timedelta(days=5 * 365)).isoformat()
    body = {"customer_id": loaded["north"].pk, **good_quote()}
    body["start_on"] = far
    r = post(api("broker_north"), "/api/v1/gap/quotes", body)
    assert r.status_code == 422 and r.json()["field"] == "start_on"
    assert r.json()["rule"] == "GAP-PRICE-1"
    assert GapQuote.objects.count() == 0


# --------------------------------------------------------------------------- web form


def form_post(customer):
    d = good_quote()
    v = d["vehicle"]
    return {
        "customer": customer.pk,
        "registration": v["registration"],
        "make": v["make"],
        "model": v["model"],
        "valuation_code": v["valuation_code"],
        "first_registered_on": v["first_registered_on"],
        "uses": v["uses"],
        "holder_relationship": "owner",
        "ownership_date": d["ownership_date"],
        "term_months": "36",
        "limit_of_liability": "10000",
        "start_on": d["start_on"],
        "line_0_kind": "vehicle",
        "line_0_amount": "20500.00",
    }


GAP_FORM_CASES = [
    ("huge_money", "line_0_amount", "1e30"),
    ("sub_penny", "line_0_amount", "0.001"),
    ("full_width_digits", "line_0_amount", "２０５００"),
    ("nul_in_vehicle", "model", "Golf\x00Life"),
    ("registration_too_long", "registration", "YK23ABCDEFGHIJ"),
    ("term_out_of_range", "term_months", "1000000000000"),
    ("weight_out_of_range", "gross_weight_kg", "100000000000000000000"),
    ("date_far_future", "first_registered_on", "9999-12-31"),
]


@pytest.mark.parametrize(
    ("kind", "name", "value"), GAP_FORM_CASES, ids=[c[0] for c in GAP_FORM_CASES]
)
def test_gap_def_price_web_form_shows_the_refusal_next_to_the_field(
    client, loaded, kind, name, value
):
    login(client, "broker@north.example")
    r = client.post("/broker/gap/quotes/new/", {**form_post(loaded["north"]), name: value})
    assert r.status_code == 200, kind
    html = r.content.decode()
    assert f'id="error_{name}"' in html, kind
    assert GapQuote.objects.count() == 0


# --------------------------------------------------------------------------- calculators

CALC_CASES = [
    ("huge_money", "1e30"),
    ("sub_penny", "0.001"),
    ("bool_as_money", True),
    ("full_width_digits", "１２５００"),
    ("over_the_ceiling", "99999999999.99"),
]


@pytest.mark.parametrize(("kind", "value"), CALC_CASES, ids=[c[0] for c in CALC_CASES])
def test_gap_cover_calculator_refuses_bad_money(api, kind, value):
    body = {
        "purchase_price": "20000",
        "settlement": value,
        "motor_excess": "350",
        "limit_of_liability": "10000",
    }
    r = post(api("claims"), "/api/v1/calculators/gap-claim", body)
    assert r.status_code == 422, (kind, r.content)
    assert r.json()["field"] == "settlement"


# --------------------------------------------------------------------------- complaints


def complaint(customer, received, **extra):
    return {
        "customer_id": customer.pk,
        "received_at": received,
        "channel": "phone",
        "procedure": "broker_platform",
        "product": "motor_other",
        "description": "My renewal was mishandled",
        **extra,
    }


COMPLAINT_CASES = [
    ("received_in_1800", {"received_at": "1800-01-01T10:00:00+00:00"}, "received_at"),
    ("received_in_1900", {"received_at": "1900-06-01T10:00:00+00:00"}, "received_at"),
    ("bad_offset", {"received_at": "2026-01-05T10:00:00+18:07"}, "received_at"),
    ("huge_turnover", {"annual_turnover_gbp": "1e30"}, "annual_turnover_gbp"),
    ("reference_too_long", {"policy_reference": "P" * 61}, "policy_reference"),
    ("nul_in_description", {"description": "bad\x00"}, "description"),
    ("employees_out_of_range", {"employees": 10**12}, "employees"),
]


@pytest.mark.parametrize(
    ("kind", "change", "field"), COMPLAINT_CASES, ids=[c[0] for c in COMPLAINT_CASES]
)
def test_comp_1_api_refuses_at_the_door_and_writes_nothing(api, loaded, kind, change, field):
    received = (timezone.now() - timedelta(hours=1)).isoformat()
    body = {**complaint(loaded["harbour"], received), **change}
    r = post(api("agent"), "/api/v1/complaints", body)
    assert r.status_code == 422, (kind, r.content)
    assert r.json()["field"] == field
    assert Complaint.objects.count() == 0


def test_comp_1_web_form_refuses_a_complaint_received_in_1800(client, loaded):
    login(client, "agent@coplus.example")
    r = client.post(
        "/backoffice/complaints/new/",
        {
            "complainant_relationship": "customer",  # ADR 0026: who complains
            "customer_reference": loaded["harbour"].reference,
            "received_at": "1800-01-01T10:00",
            "channel": "phone",
            "procedure": "broker_platform",
            "product": "motor_other",
            "subject": "firm_service",
            "main_cause": "general_admin",
            "complainant_type": "consumer",
            "description": "My renewal was mishandled",
        },
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="id_received_at_error"' in html  # next to the field
    assert "from 2001-12-01" in html  # what is allowed (DISP in force)
    assert Complaint.objects.count() == 0


@pytest.mark.parametrize(
    ("kind", "amount"),
    [("nine_billion", "9999999999.99"), ("huge", "1e30"), ("sub_penny", "10.001")],
)
def test_comp_7_redress_is_bounded(kind, amount):
    with pytest.raises(DomainError) as err:
        FinalResponse.parse(
            outcome="upheld",
            reasons="We got it wrong and we are sorry.",
            redress_amount=amount,
            redress_type="goodwill",
        )
    assert (err.value.field, err.value.rule) == ("redress_amount", "COMP-7")


def test_comp_7_redress_up_to_the_ceiling_is_accepted():
    ok = FinalResponse.parse(
        outcome="upheld",
        reasons="We are sorry: the renewal letter went to the wrong address.",
        redress_amount="250.00",
        redress_type="goodwill",
    )
    assert ok.redress_amount == Decimal("250.00")


# --------------------------------------------------------------------------- customers


@pytest.mark.parametrize(
    ("kind", "field", "value"),
    [
        ("nul_in_name", "first_name", "Ann\x00"),
        ("postcode_too_long", "postcode", "LS6 2AB LS6 2AB"),
        ("title_too_long", "title", "The Right Honourable Lord"),
        ("phone_too_long", "phone", "0" * 31),
        ("born_in_year_one", "date_of_birth", "0001-01-01"),
    ],
)
def test_plt_1_customer_api_refuses_bad_input(api, loaded, kind, field, value):
    body = {"first_name": "Ann", "last_name": "Other", "date_of_birth": "1990-01-01"}
    r = post(api("agent"), "/api/v1/customers", {**body, field: value})
    assert r.status_code == 422, (kind, r.content)
    assert r.json()["field"] == field


# --------------------------------------------------------------------------- young driver


def yd_quote(client, customer, start, **rating):
    body = {
        "customer_id": customer.pk,
        "start": start.isoformat(),
        "vehicle_reg": "AB12CDE",
        "rating": {**RATING, **rating},
    }
    return post(client, "/api/v1/young-driver/quotes", body)


def test_yd_rate_start_five_years_ahead_is_refused(api, loaded):
    start = timezone.localdate() + timedelta(days=5 * 365)
    r = yd_quote(api("agent"), loaded["own"], start)
    assert r.status_code == 422 and r.json()["field"] == "start"
    assert r.json()["rule"] == "YD-RATE"


@pytest.mark.parametrize(
    ("kind", "change"),
    [
        ("no_claims_a_billion", {"no_claims_years": 10**9}),
        ("no_claims_beyond_licence", {"no_claims_years": 5, "licence_years": 1}),
        ("mileage_absurd", {"annual_mileage": 10**12}),
    ],
)
def test_yd_rate_rating_facts_within_reason(api, loaded, kind, change):
    r = yd_quote(api("agent"), loaded["own"], timezone.localdate() + timedelta(days=1), **change)
    assert r.status_code == 422, (kind, r.content)
    assert r.json()["rule"] == "YD-RATE"


def test_yd_rate_registration_longer_than_its_column_is_refused(api, loaded):
    body = {
        "customer_id": loaded["own"].pk,
        "start": (timezone.localdate() + timedelta(days=1)).isoformat(),
        "vehicle_reg": "AB12CDEFGHIJK",
        "rating": dict(RATING),
    }
    r = post(api("agent"), "/api/v1/young-driver/quotes", body)
    assert r.status_code == 422 and r.json()["field"] == "vehicle_reg"


# --------------------------------------------------------------------------- drift


def test_api_input_text_bounds_equal_their_columns():
    """The inputs' lengths are the columns' (so neither can drift from the other)."""
    from covernote.complaints import inputs as complaint_inputs
    from covernote.complaints.models import Complaint as ComplaintModel
    from covernote.gap.inputs import fields as gap_inputs
    from covernote.gap.models import FinanceAgreement as GapFinance
    from covernote.gap.models import MotorPolicy as GapMotorPolicy
    from covernote.gap.models import PurchaseLine as GapPriceLine
    from covernote.gap.models import Vehicle as GapVehicle
    from covernote.young_driver import inputs as yd_inputs
    from covernote.young_driver.models import YDQuote

    def length(model, name):
        return model._meta.get_field(name).max_length

    gap = gap_inputs.LEN
    assert gap["registration"] == length(GapVehicle, "registration")
    assert gap["make"] == length(GapVehicle, "make")
    assert gap["model"] == length(GapVehicle, "model")
    assert gap["valuation_code"] == length(GapVehicle, "valuation_code")
    assert gap["line_description"] == length(GapPriceLine, "description")
    assert gap["lender"] == length(GapFinance, "lender")
    assert gap["agreement_number"] == length(GapFinance, "agreement_number")
    assert gap["insurer"] == length(GapMotorPolicy, "insurer")
    assert gap["policy_number"] == length(GapMotorPolicy, "policy_number")
    assert GapPolicy._meta.get_field("gross_premium").max_digits == gap_inputs.MONEY_DIGITS
    for name in ("policy_reference", "claim_reference", "fos_reference"):
        assert complaint_inputs.LEN[name] == length(ComplaintModel, name)
    assert ComplaintModel._meta.get_field("redress_amount").max_digits == 12
    for name in ("vehicle_reg", "vehicle_description"):
        assert yd_inputs.LEN[name] == length(YDQuote, name)
