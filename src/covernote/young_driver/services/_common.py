"""Helpers shared by the Young Driver services: versions, devices, install tasks, letters."""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from covernote.accounts.models import User
from covernote.accounts.scoping import get_in_scope
from covernote.documents.services import document_issue
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.young_driver import letters, lifecycle
from covernote.domain.young_driver import smartbox as box
from covernote.domain.young_driver.params import YoungDriverParams
from covernote.young_driver.models import (
    Device,
    DeviceEvent,
    InstallTask,
    InstallTaskStatus,
    PolicyVersion,
    YDPolicy,
)
from covernote.young_driver.selectors import policy_letterhead, policy_scope

FAULT_REPLACEMENT = "fault_replacement"  # install task reason: never escalated (YD-BOX-FAULT)


def _json(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _label(actor: Any) -> str:
    return getattr(actor, "email", None) or "system"


def _user(actor: Any) -> User | None:
    return actor if isinstance(actor, User) else None


def _policy_in_scope(actor: Any, policy: YDPolicy) -> None:
    """A person may act only on a policy they can see (PLT-4); jobs (no user) always can."""
    if isinstance(actor, User):
        get_in_scope(actor, policy_scope(actor), policy.pk, label="policy", field="policy")


def _ref(prefix: str) -> str:
    return f"{prefix}{secrets.token_hex(4).upper()}"


def _lock(policy: YDPolicy) -> YDPolicy:
    return YDPolicy.objects.select_for_update(of=("self",)).get(pk=policy.pk)


def _policy_transition(policy: YDPolicy, target: str) -> None:
    """Move the policy along the domain's lifecycle (YD-CANCEL-1): illegal moves are refused."""
    policy.status = lifecycle.check_transition(policy.status, target).value


def _version(
    policy: YDPolicy,
    *,
    actor: Any,
    kind: str,
    effective: date,
    changes: dict[str, Any],
    decision: dict[str, Any] | None = None,
) -> PolicyVersion:
    """Every change = a new PolicyVersion row (who, when, what changed)."""
    if kind != "new_business":
        policy.version += 1
    return PolicyVersion.objects.create(
        policy=policy,
        version=policy.version,
        kind=kind,
        effective=effective,
        annual_premium=policy.annual_premium,
        changes=_json(changes),
        decision=_json(decision),
        created_by=_user(actor),
        created_by_label=_label(actor),
    )


def _device_move(device: Device, target: box.DeviceState, *, actor: Any, note: str) -> None:
    """YD-BOX-STATE: only the domain's transitions; each one is an event row."""
    current = box.DeviceState(device.state)
    box.transition(current, target)
    DeviceEvent.objects.create(
        device=device,
        from_state=current.value,
        to_state=target.value,
        note=note,
        actor_label=_label(actor),
    )
    device.state = target.value
    device.version += 1
    device.save(update_fields=["state", "version"])


def _device_allocate(policy: YDPolicy, *, actor: Any, note: str) -> Device:
    device = Device.objects.create(
        serial=_ref("SB"), policy=policy, state=box.DeviceState.ALLOCATED.value
    )
    DeviceEvent.objects.create(
        device=device, to_state=device.state, note=note, actor_label=_label(actor)
    )
    _device_move(device, box.DeviceState.DISPATCHED, actor=actor, note="Posted to the customer")
    return device


def current_device(policy: YDPolicy) -> Device | None:
    return (
        policy.devices.exclude(
            state__in=[box.DeviceState.DEACTIVATED.value, box.DeviceState.REPLACED.value]
        )
        .order_by("-created_at", "-id")
        .first()
    )


def _install_task(
    policy: YDPolicy, device: Device, *, anchor: date, reason: str, params: YoungDriverParams
) -> InstallTask:
    policy.install_tasks.filter(
        status__in=[InstallTaskStatus.OPEN, InstallTaskStatus.AWAITING_APPROVAL]
    ).update(status=InstallTaskStatus.CLOSED)
    return InstallTask.objects.create(
        policy=policy,
        device=device,
        reason=reason,
        anchor=anchor,
        deadline=box.install_deadline(anchor, params),
    )


def _letter(
    *,
    actor: Any,
    policy: YDPolicy,
    kind: str,
    letter: letters.Letter,
    steps: Sequence[Mapping[str, Any]] | None = None,
    key: str,
) -> Any:
    """Issue a letter whose words the domain wrote, through the one Young Driver template."""
    return document_issue(
        actor=actor,
        customer=policy.customer,
        kind=kind,
        title=letter.title,
        template="documents/yd_letter.html",
        context={
            "policy": policy,
            "paragraphs": letter.paragraphs,
            "rows": letter.rows,
            "steps": steps or [],
        },
        related=policy,
        idempotency_key=key,
        letterhead=policy_letterhead(policy),
    )


def _check_live(policy: YDPolicy, rule: str) -> None:
    if policy.status not in lifecycle.IN_FORCE:
        raise DomainError(ErrorCode.CONFLICT, "the policy is not in force", rule, "policy")
