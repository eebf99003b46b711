"""Issue 11: each tick job runs on its own; staff edits of the outbox are audited."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command

from covernote.audit.models import AuditRecord
from covernote.cli import jobs

pytestmark = pytest.mark.django_db


def test_a_failing_tick_job_never_stops_the_others_and_the_exit_code_says_so(monkeypatch, capsys):
    ran = []

    def boom(as_of: date) -> str:
        raise RuntimeError("disk on fire")

    def fine(as_of: date) -> str:
        ran.append(as_of)
        return "all good"

    monkeypatch.setattr(jobs, "JOBS", [("a.boom", boom), ("b.fine", fine)])
    monkeypatch.setattr("covernote.cli.management.commands.tick.JOBS", jobs.JOBS)
    with pytest.raises(SystemExit) as exit_info:
        call_command("tick", "--as-of", "2026-12-01")
    assert exit_info.value.code == 1
    assert ran == [date(2026, 12, 1)]
    out = capsys.readouterr()
    assert "a.boom" in out.out and "FAILED RuntimeError: disk on fire" in out.out
    assert "b.fine" in out.out and "all good" in out.out
    assert "1 of 2 jobs failed: a.boom" in out.err


def test_frequent_tick_runs_outbox_retries_clocks_and_the_heartbeat(capsys):
    call_command("tick", "--frequent", "--as-of", "2026-12-01")
    out = capsys.readouterr().out
    for name in ("documents.retry_outbox", "complaints.clock_check", "observability.heartbeat"):
        assert name in out


def test_an_outbox_edit_in_the_admin_is_audited(
    client, users, customers, django_capture_on_commit_callbacks
):
    from covernote.documents.services import document_issue

    with django_capture_on_commit_callbacks(execute=False):
        doc = document_issue(
            actor=users["agent"],
            customer=customers["own"],
            kind="notice",
            title="Notice",
            template="documents/notice.html",
            context={"paragraphs": ["x"], "rows": []},
        )
    message = doc.messages.get()
    client.force_login(users["admin"])
    response = client.post(
        f"/admin/documents/outboxmessage/{message.pk}/change/",
        {
            "address": "new@example.com",
            "status": "queued",
            "next_attempt_at_0": "",
            "next_attempt_at_1": "",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    record = AuditRecord.objects.get(action="outbox.admin_edit")
    assert record.actor_label == users["admin"].email
    assert record.before["address"] == "jamie@example.com"
    assert record.after["address"] == "new@example.com"
