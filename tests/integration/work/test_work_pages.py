"""The work queue pages: staff only, filters, actions with messages, CSV download."""

from __future__ import annotations

import pytest
from django.test import Client

from covernote.work.models import WorkItem, WorkStatus

pytestmark = pytest.mark.django_db


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def test_broker_and_customer_cannot_open_the_inbox(users, overdue_complaints):
    for who in ("broker_north", "customer"):
        r = client_for(users[who]).get("/backoffice/work/")
        assert r.status_code == 404
        assert client_for(users[who]).get("/backoffice/work/export.csv").status_code == 404


def test_manager_inbox_syncs_and_lists_overdue_complaints_with_text_badges(
    users, overdue_complaints
):
    r = client_for(users["manager"]).get("/backoffice/work/?due=overdue&type=complaint")
    assert r.status_code == 200
    html = r.content.decode()
    assert WorkItem.objects.filter(source_kind="complaint_task").exists()
    assert "Overdue" in html and 'class="sla"' in html
    assert f"/backoffice/complaints/{overdue_complaints['north'].pk}/" in html
    assert "Assign to" in html  # a manager leads the contact centre


def test_agent_takes_an_item_and_a_second_take_is_told_who_won(
    users, overdue_complaints, second_agent
):
    client_for(users["manager"]).get("/backoffice/work/")
    item = WorkItem.objects.filter(source_kind="complaint_task").first()
    url = f"/backoffice/work/{item.pk}/claim/"
    r = client_for(users["agent"]).post(
        url, {"version": item.version, "next": "/backoffice/work/"}, follow=True
    )
    assert "You have taken" in r.content.decode()
    r = client_for(second_agent).post(url, {"version": item.version}, follow=True)
    assert "Someone else got there first" in r.content.decode()
    item.refresh_from_db()
    assert item.owner == users["agent"]


def test_close_without_reason_is_refused_on_the_page(users, overdue_complaints):
    client_for(users["manager"]).get("/backoffice/work/")
    item = WorkItem.objects.filter(source_kind="complaint_task").first()
    r = client_for(users["manager"]).post(
        f"/backoffice/work/{item.pk}/close/", {"reason": "ok"}, follow=True
    )
    assert "at least 3 words" in r.content.decode()
    item.refresh_from_db()
    assert item.status == WorkStatus.OPEN


def test_csv_export_neutralises_formulas(users, overdue_complaints):
    client_for(users["manager"]).get("/backoffice/work/")
    item = WorkItem.objects.filter(source_kind="complaint_task").first()
    WorkItem.objects.filter(pk=item.pk).update(title="@SUM(1+1)")
    r = client_for(users["manager"]).get("/backoffice/work/export.csv?owner=anyone&team=")
    assert r["Content-Type"].startswith("text/csv")
    body = r.content.decode()
    assert "'@SUM(1+1)" in body and "\n@SUM" not in body


def test_overdue_card_tag_renders_for_staff_only(users, overdue_complaints, rf):
    from django.template import Context, Template

    client_for(users["manager"]).get("/backoffice/work/")
    tpl = Template("{% load work_tags %}{% work_overdue_card %}")
    request = rf.get("/")
    request.user = users["manager"]
    assert "overdue" in tpl.render(Context({"request": request}))
    request.user = users["broker_north"]
    assert "Work queue" not in tpl.render(Context({"request": request}))
