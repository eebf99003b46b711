"""YD-THEFT-1: theft claims need a police incident number; tracking while the case is open."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from covernote.audit.models import AuditRecord
from covernote.documents.models import Document
from covernote.domain.errors import DomainError
from covernote.domain.young_driver.theft import police_incident_number
from covernote.telematics.positions import theft_tracking
from covernote.young_driver.inputs import TheftClaimInput, TheftCloseInput
from covernote.young_driver.models import TheftClaimStatus
from covernote.young_driver.selectors import theft_claim_get_for
from covernote.young_driver.services import (
    current_device,
    yd_theft_claim_close,
    yd_theft_claim_register,
)
from tests.integration.young_driver.conftest import START

DAY = START + timedelta(days=20)


def _register(user, policy, number="CAD 4519/12MAR26", key="theft-1"):
    return yd_theft_claim_register(
        actor=user,
        policy=policy,
        today=DAY,
        data=TheftClaimInput(
            police_incident_number=number,
            stolen_on=DAY - timedelta(days=1),
            description="Taken from the drive overnight",
            idempotency_key=key,
        ),
    )


@pytest.mark.parametrize(
    "raw", ["", "   ", "n/a", "TBC", "unknown", "1234", "0000000", "AB-12", "<script>1234"]
)
def test_yd_theft_1_implausible_police_incident_number_refused(raw):
    with pytest.raises(DomainError) as exc:
        police_incident_number(raw)
    assert exc.value.field == "police_incident_number"
    assert exc.value.rule == "YD-THEFT-1"


@pytest.mark.parametrize(
    "raw", ["CAD 4519/12MAR26", "mps-0101-26", "CRI/26/123456", "4519  12/03/26"]
)
def test_yd_theft_1_real_shapes_of_incident_numbers_accepted(raw):
    assert police_incident_number(raw) == " ".join(raw.split()).upper()


def test_yd_theft_1_claim_without_incident_number_is_refused(card_policy, users):
    with pytest.raises(DomainError) as exc:
        _register(users["agent"], card_policy, number=" ")
    assert exc.value.field == "police_incident_number"
    assert exc.value.rule == "YD-THEFT-1"
    assert not card_policy.theft_claims.exists()


def test_yd_theft_1_register_sends_acknowledgement_and_audits(card_policy, users):
    claim = _register(users["agent"], card_policy)
    assert claim.status == TheftClaimStatus.OPEN
    assert claim.police_incident_number == "CAD 4519/12MAR26"
    assert claim.device == current_device(card_policy)
    doc = Document.objects.get(pk=claim.acknowledgement_id)
    assert doc.customer_id == card_policy.customer_id
    assert AuditRecord.objects.filter(action="young_driver.theft.register").exists()
    assert _register(users["agent"], card_policy).pk == claim.pk  # idempotent
    with pytest.raises(DomainError) as exc:
        _register(users["agent"], card_policy, key="theft-2")
    assert exc.value.code == "conflict"


def test_yd_theft_1_staff_see_last_position_only_while_open(card_policy, users):
    from covernote.telematics.models import LastPosition

    claim = _register(users["agent"], card_policy)
    LastPosition.objects.create(
        device=claim.device,
        ts=datetime(2026, 3, 21, 2, 15, tzinfo=UTC),
        lat=53.4808,
        lon=-2.2426,
        speed_kmh=48.0,
    )
    tracking = theft_tracking(users["claims"], claim)
    assert tracking["open"] is True
    assert tracking["last_position"].lat == pytest.approx(53.4808)
    with pytest.raises(DomainError):
        theft_tracking(users["customer"], claim)
    with pytest.raises(DomainError):
        yd_theft_claim_close(
            actor=users["customer"], claim=claim, data=TheftCloseInput(outcome="recovered")
        )
    closed = yd_theft_claim_close(
        actor=users["claims"],
        claim=claim,
        today=DAY,
        data=TheftCloseInput(outcome="Recovered by police"),
    )
    assert closed.status == TheftClaimStatus.CLOSED
    assert theft_tracking(users["claims"], closed)["last_position"] is None
    with pytest.raises(DomainError) as exc:
        yd_theft_claim_close(
            actor=users["claims"], claim=closed, data=TheftCloseInput(outcome="again")
        )
    assert exc.value.code == "illegal_transition"


def test_yd_theft_1_broker_of_another_firm_cannot_see_the_claim(card_policy, users):
    claim = _register(users["agent"], card_policy)
    with pytest.raises(DomainError) as exc:
        theft_claim_get_for(users["broker_harbour"], claim.pk)
    assert exc.value.code == "not_found"
    assert theft_claim_get_for(users["customer"], claim.pk).pk == claim.pk


def test_yd_theft_1_theft_date_must_be_in_cover(card_policy, users):
    with pytest.raises(DomainError) as exc:
        yd_theft_claim_register(
            actor=users["agent"],
            policy=card_policy,
            today=DAY,
            data=TheftClaimInput(
                police_incident_number="CAD 4519/12MAR26",
                stolen_on=START - timedelta(days=3),
                idempotency_key="early",
            ),
        )
    assert exc.value.field == "stolen_on"
