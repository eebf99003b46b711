"""The core journey with storage: quote, buy (DD/card), install, change, cancel, box return."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from covernote.domain.errors import DomainError
from covernote.domain.young_driver.smartbox import DeviceState
from covernote.young_driver.inputs import (
    AdjustInput,
    CancelInput,
    PhotoReviewInput,
    PhotoUploadInput,
    QuoteInput,
    SmartboxReturnInput,
    VehicleChangeInput,
)
from covernote.young_driver.models import (
    CPANotice,
    Device,
    Fee,
    InstallTaskStatus,
    Payment,
    PaymentKind,
    PolicyStatus,
    YDPolicy,
)
from covernote.young_driver.services import (
    yd_install_photo_review,
    yd_install_photo_upload,
    yd_install_tasks_chase,
    yd_policy_adjust,
    yd_policy_cancel,
    yd_policy_vehicle_change,
    yd_smartbox_return_record,
)
from tests.integration.young_driver.conftest import START, TODAY, buy, make_quote, png_bytes

pytestmark = pytest.mark.django_db


def test_plt3_quote_refuses_a_protected_characteristic(yd_config, users, customers):
    from covernote.young_driver.services import yd_quote_create

    with pytest.raises(DomainError) as err:
        yd_quote_create(
            actor=users["agent"],
            customer=customers["own"],
            today=TODAY,
            data=QuoteInput(
                start=START,
                vehicle_reg="AB12CDE",
                rating={
                    "licence_years": 1,
                    "vehicle_group": 8,
                    "annual_mileage": 6000,
                    "no_claims_years": 0,
                    "gender": "f",
                },
            ),
        )
    assert err.value.rule == "PLT-3"


def test_yd_sale_1_quote_keeps_decision_with_named_insurers(yd_config, users, customers):
    q = make_quote(users["agent"], customers["own"])
    insurers = [s["inputs"].get("insurer") for s in q.decision["steps"] if s["rule"] == "YD-SALE-1"]
    assert "RAC Insurance Limited" in insurers
    assert q.total == q.premium_gross + q.add_ons_gross + q.arrangement_fee
    assert q.config.product == "young_driver"
    assert "age" in q.rating_inputs and "gender" not in q.rating_inputs


def test_yd_pay_1_direct_debit_plan_and_credit_search(dd_policy):
    plan = dd_policy.plan
    rows = list(plan.instalments.all())
    assert len(rows) == 10
    assert sum(i.amount for i in rows) == plan.total_payable
    assert plan.amount_financed == dd_policy.quote.total
    assert plan.credit_search_reference and plan.credit_search_at
    assert plan.provider == "Close Brothers Premium Finance"
    assert plan.mandate.display.startswith("20-00-00")


def test_yd_fee_arr_charged_and_documents_issued(dd_policy):
    assert list(Fee.objects.filter(policy=dd_policy).values_list("rule", "amount")) == [
        ("YD-FEE-ARR", Decimal("100.00"))
    ]
    assert dd_policy.versions.count() == 1
    from covernote.documents.models import Document

    assert Document.objects.filter(kind="yd_schedule", customer=dd_policy.customer).exists()


def test_buy_is_idempotent(yd_config, users, customers):
    first = buy(users["agent"], customers["own"], key="same")
    again = buy(users["agent"], customers["own"], key="same")
    assert first.pk == again.pk and YDPolicy.objects.count() == 1


def test_yd_pay_1_bad_sort_code_refused(yd_config, users, customers):
    with pytest.raises(DomainError) as err:
        buy(users["agent"], customers["own"], sort_code="12-34")
    assert err.value.field == "sort_code" and err.value.rule == "YD-PAY-1"
    assert not YDPolicy.objects.exists()


def test_yd_pay_2_card_number_is_never_stored(yd_config, users, customers):
    with pytest.raises(DomainError) as err:
        buy(users["agent"], customers["own"], method="card", card_token="4242424242424242")
    assert err.value.rule == "YD-PAY-2"


def test_yd_box_state_buy_dispatches_box_and_opens_14_day_task(dd_policy):
    device = Device.objects.get(policy=dd_policy)
    assert device.state == DeviceState.DISPATCHED
    task = dd_policy.install_tasks.get()
    assert task.deadline == START + timedelta(days=14)
    assert [e.to_state for e in device.events.all()] == ["allocated", "dispatched"]


def test_yd_box_install_upload_and_approve_verifies_device(dd_policy, users):
    task = dd_policy.install_tasks.get()
    photo = yd_install_photo_upload(
        actor=users["customer"],
        task=task,
        data=PhotoUploadInput(filename="box.png", content=png_bytes()),
    )
    task.refresh_from_db()
    assert task.status == InstallTaskStatus.AWAITING_APPROVAL
    yd_install_photo_review(
        actor=users["agent"], photo=photo, data=PhotoReviewInput(), today=START + timedelta(days=3)
    )
    task.refresh_from_db()
    assert task.status == InstallTaskStatus.COMPLETE
    assert Device.objects.get(pk=task.device_id).state == DeviceState.VERIFIED


def test_yd_box_install_rejects_non_image_big_file_and_duplicate(dd_policy, users):
    task = dd_policy.install_tasks.get()
    with pytest.raises(DomainError) as err:
        yd_install_photo_upload(
            actor=users["customer"],
            task=task,
            data=PhotoUploadInput(filename="x.png", content=b"%PDF-1.4 not an image"),
        )
    assert err.value.field == "photo"
    with pytest.raises(DomainError):
        yd_install_photo_upload(
            actor=users["customer"],
            task=task,
            data=PhotoUploadInput(filename="x.png", content=b"\x89PNG" + b"0" * (9 * 1024 * 1024)),
        )
    photo = yd_install_photo_upload(
        actor=users["customer"],
        task=task,
        data=PhotoUploadInput(filename="a.png", content=png_bytes()),
    )
    yd_install_photo_review(
        actor=users["agent"], photo=photo, data=PhotoReviewInput(approve=False, reason="blurred")
    )
    with pytest.raises(DomainError) as dup:
        yd_install_photo_upload(
            actor=users["customer"],
            task=task,
            data=PhotoUploadInput(filename="a.png", content=png_bytes()),
        )
    assert dup.value.code == "conflict"


def test_another_customer_cannot_upload(dd_policy, users):
    from covernote.accounts.models import Role
    from tests.conftest import make_user

    stranger = make_user("other@example.com", Role.CUSTOMER)
    with pytest.raises(DomainError) as err:
        yd_install_photo_upload(
            actor=stranger,
            task=dd_policy.install_tasks.get(),
            data=PhotoUploadInput(filename="a.png", content=png_bytes()),
        )
    assert err.value.code == "not_found"


def test_yd_fee_mta_pro_rata_and_cpa_notice(card_policy, users):
    before = card_policy.annual_premium
    p = yd_policy_adjust(
        actor=users["agent"],
        policy=card_policy,
        today=START + timedelta(days=100),
        data=AdjustInput(
            changes={"annual_mileage": 10000},
            effective=START + timedelta(days=100),
            idempotency_key="mta-1",
        ),
    )
    assert p.annual_premium > before
    assert Fee.objects.filter(policy=p, rule="YD-FEE-MTA").get().amount == Decimal("25.00")
    pay = Payment.objects.get(policy=p, kind=PaymentKind.ADJUSTMENT)
    remaining = (p.end - (START + timedelta(days=100))).days + 1
    expected = ((p.annual_premium - before) * remaining / 365).quantize(Decimal("0.01"))
    assert pay.amount == expected + Decimal("25.00")
    notice = CPANotice.objects.get(payment=pay)
    assert notice.earliest_collection_on == START + timedelta(days=114)  # YD-PAY-2
    assert pay.collect_on >= notice.earliest_collection_on
    assert p.versions.count() == 2 and p.versions.last().created_by == users["agent"]


def test_yd_pay_3_dd_change_respreads_remaining_instalments(dd_policy, users):
    plan = dd_policy.plan
    total_before = sum(i.amount for i in plan.instalments.all())
    p = yd_policy_adjust(
        actor=users["agent"],
        policy=dd_policy,
        today=START + timedelta(days=40),
        data=AdjustInput(
            changes={"annual_mileage": 10000},
            effective=START + timedelta(days=40),
            idempotency_key="mta-dd",
        ),
    )
    pay = Payment.objects.get(policy=p, kind=PaymentKind.ADJUSTMENT)
    assert pay.status == "respread"
    total_after = sum(i.amount for i in plan.instalments.all())
    assert total_after - total_before == pay.amount
    earliest = START + timedelta(days=54)
    for i in plan.instalments.filter(due__lt=earliest):
        assert i.amount == plan.instalments.get(number=i.number).amount


def test_yd_box_vehicle_keep_box_new_cradle_restarts_clock(dd_policy, users):
    task = dd_policy.install_tasks.get()
    photo = yd_install_photo_upload(
        actor=users["customer"],
        task=task,
        data=PhotoUploadInput(filename="a.png", content=png_bytes()),
    )
    yd_install_photo_review(actor=users["agent"], photo=photo, data=PhotoReviewInput())
    day = START + timedelta(days=30)
    p = yd_policy_vehicle_change(
        actor=users["agent"],
        policy=dd_policy,
        today=day,
        data=VehicleChangeInput(
            vehicle_reg="XY70 ZZZ",
            vehicle_group=15,
            new_box=False,
            effective=day,
            idempotency_key="vc-1",
        ),
    )
    assert Fee.objects.filter(policy=p, rule="YD-FEE-COV-KEEP").get().amount == Decimal("50.00")
    device = Device.objects.get(policy=p)
    assert device.state == DeviceState.REMOVED
    new_task = p.install_tasks.exclude(status="complete").get()
    assert new_task.deadline == day + timedelta(days=14) and new_task.device == device
    assert p.vehicle_reg == "XY70 ZZZ"


def test_yd_fee_cov_new_new_box_deactivates_old(dd_policy, users):
    day = START + timedelta(days=5)
    p = yd_policy_vehicle_change(
        actor=users["agent"],
        policy=dd_policy,
        today=day,
        data=VehicleChangeInput(
            vehicle_reg="XY70 ZZZ",
            vehicle_group=8,
            new_box=True,
            effective=day,
            idempotency_key="vc-2",
        ),
    )
    assert Fee.objects.filter(policy=p, rule="YD-FEE-COV-NEW").get().amount == Decimal("75.00")
    states = sorted(Device.objects.filter(policy=p).values_list("state", flat=True))
    assert states == ["deactivated", "dispatched"]


def test_yd_cancel_2_cooling_off_no_fee_then_box_refund_second_transaction(card_policy, users):
    day = START + timedelta(days=5)
    c = yd_policy_cancel(
        actor=users["customer"], policy=card_policy, today=day, data=CancelInput(cancel_on=day)
    )
    assert c.in_cooling_off and c.cancellation_fee == 0
    days = 6
    charge = (card_policy.annual_premium * days / 365).quantize(Decimal("0.01"))
    assert c.refund == card_policy.annual_premium - charge
    assert c.box_credit == Decimal("50.00")
    card_policy.refresh_from_db()
    assert card_policy.status == PolicyStatus.CANCELLED
    refund = Payment.objects.get(policy=card_policy, kind=PaymentKind.REFUND)
    assert refund.amount == -c.refund and refund.collect_on <= c.refund_due_by
    c2 = yd_smartbox_return_record(
        actor=users["agent"],
        policy=card_policy,
        today=day + timedelta(days=3),
        data=SmartboxReturnInput(returned_on=day + timedelta(days=3)),
    )
    assert c2.box_refund == Decimal("50.00")
    box_pay = Payment.objects.get(policy=card_policy, kind=PaymentKind.BOX_REFUND)
    assert box_pay.amount == Decimal("-50.00")
    assert set(Device.objects.filter(policy=card_policy).values_list("state", flat=True)) == {
        "deactivated"
    }


def test_yd_cancel_3_after_cooling_off_fee_and_half_back(card_policy, users):
    day = START + timedelta(days=60)
    c = yd_policy_cancel(
        actor=users["customer"], policy=card_policy, today=day, data=CancelInput(cancel_on=day)
    )
    assert not c.in_cooling_off and c.cancellation_fee == Decimal("50.00")
    assert c.refund == c.premium_refund - Decimal("50.00")
    assert Fee.objects.filter(policy=card_policy, rule="YD-FEE-CANX").get().amount == Decimal(
        "50.00"
    )
    c2 = yd_smartbox_return_record(
        actor=users["agent"],
        policy=card_policy,
        today=day + timedelta(days=20),
        data=SmartboxReturnInput(returned_on=day + timedelta(days=14)),
    )
    assert c2.box_refund == Decimal("25.00")


def test_yd_cancel_4_late_box_return_refunds_nothing(card_policy, users):
    day = START + timedelta(days=60)
    yd_policy_cancel(
        actor=users["customer"], policy=card_policy, today=day, data=CancelInput(cancel_on=day)
    )
    c2 = yd_smartbox_return_record(
        actor=users["agent"],
        policy=card_policy,
        today=day + timedelta(days=20),
        data=SmartboxReturnInput(returned_on=day + timedelta(days=15)),
    )
    assert c2.box_refund == 0
    assert not Payment.objects.filter(policy=card_policy, kind=PaymentKind.BOX_REFUND).exists()


def test_yd_void_1_fraud_keeps_everything(card_policy, users):
    c = yd_policy_cancel(
        actor=users["manager"],
        policy=card_policy,
        today=START + timedelta(days=20),
        data=CancelInput(
            cancel_on=START + timedelta(days=20), void_for_fraud=True, reason="false claim"
        ),
    )
    assert c.void and c.refund == 0
    card_policy.refresh_from_db()
    assert card_policy.status == PolicyStatus.VOID
    assert not Payment.objects.filter(policy=card_policy, kind=PaymentKind.REFUND).exists()


def test_yd_void_1_customer_cannot_void(card_policy, users):
    with pytest.raises(DomainError):
        yd_policy_cancel(
            actor=users["customer"],
            policy=card_policy,
            today=START,
            data=CancelInput(cancel_on=START, void_for_fraud=True),
        )


def test_yd_cancel_1_cancellation_before_start_refused(card_policy, users):
    with pytest.raises(DomainError) as err:
        yd_policy_cancel(
            actor=users["agent"],
            policy=card_policy,
            today=TODAY,
            data=CancelInput(cancel_on=START - timedelta(days=1)),
        )
    assert err.value.field == "cancel_on"


def test_yd_cancel_5_by_us_needs_7_days_notice(card_policy, users):
    day = START + timedelta(days=40)
    with pytest.raises(DomainError) as err:
        yd_policy_cancel(
            actor=users["agent"],
            policy=card_policy,
            today=day,
            data=CancelInput(by="us", cancel_on=day + timedelta(days=3)),
        )
    assert err.value.rule == "YD-CANCEL-5"
    c = yd_policy_cancel(
        actor=users["agent"],
        policy=card_policy,
        today=day,
        data=CancelInput(by="us", cancel_on=day + timedelta(days=7)),
    )
    assert c.cancellation_fee == Decimal("50.00")


def test_yd_cancel_1_segments_after_mta(card_policy, users):
    eff = START + timedelta(days=100)
    before = card_policy.annual_premium
    p = yd_policy_adjust(
        actor=users["agent"],
        policy=card_policy,
        today=eff,
        data=AdjustInput(
            changes={"annual_mileage": 10000}, effective=eff, idempotency_key="mta-seg"
        ),
    )
    day = START + timedelta(days=200)
    c = yd_policy_cancel(
        actor=users["customer"], policy=p, today=day, data=CancelInput(cancel_on=day)
    )
    charge = (before * 100 / 365).quantize(Decimal("0.01")) + (
        p.annual_premium * 101 / 365
    ).quantize(Decimal("0.01"))
    assert c.premium_refund == p.premium_paid - charge


def test_yd_box_install_overdue_job_reminds_then_notices_then_cancels(dd_policy):
    deadline = START + timedelta(days=14)
    assert yd_install_tasks_chase(as_of=deadline).startswith("0 reminders")
    assert yd_install_tasks_chase(as_of=deadline + timedelta(days=1)).startswith("1 reminders")
    assert yd_install_tasks_chase(as_of=deadline + timedelta(days=2)).startswith(
        "0 reminders, 0 notices"
    )
    notice_day = deadline + timedelta(days=8)
    assert "1 notices" in yd_install_tasks_chase(as_of=notice_day)
    assert "0 notices" in yd_install_tasks_chase(as_of=notice_day)  # idempotent
    dd_policy.refresh_from_db()
    assert dd_policy.status == PolicyStatus.NOTICE
    assert dd_policy.notice_cancel_on == notice_day + timedelta(days=7)
    assert "1 cancelled" in yd_install_tasks_chase(as_of=notice_day + timedelta(days=7))
    dd_policy.refresh_from_db()
    assert dd_policy.status == PolicyStatus.CANCELLED
    assert dd_policy.cancellation.by == "us" and dd_policy.cancellation.cancellation_fee == 50


def test_yd_box_install_approval_withdraws_the_notice(dd_policy, users):
    deadline = START + timedelta(days=14)
    yd_install_tasks_chase(as_of=deadline + timedelta(days=1))
    yd_install_tasks_chase(as_of=deadline + timedelta(days=8))
    photo = yd_install_photo_upload(
        actor=users["customer"],
        task=dd_policy.install_tasks.get(),
        data=PhotoUploadInput(filename="a.png", content=png_bytes()),
    )
    yd_install_photo_review(
        actor=users["agent"],
        photo=photo,
        data=PhotoReviewInput(),
        today=deadline + timedelta(days=9),
    )
    dd_policy.refresh_from_db()
    assert dd_policy.status == PolicyStatus.LIVE
    assert "0 cancelled" in yd_install_tasks_chase(as_of=deadline + timedelta(days=20))


def test_concurrent_safe_second_cancel_returns_the_first(card_policy, users):
    day = START + timedelta(days=20)
    a = yd_policy_cancel(
        actor=users["customer"], policy=card_policy, today=day, data=CancelInput(cancel_on=day)
    )
    b = yd_policy_cancel(
        actor=users["customer"], policy=card_policy, today=day, data=CancelInput(cancel_on=day)
    )
    assert a.pk == b.pk


def test_demo_gives_jamie_a_live_policy_with_pending_install_idempotently(users, customers):
    from covernote.young_driver.demo import load_demo

    users["customer"].email = "customer@example.com"
    users["customer"].save()
    load_demo()
    load_demo()
    policy = YDPolicy.objects.get(customer=customers["own"])
    assert policy.status == PolicyStatus.LIVE
    assert policy.install_tasks.get().status == InstallTaskStatus.OPEN


def test_tick_job_registered():
    from covernote.cli.jobs import JOBS

    assert "young_driver.install_overdue" in dict(JOBS)


def test_yd_cancel_1_version_keeps_the_given_reason(card_policy, users):
    """The cancellation's reason is stored as given, not the refund letter's wording."""
    day = START + timedelta(days=60)
    yd_policy_cancel(
        actor=users["agent"],
        policy=card_policy,
        today=day,
        data=CancelInput(cancel_on=day, reason="Customer sold the car"),
    )
    version = card_policy.versions.get(kind="cancellation")
    assert version.changes["reason"] == "Customer sold the car"
