"""GAP-VALUE-1: the fair-value report is in the menu of the roles that may open it."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "shown"),
    [("manager", True), ("qa", True), ("admin", True), ("agent", False), ("broker_north", False)],
)
def test_gap_value_1_fair_value_report_is_in_the_staff_menu(client, users, terms, who, shown):
    from covernote.accounts.services import terms_accept

    terms_accept(user=users[who], terms=terms, ip_address=None)
    client.force_login(users[who])
    page = client.get("/", follow=True).content.decode()
    link = f'<a href="{reverse("gap-value")}">GAP fair value</a>'
    assert (link in page) is shown
    status = client.get(reverse("gap-value")).status_code
    assert (status == 200) is shown
