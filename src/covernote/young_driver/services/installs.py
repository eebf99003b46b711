"""Smartbox installation (YD-BOX-INSTALL): photo upload, staff review, the overdue chase."""

from __future__ import annotations

import hashlib
from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from covernote.accounts.models import User
from covernote.accounts.permissions import Action, require
from covernote.accounts.scoping import get_in_scope, scoped
from covernote.audit.services import audit_record
from covernote.documents.uploads import check_photo, viewable
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.young_driver import letters
from covernote.domain.young_driver import smartbox as box
from covernote.domain.young_driver.cancellation import CancelledBy
from covernote.products.selectors import params_of
from covernote.young_driver.inputs import CancelInput, PhotoReviewInput, PhotoUploadInput
from covernote.young_driver.models import (
    Device,
    InstallPhoto,
    InstallTask,
    InstallTaskStatus,
    PhotoStatus,
    PolicyStatus,
    YDPolicy,
)
from covernote.young_driver.services._common import (
    FAULT_REPLACEMENT,
    _device_move,
    _letter,
    _lock,
    _policy_transition,
    _today,
    _version,
)
from covernote.young_driver.services.cancellation import (
    yd_policy_cancel,
)

PHOTO_MAX_BYTES = 8 * 1024 * 1024


@transaction.atomic
def yd_install_photo_upload(
    *, actor: User, task: InstallTask, data: PhotoUploadInput
) -> InstallPhoto:
    """YD-BOX-INSTALL: the customer's photo of the fitted Smartbox."""
    content = data.content
    t = InstallTask.objects.select_for_update(of=("self",)).select_related("policy").get(pk=task.pk)
    scope = scoped(
        actor,
        InstallTask.objects.all(),
        firm="policy__firm_id",
        customer_user="policy__customer__user",
    )
    get_in_scope(actor, scope, t.pk, label="task", field="task")
    if t.status != InstallTaskStatus.OPEN:
        raise DomainError(
            ErrorCode.CONFLICT,
            "a photo is already waiting for approval or the task is closed",
            "YD-BOX-INSTALL",
            "photo",
        )
    if t.policy.status not in (PolicyStatus.LIVE, PolicyStatus.NOTICE):
        raise DomainError(ErrorCode.CONFLICT, "the policy has ended", "YD-BOX-INSTALL", "photo")
    if not content:
        raise DomainError(ErrorCode.REQUIRED, "choose a photo", "YD-BOX-INSTALL", "photo")
    if len(content) > PHOTO_MAX_BYTES:
        raise DomainError(
            ErrorCode.INVALID,
            f"the photo is larger than {PHOTO_MAX_BYTES // (1024 * 1024)} MB",
            "YD-BOX-INSTALL",
            "photo",
        )
    checked = check_photo(content, rule="YD-BOX-INSTALL")  # ADR 0025: sniffed, decoded
    digest = hashlib.sha256(content).hexdigest()
    if InstallPhoto.objects.filter(sha256=digest).exists():
        raise DomainError(
            ErrorCode.CONFLICT,
            "this exact photo has already been uploaded: take a new photo of the fitted box",
            "YD-BOX-INSTALL",
            "photo",
        )
    stored, mime = viewable(content, checked)  # HEIC kept as JPEG for the reviewers
    ext = mime.split("/")[1].replace("jpeg", "jpg")
    photo = InstallPhoto(
        task=t, sha256=digest, size=len(stored), content_type=mime, uploaded_by=actor
    )
    photo.image.save(f"{t.policy.number}-{digest[:12]}.{ext}", ContentFile(stored), save=False)
    photo.save()
    t.status = InstallTaskStatus.AWAITING_APPROVAL
    t.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="young_driver.install.photo_upload",
        obj=photo,
        firm_id=t.policy.firm_id,
        after={"task": t.pk, "sha256": digest, "size": len(content), "name": data.filename[:100]},
    )
    return photo


@transaction.atomic
def yd_install_photo_review(
    *,
    actor: User,
    photo: InstallPhoto,
    data: PhotoReviewInput,
    today: date | None = None,
) -> InstallTask:
    """Staff review the photo: approved → device verified (YD-BOX-STATE), task complete."""
    approve, note = data.approve, data.note
    require(actor, Action.YD_INSTALL_REVIEW)
    now = _today(today)
    p = InstallPhoto.objects.select_for_update(of=("self",)).get(pk=photo.pk)
    t = (
        InstallTask.objects.select_for_update(of=("self",))
        .select_related("device", "policy")
        .get(pk=p.task_id)
    )
    if p.status != PhotoStatus.PENDING or t.status != InstallTaskStatus.AWAITING_APPROVAL:
        raise DomainError(ErrorCode.CONFLICT, "already reviewed", "YD-BOX-INSTALL", "photo")
    p.reviewed_by, p.reviewed_at, p.review_note = actor, timezone.now(), note[:200]
    p.reject_reason = "" if approve else data.reason
    device = Device.objects.select_for_update(of=("self",)).get(pk=t.device_id)
    if approve:
        if device.state in (box.DeviceState.DISPATCHED.value, box.DeviceState.REMOVED.value):
            _device_move(device, box.DeviceState.INSTALLED, actor=actor, note="Fitted (photo)")
        _device_move(device, box.DeviceState.VERIFIED, actor=actor, note="Photo approved")
        p.status = PhotoStatus.APPROVED
        t.status, t.completed_on = InstallTaskStatus.COMPLETE, now
        policy = _lock(t.policy)
        if policy.status == PolicyStatus.NOTICE and t.notice_sent_on:
            _policy_transition(policy, PolicyStatus.LIVE)
            policy.notice_cancel_on = None
            _version(
                policy,
                actor=actor,
                kind="notice_withdrawn",
                effective=now,
                changes={"status": ["notice", "live"], "reason": "Smartbox verified"},
            )
            policy.save()
    else:
        p.status = PhotoStatus.REJECTED
        t.status = InstallTaskStatus.OPEN
    p.save()
    t.device = device
    t.save()
    audit_record(
        actor=actor,
        action="young_driver.install." + ("approve" if approve else "reject"),
        obj=t,
        firm_id=t.policy.firm_id,
        after={
            "photo": p.pk,
            "device": device.serial,
            "device_state": device.state,
            "note": note,
            "reason": p.reject_reason,
        },
    )
    return t


def yd_install_tasks_chase(*, as_of: date) -> str:
    """YD-BOX-INSTALL: reminder, then notice of cancellation, then cancel (idempotent).

    Tasks whose photo is awaiting our approval are not chased: the customer has
    done their part. A free replacement box's task (YD-BOX-FAULT) gets the reminder and,
    where a notice would be due, one last reminder — never a notice of cancellation.
    """
    reminders = notices = cancelled = not_escalated = 0
    for task in InstallTask.objects.filter(status=InstallTaskStatus.OPEN).select_related("policy"):
        with transaction.atomic():
            t = InstallTask.objects.select_for_update(of=("self",)).get(pk=task.pk)
            policy = _lock(t.policy)
            if policy.status != PolicyStatus.LIVE or t.status != InstallTaskStatus.OPEN:
                continue
            params = params_of(policy.config)
            d = box.install_status(
                anchor=t.anchor, today=as_of, params=params, reminder_sent_on=t.reminder_sent_on
            )
            if d.outcome == box.InstallStatus.REMINDER_DUE:
                _letter(
                    actor=None,
                    policy=policy,
                    kind="yd_install_reminder",
                    letter=letters.install_reminder(deadline=t.deadline),
                    steps=[s.as_dict() for s in d.steps],
                    key=f"yd-install-reminder-{t.pk}",
                )
                t.reminder_sent_on = as_of
                t.save(update_fields=["reminder_sent_on"])
                audit_record(
                    actor=None,
                    action="young_driver.install.reminder",
                    obj=t,
                    firm_id=policy.firm_id,
                    after={"as_of": as_of},
                )
                reminders += 1
            elif (
                d.outcome == box.InstallStatus.CANCELLATION_NOTICE_DUE
                and t.reason == FAULT_REPLACEMENT
            ):
                # YD-BOX-FAULT: the customer did nothing wrong; never a notice of cancellation.
                # One last reminder instead; staff follow up (a human decides, YD-CANCEL-5).
                if t.final_reminder_sent_on:
                    continue
                _letter(
                    actor=None,
                    policy=policy,
                    kind="yd_install_reminder",
                    letter=letters.replacement_final_reminder(),
                    steps=[s.as_dict() for s in d.steps],
                    key=f"yd-install-final-reminder-{t.pk}",
                )
                t.final_reminder_sent_on = as_of
                t.save(update_fields=["final_reminder_sent_on"])
                audit_record(
                    actor=None,
                    action="young_driver.install.replacement_not_escalated",
                    obj=t,
                    firm_id=policy.firm_id,
                    after={"as_of": as_of, "reason": t.reason, "rule": "YD-BOX-FAULT"},
                )
                not_escalated += 1
            elif d.outcome == box.InstallStatus.CANCELLATION_NOTICE_DUE and not t.notice_sent_on:
                last_day = d.data["earliest_last_day_of_cover"]
                _letter(
                    actor=None,
                    policy=policy,
                    kind="yd_cancellation_notice",
                    letter=letters.install_notice(last_day=last_day),
                    steps=[s.as_dict() for s in d.steps],
                    key=f"yd-install-notice-{t.pk}",
                )
                t.notice_sent_on = as_of
                t.save(update_fields=["notice_sent_on"])
                _policy_transition(policy, PolicyStatus.NOTICE)
                policy.notice_cancel_on = last_day
                _version(
                    policy,
                    actor=None,
                    kind="notice_of_cancellation",
                    effective=as_of,
                    changes={"status": ["live", "notice"], "cover_ends": last_day},
                    decision=d.as_dict(),
                )
                policy.save()
                audit_record(
                    actor=None,
                    action="young_driver.install.notice",
                    obj=policy,
                    after={"cover_ends": last_day},
                )
                notices += 1
    for policy in YDPolicy.objects.filter(status=PolicyStatus.NOTICE, notice_cancel_on__lte=as_of):
        noticed = policy.install_tasks.exclude(notice_sent_on=None).order_by("-id").first()
        if noticed is None or noticed.status == InstallTaskStatus.COMPLETE:
            continue
        assert policy.notice_cancel_on is not None
        yd_policy_cancel(
            actor=None,
            policy=policy,
            data=CancelInput(
                cancel_on=policy.notice_cancel_on,
                by=CancelledBy.US,
                reason="Smartbox not fitted (YD-BOX-INSTALL)",
                notice_date=noticed.notice_sent_on,
            ),
            today=as_of,
        )
        cancelled += 1
    return (
        f"{reminders} reminders, {notices} notices of cancellation, {cancelled} cancelled, "
        f"{not_escalated} free replacements reminded instead of a notice (YD-BOX-FAULT)"
    )
