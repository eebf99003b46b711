"""One work queue (issue 12): the projection over the task sources, and what people do."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from covernote.audit.models import AuditRecord
from covernote.complaints.models import ComplaintTask
from covernote.domain.errors import DomainError, ErrorCode
from covernote.work.models import WorkItem, WorkStatus
from covernote.work.selectors import WorkFilters, csv_safe, work_csv, work_list_for
from covernote.work.services import (
    DONE_AT_SOURCE,
    work_item_assign,
    work_item_claim,
    work_item_close,
    work_sync,
)

pytestmark = pytest.mark.django_db


def complaint_items():
    return WorkItem.objects.filter(source_kind="complaint_task").order_by("id")


# --- sync ---------------------------------------------------------------------------


def test_work_sync_twice_gives_the_same_items(overdue_complaints):
    first = work_sync()
    assert first.created == ComplaintTask.objects.count() >= 2
    snapshot = list(complaint_items().values_list("id", "source_id", "version", "due_at"))
    again = work_sync()
    assert (again.created, again.updated, again.closed, again.reopened) == (0, 0, 0, 0)
    assert list(complaint_items().values_list("id", "source_id", "version", "due_at")) == snapshot


def test_work_item_closes_when_its_complaint_is_withdrawn(overdue_complaints, users):
    from covernote.complaints.services import complaint_withdraw

    work_sync()
    complaint_withdraw(actor=users["agent"], complaint=overdue_complaints["north"])
    result = work_sync()
    assert result.closed >= 1
    gone = complaint_items().filter(
        source_id__in=[
            str(t.pk) for t in ComplaintTask.objects.filter(complaint=overdue_complaints["north"])
        ]
    )
    assert gone and all(w.status == WorkStatus.CLOSED for w in gone)
    assert all(w.closed_reason == DONE_AT_SOURCE and w.closed_by is None for w in gone)
    assert AuditRecord.objects.filter(action="work.close", actor_label="system").exists()
    still = complaint_items().filter(status=WorkStatus.OPEN)
    assert still.exists()  # the other complaint's tasks stay open


def test_complaint_stage1_goes_to_contact_centre_and_stage2_to_qa(overdue_complaints):
    task = ComplaintTask.objects.filter(complaint=overdue_complaints["harbour"]).first()
    ComplaintTask.objects.create(
        complaint=overdue_complaints["harbour"],
        clock="qa_acknowledgement",
        level="due",
        action="phone",
        assigned_role="qa",
        due_at=timezone.now() + timedelta(hours=5),
        note="QA to acknowledge",
    )
    work_sync()
    stage1 = WorkItem.objects.get(source_kind="complaint_task", source_id=str(task.pk))
    assert (stage1.team, stage1.type) == ("contact_centre", "complaint")
    assert stage1.priority == (1 if task.level == "breached" else 2)
    qa = WorkItem.objects.get(source_kind="complaint_task", title__contains="qa acknowledgement")
    assert qa.team == "qa"


def test_gap_claim_moves_through_stages_and_back(sold_policy, users):
    from covernote.gap.inputs.claims import ClaimRegistration
    from covernote.gap.models import GapClaim
    from covernote.gap.services import gap_claim_register

    claim = gap_claim_register(
        actor=users["claims"],
        policy=sold_policy,
        data=ClaimRegistration(event_at=timezone.now() - timedelta(days=1)),
    )
    work_sync()
    assess = WorkItem.objects.get(source_kind="gap_claim", source_id=f"{claim.pk}:assess")
    assert (assess.team, assess.product, assess.link_kind) == ("claims", "gap", "gap_claim")
    GapClaim.objects.filter(pk=claim.pk).update(status="assessed")  # the claim's own workflow
    work_sync()
    assess.refresh_from_db()
    assert assess.status == WorkStatus.CLOSED
    assert WorkItem.objects.get(source_id=f"{claim.pk}:decide").status == WorkStatus.OPEN
    GapClaim.objects.filter(pk=claim.pk).update(status="documents_outstanding")
    result = work_sync()
    assess.refresh_from_db()
    assert result.reopened == 1 and assess.status == WorkStatus.OPEN
    assert WorkItem.objects.get(source_id=f"{claim.pk}:decide").status == WorkStatus.CLOSED


def test_young_driver_sources_go_to_operations_and_close_with_their_source(dd_policy, users):
    from covernote.telematics.models import AlertAction, CaseKind, DeviceCase, DrivingAlert
    from covernote.young_driver.inputs import PhotoReviewInput, PhotoUploadInput
    from covernote.young_driver.models import InstallTask
    from covernote.young_driver.services import (
        yd_cancellation_notice_issue,
        yd_install_photo_review,
        yd_install_photo_upload,
    )
    from tests.integration.young_driver.conftest import png_bytes

    task = InstallTask.objects.get(policy=dd_policy)
    photo = yd_install_photo_upload(
        actor=users["customer"],
        task=task,
        data=PhotoUploadInput(filename="box.png", content=png_bytes()),
    )
    device = task.device
    case = DeviceCase.objects.create(device=device, policy=dd_policy, kind=CaseKind.TAMPER)
    alert = DrivingAlert.objects.create(
        policy=dd_policy,
        kind="significant",
        action=AlertAction.NOTICE_PROPOSED,
        rule="YD-SPEED-2",
        at=timezone.now(),
        alerts_before=0,
        evidence={},
    )
    work_sync()
    items = {w.source_kind: w for w in WorkItem.objects.all()}
    assert {items[k].team for k in ("install_photo", "device_case", "yd_notice")} == {"operations"}
    assert items["device_case"].priority == 1  # tamper
    assert items["yd_notice"].link_kind == "yd_driving"
    assert items["yd_notice"].source_id == str(alert.pk)

    yd_install_photo_review(actor=users["admin"], photo=photo, data=PhotoReviewInput())
    yd_cancellation_notice_issue(actor=users["admin"], policy=dd_policy, rule="YD-SPEED-2")
    DeviceCase.objects.filter(pk=case.pk).update(closed_at=timezone.now(), outcome="No tamper")
    work_sync()
    assert set(WorkItem.objects.values_list("status", flat=True)) == {WorkStatus.CLOSED}


def test_dead_letters_are_raised_when_the_outbox_has_a_dead_letter_status(monkeypatch):
    from covernote.work import sources

    monkeypatch.setattr(sources, "dead_letter_status", lambda: None)
    assert list(sources.dead_letters()) == []  # skipped gracefully on a build without it


# --- claim, assign, close -------------------------------------------------------------


def test_two_people_claim_at_once_one_wins(overdue_complaints, users, second_agent):
    work_sync()
    item = complaint_items().first()
    seen = item.version
    won = work_item_claim(actor=users["agent"], item_id=item.pk, version=seen)
    assert won.owner == users["agent"]
    with pytest.raises(DomainError) as exc:
        work_item_claim(actor=second_agent, item_id=item.pk, version=seen)
    assert exc.value.code == ErrorCode.CONFLICT
    assert "Agent" in exc.value.message and "first" in exc.value.message
    item.refresh_from_db()
    assert item.owner == users["agent"]
    assert AuditRecord.objects.filter(action="work.claim", object_id=str(item.pk)).count() == 1


def test_stale_version_on_assign_is_refused(overdue_complaints, users):
    work_sync()
    item = complaint_items().first()
    work_item_claim(actor=users["agent"], item_id=item.pk, version=item.version)
    with pytest.raises(DomainError) as exc:
        work_item_assign(
            actor=users["manager"], item_id=item.pk, assignee=None, version=item.version
        )
    assert exc.value.code == ErrorCode.CONFLICT


@pytest.mark.parametrize("reason", ["", "done", "ok fine"])
def test_closing_needs_a_reason_of_a_few_words(overdue_complaints, users, reason):
    work_sync()
    item = complaint_items().first()
    with pytest.raises(DomainError) as exc:
        work_item_close(actor=users["manager"], item_id=item.pk, reason=reason)
    assert exc.value.code == ErrorCode.REQUIRED and exc.value.field == "reason"


def test_agent_closes_own_complaint_contact_with_reason(overdue_complaints, users):
    work_sync()
    item = complaint_items().first()
    work_item_assign(actor=users["manager"], item_id=item.pk, assignee=users["agent"])
    done = work_item_close(
        actor=users["agent"], item_id=item.pk, reason="Wrote to the complainant with an update"
    )
    assert done.status == WorkStatus.CLOSED and done.closed_by == users["agent"]
    assert not done.closed_with_source_open  # the contact is the work (work_done_here)
    work_sync()
    done.refresh_from_db()
    assert done.status == WorkStatus.CLOSED  # a person's close is never undone by the sync


def test_agent_cannot_assign_and_manager_cannot_give_to_qa(overdue_complaints, users):
    work_sync()
    item = complaint_items().first()
    with pytest.raises(DomainError) as exc:
        work_item_assign(actor=users["agent"], item_id=item.pk, assignee=users["qa"])
    assert exc.value.code == ErrorCode.PERMISSION_DENIED
    with pytest.raises(DomainError) as exc:
        work_item_assign(actor=users["manager"], item_id=item.pk, assignee=users["qa"])
    assert exc.value.code == ErrorCode.PERMISSION_DENIED and "not on the" in exc.value.message
    with pytest.raises(DomainError):
        work_item_claim(actor=users["claims"], item_id=item.pk)  # not on the team


def test_only_a_manager_closes_an_item_whose_source_is_still_open(sold_policy, users):
    from covernote.gap.inputs.claims import ClaimRegistration
    from covernote.gap.services import gap_claim_register

    gap_claim_register(
        actor=users["claims"],
        policy=sold_policy,
        data=ClaimRegistration(event_at=timezone.now() - timedelta(days=1)),
    )
    work_sync()
    item = WorkItem.objects.get(source_kind="gap_claim")
    with pytest.raises(DomainError) as exc:
        work_item_close(actor=users["claims"], item_id=item.pk, reason="Dealt with it on the phone")
    assert exc.value.code == ErrorCode.CONFLICT
    done = work_item_close(
        actor=users["manager"], item_id=item.pk, reason="Duplicate of a claim handled elsewhere"
    )
    assert done.closed_with_source_open
    assert AuditRecord.objects.filter(action="work.close_override", object_id=str(item.pk)).exists()


def test_brokers_and_customers_cannot_see_the_queue(overdue_complaints, users):
    work_sync()
    for who in ("broker_north", "customer"):
        with pytest.raises(DomainError) as exc:
            work_list_for(users[who], WorkFilters())
        assert exc.value.code == ErrorCode.PERMISSION_DENIED


def test_filters_mine_and_overdue(overdue_complaints, users):
    work_sync()
    item = complaint_items().first()
    work_item_assign(actor=users["manager"], item_id=item.pk, assignee=users["agent"])
    mine = work_list_for(users["agent"], WorkFilters.parse({}, actor=users["agent"]))
    assert list(mine) == [item]  # an agent opens on "My work"
    overdue = work_list_for(users["manager"], WorkFilters(due="overdue", type="complaint"))
    assert overdue.count() >= 1 and all(w.due_at < timezone.now() for w in overdue)
    unassigned = work_list_for(users["manager"], WorkFilters(owner="unassigned"))
    assert item not in list(unassigned)


# --- CSV ------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ['=HYPERLINK("x")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_csv_cells_that_would_be_formulas_get_a_quote(bad):
    assert csv_safe(bad) == "'" + bad
    assert csv_safe("Plain text") == "Plain text"


def test_work_csv_neutralises_a_title(overdue_complaints):
    work_sync()
    item = complaint_items().first()
    WorkItem.objects.filter(pk=item.pk).update(title='=cmd|" /C calc"!A0')
    rows = list(csv.reader(io.StringIO(work_csv(WorkItem.objects.all()))))
    assert rows[0][0] == "id"
    titles = [r[2] for r in rows[1:]]
    assert '\'=cmd|" /C calc"!A0' in titles


def test_tick_job_runs_the_sync(overdue_complaints):
    from covernote.cli.jobs import JOBS

    job = dict(JOBS)["work.sync"]
    assert "work items raised" in job(timezone.localdate())
    assert complaint_items().exists()


@pytest.mark.parametrize(
    ("change", "key", "reason"),
    [
        (
            ("priority = 2\ndue_hours = 120", "priority = 7\ndue_hours = 120"),
            "routes.gap_claim.assess.priority",
            "must be at most 3",
        ),
        (
            (
                'team = "claims"\npriority = 2\ndue_hours = 120',
                'team = "nobody"\npriority = 2\ndue_hours = 120',
            ),
            "routes.gap_claim.assess.team",
            "no team 'nobody'",
        ),
        (
            ("reason_min_words = 3", 'reason_min_words = "3"'),
            "close.reason_min_words",
            "must be an integer",
        ),
        (
            ("[types.gap_claim]", '[types.gap_claim]\ncolour = "red"'),
            "types.gap_claim.colour",
            "is not a known key",
        ),
    ],
)
def test_plt_config_a_broken_routing_table_names_the_file_the_key_and_the_reason(
    change, key, reason
):
    """The work queue's routing table is read by a pydantic model like the product files
    (PLT-CONFIG, ADR 0025): one error naming routing.toml, the dotted key and the reason."""
    from covernote.domain.errors import DomainError
    from covernote.work.routing import ROUTING_FILE, parse_routing

    text = ROUTING_FILE.read_text(encoding="utf-8")
    old, new = change
    assert old in text
    with pytest.raises(DomainError) as err:
        parse_routing(text.replace(old, new, 1), "routing.toml")
    message = err.value.message
    assert message.startswith("routing.toml: ") and key in message and reason in message
    assert message.count("routing.toml") == 1


def test_plt_config_the_shipped_routing_table_loads():
    from covernote.work.routing import ROUTING_FILE, parse_routing

    table = parse_routing(ROUTING_FILE.read_text(encoding="utf-8"))
    assert table.route("gap_claim.assess").team == "claims" and table.teams_of("qa") == ["qa"]
