"""PLT-1 parties, PLT-2 reasonable adjustments (permanent, superseded never deleted), PLT-3."""

from __future__ import annotations

from datetime import date

import pytest

from covernote.domain.errors import DomainError
from covernote.parties.models import AdjustmentKind, ReasonableAdjustment
from covernote.parties.services import adjustment_record, customer_create, customer_update

pytestmark = pytest.mark.django_db


def test_plt2_adjustment_cannot_be_deleted(customers):
    adj = customers["north"].adjustments.first()
    with pytest.raises(PermissionError):
        adj.delete()
    assert ReasonableAdjustment.objects.filter(pk=adj.pk).exists()


def test_plt2_superseding_keeps_history(customers, users):
    customer = customers["north"]
    old = customer.active_adjustments().get(kind=AdjustmentKind.LARGE_PRINT)
    new = adjustment_record(
        actor=users["agent"],
        customer=customer,
        kind=AdjustmentKind.BRAILLE,
        note="Now reads Braille.",
        supersedes=old,
    )
    old.refresh_from_db()
    assert old.superseded_by == new and old.superseded_at is not None
    assert list(customer.active_adjustments().values_list("kind", flat=True)) == [
        AdjustmentKind.CONTACT_BY_LETTER,
        AdjustmentKind.BRAILLE,
    ]
    assert customer.adjustments.count() == 3


def test_plt2_cannot_supersede_twice(customers, users):
    customer = customers["north"]
    old = customer.active_adjustments().first()
    adjustment_record(
        actor=users["agent"], customer=customer, kind="other", note="x", supersedes=old
    )
    with pytest.raises(DomainError) as err:
        adjustment_record(
            actor=users["agent"], customer=customer, kind="other", note="y", supersedes=old
        )
    assert err.value.rule == "PLT-2"


def test_plt2_empty_note_is_refused(customers, users):
    with pytest.raises(DomainError) as err:
        adjustment_record(actor=users["agent"], customer=customers["own"], kind="other", note="  ")
    assert err.value.field == "note"


@pytest.mark.parametrize("field", ["sex", "gender", "religion", "sexual_orientation", "disability"])
def test_plt3_protected_characteristics_are_never_accepted(users, field):
    with pytest.raises(DomainError) as err:
        customer_create(
            actor=users["agent"],
            data={
                "first_name": "A",
                "last_name": "B",
                "date_of_birth": date(1990, 1, 1),
                field: "x",
            },
        )
    assert err.value.rule == "PLT-3" and err.value.field == field


def test_plt4_broker_creates_customers_in_its_own_firm_only(users, firms):
    customer = customer_create(
        actor=users["broker_north"],
        data={
            "first_name": "A",
            "last_name": "B",
            "date_of_birth": date(1990, 1, 1),
            "firm_id": firms["harbour"].pk,
        },
    )
    assert customer.firm == firms["north"]


def test_plt1_concurrent_update_with_stale_version_is_refused(customers, users):
    customer = customers["own"]
    customer_update(
        actor=users["agent"],
        customer=customer,
        data={"phone": "01603 960001"},
        expected_version=1,
    )
    with pytest.raises(DomainError) as err:
        customer_update(
            actor=users["agent"],
            customer=customer,
            data={"phone": "01603 960002"},
            expected_version=1,
        )
    assert err.value.code == "conflict"
    customer.refresh_from_db()
    assert customer.phone == "+441603960001" and customer.version == 2
