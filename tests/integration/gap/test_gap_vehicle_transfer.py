"""New-for-old replacement (SPEC GAP-CLAIM-3, exclusion 9): cover moves to the
replacement vehicle on request; the vehicle rules GAP-ELIG-2/3/5/7 are checked again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from unittest import mock

import pytest

from covernote.audit.models import AuditRecord
from covernote.documents.models import Document
from covernote.domain.errors import DomainError, ErrorCode
from covernote.gap.inputs.claims import AssessInput, ClaimRegistration, DecideInput
from covernote.gap.inputs.policy import TransferInput
from covernote.gap.models import FraudDatabaseSubmission, GapPolicy, GapVehicleTransfer, Vehicle
from covernote.gap.services import (
    gap_claim_assess,
    gap_claim_decide,
    gap_claim_register,
    gap_policy_transfer_vehicle,
)
from tests.integration.gap.conftest import TODAY

pytestmark = pytest.mark.django_db

TRANSFER_DAY = TODAY + timedelta(days=60)

REPLACEMENT = {
    "registration": "YK26 NEW",
    "make": "Volkswagen",
    "model": "Golf Life",
    "valuation_code": "GOLF-LIFE-23",
    "first_registered_on": (TRANSFER_DAY - timedelta(days=2)).isoformat(),
    "uses": ["social_domestic_pleasure"],
}
LINES = [
    {"kind": "vehicle", "amount": "22400.00", "description": "Golf Life (new-for-old)"},
    {"kind": "warranty", "amount": "300.00"},
]


def transfer(policy, actor, key="nfo-1", vehicle=None, lines=None, **kw):
    data = TransferInput.parse(
        {
            "vehicle": vehicle or REPLACEMENT,
            "purchase_lines": lines or LINES,
            "idempotency_key": key,
            **kw,
        }
    )
    return gap_policy_transfer_vehicle(actor=actor, policy=policy, data=data, today=TRANSFER_DAY)


def test_gap_excl_9_transfer_moves_cover_keeps_terms_and_issues_a_new_schedule(
    sold_policy, users, django_capture_on_commit_callbacks
):
    before = GapPolicy.objects.get(pk=sold_policy.pk)
    old_vehicle = before.vehicle
    schedules = Document.objects.filter(kind="gap_schedule", customer=before.customer).count()
    with django_capture_on_commit_callbacks(execute=True):
        t = transfer(sold_policy, users["broker_north"])
    p = GapPolicy.objects.get(pk=sold_policy.pk)
    # Same policy number, period, limit and premium; a new version on the new vehicle.
    assert (p.number, p.start_on, p.end_on) == (before.number, before.start_on, before.end_on)
    assert p.limit_of_liability == before.limit_of_liability
    assert p.gross_premium == before.gross_premium and p.net_premium == before.net_premium
    assert p.vehicle.registration == "YK26NEW" and p.version == before.version + 1
    # History row: from/to, the replacement's own price (warranty left out, GAP-DEF-PRICE).
    assert t.from_vehicle == old_vehicle and t.to_vehicle == p.vehicle
    assert t.policy_version == p.version and t.transferred_on == TRANSFER_DAY
    assert t.purchase_price == Decimal("22400.00")
    assert t.previous_purchase_price == before.quote.purchase_price
    rules = [s["rule"] for s in t.eligibility["steps"]]
    assert {"GAP-ELIG-2", "GAP-ELIG-3", "GAP-ELIG-5", "GAP-ELIG-7"} <= set(rules)
    assert "GAP-ELIG-1" not in rules  # only the vehicle rules are judged again
    assert t.eligibility["warnings"]  # price differs from the original: flagged
    # Audit with before/after vehicle.
    event = AuditRecord.objects.filter(action="gap.policy.transfer_vehicle").get()
    assert event.before["registration"] == old_vehicle.registration
    assert event.after["registration"] == "YK26NEW"
    # A new schedule through document_issue, in the customer's format.
    docs = Document.objects.filter(kind="gap_schedule", customer=p.customer)
    assert docs.count() == schedules + 1
    assert "YK26NEW" in docs.order_by("-id").first().title
    # MID told about the new vehicle (PLT-9).
    assert FraudDatabaseSubmission.objects.filter(policy=p, event="vehicle_changed").exists()


def test_gap_excl_9_ineligible_replacement_refused_with_every_rule_and_nothing_changes(
    sold_policy, users
):
    before = GapPolicy.objects.get(pk=sold_policy.pk)
    vehicles = Vehicle.objects.count()
    bad = dict(
        REPLACEMENT,
        valuation_code="NOT-LISTED-1",  # GAP-ELIG-5
        first_registered_on="2015-01-01",  # GAP-ELIG-3: over 8 years
        is_kit_car=True,  # GAP-ELIG-7
    )
    with pytest.raises(DomainError) as exc:
        transfer(
            sold_policy,
            users["broker_north"],
            vehicle=bad,
            lines=[{"kind": "vehicle", "amount": "130000"}],  # GAP-ELIG-2: over £125,000
        )
    assert exc.value.code == ErrorCode.NOT_ELIGIBLE
    assert exc.value.rule == "GAP-ELIG-2, GAP-ELIG-3, GAP-ELIG-5, GAP-ELIG-7"
    after = GapPolicy.objects.get(pk=sold_policy.pk)
    assert (after.vehicle_id, after.version) == (before.vehicle_id, before.version)
    assert Vehicle.objects.count() == vehicles
    assert not GapVehicleTransfer.objects.exists()
    assert not AuditRecord.objects.filter(action="gap.policy.transfer_vehicle").exists()


def test_gap_excl_9_same_idempotency_key_transfers_once(sold_policy, users):
    first = transfer(sold_policy, users["broker_north"])
    again = transfer(sold_policy, users["broker_north"])
    assert again.pk == first.pk
    assert GapVehicleTransfer.objects.count() == 1
    assert GapPolicy.objects.get(pk=sold_policy.pk).version == first.policy_version


def test_plt4_other_firm_broker_cannot_transfer(sold_policy, users):
    with pytest.raises(DomainError) as exc:
        transfer(sold_policy, users["broker_harbour"])
    assert exc.value.code == ErrorCode.NOT_FOUND


def test_gap_excl_9_transfer_date_outside_the_period_is_refused(sold_policy, users):
    with pytest.raises(DomainError) as exc:
        transfer(sold_policy, users["broker_north"], transfer_on=TODAY - timedelta(days=1))
    assert exc.value.field == "transfer_on"


def at(day, hour=10):
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def claim_on(policy, users, day):
    with mock.patch("django.utils.timezone.now", return_value=at(day, 18)):
        return gap_claim_register(
            actor=users["claims"],
            policy=policy,
            data=ClaimRegistration.parse({"event_at": at(day)}),
        )


def test_gap_excl_9_claim_on_the_old_vehicle_is_declined_and_new_vehicle_is_covered(
    sold_policy, users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        transfer(sold_policy, users["broker_north"])
        # The write-off of the old vehicle that led to the replacement.
        old = claim_on(sold_policy, users, TRANSFER_DAY - timedelta(days=5))
        old = gap_claim_assess(
            actor=users["claims"],
            claim=old,
            data=AssessInput.parse(
                figures={"settlement": "15000", "motor_excess": "250"},
                facts={"new_for_old_taken": False},
            ),
        )
    declines = [d["rule"] for d in old.validity["declines"]]
    assert declines == ["GAP-EXCL-9"]
    with django_capture_on_commit_callbacks(execute=True):
        old = gap_claim_decide(
            actor=users["claims"], claim=old, data=DecideInput.parse({"approve": False})
        )
    assert old.decline_rules == ["GAP-EXCL-9"]


def test_gap_excl_9_claim_on_the_replacement_uses_its_own_purchase_price(
    sold_policy, users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        transfer(sold_policy, users["broker_north"])
        claim = claim_on(sold_policy, users, TRANSFER_DAY + timedelta(days=10))
        claim = gap_claim_assess(
            actor=users["claims"],
            claim=claim,
            data=AssessInput.parse(
                figures={"settlement": "20000", "motor_excess": "0", "market_value": "20000"}
            ),
        )
    assert claim.validity["declines"] == []
    # P = 22,400 (replacement) − S 20,000 = 2,400 shortfall.
    assert claim.payable == Decimal("2400.00")
