"""Issue 12 in a real browser on a phone: create a customer, find them by partial postcode,
and no new page scrolls sideways at 390 px."""

from __future__ import annotations

import re

import pytest

from covernote.accounts.models import TermsAcceptance
from covernote.parties.models import Customer
from tests.web.test_platform_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(phone_page):
    """The phone-sized page, patient: the shared test machine can be slow to answer."""
    phone_page.set_default_timeout(60000)
    phone_page.set_default_navigation_timeout(60000)
    return phone_page


def no_sideways_scroll(page):
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_broker_creates_a_customer_on_a_phone_and_finds_them_by_partial_postcode(
    phone, users, terms, customers
):
    page = phone
    TermsAcceptance.objects.create(user=users["broker_north"], terms=terms)
    sign_in(page, "broker@north.example")
    page.wait_for_url(re.compile(r"/broker/$"))
    assert no_sideways_scroll(page)
    page.get_by_role("link", name="New customer").click()
    page.wait_for_url(re.compile(r"/customers/new/$"))
    assert no_sideways_scroll(page)
    page.get_by_label("First name").fill("Priya")
    page.get_by_label("Last name").fill("Shah")
    page.get_by_label("Date of birth").fill("1988-05-04")
    page.get_by_label("Address line 1").fill("7 Cardigan Road")
    page.get_by_label("Post town").fill("Leeds")
    page.get_by_label("Postcode").fill("ls6 33")  # not a postcode: the error names it
    page.get_by_label("Phone number").fill("0113 496 0777")
    page.get_by_role("button", name="Create customer").click()
    assert page.get_by_text("Enter a full UK postcode, like LS6 2AB.").is_visible()
    assert no_sideways_scroll(page)
    page.get_by_label("Postcode").fill("ls63hn")
    page.get_by_role("button", name="Create customer").click()
    page.wait_for_url(re.compile(r"/broker/customers/\d+/$"))
    customer = Customer.objects.get(last_name="Shah")
    assert customer.firm_id == users["broker_north"].firm_id
    assert page.get_by_role("heading", name=re.compile("Priya Shah")).is_visible()
    assert page.get_by_text("0113 496 0777").is_visible()
    assert no_sideways_scroll(page)

    search = page.get_by_role("searchbox", name=re.compile("Search customers, policies"))
    search.fill("LS6")
    search.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=LS6"))
    results = page.get_by_test_id("results-customers")
    assert results.get_by_role("link", name=customer.reference).is_visible()
    assert results.get_by_text("Holloway").is_visible()  # the same district, same firm
    assert no_sideways_scroll(page)
    results.get_by_role("link", name=customer.reference).click()
    page.wait_for_url(re.compile(rf"/broker/customers/{customer.pk}/$"))


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("agent@coplus.example", "/backoffice/"),
        ("agent@coplus.example", "/customers/new/"),
        ("agent@coplus.example", "/search/?q=Holloway"),
        ("agent@coplus.example", "/backoffice/customers/{north}/"),
        ("agent@coplus.example", "/customers/{north}/edit/"),
        ("jamie@example.com", "/app/"),
    ],
)
def test_new_pages_do_not_scroll_sideways_at_390px(phone, users, customers, who, path):
    sign_in(phone, who)
    phone.wait_for_url(re.compile(r"/(backoffice|app)/$"))
    phone.goto(path.format(north=customers["north"].pk))
    assert phone.locator("h1").first.is_visible()
    assert no_sideways_scroll(phone), phone.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
