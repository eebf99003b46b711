"""YD-FEE-REN renewal, YD-BOX-FAULT free replacement and YD-DATA-1 deactivation jobs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from covernote.billing.models import Entry
from covernote.cli.jobs import JOBS
from covernote.domain.young_driver.smartbox import DeviceState
from covernote.products.selectors import params_of
from covernote.telematics.ingest import SENDING_STATES
from covernote.telematics.smartbox_faults import smartboxes_fault_replace
from covernote.young_driver import ledger as L
from covernote.young_driver.inputs import CancelInput, PhotoReviewInput, PhotoUploadInput
from covernote.young_driver.models import (
    Device,
    Fee,
    Payment,
    PaymentStatus,
    PolicyStatus,
    RenewalStatus,
    YDRenewal,
)
from covernote.young_driver.services import (
    current_device,
    yd_cancellation_preview,
    yd_install_photo_review,
    yd_install_photo_upload,
    yd_payments_settle,
    yd_policy_cancel,
    yd_policy_renew,
    yd_renewals_invite,
    yd_smartboxes_deactivate,
)
from tests.integration.young_driver.conftest import START, png_bytes


def _verify(policy, users, day):
    task = policy.install_tasks.order_by("-id").first()
    photo = yd_install_photo_upload(
        actor=users["customer"],
        task=task,
        data=PhotoUploadInput(filename="b.png", content=png_bytes()),
    )
    yd_install_photo_review(actor=users["agent"], photo=photo, data=PhotoReviewInput(), today=day)


def test_yd_fee_ren_invitation_21_days_before_end_with_fee_and_rating(card_policy):
    days = params_of(card_policy.config).periods.renewal_invite_days
    assert days == 21
    too_early = card_policy.end - timedelta(days=days + 1)
    assert yd_renewals_invite(as_of=too_early).startswith("0 ")
    on_time = card_policy.end - timedelta(days=days)
    assert yd_renewals_invite(as_of=on_time).startswith("1 ")
    assert yd_renewals_invite(as_of=on_time).startswith("0 ")  # idempotent
    r = YDRenewal.objects.get(policy=card_policy)
    params = params_of(r.quote.config)
    assert r.renewal_fee == params.fees.renewal == Decimal("50.00")
    assert r.total == r.renewal_premium + r.renewal_fee
    assert r.new_start == card_policy.end + timedelta(days=1)
    assert any(s["rule"] == "YD-FEE-REN" for s in r.decision["steps"])
    assert not any(s["rule"] == "YD-FEE-ARR" for s in r.decision["steps"])
    assert r.quote.rating_inputs["licence_years"] == card_policy.rating_inputs["licence_years"] + 1
    assert r.document is not None


def test_yd_fee_ren_renew_new_policy_linked_new_cap_base_cooling_off_fee_retained(
    card_policy, users
):
    day = card_policy.end - timedelta(days=21)
    yd_renewals_invite(as_of=day)
    new = yd_policy_renew(
        actor=users["agent"], policy=card_policy, idempotency_key="ren-1", today=day
    )
    assert (
        yd_policy_renew(
            actor=users["agent"], policy=card_policy, idempotency_key="ren-2", today=day
        )
        == new
    )
    r = YDRenewal.objects.get(policy=card_policy)
    assert r.status == RenewalStatus.RENEWED and r.new_policy == new
    assert new.renewed_from == card_policy and new.number != card_policy.number
    assert new.start == card_policy.end + timedelta(days=1)
    assert new.renewal_premium == new.annual_premium == r.renewal_premium  # YD-REVIEW-3 cap base
    assert Fee.objects.get(policy=new).rule == "YD-FEE-REN"
    # the box stays with the customer and moves to the new policy
    assert current_device(new) is not None and current_device(card_policy) is None
    # YD-PAY-2: the card is charged only after 14 days' notice from the invitation
    pay = Payment.objects.get(policy=new)
    assert pay.status == PaymentStatus.SCHEDULED and pay.collect_on == day + timedelta(days=14)
    yd_payments_settle(as_of=pay.collect_on)
    pay.refresh_from_db()
    assert pay.status == PaymentStatus.SETTLED
    bank = Entry.objects.filter(transaction__reference=new.number, account__code=L.BANK)
    assert sum(e.debit for e in bank) == r.total
    # New 14-day cooling off: no cancellation fee, renewal fee retained (half back on box return)
    q = yd_cancellation_preview(
        policy=new,
        cancel_on=new.start + timedelta(days=3),
        notice_date=new.start + timedelta(days=3),
    )
    assert q.in_cooling_off is True
    assert q.cancellation_fee == 0
    assert q.box_credit == (
        r.renewal_fee * params_of(new.config).fees.box_return_refund_rate
    ).quantize(Decimal("0.01"))


def test_yd_box_fault_silent_box_replaced_free_with_letter(dd_policy, users):
    from covernote.telematics.models import LastPosition

    _verify(dd_policy, users, START)
    old = current_device(dd_policy)
    params = params_of(dd_policy.config)
    last = START + timedelta(days=10)
    LastPosition.objects.create(
        device=old,
        ts=datetime(last.year, last.month, last.day, 12, tzinfo=UTC),
        lat=51.5,
        lon=-0.1,
        speed_kmh=0,
    )
    before_fees = Fee.objects.filter(policy=dd_policy).count()
    quiet = last + timedelta(days=params.periods.fault_no_data_days - 1)
    assert smartboxes_fault_replace(as_of=quiet).startswith("0 ")
    due = last + timedelta(days=params.periods.fault_no_data_days)
    assert smartboxes_fault_replace(as_of=due).startswith("1 ")
    assert smartboxes_fault_replace(as_of=due).startswith("0 ")  # idempotent
    old.refresh_from_db()
    assert old.state == DeviceState.REPLACED
    assert DeviceState.SUSPECTED_FAULTY in list(old.events.values_list("to_state", flat=True))
    new = current_device(dd_policy)
    assert new != old and new.state == DeviceState.DISPATCHED
    assert Fee.objects.filter(policy=dd_policy).count() == before_fees  # free (YD-BOX-FAULT)
    v = dd_policy.versions.get(kind="smartbox_fault_replacement")
    assert any(s["rule"] == "YD-BOX-FAULT" for s in v.decision["steps"])
    assert dd_policy.customer.documents.filter(kind="yd_smartbox_replacement").exists()


def test_yd_data_1_boxes_deactivated_more_than_14_days_after_cancellation(card_policy, users):
    day = START + timedelta(days=30)
    c = yd_policy_cancel(
        actor=users["agent"], policy=card_policy, today=day, data=CancelInput(cancel_on=day)
    )
    device = Device.objects.filter(policy=card_policy).first()
    assert yd_smartboxes_deactivate(as_of=c.cancel_on + timedelta(days=14)).startswith("0 ")
    assert yd_smartboxes_deactivate(as_of=c.cancel_on + timedelta(days=15)).startswith("1 ")
    device.refresh_from_db()
    assert device.state == DeviceState.DEACTIVATED
    assert DeviceState(device.state) not in SENDING_STATES  # ingest rejects it from now on
    assert yd_smartboxes_deactivate(as_of=c.cancel_on + timedelta(days=16)).startswith("0 ")


def test_yd_data_1_expired_policy_box_deactivated_but_renewed_box_kept(
    card_policy, dd_policy, users
):
    yd_renewals_invite(as_of=card_policy.end - timedelta(days=21))
    new = yd_policy_renew(
        actor=users["agent"],
        policy=card_policy,
        idempotency_key="ren-x",
        today=card_policy.end - timedelta(days=21),
    )
    after = dd_policy.end + timedelta(days=15)
    assert dd_policy.status == PolicyStatus.LIVE  # expired by date
    yd_smartboxes_deactivate(as_of=after)
    assert current_device(dd_policy) is None  # deactivated
    assert current_device(new) is not None  # the renewed policy's box keeps running


def test_tick_jobs_registered_for_young_driver_lifecycle():
    names = {name for name, _ in JOBS}
    assert {
        "young_driver.payments_settle",
        "young_driver.instalments_collect",
        "young_driver.renewals_invite",
        "young_driver.smartbox_faults",
        "young_driver.smartbox_deactivate",
    } <= names
