"""The permissions table (PLT-4, COMP-3, GAP-CLAIM-4; ADR 0026): one place, cited, documented."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from covernote.accounts.models import Role
from covernote.accounts.permissions import PERMISSIONS, Action, Allowed, can, require
from covernote.complaints.inputs import Escalation, FinalResponse, SummaryResolution
from covernote.complaints.services import (
    complaint_escalate,
    complaint_resolve_summary,
    complaint_respond_final,
)
from covernote.domain.errors import DomainError
from tests.integration.complaints.conftest import at

ROOT = Path(__file__).resolve().parents[3]
RULE = re.compile(r"^(?:GAP|YD|PLT|COMP)-[A-Z0-9-]+$")
MONDAY = at(2026, 3, 2, 10)
THURSDAY = at(2026, 3, 5, 10)
REASONS = "We found that the renewal letter was sent on time to your address."


def test_plt4_every_action_has_a_row_citing_a_rule_and_a_role():
    assert set(PERMISSIONS) == set(Action)
    for action, p in PERMISSIONS.items():
        assert p.action is action
        assert p.roles, action
        assert RULE.match(p.rule), (action, p.rule)


def test_plt4_docs_permissions_md_is_generated_from_the_table():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "permissions_doc.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    text = (ROOT / "docs" / "permissions.md").read_text()
    for action, p in PERMISSIONS.items():
        row = next(line for line in text.splitlines() if f"`{action.value}`" in line)
        assert f"| {p.rule} |" in row


def test_comp3_final_response_at_stage1_is_the_contact_centre_managers(register, users):
    for role in ("agent", "claims", "qa"):
        c = register("north", received=MONDAY)
        with pytest.raises(DomainError) as err:
            complaint_respond_final(
                actor=users[role],
                complaint=c,
                data=FinalResponse.parse(outcome="rejected", reasons=REASONS),
                now=THURSDAY,
            )
        assert (err.value.code, err.value.rule) == ("permission_denied", "COMP-3"), role
        c.refresh_from_db()
        assert c.final_response_on is None and c.is_open
    c = complaint_respond_final(
        actor=users["manager"],
        complaint=c,
        data=FinalResponse.parse(outcome="rejected", reasons=REASONS),
        now=THURSDAY,
    )
    assert c.final_response_on is not None


def test_comp3_after_escalation_the_final_response_is_the_qa_teams(register, users):
    c = register("north", received=MONDAY)
    c = complaint_escalate(actor=users["agent"], complaint=c, data=Escalation.parse(), now=THURSDAY)
    with pytest.raises(DomainError) as err:
        complaint_respond_final(
            actor=users["manager"],
            complaint=c,
            data=FinalResponse.parse(outcome="rejected", reasons=REASONS),
            now=THURSDAY,
        )
    assert (err.value.code, err.value.rule) == ("permission_denied", "COMP-3")
    assert "QA" in err.value.message
    c = complaint_respond_final(
        actor=users["qa"],
        complaint=c,
        data=FinalResponse.parse(outcome="rejected", reasons=REASONS),
        now=THURSDAY,
    )
    assert c.status == "final_response_issued"


def test_comp3_an_agent_cannot_close_a_complaint_with_a_summary_resolution(register, users):
    c = register("harbour", received=MONDAY)
    with pytest.raises(DomainError) as err:
        complaint_resolve_summary(
            actor=users["agent"],
            complaint=c,
            data=SummaryResolution.parse(resolution=REASONS),
            now=at(2026, 3, 3, 10),
        )
    assert (err.value.code, err.value.rule) == ("permission_denied", "COMP-3")


def test_plt4_pages_and_services_read_the_same_table(users):
    for action in Action:
        for key, user in users.items():
            allowed = can(user, action)
            assert getattr(Allowed(user), action.value) is allowed
            if allowed:
                require(user, action)
            else:
                with pytest.raises(DomainError):
                    require(user, action)
            assert allowed is (Role(user.role) in PERMISSIONS[action].roles), key
    assert can(None, Action.GAP_SELL) is False
