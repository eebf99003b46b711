"""A rejected Smartbox photo tells the customer why, in plain English (YD-BOX-INSTALL, ADR 0026)."""

from __future__ import annotations

import pytest
from django.test import Client

from covernote.domain.errors import DomainError
from covernote.domain.young_driver.smartbox import PHOTO_REJECTION_REASONS
from covernote.young_driver.inputs import PhotoReviewInput, PhotoUploadInput
from covernote.young_driver.models import InstallTaskStatus
from covernote.young_driver.services import yd_install_photo_review, yd_install_photo_upload
from tests.integration.young_driver.conftest import png_bytes

pytestmark = pytest.mark.django_db


def test_yd_box_install_a_rejection_needs_a_reason_from_the_list():
    for bad in ({}, {"reason": "nope"}, {"reason": "other", "note": "bad"}):
        with pytest.raises(DomainError) as err:
            PhotoReviewInput(approve=False, **bad)
        assert err.value.rule == "YD-BOX-INSTALL"
        assert err.value.field in ("reason", "note")
    assert PhotoReviewInput(approve=False, reason="blurred").reason == "blurred"
    assert PhotoReviewInput(approve=True).reason == ""


def test_yd_box_install_the_customer_sees_why_the_photo_was_rejected(dd_policy, users):
    task = dd_policy.install_tasks.get()
    photo = yd_install_photo_upload(
        actor=users["customer"],
        task=task,
        data=PhotoUploadInput(filename="a.png", content=png_bytes()),
    )
    yd_install_photo_review(
        actor=users["agent"],
        photo=photo,
        data=PhotoReviewInput(approve=False, reason="wrong_position", note="It is on the seat"),
    )
    photo.refresh_from_db()
    task.refresh_from_db()
    assert task.status == InstallTaskStatus.OPEN and photo.reject_reason == "wrong_position"
    expected = PHOTO_REJECTION_REASONS["wrong_position"] + " It is on the seat."
    assert photo.customer_message == expected
    client = Client()
    client.force_login(users["customer"])
    html = client.get(f"/app/young-driver/policies/{dd_policy.pk}/").content.decode()
    assert expected.replace("'", "&#x27;") in html
    assert "YD-BOX" not in html.split('data-testid="photo-rejection"')[1][:400]
