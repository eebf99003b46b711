"""PLT-4 roles and PLT-5 broker platform access: sign-in, terms, throttling, password reset."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from covernote.accounts.models import TermsAcceptance, TermsOfService
from covernote.audit.models import AuditRecord
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, email, password=PASSWORD):
    return client.post(reverse("login"), {"username": email, "password": password})


def test_plt5_login_page_shows_phone_forgotten_password_and_terms(client, firms):
    page = client.get(reverse("login")).content.decode()
    assert "Forgotten your password?" in page
    assert "Terms of Service" in page
    assert 'data-testid="firm-phone"' in page


def test_plt5_wrong_password_is_refused_with_a_clear_message(client, users):
    response = login(client, "broker@north.example", "wrong-password")
    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_plt5_broker_must_accept_terms_before_first_use(client, users, terms):
    login(client, "broker@north.example")
    response = client.get(reverse("broker-dashboard"))
    assert response.status_code == 302 and response.url.startswith("/terms/accept/")
    client.post(reverse("terms-accept"), {"accept": "yes", "next": "/broker/"})
    acceptance = TermsAcceptance.objects.get(user=users["broker_north"])
    assert acceptance.terms == terms and acceptance.accepted_at is not None
    assert AuditRecord.objects.filter(action="terms.accept").count() == 1
    assert client.get(reverse("broker-dashboard")).status_code == 200


def test_plt5_terms_are_asked_again_when_a_new_version_is_published(client, users, terms):
    login(client, "broker@north.example")
    client.post(reverse("terms-accept"), {"accept": "yes"})
    assert client.get(reverse("broker-dashboard")).status_code == 200
    TermsOfService.objects.create(version="2.0", body="New terms.")
    response = client.get(reverse("broker-dashboard"))
    assert response.status_code == 302 and "/terms/accept/" in response.url


def test_plt5_terms_not_accepted_without_the_tick(client, users, terms):
    login(client, "broker@north.example")
    response = client.post(reverse("terms-accept"), {"next": "/broker/"})
    assert response.status_code == 200
    assert not TermsAcceptance.objects.exists()


def test_plt5_failed_logins_are_throttled(client, users):
    for _ in range(5):
        login(client, "broker@north.example", "nope-nope-nope")
    locked = login(client, "broker@north.example")  # even the right password is refused now
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def _reset_link() -> str:
    body = mail.outbox[-1].body
    match = re.search(r"https?://[^/]+(/accounts/reset/\S+/)", body)
    assert match, body
    return match.group(1)


def test_plt5_password_reset_link_is_single_use(client, users):
    client.post(reverse("password_reset"), {"email": "broker@north.example"})
    assert len(mail.outbox) == 1
    link = _reset_link()
    form = client.get(link, follow=True)
    assert form.status_code == 200
    set_url = form.redirect_chain[-1][0]
    new = "a-brand-new-secret-77"
    done = client.post(set_url, {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    users["broker_north"].refresh_from_db()
    assert users["broker_north"].check_password(new)
    again = client.get(link, follow=True)
    assert "This link no longer works" in again.content.decode()


def test_plt5_password_reset_link_expires_after_an_hour(client, users):
    from datetime import UTC, datetime, timedelta

    import time_machine

    client.post(reverse("password_reset"), {"email": "broker@north.example"})
    link = _reset_link()
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=1, minutes=5)):
        response = client.get(link, follow=True)
    assert "This link no longer works" in response.content.decode()


def test_plt5_unknown_email_does_not_reveal_whether_an_account_exists(client, users):
    known = client.post(reverse("password_reset"), {"email": "broker@north.example"})
    unknown = client.post(reverse("password_reset"), {"email": "nobody@nowhere.example"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    assert len(mail.outbox) == 1


def test_plt4_home_sends_each_role_to_its_own_area(client, users, terms):
    expected = {
        "broker@north.example": "/terms/accept/",
        "agent@coplus.example": "/backoffice/",
        "jamie@example.com": "/app/",
    }
    for email, target in expected.items():
        client.logout()
        login(client, email)
        response = client.get("/", follow=True)
        assert response.redirect_chain[-1][0].startswith(target), email
