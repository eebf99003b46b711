"""The work queue on a phone (issue 12): a manager filters to overdue complaints and
assigns one to an agent; the agent finds it under My work and closes it with a reason."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from covernote.work.models import WorkItem, WorkStatus
from tests.integration.complaints.conftest import (  # noqa: F401 (fixtures)
    complaints_procedures,
    register,
)
from tests.web.test_platform_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_work_manager_assigns_overdue_complaint_and_agent_closes_it_on_a_phone(
    phone_page,
    users,
    register,  # noqa: F811
):
    from covernote.complaints.services import complaint_clocks_check

    complaint = register("harbour", received=timezone.now() - timedelta(days=10))
    complaint_clocks_check(as_of=timezone.localdate())
    page = phone_page
    page.set_default_timeout(60000)  # a slow shared machine

    sign_in(page, "manager@coplus.example")
    page.wait_for_url(re.compile(r"/backoffice/$"))
    page.goto("/backoffice/work/")
    assert page.get_by_test_id("work-counts").is_visible()
    no_sideways_scroll(page)
    page.get_by_label("Type", exact=True).select_option("complaint")
    page.get_by_label("Due", exact=True).select_option("overdue")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"due=overdue"))
    item = page.get_by_test_id("work-item").filter(has_text=complaint.reference).first
    assert item.get_by_text("Overdue").is_visible()  # said in words, not colour alone
    no_sideways_scroll(page)
    item.get_by_label("Assign to").select_option(label="Agent (Contact-centre agent)")
    item.get_by_role("button", name="Assign").click()
    assert page.get_by_role("status").get_by_text("is now with Agent").is_visible()
    assigned = WorkItem.objects.get(owner=users["agent"])
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "agent@coplus.example")
    page.wait_for_url(re.compile(r"/backoffice/$"))
    page.get_by_role("link", name="Work queue").click()
    page.wait_for_url(re.compile(r"/backoffice/work/$"))
    # an agent opens on My work
    assert page.get_by_label("Owner", exact=True).input_value() == "mine"
    mine = page.get_by_test_id("work-item")
    assert mine.count() == 1 and complaint.reference in mine.inner_text()
    no_sideways_scroll(page)
    mine.get_by_label("Reason for closing").fill("Phoned the complainant and gave an update")
    mine.get_by_role("button", name="Close item").click()
    assert page.get_by_role("status").get_by_text("Closed").is_visible()
    assigned.refresh_from_db()
    assert assigned.status == WorkStatus.CLOSED and assigned.closed_by == users["agent"]
    assert "Nothing here" in page.get_by_test_id("work-list").inner_text()
