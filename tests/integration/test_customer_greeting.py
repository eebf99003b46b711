"""Issue 13 (PLT-1, PLT-7): the customer's chosen greeting and locality are recorded
through the one customer service; a bad choice is refused naming the field."""

from __future__ import annotations

from datetime import date

import pytest

from covernote.domain.errors import DomainError
from covernote.parties.services import customer_create

pytestmark = pytest.mark.django_db

DANIEL = {
    "title": "Mr",
    "first_name": "Daniel",
    "last_name": "Okafor",
    "date_of_birth": date(1988, 9, 3),
    "address_line1": "7 Mill Lane",
    "locality": "Horbury",
    "town": "Wakefield",
    "postcode": "WF4 5AA",
    "email": "daniel@example.com",
}


def test_plt_7_default_greeting_is_title_and_surname(users):
    daniel = customer_create(actor=users["agent"], data=DANIEL)
    assert daniel.salutation == "Dear Mr Okafor"
    assert daniel.postal_address == (
        "Mr Daniel Okafor",
        "7 Mill Lane",
        "Horbury",
        "WAKEFIELD",
        "WF4 5AA",
    )


def test_plt_7_first_name_greeting_when_the_customer_asked(users):
    daniel = customer_create(
        actor=users["agent"], data={**DANIEL, "salutation_style": "first_name"}
    )
    assert daniel.salutation == "Dear Daniel"


def test_plt_1_an_unknown_greeting_is_refused_naming_the_field(users):
    with pytest.raises(DomainError) as err:
        customer_create(actor=users["agent"], data={**DANIEL, "salutation_style": "sir"})
    assert err.value.field == "salutation_style"
