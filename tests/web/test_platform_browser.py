"""What a person clicks (PLT-5): sign in, accept the terms, reset a forgotten password."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from covernote.accounts.models import TermsAcceptance
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email, password=PASSWORD):
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_plt5_broker_signs_in_accepts_terms_and_lands_on_dashboard(page, users, terms, customers):
    sign_in(page, "broker@north.example")
    page.wait_for_url(re.compile(r"/terms/accept/"))
    assert page.get_by_text("version 1.0").first.is_visible()
    page.get_by_label(re.compile("I have read and accept")).check()
    page.get_by_role("button", name="Accept and continue").click()
    page.wait_for_url(re.compile(r"/broker/$"))
    assert page.get_by_role("heading", name="Broker dashboard").is_visible()
    assert page.get_by_text("Holloway").is_visible()
    assert page.get_by_text("MacLeod").count() == 0
    assert TermsAcceptance.objects.filter(user=users["broker_north"], terms=terms).exists()


def test_plt5_wrong_password_shows_a_clear_error(page, users):
    sign_in(page, "broker@north.example", "not-the-password")
    assert page.get_by_role("alert").get_by_text("do not match an account").is_visible()


def test_plt2_agent_opens_customer_and_sees_the_adjustment(page, users, customers):
    sign_in(page, "agent@coplus.example")
    page.wait_for_url(re.compile(r"/backoffice/$"))
    page.get_by_role("link", name=customers["north"].reference).click()
    banner = page.get_by_test_id("adjustments")
    assert banner.is_visible()
    assert "contact by written letter, not phone" in banner.inner_text()


def test_plt5_forgotten_password_full_flow(page, users, live_server):
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgotten your password?").click()
    page.get_by_label("Email address").fill("broker@north.example")
    page.get_by_role("button", name="Send the link").click()
    assert page.get_by_role("heading", name="Check your email").is_visible()
    link = re.search(r"https?://\S+/accounts/reset/\S+/", mail.outbox[-1].body).group(0)
    path = re.sub(r"^https?://[^/]+", "", link)
    page.goto(path)
    new = "a-fresh-password-42"
    page.get_by_label("New password", exact=True).fill(new)
    page.get_by_label("Confirm new password").fill(new)
    page.get_by_role("button", name="Change my password").click()
    assert page.get_by_role("heading", name="Your password has been changed").is_visible()
    page.goto(path)
    assert page.get_by_role("heading", name="This link no longer works").is_visible()
    sign_in(page, "broker@north.example", new)
    page.wait_for_url(re.compile(r"/(terms/accept|broker)/"))


def test_login_page_works_on_a_phone(phone_page, users):
    phone_page.goto("/accounts/login/")
    button = phone_page.get_by_role("button", name="Sign in")
    box = button.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
