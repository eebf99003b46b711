"""Writes for Young Driver (SPEC §2). Rules come from :mod:`covernote.domain.young_driver`."""

from __future__ import annotations

import hashlib
import io
import json
import secrets
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from covernote.accounts.models import User
from covernote.audit.services import audit_record
from covernote.documents.services import document_issue
from covernote.domain.calendar import add_months
from covernote.domain.decisions import Decision
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.money import ZERO, round_money
from covernote.domain.young_driver import adjustments as adj
from covernote.domain.young_driver import cancellation as canx
from covernote.domain.young_driver import payments as pay
from covernote.domain.young_driver import smartbox as box
from covernote.domain.young_driver import theft
from covernote.domain.young_driver.params import YoungDriverParams, parse_params
from covernote.domain.young_driver.rating import age_on, quote, rating_input_from_mapping
from covernote.parties.models import Customer
from covernote.products.models import ProductConfiguration
from covernote.products.selectors import product_config_in_force
from covernote.young_driver import adapters
from covernote.young_driver import ledger as yd_ledger
from covernote.young_driver.models import (
    POLICY_TRANSITIONS,
    CardOnFile,
    CPANotice,
    Device,
    DeviceEvent,
    DirectDebitMandate,
    Fee,
    InstallPhoto,
    InstallTask,
    InstallTaskStatus,
    Instalment,
    InstalmentStatus,
    Payment,
    PaymentKind,
    PaymentMethod,
    PaymentPlan,
    PaymentStatus,
    PhotoStatus,
    PolicyStatus,
    PolicyVersion,
    RenewalStatus,
    TheftClaimStatus,
    YDCancellation,
    YDPolicy,
    YDQuote,
    YDRenewal,
    YDTheftClaim,
)

QUOTE_VALID_DAYS = 30
FAULT_REPLACEMENT = "fault_replacement"  # install task reason: never escalated (YD-BOX-FAULT)
PHOTO_MAX_BYTES = 8 * 1024 * 1024
PHOTO_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
RATED_FIELDS = ("licence_years", "vehicle_group", "annual_mileage", "no_claims_years")
FEE_FIELD = {
    "YD-FEE-ARR": "arrangement",
    "YD-FEE-REN": "renewal",
    "YD-FEE-COV-NEW": "vehicle_change_new_box",
    "YD-FEE-COV-KEEP": "vehicle_change_keep_box",
    "YD-FEE-MTA": "mid_term_adjustment",
}


# --------------------------------------------------------------------------- helpers


def params_for(config: ProductConfiguration) -> YoungDriverParams:
    return parse_params(config.content, config.source)


def _json(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _label(actor: Any) -> str:
    return getattr(actor, "email", None) or "system"


def _user(actor: Any) -> User | None:
    return actor if isinstance(actor, User) else None


def _require_staff(actor: Any, what: str, rule: str) -> None:
    if not (isinstance(actor, User) and actor.is_intermediary_staff):
        raise DomainError(ErrorCode.PERMISSION_DENIED, f"only our staff {what}", rule)


def _require_intermediary(actor: Any, rule: str) -> None:
    if not (isinstance(actor, User) and (actor.is_intermediary_staff or actor.is_broker)):
        raise DomainError(ErrorCode.PERMISSION_DENIED, "staff or broker users only", rule)


def _ref(prefix: str) -> str:
    return f"{prefix}{secrets.token_hex(4).upper()}"


def _lock(policy: YDPolicy) -> YDPolicy:
    return YDPolicy.objects.select_for_update().get(pk=policy.pk)


def _policy_transition(policy: YDPolicy, target: str) -> None:
    if target not in POLICY_TRANSITIONS[policy.status]:
        raise DomainError(
            ErrorCode.ILLEGAL_TRANSITION,
            f"a {policy.get_status_display().lower()} policy cannot become {target}",
            "YD-CANCEL-1",
            "status",
        )
    policy.status = target


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
    title: str,
    paragraphs: list[str],
    rows: list[tuple[str, str]] | None = None,
    steps: list[dict[str, Any]] | None = None,
    key: str,
    template: str = "documents/yd_letter.html",
    extra: dict[str, Any] | None = None,
) -> Any:
    return document_issue(
        actor=actor,
        customer=policy.customer,
        kind=kind,
        title=title,
        template=template,
        context={
            "policy": policy,
            "paragraphs": paragraphs,
            "rows": rows or [],
            "steps": steps or [],
            **(extra or {}),
        },
        related=policy,
        idempotency_key=key,
    )


def _raise_on_ledger(
    policy: YDPolicy,
    *,
    actor: Any,
    amount: Decimal,
    premium_part: Decimal,
    kind: str,
    reason: str,
    key: str,
    params: YoungDriverParams,
) -> None:
    """Raise a charge or refund on ``yd.customer`` (YD-PAY-2): the ledger side of a payment."""
    if kind == PaymentKind.ADJUSTMENT:
        yd_ledger.post_adjustment(
            actor=actor,
            policy=policy,
            params=params,
            premium=premium_part,
            fee=amount - premium_part,
            key=key,
            description=f"{reason} ({policy.number})"[:300],
        )
    elif kind == PaymentKind.REFUND:
        yd_ledger.post_cancellation_refund(
            actor=actor,
            policy=policy,
            params=params,
            premium_refund=-premium_part,
            fee_deducted=amount - premium_part,
            key=key,
        )
    elif kind == PaymentKind.BOX_REFUND:
        yd_ledger.post_box_refund(actor=actor, policy=policy, amount=-amount, key=key)


def _collect_or_refund(
    policy: YDPolicy,
    *,
    actor: Any,
    amount: Decimal,
    premium_part: Decimal,
    kind: str,
    reason: str,
    key: str,
    today: date,
    params: YoungDriverParams,
    post_ledger: bool = True,
) -> Payment | None:
    """YD-PAY-2/3: 14 days' written notice, then collect/refund (card) or re-spread (DD).

    The charge or refund is raised on the ledger here (even when it nets to zero,
    e.g. a premium reduction equal to the fee); the cash moves on settlement.
    ``post_ledger=False`` when the caller has posted it (DD cancellation settlement).
    """
    amount = round_money(amount)
    if post_ledger:
        _raise_on_ledger(
            policy,
            actor=actor,
            amount=amount,
            premium_part=premium_part,
            kind=kind,
            reason=reason,
            key=key,
            params=params,
        )
    if amount == ZERO:
        return None
    earliest = pay.earliest_collection_date(today, params)
    status = PaymentStatus.SCHEDULED
    steps: list[dict[str, Any]] = []
    if policy.payment_method == PaymentMethod.DIRECT_DEBIT and kind == PaymentKind.ADJUSTMENT:
        plan = policy.plan
        rows = list(plan.instalments.filter(status=InstalmentStatus.SCHEDULED))
        schedule = tuple(pay.Instalment(i.number, i.due, i.amount) for i in rows)
        try:
            new, decision = pay.respread(schedule, amount, today, params)
        except DomainError:
            decision = Decision(outcome="card")
            new = schedule
        steps = [s.as_dict() for s in decision.steps]
        if decision.outcome == "respread":
            status = PaymentStatus.RESPREAD
            by_number = {s.number: s.amount for s in new}
            for row in rows:
                if by_number[row.number] != row.amount:
                    row.amount = by_number[row.number]
                    row.save(update_fields=["amount"])
    payment = Payment.objects.create(
        policy=policy,
        kind=kind,
        amount=amount,
        premium_part=premium_part,
        method=policy.payment_method,
        status=status,
        collect_on=earliest,
        idempotency_key=key,
    )
    verb = "collect" if amount > 0 else "refund"
    how = (
        "spread over your remaining Direct Debit instalments"
        if status == PaymentStatus.RESPREAD
        else f"{'taken from' if amount > 0 else 'paid back to'} the payment method we hold"
    )
    doc = _letter(
        actor=actor,
        policy=policy,
        kind="yd_cpa_notice",
        title="Notice of a payment on your Young Driver policy",
        paragraphs=[
            f"{reason}. We will {verb} £{abs(amount)}, {how}, no earlier than "
            f"{earliest.strftime('%d %B %Y')} (14 days' written notice under your continuous "
            "payment authority, YD-PAY-2).",
            "If you do not agree, call us before that date.",
        ],
        steps=steps,
        key=f"{key}-cpa",
    )
    CPANotice.objects.create(
        policy=policy,
        payment=payment,
        amount=amount,
        sent_on=today,
        earliest_collection_on=earliest,
        document=doc,
    )
    return payment


# --------------------------------------------------------------------------- quote and buy


def _rating_mapping(customer: Customer, start: date, rating: dict[str, Any]) -> dict[str, Any]:
    mapping = dict(rating)
    if "age" not in mapping:
        mapping["age"] = age_on(customer.date_of_birth, start)
    mapping.setdefault("postcode", customer.postcode)
    return mapping


@transaction.atomic
def _policy_from_quote(
    q: YDQuote,
    *,
    start: date,
    vehicle_reg: str,
    vehicle_description: str,
    payment_method: str,
    idempotency_key: str,
    now: date,
    fee_rule: str,
    fee_reason: str,
    renewed_from: YDPolicy | None = None,
) -> YDPolicy:
    """A year's policy priced by ``q`` (new business or renewal), with its YD-FEE-ARR or
    YD-FEE-REN fee; the annual premium is also the YD-REVIEW-3 cap base for the term."""
    annual = q.premium_gross + q.add_ons_gross
    policy = YDPolicy.objects.create(
        number=_ref("YD"),
        customer=q.customer,
        firm=q.firm,
        quote=q,
        config=q.config,
        start=start,
        end=add_months(start, 12) - timedelta(days=1),
        vehicle_reg=vehicle_reg,
        vehicle_description=vehicle_description,
        rating_inputs={**q.rating_inputs, "add_ons": q.add_ons},
        annual_premium=annual,
        renewal_premium=annual,
        premium_paid=annual,
        status=PolicyStatus.LIVE,
        payment_method=payment_method,
        documents_received_on=now,
        idempotency_key=idempotency_key,
        renewed_from=renewed_from,
    )
    Fee.objects.create(
        policy=policy,
        rule=fee_rule,
        amount=q.arrangement_fee,
        charged_on=now,
        reason=fee_reason,
    )
    return policy


def yd_quote_create(
    *,
    actor: User,
    customer: Customer,
    start: date,
    vehicle_reg: str,
    rating: dict[str, Any],
    add_ons: list[str] | None = None,
    vehicle_description: str = "",
    today: date | None = None,
) -> YDQuote:
    """Price a policy (YD rating, PLT-3 refused inputs, PLT-8, PLT-11, YD-SALE-1)."""
    _require_intermediary(actor, "YD-SALE-1")
    now = _today(today)
    if start < now:
        raise DomainError(ErrorCode.INVALID, "cover cannot start in the past", "YD-RATE", "start")
    if not vehicle_reg.strip():
        raise DomainError(ErrorCode.REQUIRED, "vehicle registration", "YD-RATE", "vehicle_reg")
    config = product_config_in_force("young_driver", start)
    params = params_for(config)
    mapping = _rating_mapping(customer, start, {**rating, "add_ons": list(add_ons or [])})
    rating_input = rating_input_from_mapping(mapping)
    decision = quote(rating_input, params)
    a = decision.amounts
    q = YDQuote.objects.create(
        reference=_ref("YDQ"),
        customer=customer,
        firm=customer.firm,
        config=config,
        start=start,
        vehicle_reg=vehicle_reg.strip().upper(),
        vehicle_description=vehicle_description,
        rating_inputs={k: v for k, v in mapping.items() if k != "add_ons"},
        add_ons=list(rating_input.add_ons),
        decision=decision.as_dict(),
        premium_net=a["premium_net"],
        ipt=a["ipt"],
        premium_gross=a["premium_gross"],
        add_ons_gross=a["add_ons_gross"],
        arrangement_fee=a["arrangement_fee"],
        total=a["total"],
        expires_on=now + timedelta(days=QUOTE_VALID_DAYS),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="young_driver.quote.create",
        obj=q,
        after={"reference": q.reference, "total": q.total, "config": config.version},
    )
    return q


@transaction.atomic
def yd_policy_buy(
    *,
    actor: User,
    quote_obj: YDQuote,
    payment_method: str,
    idempotency_key: str,
    card_token: str = "",
    card_last4: str = "",
    sort_code: str = "",
    account_number: str = "",
    account_name: str = "",
    today: date | None = None,
) -> YDPolicy:
    """Bind: payment (card token or premium-finance DD), Smartbox, install task, documents."""
    existing = YDPolicy.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    _require_intermediary(actor, "YD-PAY-1")
    now = _today(today)
    q = YDQuote.objects.select_for_update().get(pk=quote_obj.pk)
    if YDPolicy.objects.filter(quote=q).exists():
        raise DomainError(ErrorCode.CONFLICT, "this quote is already bought", "YD-RATE", "quote")
    if q.expires_on < now:
        raise DomainError(ErrorCode.EXPIRED, "the quote has expired", "YD-RATE", "quote")
    if payment_method not in PaymentMethod.values:
        raise DomainError(ErrorCode.INVALID, "card or direct_debit", "YD-PAY-1", "payment_method")
    params = params_for(q.config)
    annual = q.premium_gross + q.add_ons_gross
    card = None
    bank = None
    if payment_method == PaymentMethod.CARD:
        card = pay.card_token(card_token, card_last4)
    else:
        bank = pay.validate_bank_account(sort_code, account_number)
        if not account_name.strip():
            raise DomainError(ErrorCode.REQUIRED, "name on the account", "YD-PAY-1", "account_name")
    policy = _policy_from_quote(
        q,
        start=q.start,
        vehicle_reg=q.vehicle_reg,
        vehicle_description=q.vehicle_description,
        payment_method=payment_method,
        idempotency_key=idempotency_key,
        now=now,
        fee_rule="YD-FEE-ARR",
        fee_reason="Arrangement fee (new policy, includes the Smartbox)",
    )
    if card is not None:
        ref = adapters.payment_provider.charge(
            token=card.token, amount=q.total, idempotency_key=idempotency_key
        )
        CardOnFile.objects.create(
            customer=q.customer,
            provider=adapters.payment_provider.name,
            token=card.token,
            last4=card.last4,
        )
        Payment.objects.create(
            policy=policy,
            kind=PaymentKind.PREMIUM,
            amount=q.total,
            premium_part=annual,
            method=payment_method,
            provider_reference=ref,
            status=PaymentStatus.SETTLED,
            collect_on=now,
            idempotency_key=idempotency_key,
        )
    else:
        assert bank is not None
        mandate = DirectDebitMandate.objects.create(
            customer=q.customer,
            sort_code=bank.sort_code,
            account_number=bank.account_number,
            account_name=account_name.strip(),
            reference=_ref("DD"),
        )
        search_ref = adapters.credit_agency.search(
            customer_reference=q.customer.reference, idempotency_key=idempotency_key
        )
        plan_d = pay.instalment_plan(
            amount_financed=q.total, first_due=add_months(q.start, 1), params=params
        )
        plan = PaymentPlan.objects.create(
            policy=policy,
            mandate=mandate,
            provider=params.premium_finance.provider,
            agreement_reference=_ref("PF"),
            apr=plan_d.apr,
            amount_financed=plan_d.amount_financed,
            total_charge_for_credit=plan_d.total_charge_for_credit,
            total_payable=plan_d.total_payable,
            credit_search_at=timezone.now(),
            credit_search_reference=search_ref,
            decision=plan_d.decision.as_dict(),
        )
        Instalment.objects.bulk_create(
            Instalment(plan=plan, number=i.number, due=i.due, amount=i.amount)
            for i in plan_d.instalments
        )
        Payment.objects.create(
            policy=policy,
            kind=PaymentKind.FINANCE_DRAWDOWN,
            amount=q.total,
            premium_part=annual,
            method=payment_method,
            provider_reference=plan.agreement_reference,
            status=PaymentStatus.SETTLED,
            collect_on=now,
            idempotency_key=idempotency_key,
        )
    yd_ledger.post_purchase(
        actor=actor,
        policy=policy,
        quote=q,
        params=params,
        fee=q.arrangement_fee,
        payment_key=idempotency_key,
        finance_amount=q.total if payment_method == PaymentMethod.DIRECT_DEBIT else None,
    )
    _version(
        policy,
        actor=actor,
        kind="new_business",
        effective=q.start,
        changes={"quote": q.reference, "annual_premium": annual, "payment_method": payment_method},
        decision=q.decision,
    )
    device = _device_allocate(policy, actor=actor, note="Allocated at purchase")
    task = _install_task(policy, device, anchor=q.start, reason="new_business", params=params)
    document_issue(
        actor=actor,
        customer=policy.customer,
        kind="yd_schedule",
        title="Your Young Driver welcome pack and policy schedule",
        template="documents/yd_schedule.html",
        context={
            "policy": policy,
            "quote": q,
            "steps": q.decision.get("steps", []),
            "plan": getattr(policy, "plan", None),
            "instalments": list(policy.plan.instalments.all())
            if payment_method == PaymentMethod.DIRECT_DEBIT
            else [],
            "task": task,
            "device": device,
            "params": params,
        },
        related=policy,
        idempotency_key=f"yd-schedule-{policy.number}",
    )
    audit_record(
        actor=actor,
        action="young_driver.policy.buy",
        obj=policy,
        after={
            "number": policy.number,
            "quote": q.reference,
            "payment_method": payment_method,
            "annual_premium": annual,
            "total": q.total,
            "device": device.serial,
            "install_deadline": task.deadline,
        },
    )
    return policy


# --------------------------------------------------------------------------- Smartbox installation


def _sniff_image(raw: bytes) -> str:
    """The MIME type of a real JPEG/PNG/WebP image (Pillow), else INVALID."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(raw)) as img:
            fmt = img.format or ""
            img.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise DomainError(
            ErrorCode.INVALID,
            "the file is not a photo we can read (JPEG, PNG or WebP)",
            "YD-BOX-INSTALL",
            "photo",
        ) from exc
    if fmt not in PHOTO_FORMATS:
        raise DomainError(
            ErrorCode.INVALID, f"{fmt or 'this'} images are not accepted", "YD-BOX-INSTALL", "photo"
        )
    return PHOTO_FORMATS[fmt]


@transaction.atomic
def yd_photo_upload(
    *, actor: User, task: InstallTask, filename: str, content: bytes
) -> InstallPhoto:
    """YD-BOX-INSTALL: the customer's photo of the fitted Smartbox."""
    t = InstallTask.objects.select_for_update().select_related("policy").get(pk=task.pk)
    if actor.is_customer and t.policy.customer.user_id != actor.pk:
        raise DomainError(ErrorCode.NOT_FOUND, "no such task", "PLT-4", "task")
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
    mime = _sniff_image(content)
    digest = hashlib.sha256(content).hexdigest()
    if InstallPhoto.objects.filter(sha256=digest).exists():
        raise DomainError(
            ErrorCode.CONFLICT,
            "this exact photo has already been uploaded: take a new photo of the fitted box",
            "YD-BOX-INSTALL",
            "photo",
        )
    ext = mime.split("/")[1].replace("jpeg", "jpg")
    photo = InstallPhoto(
        task=t, sha256=digest, size=len(content), content_type=mime, uploaded_by=actor
    )
    photo.image.save(f"{t.policy.number}-{digest[:12]}.{ext}", ContentFile(content), save=False)
    photo.save()
    t.status = InstallTaskStatus.AWAITING_APPROVAL
    t.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="young_driver.install.photo_upload",
        obj=photo,
        firm_id=t.policy.firm_id,
        after={"task": t.pk, "sha256": digest, "size": len(content), "name": filename[:100]},
    )
    return photo


@transaction.atomic
def yd_install_approve(
    *,
    actor: User,
    photo: InstallPhoto,
    approve: bool = True,
    note: str = "",
    today: date | None = None,
) -> InstallTask:
    """Staff review the photo: approved → device verified (YD-BOX-STATE), task complete."""
    _require_staff(actor, "approve installations", "YD-BOX-INSTALL")
    now = _today(today)
    p = InstallPhoto.objects.select_for_update().get(pk=photo.pk)
    t = InstallTask.objects.select_for_update().select_related("device", "policy").get(pk=p.task_id)
    if p.status != PhotoStatus.PENDING or t.status != InstallTaskStatus.AWAITING_APPROVAL:
        raise DomainError(ErrorCode.CONFLICT, "already reviewed", "YD-BOX-INSTALL", "photo")
    p.reviewed_by, p.reviewed_at, p.review_note = actor, timezone.now(), note[:200]
    device = Device.objects.select_for_update().get(pk=t.device_id)
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
        after={"photo": p.pk, "device": device.serial, "device_state": device.state, "note": note},
    )
    return t


# --------------------------------------------------------------------------- changes


def _rerate(policy: YDPolicy, updates: dict[str, Any], params: YoungDriverParams) -> Decision:
    inputs = {**policy.rating_inputs, **updates}
    return quote(rating_input_from_mapping(inputs), params)


def _adjust(
    *,
    actor: User,
    policy: YDPolicy,
    kind: adj.AdjustmentKind,
    updates: dict[str, Any],
    effective: date,
    today: date,
    extra_changes: dict[str, Any],
    extra_decision: dict[str, Any] | None = None,
    key: str,
) -> tuple[YDPolicy, Decision]:
    params = params_for(policy.config)
    rating = _rerate(policy, updates, params)
    new_annual = rating.amounts["premium_gross"] + rating.amounts["add_ons_gross"]
    d = adj.mid_term_adjustment(
        kind=kind,
        old_annual=policy.annual_premium,
        new_annual=new_annual,
        start=policy.start,
        end=policy.end,
        effective=effective,
        params=params,
    )
    premium_adj, fee = d.amounts["premium_adjustment"], d.amounts["fee"]
    rule = {
        adj.AdjustmentKind.MID_TERM_ADJUSTMENT: "YD-FEE-MTA",
        adj.AdjustmentKind.VEHICLE_CHANGE_KEEP_BOX: "YD-FEE-COV-KEEP",
        adj.AdjustmentKind.VEHICLE_CHANGE_NEW_BOX: "YD-FEE-COV-NEW",
    }[kind]
    Fee.objects.create(
        policy=policy,
        rule=rule,
        amount=fee,
        charged_on=today,
        reason=kind.value.replace("_", " ").capitalize(),
    )
    before = policy.annual_premium
    old_inputs = dict(policy.rating_inputs)
    policy.annual_premium = new_annual
    policy.premium_paid += premium_adj
    policy.rating_inputs = {**policy.rating_inputs, **updates}
    changes = {
        **extra_changes,
        **{k: [old_inputs.get(k), v] for k, v in updates.items()},
        "annual_premium": [before, new_annual],
        "premium_adjustment": premium_adj,
        "fee": fee,
    }
    decision = {"adjustment": d.as_dict(), "rating": rating.as_dict(), **(extra_decision or {})}
    _version(
        policy,
        actor=actor,
        kind=kind.value,
        effective=effective,
        changes=changes,
        decision=decision,
    )
    policy.save()
    _collect_or_refund(
        policy,
        actor=actor,
        amount=d.amounts["total"],
        premium_part=premium_adj,
        kind=PaymentKind.ADJUSTMENT,
        reason=f"Your policy was changed ({kind.value.replace('_', ' ')}): premium adjustment "
        f"£{premium_adj} plus fee £{fee}",
        key=key,
        today=today,
        params=params,
    )
    return policy, d


def _check_live(policy: YDPolicy, rule: str) -> None:
    if policy.status not in (PolicyStatus.LIVE, PolicyStatus.NOTICE):
        raise DomainError(ErrorCode.CONFLICT, "the policy is not in force", rule, "policy")


@transaction.atomic
def yd_mta(
    *,
    actor: User,
    policy: YDPolicy,
    changes: dict[str, Any],
    effective: date,
    idempotency_key: str,
    today: date | None = None,
) -> YDPolicy:
    """YD-FEE-MTA: re-rate, pro-rata premium adjustment plus the £25 fee."""
    _require_intermediary(actor, "YD-FEE-MTA")
    if (
        Payment.objects.filter(idempotency_key=idempotency_key).exists()
        or PolicyVersion.objects.filter(
            policy=policy, changes__idempotency_key=idempotency_key
        ).exists()
    ):
        return YDPolicy.objects.get(pk=policy.pk)
    now = _today(today)
    p = _lock(policy)
    _check_live(p, "YD-FEE-MTA")
    allowed = {"postcode", "annual_mileage", "licence_years", "no_claims_years"}
    unknown = set(changes) - allowed
    if unknown or not changes:
        raise DomainError(
            ErrorCode.INVALID,
            f"an MTA changes one of {sorted(allowed)}",
            "YD-FEE-MTA",
            sorted(unknown)[0] if unknown else "changes",
        )
    p, _ = _adjust(
        actor=actor,
        policy=p,
        kind=adj.AdjustmentKind.MID_TERM_ADJUSTMENT,
        updates=changes,
        effective=effective,
        today=now,
        extra_changes={"idempotency_key": idempotency_key},
        key=idempotency_key,
    )
    audit_record(
        actor=actor,
        action="young_driver.policy.mta",
        obj=p,
        after={"changes": changes, "annual_premium": p.annual_premium, "version": p.version},
    )
    return p


@transaction.atomic
def yd_vehicle_change(
    *,
    actor: User,
    policy: YDPolicy,
    vehicle_reg: str,
    vehicle_group: int,
    new_box: bool,
    effective: date,
    idempotency_key: str,
    vehicle_description: str = "",
    today: date | None = None,
) -> YDPolicy:
    """YD-BOX-VEHICLE: new cradle (YD-FEE-COV-KEEP) or new box (YD-FEE-COV-NEW); clock restarts."""
    _require_intermediary(actor, "YD-BOX-VEHICLE")
    if PolicyVersion.objects.filter(
        policy=policy, changes__idempotency_key=idempotency_key
    ).exists():
        return YDPolicy.objects.get(pk=policy.pk)
    now = _today(today)
    p = _lock(policy)
    _check_live(p, "YD-BOX-VEHICLE")
    if not vehicle_reg.strip():
        raise DomainError(ErrorCode.REQUIRED, "new registration", "YD-BOX-VEHICLE", "vehicle_reg")
    params = params_for(p.config)
    device = current_device(p)
    if device is None:
        raise DomainError(ErrorCode.CONFLICT, "no Smartbox on the policy", "YD-BOX-VEHICLE")
    device = Device.objects.select_for_update().get(pk=device.pk)
    box_d = box.vehicle_change(
        recorded_on=now, new_box=new_box, state=box.DeviceState(device.state), params=params
    )
    old_reg = p.vehicle_reg
    if new_box:
        _device_move(device, box.DeviceState.DEACTIVATED, actor=actor, note="Vehicle change")
        device = _device_allocate(p, actor=actor, note="New Smartbox for the new vehicle")
    else:
        _device_move(
            device, box.DeviceState.REMOVED, actor=actor, note="Vehicle change: new cradle"
        )
    kind = (
        adj.AdjustmentKind.VEHICLE_CHANGE_NEW_BOX
        if new_box
        else adj.AdjustmentKind.VEHICLE_CHANGE_KEEP_BOX
    )
    p.vehicle_reg = vehicle_reg.strip().upper()
    p.vehicle_description = vehicle_description
    p, _ = _adjust(
        actor=actor,
        policy=p,
        kind=kind,
        updates={"vehicle_group": vehicle_group},
        effective=effective,
        today=now,
        extra_changes={
            "vehicle_reg": [old_reg, p.vehicle_reg],
            "smartbox": "new box" if new_box else "box kept, new cradle",
            "idempotency_key": idempotency_key,
        },
        extra_decision={"smartbox": box_d.as_dict()},
        key=idempotency_key,
    )
    task = _install_task(p, device, anchor=now, reason="vehicle_change", params=params)
    audit_record(
        actor=actor,
        action="young_driver.policy.vehicle_change",
        obj=p,
        after={
            "vehicle_reg": p.vehicle_reg,
            "new_box": new_box,
            "device": device.serial,
            "install_deadline": task.deadline,
            "version": p.version,
        },
    )
    return p


# --------------------------------------------------------------------------- cancellation


def premium_segments(policy: YDPolicy) -> tuple[canx.PremiumSegment, ...]:
    """YD-CANCEL-1: the annual rate in force from each effective date (latest change wins)."""
    by_date: dict[date, Decimal] = {}
    for v in policy.versions.order_by("version"):
        if v.kind in ("new_business", *[k.value for k in adj.AdjustmentKind]):
            by_date[v.effective] = v.annual_premium
    ordered = sorted(by_date.items())
    return tuple(canx.PremiumSegment(d, a) for d, a in ordered)


def fees_paid(policy: YDPolicy) -> canx.FeesPaid:
    totals = {
        row["rule"]: row["total"]
        for row in policy.fees.values("rule").annotate(total=Sum("amount"))
    }
    return canx.FeesPaid(**{field: totals.get(rule, ZERO) for rule, field in FEE_FIELD.items()})


def cancellation_preview(
    policy: YDPolicy,
    *,
    cancel_on: date,
    by: str = "customer",
    void_for_fraud: bool = False,
    notice_date: date | None = None,
) -> canx.CancellationQuote:
    """The refund a cancellation would give now (no write) — the customer sees it first."""
    params = params_for(policy.config)
    request = canx.CancellationRequest(
        start=policy.start,
        end=policy.end,
        cancel_on=cancel_on,
        premium_paid=policy.premium_paid,
        segments=premium_segments(policy),
        fees_paid=fees_paid(policy),
        documents_received=policy.documents_received_on,
        notice_date=notice_date,
        by=canx.CancelledBy(by),
        void_for_fraud=void_for_fraud,
    )
    return canx.cancellation_refund(request, params)


def finance_settlement(policy: YDPolicy, *, refund: Decimal) -> Decision:
    """YD-PAY-1 on cancellation: what the customer still owes the finance provider
    (amount financed + adjustments re-spread over the instalments − instalments collected,
    not below £0) and the refund set against it first; the rest of the refund goes to the
    customer, any shortfall stays owed to the provider. Read before instalments are cancelled.
    Interest not yet collected is not added (early settlement; the provider's own settlement
    figure governs any difference — product decision)."""
    plan = policy.plan
    rows = list(plan.instalments.all())
    respread = sum((i.amount for i in rows), ZERO) - plan.total_payable
    collected_rows = [i for i in rows if i.status == InstalmentStatus.COLLECTED]
    collected = sum((i.amount for i in collected_rows), ZERO)
    d = Decision(outcome="settled")
    d.step(
        "YD-PAY-1",
        f"Amount financed under agreement {plan.agreement_reference} ({plan.provider})",
        plan.amount_financed,
    )
    if respread:
        d.step("YD-PAY-3", "Adjustments spread over the instalments", respread)
    d.step(
        "YD-PAY-1",
        f"Less instalments collected ({len(collected_rows)} of {len(rows)})",
        ZERO - collected,
    )
    owed = max(ZERO, plan.amount_financed + respread - collected)
    d.step(
        "YD-PAY-1",
        "Owed to the finance provider at settlement (not below £0; interest not yet "
        "collected is not added)",
        owed,
    )
    d.step("YD-CANCEL-1", "Refund due on cancellation", refund)
    set_off = min(refund, owed)
    d.step("YD-PAY-1", "Refund set against the provider balance first", set_off)
    d.step("YD-CANCEL-1", "Refund paid to the customer", refund - set_off)
    d.step("YD-PAY-1", "Balance the customer still owes the provider", owed - set_off)
    d.amounts.update(
        financed=plan.amount_financed,
        respread=respread,
        collected=collected,
        owed=owed,
        refund=refund,
        set_off=set_off,
        refund_to_customer=refund - set_off,
        balance=owed - set_off,
    )
    return d


@transaction.atomic
def yd_policy_cancel(
    *,
    actor: Any,
    policy: YDPolicy,
    cancel_on: date,
    by: str = "customer",
    void_for_fraud: bool = False,
    reason: str = "",
    notice_date: date | None = None,
    today: date | None = None,
) -> YDCancellation:
    """YD-CANCEL-1..5, YD-VOID-1: refund now (box assumed not returned), letter, CPA notice."""
    now = _today(today)
    p = _lock(policy)
    existing = YDCancellation.objects.filter(policy=p).first()
    if existing is not None:
        return existing
    if isinstance(actor, User):
        if actor.is_customer:
            if p.customer.user_id != actor.pk:
                raise DomainError(ErrorCode.NOT_FOUND, "no such policy", "PLT-4", "policy")
            if by != "customer" or void_for_fraud:
                raise DomainError(
                    ErrorCode.PERMISSION_DENIED, "customers cancel as themselves", "YD-CANCEL-1"
                )
        elif void_for_fraud and not actor.is_intermediary_staff:
            raise DomainError(
                ErrorCode.PERMISSION_DENIED, "only our staff void a policy", "YD-VOID-1"
            )
        elif actor.is_broker and by == "us":
            raise DomainError(
                ErrorCode.PERMISSION_DENIED, "only we cancel by notice", "YD-CANCEL-5"
            )
    if by not in ("customer", "us"):
        raise DomainError(ErrorCode.INVALID, "customer or us", "YD-CANCEL-1", "by")
    _check_live(p, "YD-CANCEL-1")
    notice = notice_date or now
    if not void_for_fraud and cancel_on < notice and cancel_on >= p.start:
        raise DomainError(
            ErrorCode.INVALID,
            "the last day of cover cannot be before the day notice is given",
            "YD-CANCEL-1",
            "cancel_on",
        )
    result = cancellation_preview(
        p,
        cancel_on=cancel_on,
        by=by,
        void_for_fraud=void_for_fraud,
        notice_date=notice,
    )
    c = YDCancellation.objects.create(
        policy=p,
        by=by,
        void=result.void,
        reason=reason[:200],
        notice_date=notice,
        cancel_on=cancel_on,
        premium_paid=p.premium_paid,
        refund=result.refund,
        premium_refund=result.premium_refund,
        cancellation_fee=result.cancellation_fee,
        box_credit=result.box_credit,
        in_cooling_off=result.in_cooling_off,
        box_return_deadline=result.box_return_deadline,
        refund_due_by=result.refund_due_by,
        decision=result.decision.as_dict(),
        created_by=_user(actor),
    )
    deducted = result.premium_refund - result.refund
    if deducted > 0:
        Fee.objects.create(
            policy=p,
            rule="YD-FEE-CANX",
            amount=deducted,
            charged_on=now,
            reason="Cancellation fee (after the cooling off), deducted from the refund",
        )
    params = params_for(p.config)
    settlement: Decision | None = None
    set_off = ZERO
    if p.payment_method == PaymentMethod.DIRECT_DEBIT:
        settlement = finance_settlement(p, refund=result.refund)
        set_off = settlement.amounts["set_off"]
        c.finance_owed = settlement.amounts["owed"]
        c.finance_set_off = set_off
        c.finance_balance = settlement.amounts["balance"]
        c.finance_refund_to_customer = settlement.amounts["refund_to_customer"]
        c.finance_decision = settlement.as_dict()
        c.save()
        # The agreement is settled now: no further instalments are collected.
        p.plan.instalments.filter(status=InstalmentStatus.SCHEDULED).update(
            status=InstalmentStatus.CANCELLED
        )
    if result.premium_refund > 0:
        payment_reason = "Your policy has been cancelled"
        if settlement is not None:
            _raise_on_ledger(
                p,
                actor=actor,
                amount=-result.refund,
                premium_part=-result.premium_refund,
                kind=PaymentKind.REFUND,
                reason=payment_reason,
                key=f"yd-refund-{p.number}",
                params=params,
            )
            yd_ledger.post_finance_settlement(actor=actor, policy=p, amount=set_off, key=p.number)
            if set_off > 0:
                payment_reason += (
                    f"; £{set_off} of your refund goes to {p.plan.provider} to settle your "
                    "credit agreement (YD-PAY-1)"
                )
        _collect_or_refund(
            p,
            actor=actor,
            amount=-(result.refund - set_off),
            premium_part=-result.premium_refund,
            kind=PaymentKind.REFUND,
            reason=payment_reason,
            key=f"yd-refund-{p.number}",
            today=now,
            params=params,
            post_ledger=settlement is None,
        )
    p.install_tasks.filter(
        status__in=[InstallTaskStatus.OPEN, InstallTaskStatus.AWAITING_APPROVAL]
    ).update(status=InstallTaskStatus.CLOSED)
    before = p.status
    _policy_transition(p, PolicyStatus.VOID if result.void else PolicyStatus.CANCELLED)
    p.notice_cancel_on = None
    _version(
        p,
        actor=actor,
        kind="void" if result.void else "cancellation",
        effective=cancel_on,
        changes={"status": [before, p.status], "by": by, "reason": reason, "refund": result.refund},
        decision=result.decision.as_dict(),
    )
    p.save()
    title = "Your policy has been declared void" if result.void else "Your policy is cancelled"
    paragraphs = (
        ["We have declared your policy void on the grounds of fraud. We keep the premium paid."]
        if result.void
        else [
            f"Your cover ends at the end of {cancel_on.strftime('%d %B %Y')}.",
            f"We will refund £{result.refund} by {result.refund_due_by.strftime('%d %B %Y')}.",
            f"Return your Smartbox by {result.box_return_deadline.strftime('%d %B %Y')} and we "
            f"will refund up to £{result.box_credit} more.",
        ]
    )
    rows: list[tuple[str, str]] = []
    steps = list(c.decision["steps"])
    if settlement is not None:
        a = settlement.amounts
        rows = [
            (f"Still owed to {p.plan.provider} before settlement", f"£{a['owed']}"),
            ("Refund set against it (paid to the provider)", f"£{a['set_off']}"),
            ("Refund paid to you", f"£{a['refund_to_customer']}"),
            (f"Balance you still owe {p.plan.provider}", f"£{a['balance']}"),
        ]
        steps += [s.as_dict() for s in settlement.steps]
        if not result.void:
            paragraphs[1] = (
                f"Your Direct Debit credit agreement is settled: £{a['set_off']} of your refund "
                f"goes to {p.plan.provider}, and we will refund £{a['refund_to_customer']} to you "
                f"by {result.refund_due_by.strftime('%d %B %Y')}."
            )
        if a["balance"] > 0:
            paragraphs.append(
                f"You still owe {p.plan.provider} £{a['balance']}; they will write to you about "
                "paying it. No further Direct Debit instalments will be taken."
            )
    _letter(
        actor=actor,
        policy=p,
        kind="yd_cancellation",
        title=title,
        paragraphs=paragraphs,
        rows=rows,
        steps=steps,
        key=f"yd-cancel-{p.number}",
    )
    audit_record(
        actor=actor,
        action="young_driver.policy." + ("void" if result.void else "cancel"),
        obj=p,
        before={"status": before},
        after={
            "status": p.status,
            "cancel_on": cancel_on,
            "refund": result.refund,
            "by": by,
            "version": p.version,
        },
    )
    return c


@transaction.atomic
def yd_smartbox_return_record(
    *, actor: User, policy: YDPolicy, returned_on: date, today: date | None = None
) -> YDCancellation:
    """YD-CANCEL-4: the second transaction when the Smartbox comes back."""
    _require_staff(actor, "record a returned Smartbox", "YD-CANCEL-4")
    now = _today(today)
    p = _lock(policy)
    c = YDCancellation.objects.select_for_update().filter(policy=p).first()
    if c is None:
        raise DomainError(ErrorCode.CONFLICT, "the policy is not cancelled", "YD-CANCEL-4")
    if c.box_returned_on is not None:
        return c
    if returned_on > now:
        raise DomainError(
            ErrorCode.INVALID, "the return date is in the future", "YD-CANCEL-4", "returned_on"
        )
    first = canx.CancellationQuote(
        decision=Decision(outcome="refund"),
        refund=c.refund,
        premium_refund=c.premium_refund,
        cancellation_fee=c.cancellation_fee,
        box_credit=c.box_credit,
        fees_paid=ZERO,
        last_day_of_cover=c.cancel_on,
        box_return_deadline=c.box_return_deadline,
        refund_due_by=c.refund_due_by,
        in_cooling_off=c.in_cooling_off,
        void=c.void,
    )
    d = canx.smartbox_return_refund(first, returned_on)
    c.box_returned_on, c.box_refund, c.box_decision = returned_on, d.amounts["refund"], d.as_dict()
    c.save()
    if d.amounts["refund"] > 0:
        _collect_or_refund(
            p,
            actor=actor,
            amount=-d.amounts["refund"],
            premium_part=ZERO,
            kind=PaymentKind.BOX_REFUND,
            reason="We have received your Smartbox back",
            key=f"yd-box-refund-{p.number}",
            today=now,
            params=params_for(p.config),
        )
    for device in p.devices.select_for_update().exclude(state=box.DeviceState.DEACTIVATED.value):
        _device_move(device, box.DeviceState.DEACTIVATED, actor=actor, note="Returned")
    _version(
        p,
        actor=actor,
        kind="smartbox_returned",
        effective=returned_on,
        changes={"box_returned_on": returned_on, "box_refund": d.amounts["refund"]},
        decision=d.as_dict(),
    )
    p.save()
    audit_record(
        actor=actor,
        action="young_driver.smartbox.return",
        obj=c,
        firm_id=p.firm_id,
        after={"returned_on": returned_on, "refund": d.amounts["refund"], "outcome": d.outcome},
    )
    return c


# --------------------------------------------------------------------------- scheduled job


def yd_install_overdue(as_of: date) -> str:
    """YD-BOX-INSTALL: reminder, then notice of cancellation, then cancel (idempotent).

    Tasks whose photo is awaiting our approval are not chased: the customer has
    done their part. A free replacement box's task (YD-BOX-FAULT) gets the reminder and,
    where a notice would be due, one last reminder — never a notice of cancellation.
    """
    reminders = notices = cancelled = not_escalated = 0
    for task in InstallTask.objects.filter(status=InstallTaskStatus.OPEN).select_related("policy"):
        with transaction.atomic():
            t = InstallTask.objects.select_for_update().get(pk=task.pk)
            policy = _lock(t.policy)
            if policy.status != PolicyStatus.LIVE or t.status != InstallTaskStatus.OPEN:
                continue
            params = params_for(policy.config)
            d = box.install_status(
                anchor=t.anchor, today=as_of, params=params, reminder_sent_on=t.reminder_sent_on
            )
            if d.outcome == box.InstallStatus.REMINDER_DUE:
                _letter(
                    actor=None,
                    policy=policy,
                    kind="yd_install_reminder",
                    title="Reminder: fit your Smartbox and upload a photo",
                    paragraphs=[
                        f"Your Smartbox had to be fitted and photographed by "
                        f"{t.deadline.strftime('%d %B %Y')}. Please do it now in the app.",
                        "If it is not done, we may not continue your insurance.",
                    ],
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
                    title="Please fit your replacement Smartbox",
                    paragraphs=[
                        "We sent you a free replacement Smartbox because your old one stopped "
                        "sending data (YD-BOX-FAULT). It has not been fitted and approved yet.",
                        "Please fit it and upload a photo in the app, or call us if you need "
                        "help. Your cover is not affected by this letter.",
                    ],
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
                    title="Notice of cancellation: Smartbox not fitted",
                    paragraphs=[
                        "Your Smartbox has still not been fitted and approved.",
                        f"Your cover will end at the end of {last_day.strftime('%d %B %Y')} "
                        "unless the fitted box is approved before then.",
                    ],
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
            cancel_on=policy.notice_cancel_on,
            by="us",
            reason="Smartbox not fitted (YD-BOX-INSTALL)",
            notice_date=noticed.notice_sent_on,
            today=as_of,
        )
        cancelled += 1
    return (
        f"{reminders} reminders, {notices} notices of cancellation, {cancelled} cancelled, "
        f"{not_escalated} free replacements reminded instead of a notice (YD-BOX-FAULT)"
    )


__all__ = [
    "cancellation_preview",
    "current_device",
    "fees_paid",
    "params_for",
    "premium_segments",
    "yd_install_approve",
    "yd_install_overdue",
    "yd_mta",
    "yd_photo_upload",
    "yd_policy_buy",
    "yd_policy_cancel",
    "yd_quote_create",
    "yd_smartbox_return_record",
    "yd_vehicle_change",
]


@transaction.atomic
def yd_premium_review_apply(
    *,
    actor: Any,
    policy: YDPolicy,
    review_date: date,
    new_annual_premium: Decimal,
    adjustment: Decimal,
    decision: dict[str, Any],
    key: str,
    today: date,
) -> Payment | None:
    """YD-REVIEW-4: a driving review's premium change becomes a policy version; the
    difference is collected, refunded or re-spread only after 14 days' written notice
    (YD-PAY-2/3). Driving changes are tracked apart from MTAs (YD-REVIEW-3)."""
    policy = _lock(policy)
    _check_live(policy, "YD-REVIEW-4")
    params = params_for(policy.config)
    before = policy.annual_premium
    policy.annual_premium = new_annual_premium
    policy.premium_paid += adjustment
    _version(
        policy,
        actor=actor,
        kind="driving_review",
        effective=review_date,
        changes={"annual_premium": [before, new_annual_premium], "premium_adjustment": adjustment},
        decision=decision,
    )
    policy.save()
    return _collect_or_refund(
        policy,
        actor=actor,
        amount=adjustment,
        premium_part=adjustment,
        kind=PaymentKind.ADJUSTMENT,
        reason=f"Your driving review of {review_date.strftime('%d %B %Y')} changed your premium "
        f"from £{before} to £{new_annual_premium} a year",
        key=key,
        today=today,
        params=params,
    )


@transaction.atomic
def yd_device_first_data(*, device: Device, actor: Any) -> None:
    """YD-BOX-STATE: the box's first data marks it installed (the photo then verifies it)."""
    device = Device.objects.select_for_update().get(pk=device.pk)
    if device.state == box.DeviceState.DISPATCHED.value:
        _device_move(device, box.DeviceState.INSTALLED, actor=actor, note="First data received")
        audit_record(
            actor=actor, action="device.first_data", obj=device, after={"serial": device.serial}
        )


#: Reasons we may give notice of cancellation for (YD-CANCEL-5), with their rule.
NOTICE_REASONS = {
    "YD-SPEED-1": "consistent speeding after at least three alerts",
    "YD-SPEED-2": "driving at or above a significant margin over the speed limit",
    "YD-MILES-1": "tracked mileage above the declared mileage without a top-up",
    "YD-BOX-TAMPER": "tampering with the Smartbox",
    "YD-PAY-2": "refusal of the continuous payment authority",
}


@transaction.atomic
def yd_cancellation_notice_issue(
    *, actor: Any, policy: YDPolicy, rule: str, detail: str = "", today: date | None = None
) -> YDPolicy:
    """YD-CANCEL-5: our notice of cancellation (7 days, configurable) for a listed reason.

    The policy moves to ``notice``; ``yd_notices_due`` cancels it when the notice
    ends, with the refund and fee rules of YD-CANCEL-1..4.
    """
    if rule not in NOTICE_REASONS:
        raise DomainError(ErrorCode.INVALID, f"no notice reason for {rule}", "YD-CANCEL-5", "rule")
    if isinstance(actor, User):
        _require_staff(actor, "give notice of cancellation", "YD-CANCEL-5")
    now = _today(today)
    p = _lock(policy)
    _check_live(p, "YD-CANCEL-5")
    if p.status == PolicyStatus.NOTICE:
        return p
    params = params_for(p.config)
    last_day = now + timedelta(days=params.periods.our_cancellation_notice_days)
    _policy_transition(p, PolicyStatus.NOTICE)
    p.notice_cancel_on = last_day
    reason = NOTICE_REASONS[rule]
    _version(
        p,
        actor=actor,
        kind="notice_of_cancellation",
        effective=now,
        changes={
            "status": ["live", "notice"],
            "cover_ends": last_day,
            "rule": rule,
            "reason": reason,
            "detail": detail,
        },
    )
    p.save()
    _letter(
        actor=actor,
        policy=p,
        kind="yd_cancellation_notice",
        title="Notice of cancellation",
        paragraphs=[
            f"We are giving you notice that we will cancel your policy because of {reason} ({rule}).",
            *([detail] if detail else []),
            f"Your cover will end at the end of {last_day.strftime('%d %B %Y')}. Any refund follows "
            "your policy's cancellation terms. If you think we have this wrong, call us before then.",
        ],
        key=f"yd-notice-{p.pk}-{rule}-{now.isoformat()}",
    )
    audit_record(
        actor=actor,
        action="young_driver.notice_of_cancellation",
        obj=p,
        after={"rule": rule, "cover_ends": last_day},
    )
    return p


def yd_notices_due(as_of: date) -> str:
    """Cancel policies whose YD-CANCEL-5 notice has run out (install notices: see
    ``yd_install_overdue``). Idempotent: a cancelled policy is not picked again."""
    cancelled = 0
    for policy in YDPolicy.objects.filter(status=PolicyStatus.NOTICE, notice_cancel_on__lte=as_of):
        notice = policy.versions.filter(kind="notice_of_cancellation").order_by("-version").first()
        if notice is None or "rule" not in (notice.changes or {}):
            continue
        assert policy.notice_cancel_on is not None
        yd_policy_cancel(
            actor=None,
            policy=policy,
            cancel_on=policy.notice_cancel_on,
            by="us",
            reason=f"Notice of cancellation ({notice.changes['rule']})",
            notice_date=notice.effective,
            today=as_of,
        )
        cancelled += 1
    return f"{cancelled} policies cancelled at the end of their notice"


@transaction.atomic
def yd_additional_premium(
    *,
    actor: Any,
    policy: YDPolicy,
    amount: Decimal,
    reason: str,
    key: str,
    today: date | None = None,
) -> Payment | None:
    """An extra premium outside a re-rating (e.g. a mileage top-up, YD-MILES-1): taken only
    after 14 days' written notice, from the card or spread over the Direct Debit (YD-PAY-2/3)."""
    now = _today(today)
    p = _lock(policy)
    _check_live(p, "YD-PAY-2")
    params = params_for(p.config)
    p.premium_paid += amount
    _version(
        p,
        actor=actor,
        kind="additional_premium",
        effective=now,
        changes={"amount": amount, "reason": reason},
    )
    p.save()
    return _collect_or_refund(
        p,
        actor=actor,
        amount=amount,
        premium_part=amount,
        kind=PaymentKind.ADJUSTMENT,
        reason=reason,
        key=key,
        today=now,
        params=params,
    )


# --------------------------------------------------------------------------- settlement (YD-PAY)


def yd_payments_settle(as_of: date) -> str:
    """YD-PAY-2: once the 14-day CPA notice has run, collect or refund scheduled payments
    (card: through the provider token; DD: settled with the finance provider) and move the
    cash on the ledger. Idempotent: a settled payment is never picked again."""
    settled = 0
    due = Payment.objects.filter(
        status__in=[PaymentStatus.SCHEDULED, PaymentStatus.RESPREAD], collect_on__lte=as_of
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            payment = Payment.objects.select_for_update().select_related("policy").get(pk=pk)
            if payment.status == PaymentStatus.SETTLED:
                continue
            policy = payment.policy
            if payment.method == PaymentMethod.CARD:
                card = CardOnFile.objects.filter(customer=policy.customer).order_by("-id").first()
                if card is not None:
                    call = (
                        adapters.payment_provider.charge
                        if payment.amount > 0
                        else adapters.payment_provider.refund
                    )
                    payment.provider_reference = call(
                        token=card.token,
                        amount=abs(payment.amount),
                        idempotency_key=f"settle-{payment.idempotency_key}",
                    )
            payment.status = PaymentStatus.SETTLED
            payment.save(update_fields=["status", "provider_reference"])
            yd_ledger.post_settlement(
                actor=None, policy=policy, amount=payment.amount, key=payment.idempotency_key
            )
            audit_record(
                actor=None,
                action="young_driver.payment.settle",
                obj=payment,
                firm_id=policy.firm_id,
                after={"amount": payment.amount, "kind": payment.kind, "as_of": as_of},
            )
            settled += 1
    return f"{settled} payments settled after their 14-day notice"


def yd_instalments_collect(as_of: date) -> str:
    """YD-PAY-1: Direct Debit instalments due on or before ``as_of`` are collected for the
    finance provider (ledger: bank / finance provider payable). Idempotent."""
    collected = 0
    due = Instalment.objects.filter(
        status=InstalmentStatus.SCHEDULED,
        due__lte=as_of,
        plan__policy__status__in=[PolicyStatus.LIVE, PolicyStatus.NOTICE],
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            row = Instalment.objects.select_for_update().select_related("plan__policy").get(pk=pk)
            if row.status != InstalmentStatus.SCHEDULED:
                continue
            row.status = InstalmentStatus.COLLECTED
            row.save(update_fields=["status"])
            yd_ledger.post_instalment(
                actor=None, policy=row.plan.policy, amount=row.amount, instalment_id=row.pk
            )
            audit_record(
                actor=None,
                action="young_driver.instalment.collect",
                obj=row,
                firm_id=row.plan.policy.firm_id,
                after={"number": row.number, "amount": row.amount, "as_of": as_of},
            )
            collected += 1
    return f"{collected} Direct Debit instalments collected"


# --------------------------------------------------------------------------- theft (YD-THEFT-1)


@transaction.atomic
def yd_theft_claim_register(
    *,
    actor: User,
    policy: YDPolicy,
    police_incident_number: str,
    stolen_on: date,
    idempotency_key: str,
    description: str = "",
    today: date | None = None,
) -> YDTheftClaim:
    """YD-THEFT-1: register a theft claim (police incident number required); the customer
    gets an acknowledgement letter; staff may track the Smartbox while the case is open."""
    existing = YDTheftClaim.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    if not (
        isinstance(actor, User)
        and (actor.is_intermediary_staff or actor.is_broker or actor.is_customer)
    ):
        raise DomainError(ErrorCode.PERMISSION_DENIED, "not allowed", "YD-THEFT-1")
    if actor.is_customer and policy.customer.user_id != actor.pk:
        raise DomainError(ErrorCode.NOT_FOUND, "no such policy", "PLT-4", "policy")
    if actor.is_broker and policy.firm_id != actor.firm_id:
        raise DomainError(ErrorCode.NOT_FOUND, "no such policy", "PLT-4", "policy")
    incident = theft.police_incident_number(police_incident_number)
    now = _today(today)
    p = _lock(policy)
    cover_end = p.cancellation.cancel_on if hasattr(p, "cancellation") else p.end
    if stolen_on > now:
        raise DomainError(
            ErrorCode.INVALID, "the theft date is in the future", "YD-THEFT-1", "stolen_on"
        )
    if not (p.start <= stolen_on <= cover_end):
        raise DomainError(
            ErrorCode.INVALID,
            "the theft date is outside the period of cover",
            "YD-THEFT-1",
            "stolen_on",
        )
    if p.theft_claims.filter(status=TheftClaimStatus.OPEN).exists():
        raise DomainError(
            ErrorCode.CONFLICT, "a theft claim is already open on this policy", "YD-THEFT-1"
        )
    device = current_device(p) or p.devices.order_by("-created_at", "-id").first()
    claim = YDTheftClaim.objects.create(
        reference=_ref("YDT"),
        policy=p,
        device=device,
        police_incident_number=incident,
        stolen_on=stolen_on,
        reported_on=now,
        description=description[:500],
        opened_by=actor,
        idempotency_key=idempotency_key,
    )
    claim.acknowledgement = _letter(
        actor=actor,
        policy=p,
        kind="yd_theft_ack",
        title="We have received your theft claim",
        paragraphs=[
            f"We have registered your claim {claim.reference} for the theft of "
            f"{p.vehicle_reg} on {stolen_on.strftime('%d %B %Y')}.",
            f"Police incident number: {incident} (YD-THEFT-1).",
            "While your claim is open we may use your Smartbox's last known position and "
            "recent journeys to help the police recover the vehicle.",
            "We will write to you again when we have a decision.",
        ],
        rows=[("Claim", claim.reference), ("Police incident number", incident)],
        key=f"yd-theft-ack-{claim.reference}",
    )
    claim.save(update_fields=["acknowledgement"])
    audit_record(
        actor=actor,
        action="young_driver.theft.register",
        obj=claim,
        firm_id=p.firm_id,
        after={
            "reference": claim.reference,
            "policy": p.number,
            "police_incident_number": incident,
            "stolen_on": stolen_on,
            "device": device.serial if device else None,
        },
    )
    return claim


@transaction.atomic
def yd_theft_claim_close(
    *, actor: User, claim: YDTheftClaim, outcome: str, today: date | None = None
) -> YDTheftClaim:
    """Close the theft case (staff); tracking stops being shown (YD-THEFT-1)."""
    _require_staff(actor, "close a theft claim", "YD-THEFT-1")
    c = YDTheftClaim.objects.select_for_update().get(pk=claim.pk)
    if c.status != TheftClaimStatus.OPEN:
        raise DomainError(
            ErrorCode.ILLEGAL_TRANSITION, "the claim is already closed", "YD-THEFT-1", "status"
        )
    if not outcome.strip():
        raise DomainError(ErrorCode.REQUIRED, "the outcome", "YD-THEFT-1", "outcome")
    c.status = TheftClaimStatus.CLOSED
    c.outcome = outcome.strip()[:200]
    c.closed_on = _today(today)
    c.closed_by = actor
    c.save()
    audit_record(
        actor=actor,
        action="young_driver.theft.close",
        obj=c,
        firm_id=c.policy.firm_id,
        before={"status": TheftClaimStatus.OPEN},
        after={"status": c.status, "outcome": c.outcome},
    )
    return c


# --------------------------------------------------------------------------- renewal (YD-FEE-REN)

RENEWAL_INVITE_DAYS = 21  # product setting [renewal] invite_days_before_end; default


def renewal_invite_days(config: ProductConfiguration) -> int:
    """Days before the end of the term the invitation goes out (product setting, default 21)."""
    section = config.content.get("renewal") if isinstance(config.content, dict) else None
    if isinstance(section, dict) and "invite_days_before_end" in section:
        return int(section["invite_days_before_end"])
    return RENEWAL_INVITE_DAYS


def _renewal_rating(
    policy: YDPolicy, new_start: date
) -> tuple[ProductConfiguration, Decision, dict[str, Any]]:
    """Re-rate for the new term with the configuration in force then: age on the new start,
    one more year of licence and (no theft claim in the term) one more no-claims year."""
    config = product_config_in_force("young_driver", new_start)
    inputs = dict(policy.rating_inputs)
    inputs["age"] = age_on(policy.customer.date_of_birth, new_start)
    inputs["licence_years"] = int(inputs.get("licence_years", 0)) + 1
    if not policy.theft_claims.exists():
        inputs["no_claims_years"] = int(inputs.get("no_claims_years", 0)) + 1
    return config, quote(rating_input_from_mapping(inputs), params_for(config)), inputs


@transaction.atomic
def yd_renewal_invite(*, actor: Any, policy: YDPolicy, today: date) -> YDRenewal:
    """YD-FEE-REN, YD-PAY-2: price the renewal (domain rating) plus the renewal fee and write
    to the customer; the invitation is also the written notice before the CPA collection."""
    p = _lock(policy)
    existing = YDRenewal.objects.filter(policy=p).first()
    if existing is not None:
        return existing
    _check_live(p, "YD-FEE-REN")
    new_start = p.end + timedelta(days=1)
    config, rating, rating_inputs = _renewal_rating(p, new_start)
    params = params_for(config)
    a = rating.amounts
    annual = a["premium_gross"] + a["add_ons_gross"]
    charge = adj.renewal_charge(annual, params)
    steps = [s for s in rating.steps if s.rule not in ("YD-FEE-ARR", "YD-RATE")] + [
        s for s in charge.steps
    ]
    decision = {
        **rating.as_dict(),
        "outcome": "renewal",
        "arrangement_fee": str(charge.amounts["fee"]),
        "renewal_fee": str(charge.amounts["fee"]),
        "total": str(charge.amounts["total"]),
        "renewal_of": p.number,
        "steps": [s.as_dict() for s in steps],
    }
    add_ons = list(rating_inputs.pop("add_ons", []))
    q = YDQuote.objects.create(
        reference=_ref("YDR"),
        customer=p.customer,
        firm=p.firm,
        config=config,
        start=new_start,
        vehicle_reg=p.vehicle_reg,
        vehicle_description=p.vehicle_description,
        rating_inputs=rating_inputs,
        add_ons=add_ons,
        decision=_json(decision),
        premium_net=a["premium_net"],
        ipt=a["ipt"],
        premium_gross=a["premium_gross"],
        add_ons_gross=a["add_ons_gross"],
        arrangement_fee=charge.amounts["fee"],
        total=charge.amounts["total"],
        expires_on=new_start,
        created_by=p.quote.created_by,
    )
    renewal = YDRenewal.objects.create(
        policy=p,
        quote=q,
        new_start=new_start,
        renewal_premium=annual,
        renewal_fee=charge.amounts["fee"],
        total=charge.amounts["total"],
        decision=q.decision,
        invited_on=today,
    )
    how = (
        "taken from the card we hold"
        if p.payment_method == PaymentMethod.CARD
        else "financed again by monthly Direct Debit from the account we hold"
    )
    renewal.document = _letter(
        actor=actor,
        policy=p,
        kind="yd_renewal_invitation",
        title="Your Young Driver renewal",
        paragraphs=[
            f"Your policy ends on {p.end.strftime('%d %B %Y')}. We can renew it from "
            f"{new_start.strftime('%d %B %Y')}.",
            f"Renewal premium £{annual} a year (including IPT) plus the renewal fee "
            f"£{charge.amounts['fee']}: £{charge.amounts['total']} in total, {how} "
            "(continuous payment authority, YD-PAY-2) no earlier than 14 days from this letter.",
            "Your new term has a new 14-day cooling off period; the renewal fee is treated like "
            "the arrangement fee if you cancel (YD-CANCEL-2).",
        ],
        steps=decision["steps"],
        key=f"yd-renewal-invite-{p.number}",
    )
    renewal.save(update_fields=["document"])
    audit_record(
        actor=actor,
        action="young_driver.renewal.invite",
        obj=renewal,
        firm_id=p.firm_id,
        after={"policy": p.number, "new_start": new_start, "total": charge.amounts["total"]},
    )
    return renewal


def yd_renewals_invite(as_of: date) -> str:
    """Job: invite live policies ending within the product's invitation window (idempotent)."""
    invited = refused = 0
    horizon = as_of + timedelta(days=366)
    for policy in YDPolicy.objects.filter(
        status__in=[PolicyStatus.LIVE, PolicyStatus.NOTICE],
        end__gte=as_of,
        end__lte=horizon,
        renewal__isnull=True,
    ).select_related("config", "customer"):
        if (policy.end - as_of).days > renewal_invite_days(policy.config):
            continue
        if policy.status != PolicyStatus.LIVE:
            continue
        try:
            yd_renewal_invite(actor=None, policy=policy, today=as_of)
            invited += 1
        except DomainError:
            refused += 1  # e.g. no longer eligible (age band): no invitation
    return f"{invited} renewal invitations sent, {refused} not eligible"


@transaction.atomic
def yd_policy_renew(
    *, actor: Any, policy: YDPolicy, idempotency_key: str, today: date | None = None
) -> YDPolicy:
    """YD-FEE-REN: the new term is a **new policy linked to the old one** (``renewed_from``),
    priced by the invitation; its premium is the new YD-REVIEW-3 cap base; a new 14-day
    cooling off runs; the renewal fee is retained per YD-CANCEL-2. Payment by the stored
    card or Direct Debit (YD-PAY-2): card collection waits for the 14-day notice."""
    existing = YDPolicy.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    if isinstance(actor, User) and actor.is_customer and policy.customer.user_id != actor.pk:
        raise DomainError(ErrorCode.NOT_FOUND, "no such policy", "PLT-4", "policy")
    now = _today(today)
    old = _lock(policy)
    renewal = YDRenewal.objects.select_for_update().filter(policy=old).first()
    if renewal is None:
        raise DomainError(ErrorCode.CONFLICT, "no renewal invitation", "YD-FEE-REN", "policy")
    if renewal.new_policy_id is not None:
        return YDPolicy.objects.get(pk=renewal.new_policy_id)
    if renewal.status == RenewalStatus.DECLINED:
        raise DomainError(
            ErrorCode.CONFLICT, "the renewal offer was declined", "YD-FEE-REN", "policy"
        )
    _check_live(old, "YD-FEE-REN")
    if now > renewal.new_start:
        raise DomainError(ErrorCode.EXPIRED, "the renewal date has passed", "YD-FEE-REN")
    q = renewal.quote
    params = params_for(q.config)
    annual = q.premium_gross + q.add_ons_gross
    new = _policy_from_quote(
        q,
        start=renewal.new_start,
        vehicle_reg=old.vehicle_reg,
        vehicle_description=old.vehicle_description,
        payment_method=old.payment_method,
        idempotency_key=idempotency_key,
        now=now,
        fee_rule="YD-FEE-REN",
        fee_reason="Renewal fee",
        renewed_from=old,
    )
    if old.payment_method == PaymentMethod.CARD:
        collect_on = max(now, renewal.invited_on + timedelta(days=params.periods.cpa_notice_days))
        Payment.objects.create(
            policy=new,
            kind=PaymentKind.PREMIUM,
            amount=q.total,
            premium_part=annual,
            method=PaymentMethod.CARD,
            status=PaymentStatus.SCHEDULED,
            collect_on=collect_on,
            idempotency_key=idempotency_key,
        )
        settled = False
    else:
        old_plan = old.plan
        plan_d = pay.instalment_plan(
            amount_financed=q.total, first_due=add_months(new.start, 1), params=params
        )
        plan = PaymentPlan.objects.create(
            policy=new,
            mandate=old_plan.mandate,
            provider=params.premium_finance.provider,
            agreement_reference=_ref("PF"),
            apr=plan_d.apr,
            amount_financed=plan_d.amount_financed,
            total_charge_for_credit=plan_d.total_charge_for_credit,
            total_payable=plan_d.total_payable,
            credit_search_at=timezone.now(),
            credit_search_reference=adapters.credit_agency.search(
                customer_reference=new.customer.reference, idempotency_key=idempotency_key
            ),
            decision=plan_d.decision.as_dict(),
        )
        Instalment.objects.bulk_create(
            Instalment(plan=plan, number=i.number, due=i.due, amount=i.amount)
            for i in plan_d.instalments
        )
        Payment.objects.create(
            policy=new,
            kind=PaymentKind.FINANCE_DRAWDOWN,
            amount=q.total,
            premium_part=annual,
            method=PaymentMethod.DIRECT_DEBIT,
            provider_reference=plan.agreement_reference,
            status=PaymentStatus.SETTLED,
            collect_on=now,
            idempotency_key=idempotency_key,
        )
        settled = True
    yd_ledger.post_purchase(
        actor=actor,
        policy=new,
        quote=q,
        params=params,
        fee=q.arrangement_fee,
        payment_key=idempotency_key,
        finance_amount=q.total if old.payment_method == PaymentMethod.DIRECT_DEBIT else None,
        settled=settled,
    )
    _version(
        new,
        actor=actor,
        kind="new_business",
        effective=new.start,
        changes={
            "renewal_of": old.number,
            "annual_premium": annual,
            "renewal_fee": q.arrangement_fee,
        },
        decision=q.decision,
    )
    device = current_device(old)
    if device is not None:
        device = Device.objects.select_for_update().get(pk=device.pk)
        device.policy = new
        device.save(update_fields=["policy"])
        DeviceEvent.objects.create(
            device=device,
            from_state=device.state,
            to_state=device.state,
            note=f"Kept for the renewal {new.number}",
            actor_label=_label(actor),
        )
        if device.state != box.DeviceState.VERIFIED.value:
            _install_task(new, device, anchor=new.start, reason="renewal", params=params)
    else:
        device = _device_allocate(new, actor=actor, note="Allocated at renewal")
        _install_task(new, device, anchor=new.start, reason="renewal", params=params)
    renewal.status, renewal.new_policy = RenewalStatus.RENEWED, new
    renewal.save(update_fields=["status", "new_policy"])
    _version(
        old,
        actor=actor,
        kind="renewed",
        effective=now,
        changes={"renewed_by": new.number},
    )
    old.save()
    _letter(
        actor=actor,
        policy=new,
        kind="yd_renewal_schedule",
        title="Your renewed Young Driver policy",
        paragraphs=[
            f"Your policy {new.number} runs from {new.start.strftime('%d %B %Y')} to "
            f"{new.end.strftime('%d %B %Y')} (renewal of {old.number}).",
            "You have 14 days from the later of the start and receiving these documents to "
            "cancel without a cancellation fee (YD-CANCEL-2).",
        ],
        rows=[
            ("Renewal premium (incl. IPT)", f"£{annual}"),
            ("Renewal fee (YD-FEE-REN)", f"£{q.arrangement_fee}"),
            ("Total", f"£{q.total}"),
        ],
        steps=q.decision.get("steps", []),
        key=f"yd-renewal-schedule-{new.number}",
    )
    audit_record(
        actor=actor,
        action="young_driver.policy.renew",
        obj=new,
        firm_id=new.firm_id,
        after={"number": new.number, "renewal_of": old.number, "annual_premium": annual},
    )
    return new


@transaction.atomic
def yd_renewal_decline(*, actor: Any, policy: YDPolicy, today: date | None = None) -> YDRenewal:
    """YD-FEE-REN "No thanks": record the decline; the policy runs to its end (nothing is
    collected, no new policy). Idempotent; a renewed offer cannot be declined."""
    if isinstance(actor, User) and actor.is_customer and policy.customer.user_id != actor.pk:
        raise DomainError(ErrorCode.NOT_FOUND, "no such policy", "PLT-4", "policy")
    now = _today(today)
    p = _lock(policy)
    renewal = YDRenewal.objects.select_for_update().filter(policy=p).first()
    if renewal is None:
        raise DomainError(ErrorCode.CONFLICT, "no renewal invitation", "YD-FEE-REN", "policy")
    if renewal.status == RenewalStatus.DECLINED:
        return renewal
    if renewal.status == RenewalStatus.RENEWED:
        raise DomainError(ErrorCode.CONFLICT, "the policy is already renewed", "YD-FEE-REN")
    renewal.status, renewal.declined_on, renewal.declined_by = (
        RenewalStatus.DECLINED,
        now,
        _user(actor),
    )
    renewal.save(update_fields=["status", "declined_on", "declined_by"])
    _version(
        p,
        actor=actor,
        kind="renewal_declined",
        effective=now,
        changes={"renewal": "declined", "cover_ends": p.end},
    )
    p.save()
    _letter(
        actor=actor,
        policy=p,
        kind="yd_renewal_declined",
        title="You have chosen not to renew",
        paragraphs=[
            f"Thank you for letting us know. Your policy {p.number} stays in force until the end "
            f"of {p.end.strftime('%d %B %Y')} and will not be renewed; nothing will be taken "
            "for a renewal (YD-FEE-REN, YD-PAY-2).",
            "Please return your Smartbox after your cover ends.",
        ],
        key=f"yd-renewal-declined-{p.number}",
    )
    audit_record(
        actor=actor,
        action="young_driver.renewal.decline",
        obj=renewal,
        firm_id=p.firm_id,
        after={"policy": p.number, "declined_on": now, "cover_ends": p.end},
    )
    return renewal


# --------------------------------------------------------------------------- Smartbox lifecycle jobs


def _last_data_on(device: Device) -> date | None:
    """The day of the box's latest data: LastPosition or latest trip (telematics)."""
    from covernote.telematics.models import LastPosition, Trip

    days: list[date] = []
    pos = LastPosition.objects.filter(device=device).values_list("ts", flat=True).first()
    if pos is not None:
        days.append(timezone.localdate(pos))
    trip = (
        Trip.objects.filter(device=device)
        .order_by("-end_at")
        .values_list("end_at", flat=True)
        .first()
    )
    if trip is not None:
        days.append(timezone.localdate(trip))
    return max(days) if days else None


def yd_smartbox_faults(as_of: date) -> str:
    """YD-BOX-FAULT: an installed/verified box silent for ``fault_no_data_days`` is suspected
    faulty; a replacement is dispatched free of charge with a letter (idempotent)."""
    replaced = 0
    candidates = Device.objects.filter(
        state__in=[box.DeviceState.INSTALLED.value, box.DeviceState.VERIFIED.value],
        policy__status__in=[PolicyStatus.LIVE, PolicyStatus.NOTICE],
    ).values_list("pk", flat=True)
    for pk in list(candidates):
        with transaction.atomic():
            device = Device.objects.select_for_update().get(pk=pk)
            if device.state not in (
                box.DeviceState.INSTALLED.value,
                box.DeviceState.VERIFIED.value,
            ):
                continue
            assert device.policy is not None
            policy = _lock(device.policy)
            params = params_for(policy.config)
            last = _last_data_on(device)
            if last is None:  # never sent data: count from when it was fitted / verified
                at = device.events.order_by("-at", "-id").values_list("at", flat=True).first()
                last = timezone.localdate(at) if at else device.created_at.date()
            if not box.is_suspected_faulty(last, as_of, params):
                continue
            _device_move(
                device,
                box.DeviceState.SUSPECTED_FAULTY,
                actor=None,
                note=f"No data since {last.isoformat()}",
            )
            d = box.fault_replacement(box.DeviceState(device.state))
            d.data["last_data_on"] = last
            _device_move(device, box.DeviceState.REPLACED, actor=None, note="Free replacement sent")
            new_device = _device_allocate(
                policy, actor=None, note="Free replacement (YD-BOX-FAULT)"
            )
            task = _install_task(
                policy, new_device, anchor=as_of, reason=FAULT_REPLACEMENT, params=params
            )
            _version(
                policy,
                actor=None,
                kind="smartbox_fault_replacement",
                effective=as_of,
                changes={"old": device.serial, "new": new_device.serial, "fee": ZERO},
                decision=d.as_dict(),
            )
            policy.save()
            _letter(
                actor=None,
                policy=policy,
                kind="yd_smartbox_replacement",
                title="We are sending you a replacement Smartbox",
                paragraphs=[
                    f"We have not received data from your Smartbox {device.serial} since "
                    f"{last.strftime('%d %B %Y')}, so we think it may be faulty (YD-BOX-FAULT).",
                    f"A replacement Smartbox ({new_device.serial}) is on its way, free of charge. "
                    f"Please fit it and upload a photo in the app by "
                    f"{task.deadline.strftime('%d %B %Y')}, then return the old box.",
                ],
                steps=[s.as_dict() for s in d.steps],
                key=f"yd-fault-replacement-{device.serial}",
            )
            audit_record(
                actor=None,
                action="young_driver.smartbox.fault_replacement",
                obj=device,
                firm_id=policy.firm_id,
                after={"last_data_on": last, "replacement": new_device.serial, "fee": ZERO},
            )
            replaced += 1
    return f"{replaced} suspected faulty Smartboxes replaced free of charge"


def yd_smartbox_deactivate(as_of: date) -> str:
    """YD-DATA-1: deactivate every box whose policy ended (expired, cancelled or void) more
    than 14 days ago; the telematics ingest then rejects its data (idempotent)."""
    deactivated = 0
    rows = (
        Device.objects.exclude(state=box.DeviceState.DEACTIVATED.value)
        .filter(policy__isnull=False)
        .select_related("policy__config", "policy__cancellation")
    )
    for device in list(rows):
        policy = device.policy
        assert policy is not None
        ended = policy.end
        if policy.status in (PolicyStatus.CANCELLED, PolicyStatus.VOID):
            c = getattr(policy, "cancellation", None)
            ended = c.cancel_on if c is not None else policy.end
        window = params_for(policy.config).periods.data_window_days
        if (as_of - ended).days <= window:
            continue
        with transaction.atomic():
            d = Device.objects.select_for_update().get(pk=device.pk)
            if d.state == box.DeviceState.DEACTIVATED.value or d.policy_id != policy.pk:
                continue
            _device_move(
                d,
                box.DeviceState.DEACTIVATED,
                actor=None,
                note=f"Cover ended {ended.isoformat()}; data window closed (YD-DATA-1)",
            )
            audit_record(
                actor=None,
                action="young_driver.smartbox.deactivate",
                obj=d,
                firm_id=policy.firm_id,
                after={"policy": policy.number, "cover_ended": ended, "as_of": as_of},
            )
            deactivated += 1
    return f"{deactivated} Smartboxes deactivated after the end of cover (YD-DATA-1)"
