"""Who may do what: the one place role checks live (PLT-4, ADR 0006, ADR 0026).

:data:`PERMISSIONS` is the table: each regulated action, the roles that may take
it and the rule id that says so. Services call :func:`require` before they
write (authoritative); pages ask :func:`can` (or the ``can`` context of the
web layer) only to hide the buttons a role cannot use. ``docs/permissions.md``
is generated from the table (``python scripts/permissions_doc.py``) and a test
keeps the two in step.

A refusal is a DomainError with PERMISSION_DENIED and the row's rule id, which
the API answers with 403 and a page shows as a message.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from covernote.accounts.models import ROLE_LABELS, STAFF_ROLES, Role, User
from covernote.domain.errors import DomainError, ErrorCode

#: The intermediary's own staff (PLT-4); brokers and customers are outside it.
STAFF = STAFF_ROLES
#: People who sell and service policies: the intermediary's staff and broker users.
SELLERS = STAFF_ROLES | {Role.BROKER}

_GAP_SELLERS = frozenset({Role.BROKER, Role.AGENT, Role.MANAGER, Role.UNDERWRITER})
_CLAIMS_STAFF = frozenset({Role.CLAIMS_HANDLER, Role.MANAGER, Role.UNDERWRITER})


class Action(StrEnum):
    """A regulated action. The value is also the template name: ``{% if can.gap_sell %}``."""

    # Complaints (COMP-1..7)
    COMPLAINT_LOG = "complaint_log"
    COMPLAINT_ESCALATE = "complaint_escalate"
    COMPLAINT_QA_ACKNOWLEDGE = "complaint_qa_acknowledge"
    COMPLAINT_FORWARD = "complaint_forward"
    COMPLAINT_SUMMARY_RESOLUTION = "complaint_summary_resolution"
    COMPLAINT_FINAL_RESPONSE_STAGE1 = "complaint_final_response_stage1"
    COMPLAINT_FINAL_RESPONSE_STAGE2 = "complaint_final_response_stage2"
    COMPLAINT_HOLDING_RESPONSE = "complaint_holding_response"
    COMPLAINT_WITHDRAW = "complaint_withdraw"
    COMPLAINT_FOS_REFERRAL = "complaint_fos_referral"
    COMPLAINT_FOS_CLOSE = "complaint_fos_close"
    COMPLAINT_RECLASSIFY = "complaint_reclassify"
    # Combined GAP
    GAP_QUOTE = "gap_quote"
    GAP_SELL = "gap_sell"
    GAP_CANCEL = "gap_cancel"
    GAP_TRANSFER = "gap_transfer"
    GAP_CLAIM_REGISTER = "gap_claim_register"
    GAP_CLAIM_DECIDE = "gap_claim_decide"
    GAP_CLAIM_PAY = "gap_claim_pay"
    GAP_CLAIM_PAYMENT_APPROVE = "gap_claim_payment_approve"
    # Young Driver
    YD_CANCEL_FOR_CUSTOMER = "yd_cancel_for_customer"
    YD_CANCELLATION_NOTICE = "yd_cancellation_notice"
    YD_VOID = "yd_void"
    YD_INSTALL_REVIEW = "yd_install_review"
    YD_BOX_RETURN = "yd_box_return"


@dataclass(frozen=True)
class Permission:
    action: Action
    roles: frozenset[Role]
    rule: str
    what: str  # "your role may not <what>"
    note: str = ""


def _p(action: Action, roles: Iterable[Role], rule: str, what: str, note: str = "") -> Permission:
    return Permission(action, frozenset(roles), rule, what, note)


_M, _QA, _UW = Role.MANAGER, Role.QA, Role.UNDERWRITER

#: The table (ADR 0026). Each row cites the rule that gives the action to the roles.
PERMISSIONS: dict[Action, Permission] = {
    p.action: p
    for p in (
        _p(
            Action.COMPLAINT_LOG,
            STAFF | {Role.CUSTOMER},
            "COMP-1",
            "log a complaint: complaints about a broker's sale are logged by the "
            "intermediary's complaints team",
            "Any member of staff takes a complaint, oral or written; a customer logs their own.",
        ),
        _p(
            Action.COMPLAINT_ESCALATE,
            STAFF,
            "COMP-3",
            "escalate a complaint",
            "Anyone taking the customer's call can record that they reject the resolution.",
        ),
        _p(
            Action.COMPLAINT_QA_ACKNOWLEDGE,
            {_QA},
            "COMP-3",
            "acknowledge an escalated complaint",
            "Stage 2 belongs to the QA team, which acknowledges within 1 working day.",
        ),
        _p(
            Action.COMPLAINT_FORWARD,
            STAFF,
            "COMP-5",
            "forward a complaint to another firm",
            "A routing step the procedure requires (the complainant is told); any staff role.",
        ),
        _p(
            Action.COMPLAINT_SUMMARY_RESOLUTION,
            {_M},
            "COMP-3",
            "resolve a complaint at stage 1",
            "Stage 1 is owned by a contact-centre manager.",
        ),
        _p(
            Action.COMPLAINT_FINAL_RESPONSE_STAGE1,
            {_M},
            "COMP-3",
            "issue a final response at stage 1: a contact-centre manager owns it",
            "Stage 1 is owned by a contact-centre manager.",
        ),
        _p(
            Action.COMPLAINT_FINAL_RESPONSE_STAGE2,
            {_QA},
            "COMP-3",
            "issue a final response on an escalated complaint: the QA team owns stage 2",
            "Once escalated, the QA team owns the complaint.",
        ),
        _p(
            Action.COMPLAINT_HOLDING_RESPONSE,
            {_M, _QA},
            "COMP-6",
            "send a holding response",
            "The owner of the stage (manager or QA) writes the 8-week letter.",
        ),
        _p(
            Action.COMPLAINT_WITHDRAW,
            STAFF | {Role.CUSTOMER},
            "COMP-7",
            "withdraw a complaint",
        ),
        _p(
            Action.COMPLAINT_FOS_REFERRAL,
            STAFF,
            "COMP-4",
            "record a FOS referral",
        ),
        _p(
            Action.COMPLAINT_FOS_CLOSE,
            {_M, _QA},
            "COMP-4",
            "close a complaint after the FOS",
        ),
        _p(
            Action.COMPLAINT_RECLASSIFY,
            STAFF,
            "COMP-7",
            "correct a complaint's classification",
        ),
        _p(Action.GAP_QUOTE, SELLERS, "PLT-4", "quote GAP"),
        _p(
            Action.GAP_SELL,
            _GAP_SELLERS,
            "GAP-SALE-1",
            "sell GAP",
            "Sellers of the product: broker users and the intermediary's sales staff.",
        ),
        _p(Action.GAP_CANCEL, _GAP_SELLERS, "GAP-CANCEL-1", "cancel GAP policies"),
        _p(Action.GAP_TRANSFER, _GAP_SELLERS, "GAP-CLAIM-3", "transfer GAP cover"),
        _p(
            Action.GAP_CLAIM_REGISTER,
            _CLAIMS_STAFF | {Role.AGENT},
            "GAP-CLAIM-1",
            "register claims",
            "Agents take the customer's first notification.",
        ),
        _p(
            Action.GAP_CLAIM_DECIDE,
            _CLAIMS_STAFF,
            "GAP-CLAIM-3",
            "decide claims",
            "Assess, approve, decline, request documents.",
        ),
        _p(
            Action.GAP_CLAIM_PAY,
            _CLAIMS_STAFF,
            "GAP-CLAIM-4",
            "pay claims",
            "Up to the role's payment authority (setting COVERNOTE_CLAIM_PAYMENT_AUTHORITY); above "
            "it the payment is requested and waits for a second approver.",
        ),
        _p(
            Action.GAP_CLAIM_PAYMENT_APPROVE,
            {_M, _UW},
            "GAP-CLAIM-4",
            "approve claim payments above a handler's authority",
            "A different user from the requester, whose own authority covers the amount.",
        ),
        _p(
            Action.YD_CANCEL_FOR_CUSTOMER,
            SELLERS,
            "YD-CANCEL-1",
            "cancel for someone else",
            "A customer cancels their own policy in the app.",
        ),
        _p(
            Action.YD_CANCELLATION_NOTICE,
            STAFF,
            "YD-CANCEL-5",
            "give notice of cancellation",
        ),
        _p(Action.YD_VOID, STAFF, "YD-VOID-1", "void a policy"),
        _p(
            Action.YD_INSTALL_REVIEW,
            STAFF,
            "YD-BOX-INSTALL",
            "approve installations",
        ),
        _p(Action.YD_BOX_RETURN, STAFF, "YD-CANCEL-4", "record a returned Smartbox"),
    )
}


def can(actor: User | None, action: Action) -> bool:
    """May ``actor`` take ``action``? (For pages; services call :func:`require`.)"""
    role = getattr(actor, "role", None)
    return role is not None and role in PERMISSIONS[action].roles


def require(actor: User, action: Action) -> None:
    """Refuse unless ``actor`` holds a role the table gives ``action`` to."""
    p = PERMISSIONS[action]
    if actor.role not in p.roles:
        raise DomainError(ErrorCode.PERMISSION_DENIED, f"your role may not {p.what}", p.rule, None)


class Allowed:
    """Attribute access to the table for one user: ``can.gap_sell`` in a template."""

    def __init__(self, actor: User | None) -> None:
        self._actor = actor

    def __getattr__(self, name: str) -> bool:
        try:
            action = Action(name)
        except ValueError:
            raise AttributeError(name) from None
        return can(self._actor, action)


def permissions_markdown() -> str:
    """``docs/permissions.md``, from the table."""
    order = [r for r in Role if r is not Role.CUSTOMER] + [Role.CUSTOMER]
    lines = [
        "# Who may do what",
        "",
        "Generated from `covernote.accounts.permissions.PERMISSIONS` by "
        "`python scripts/permissions_doc.py`; do not edit by hand (a test compares them). "
        "Services refuse anyone else with `permission_denied` and the rule id; pages hide "
        "the buttons. Decision: ADR 0026.",
        "",
        "| Action | Roles | Rule | Note |",
        "|---|---|---|---|",
    ]
    for p in PERMISSIONS.values():
        roles = ", ".join(ROLE_LABELS[r] for r in order if r in p.roles)
        lines.append(
            f"| `{p.action.value}` ({p.what.split(':')[0]}) | {roles} | {p.rule} | {p.note} |"
        )
    lines += [
        "",
        "Claim payment authority (GAP-CLAIM-4, ADR 0026): the setting",
        "`COVERNOTE_CLAIM_PAYMENT_AUTHORITY` per role in pounds (and",
        "`COVERNOTE_CLAIM_PAYMENT_AUTHORITY_USERS` per user email); a role not listed has",
        "no authority. Defaults: claims handler £10,000, manager £25,000, underwriter",
        "£100,000. A payment above",
        "the payer's authority is requested, and a different user whose authority covers it",
        "approves and pays.",
        "",
    ]
    return "\n".join(lines)


def require_role(actor: User, roles: Iterable[Role], *, what: str, rule: str = "PLT-4") -> None:
    """Refuse unless ``actor`` holds one of ``roles``."""
    if actor.role not in frozenset(roles):
        raise DomainError(ErrorCode.PERMISSION_DENIED, f"your role may not {what}", rule, None)


def require_staff(actor: User, *, what: str, rule: str = "PLT-4") -> None:
    """Refuse unless ``actor`` works for the intermediary (not a broker, not a customer)."""
    if not getattr(actor, "is_intermediary_staff", False):
        raise DomainError(
            ErrorCode.PERMISSION_DENIED, f"only the intermediary's staff can {what}", rule, None
        )


def require_same_firm(actor: User, firm_id: int | None, *, label: str, field: str) -> None:
    """A broker user acting on another firm's record is told it does not exist (PLT-4)."""
    if actor.role == Role.BROKER and firm_id != actor.firm_id:
        raise DomainError(ErrorCode.NOT_FOUND, f"no such {label}", "PLT-4", field)
