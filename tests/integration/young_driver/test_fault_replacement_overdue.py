"""YD-BOX-FAULT: a free replacement box's install task is reminded, never escalated to a notice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from covernote.products.selectors import params_of
from covernote.telematics.models import LastPosition
from covernote.telematics.smartbox_faults import smartboxes_fault_replace
from covernote.young_driver.inputs import PhotoReviewInput, PhotoUploadInput
from covernote.young_driver.models import InstallTaskStatus, PolicyStatus
from covernote.young_driver.services import (
    current_device,
    yd_install_photo_review,
    yd_install_photo_upload,
    yd_install_tasks_chase,
)
from tests.integration.young_driver.conftest import START, png_bytes

pytestmark = pytest.mark.django_db


def test_yd_box_fault_replacement_reminded_but_never_noticed_or_cancelled(dd_policy, users):
    task = dd_policy.install_tasks.get()
    photo = yd_install_photo_upload(
        actor=users["customer"],
        task=task,
        data=PhotoUploadInput(filename="b.png", content=png_bytes()),
    )
    yd_install_photo_review(actor=users["agent"], photo=photo, data=PhotoReviewInput(), today=START)
    last = START + timedelta(days=10)
    LastPosition.objects.create(
        device=current_device(dd_policy),
        ts=datetime(last.year, last.month, last.day, 12, tzinfo=UTC),
        lat=51.5,
        lon=-0.1,
        speed_kmh=0,
    )
    params = params_of(dd_policy.config)
    smartboxes_fault_replace(as_of=last + timedelta(days=params.periods.fault_no_data_days))
    replacement = dd_policy.install_tasks.get(status=InstallTaskStatus.OPEN)
    assert replacement.reason == "fault_replacement"

    assert yd_install_tasks_chase(as_of=replacement.deadline + timedelta(days=1)).startswith(
        "1 reminders"
    )
    would_notice = replacement.deadline + timedelta(days=8)
    out = yd_install_tasks_chase(as_of=would_notice)
    assert "0 notices" in out and "1 free replacements reminded" in out
    assert "0 free replacements" in yd_install_tasks_chase(as_of=would_notice)  # idempotent
    assert "0 cancelled" in yd_install_tasks_chase(as_of=would_notice + timedelta(days=30))

    dd_policy.refresh_from_db()
    replacement.refresh_from_db()
    assert dd_policy.status == PolicyStatus.LIVE and dd_policy.notice_cancel_on is None
    assert replacement.notice_sent_on is None and replacement.final_reminder_sent_on == would_notice
    docs = dd_policy.customer.documents
    assert not docs.filter(kind="yd_cancellation_notice").exists()
    assert docs.filter(title="Please fit your replacement Smartbox").count() == 1
    assert not dd_policy.versions.filter(kind="notice_of_cancellation").exists()


def test_yd_box_install_new_business_task_is_still_escalated(dd_policy):
    task = dd_policy.install_tasks.get()
    yd_install_tasks_chase(as_of=task.deadline + timedelta(days=1))
    assert "1 notices" in yd_install_tasks_chase(as_of=task.deadline + timedelta(days=8))
    dd_policy.refresh_from_db()
    assert dd_policy.status == PolicyStatus.NOTICE
