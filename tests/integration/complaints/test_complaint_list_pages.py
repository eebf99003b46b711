"""The complaints list is never silently cut (issue 12): pages of 25 with the total, the
filter kept in the page links, and the whole filtered list as CSV with spreadsheet
formulas neutralised. Tenant scope as everywhere (PLT-4)."""

from __future__ import annotations

from django.urls import reverse

from .conftest import at

MONDAY = at(2026, 3, 2, 10)


def test_plt_4_complaint_list_pages_with_a_total_and_exports_every_row(client, users, register):
    made = [
        register(received=MONDAY, description=f"Complaint number {i} about the renewal letter")
        for i in range(30)
    ]
    client.force_login(users["manager"])
    first = client.get(reverse("complaint-list"), {"show": "all"})
    body = first.content.decode()
    assert 'data-testid="list-total">30 in all' in body
    assert "Page 1 of 2" in body and "show=all&amp;page=2" in body
    assert sum(1 for c in made if c.reference in body) == 25
    second = client.get(reverse("complaint-list"), {"show": "all", "page": "2"}).content.decode()
    assert sum(1 for c in made if c.reference in second) == 5
    csv = client.get(reverse("complaint-list"), {"show": "all", "format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Reference,Received")
    assert all(c.reference in text for c in made) and len(text.splitlines()) == 31
