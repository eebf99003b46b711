"""What the GAP documents and letters say (PLT-7; GAP-CLAIM-1/3/4, GAP-CANCEL-1..4, GAP-EXCL-9).

Pure functions return a :class:`Letter` (a title and typed blocks: paragraphs,
headings, label/value tables, lists) from typed facts. One template set renders
every letter (``gap/documents/letter.html``); sending it in the customer's channel
and format (PLT-2) is the documents app's. Money goes through
:func:`covernote.domain.money.gbp`, dates through
:func:`covernote.domain.calendar.en_gb_date`: no figure is formatted anywhere else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import ClassVar

from covernote.domain.calendar import en_gb_date
from covernote.domain.correspondence import customer_wording
from covernote.domain.gap.records import Finding, StepLine
from covernote.domain.money import gbp

# --------------------------------------------------------------------------- content


@dataclass(frozen=True)
class Paragraph:
    """A paragraph; ``strong`` is shown emphasised between ``text`` and ``after``."""

    kind: ClassVar[str] = "paragraph"
    text: str
    strong: str = ""
    after: str = ""


@dataclass(frozen=True)
class Heading:
    kind: ClassVar[str] = "heading"
    text: str


@dataclass(frozen=True)
class Table:
    """Without ``header``: rows of (label, value). With it: a grid under the header."""

    kind: ClassVar[str] = "table"
    rows: tuple[tuple[str, ...], ...]
    header: tuple[str, ...] = ()


@dataclass(frozen=True)
class ItemList:
    kind: ClassVar[str] = "list"
    items: tuple[str, ...]
    ordered: bool = False


Block = Paragraph | Heading | Table | ItemList


@dataclass(frozen=True)
class Letter:
    title: str
    blocks: tuple[Block, ...]
    rules: tuple[str, ...]
    sign_off: bool = True  # "Yours sincerely" and the firm's name


# --------------------------------------------------------------------------- facts


@dataclass(frozen=True)
class VehicleFacts:
    registration: str
    make: str
    model: str
    first_registered_on: date

    @property
    def described(self) -> str:
        return f"{self.registration} — {self.make} {self.model}"


@dataclass(frozen=True)
class PolicyFacts:
    """A sold policy as its documents describe it."""

    number: str
    holder_name: str
    vehicle: VehicleFacts
    start_on: date
    end_on: date
    term_months: int
    limit_of_liability: Decimal
    net_premium: Decimal
    ipt: Decimal
    gross_premium: Decimal
    config_version: str
    version: int = 1
    purchase_price: Decimal | None = None
    commission_rate: Decimal | None = None
    commission: Decimal | None = None
    salutation: str = ""  # "Dear Mr Okafor": the greeting the customer chose


@dataclass(frozen=True)
class ClaimFacts:
    reference: str
    policy_number: str
    registration: str  # the vehicle insured now
    holder_name: str
    salutation: str = ""


@dataclass(frozen=True)
class ScheduleTerms:
    """The figures the wording quotes, from the product version the policy is pinned to
    (GAP-COVER-3, GAP-CANCEL-1/2/4), and who insures and sold it (PLT-7)."""

    cooling_off_days: int
    excess_cap: Decimal
    retention_fee: Decimal
    insurer_notice_days: int
    insurer: str
    broker: str = ""  # the selling broker firm, if the sale came through one


# --------------------------------------------------------------------------- formatting


def pounds(amount: Decimal) -> str:
    """£13,400.00: the pages' ``|money`` (:func:`covernote.domain.money.gbp`)."""
    return gbp(amount)


def whole_pounds(amount: Decimal) -> str:
    """£500 rather than £500.00, for round figures quoted in the wording."""
    return gbp(amount).removesuffix(".00")


def _dear(name: str, salutation: str = "") -> Paragraph:
    return Paragraph(f"{salutation or f'Dear {name}'},")


def _steps(steps: Iterable[StepLine]) -> Table:
    """How a figure was worked out, in words; the rule ids stay on the staff record."""
    return Table(
        rows=tuple(
            (customer_wording(s.description), pounds(s.amount) if s.amount is not None else "")
            for s in steps
        ),
        header=("Step", "Amount"),
    )


def policy_term(rule: str) -> str:
    """A policy term as the wording numbers it: ``GAP-EXCL-4`` is "Exclusion 4"."""
    match = re.fullmatch(r"GAP-EXCL-(\d+)", rule)
    return f"Exclusion {match.group(1)}" if match else rule


def _period(policy: PolicyFacts) -> str:
    return (
        f"{en_gb_date(policy.start_on)} to {en_gb_date(policy.end_on)} inclusive "
        f"({policy.term_months} months)"
    )


def _premium_rows(policy: PolicyFacts, total_note: str = "") -> tuple[tuple[str, str], ...]:
    return (
        ("Limit of liability", pounds(policy.limit_of_liability)),
        ("Premium (net of IPT)", pounds(policy.net_premium)),
        ("Insurance Premium Tax", pounds(policy.ipt)),
        ("Total premium", pounds(policy.gross_premium) + total_note),
        ("Product terms", f"Version {policy.config_version}"),
    )


# --------------------------------------------------------------------------- policy documents


def schedule(policy: PolicyFacts, *, terms: ScheduleTerms) -> Letter:
    """The policy schedule issued at sale (PLT-7, PLT-11 commission disclosure): every
    figure the wording quotes comes from ``terms``, the policy's own product version."""
    v = policy.vehicle
    assert policy.purchase_price is not None and policy.commission_rate is not None
    assert policy.commission is not None
    rate = round(policy.commission_rate * 100)
    paid = f"{terms.broker}, who arranged this policy, receives" if terms.broker else "we receive"
    return Letter(
        title=f"Combined GAP policy schedule {policy.number}",
        blocks=(
            _dear(policy.holder_name, policy.salutation),
            Paragraph(
                "Thank you for choosing Combined GAP Insurance. This schedule forms part of your "
                'contract of insurance with the policy wording. Please quote "Combined GAP '
                'Insurance" in all communications.'
            ),
            Heading("Policy schedule"),
            Table(
                rows=(
                    ("Policy number", policy.number),
                    ("Policyholder", policy.holder_name),
                    ("Insurer", terms.insurer),
                    *((("Arranged by", terms.broker),) if terms.broker else ()),
                    (
                        "Vehicle",
                        f"{v.described}, first registered {en_gb_date(v.first_registered_on)}",
                    ),
                    ("Period of insurance", _period(policy)),
                    (
                        "Cover",
                        "Combined GAP: the difference between the motor insurer's settlement and "
                        "the purchase price or, if higher, the outstanding finance balance; plus "
                        f"up to {whole_pounds(terms.excess_cap)} of your motor excess.",
                    ),
                    ("Motor excess cover", f"up to {pounds(terms.excess_cap)}"),
                    ("Purchase price", pounds(policy.purchase_price)),
                    *_premium_rows(policy),
                )
            ),
            Heading("Cancelling your policy"),
            Paragraph(
                f"You may cancel within {terms.cooling_off_days} days of purchase or of "
                "receiving these documents, whichever is later, for a full refund if no claim "
                "has been made."
            ),
            Paragraph(
                "After that you may cancel at any time: we refund the premium for the whole "
                f"months of cover left, less the insurer's retention fee of "
                f"{pounds(terms.retention_fee)} (if the fee is more than the refund, there is "
                "no refund). The insurer may "
                f"cancel by giving you {terms.insurer_notice_days} days' notice in writing."
            ),
            Paragraph(
                "Your vehicle must stay insured under a comprehensive motor policy for the "
                "whole period."
            ),
            Paragraph(
                f"Commission: {paid} commission of "
                f"{rate}% of the premium ({pounds(policy.commission)}); ask us if you would "
                "like more detail."
            ),
        ),
        rules=("PLT-7", "PLT-11", "GAP-COVER-3", "GAP-CANCEL-1", "GAP-CANCEL-2", "GAP-CANCEL-4"),
    )


def statement_of_insurance(
    policy: PolicyFacts,
    *,
    firm_name: str,
    support_phone: str,
    contact_within_days: int,
    insurer: str = "",
) -> Letter:
    """The statement of insurance issued at sale (PLT-7); ``firm_name`` is the firm that
    arranged it (the selling broker, else the sender), ``insurer`` who underwrites it."""
    v = policy.vehicle
    return Letter(
        title=f"Combined GAP statement of insurance {policy.number}",
        blocks=(
            Paragraph(
                "This statement confirms that the vehicle below is insured under a Combined GAP "
                f"Insurance policy arranged by {firm_name}."
            ),
            Table(
                rows=(
                    ("Policy number", policy.number),
                    ("Insured", policy.holder_name),
                    ("Vehicle", v.described),
                    (
                        "Effective",
                        f"{en_gb_date(policy.start_on)} to {en_gb_date(policy.end_on)}",
                    ),
                    ("Limit of liability", pounds(policy.limit_of_liability)),
                    *((("Insurer", insurer),) if insurer else ()),
                )
            ),
            Paragraph(
                f"To make a claim, contact us within {contact_within_days} days of the event. "
                f"Telephone {support_phone}."
            ),
        ),
        rules=("PLT-7", "GAP-CLAIM-1"),
        sign_off=False,
    )


def replacement_schedule(
    policy: PolicyFacts, *, old: VehicleFacts, transferred_on: date, purchase_price: Decimal
) -> Letter:
    """The schedule after a new-for-old transfer (GAP-CLAIM-3 exclusion 9, PLT-7)."""
    v = policy.vehicle
    moved = en_gb_date(transferred_on)
    return Letter(
        title=(
            f"Combined GAP policy schedule {policy.number} (replacement vehicle {v.registration})"
        ),
        blocks=(
            _dear(policy.holder_name, policy.salutation),
            Paragraph(
                "As you asked, your Combined GAP cover has moved to your new-for-old replacement "
                f"vehicle from {moved}. This schedule replaces the one we sent before and forms "
                "part of your contract of insurance with the policy wording. Your policy number, "
                "period, limit of liability and premium have not changed."
            ),
            Heading(f"Policy schedule (version {policy.version})"),
            Table(
                rows=(
                    ("Policy number", policy.number),
                    ("Policyholder", policy.holder_name),
                    (
                        "Vehicle insured",
                        f"{v.described}, first registered {en_gb_date(v.first_registered_on)}",
                    ),
                    ("Replaces", f"{old.described} (insured up to {moved})"),
                    ("Period of insurance", _period(policy)),
                    ("Purchase price of the replacement", pounds(purchase_price)),
                    *_premium_rows(policy, " (no extra premium and no refund for the change)"),
                )
            ),
            Paragraph(
                "A claim for the loss of your previous vehicle that led to the new-for-old "
                "replacement is not covered (exclusion 9). Your replacement vehicle must stay "
                "insured under a comprehensive motor policy for the rest of the period."
            ),
        ),
        rules=("PLT-7", "GAP-EXCL-9"),
    )


def cancellation_letter(
    policy: PolicyFacts, *, cancel_on: date, refund: Decimal, steps: Iterable[StepLine]
) -> Letter:
    """The policy is cancelled: the refund and how it was worked out (GAP-CANCEL-1..4)."""
    return Letter(
        title=f"Your Combined GAP policy {policy.number} is cancelled",
        blocks=(
            _dear(policy.holder_name, policy.salutation),
            Paragraph(
                f"Your Combined GAP Insurance policy {policy.number} for "
                f"{policy.vehicle.registration} has been cancelled. Your cover ends on "
                f"{en_gb_date(cancel_on)}."
            ),
            Paragraph("Refund of premium: ", pounds(refund), ". This is how we worked it out:"),
            _steps(steps),
            Paragraph(
                "If you have any questions, or are unhappy with this decision, please contact us. "
                "You may be able to refer a complaint to the Financial Ombudsman Service."
            ),
        ),
        rules=("GAP-CANCEL-1", "GAP-CANCEL-2", "GAP-CANCEL-3", "GAP-CANCEL-4"),
    )


# --------------------------------------------------------------------------- claim letters


def claim_registered(claim: ClaimFacts, *, late: bool) -> Letter:
    """Acknowledge a claim; late notice is explained, never a refusal (GAP-CLAIM-1)."""
    blocks: list[Block] = [
        _dear(claim.holder_name, claim.salutation),
        Paragraph(
            "Thank you for telling us about the total loss of your vehicle "
            f"{claim.registration}. We have registered your Combined GAP claim under policy "
            f"{claim.policy_number}."
        ),
        Paragraph(
            "Your claim reference is ",
            claim.reference,
            ". Please quote it whenever you contact us.",
        ),
    ]
    if late:
        blocks.append(
            Paragraph(
                "The policy asks for a claim to be reported within a set time of the loss, "
                "and we received your notice later than that. This does not on "
                "its own stop us considering your claim: your claims handler will take the "
                "reasons for the delay into account, and will only reduce or decline the claim "
                "if the delay has made a real difference to our ability to deal with it."
            )
        )
    blocks.append(
        Paragraph(
            "What happens next: we will ask your motor insurer for their settlement figures and "
            "let you know if we need anything else from you."
        )
    )
    return Letter(
        title=f"We have received your Combined GAP claim {claim.reference}",
        blocks=tuple(blocks),
        rules=("GAP-CLAIM-1",),
    )


def claim_documents_needed(claim: ClaimFacts, *, documents: Iterable[str], note: str) -> Letter:
    """Documents outstanding: exactly what the customer must still send."""
    blocks: list[Block] = [
        _dear(claim.holder_name, claim.salutation),
        Paragraph(
            f"To progress your Combined GAP claim {claim.reference} under policy "
            f"{claim.policy_number}, we still need the following from you:"
        ),
        ItemList(tuple(documents), ordered=True),
    ]
    if note:
        blocks.append(Paragraph(note))
    blocks.append(
        Paragraph(
            f"Please send them to us as soon as you can, quoting {claim.reference}. We will "
            "write again once we have assessed your claim."
        )
    )
    return Letter(
        title=f"Your Combined GAP claim {claim.reference}: what we still need",
        blocks=tuple(blocks),
        rules=("GAP-CLAIM-1",),
    )


def claim_approved(claim: ClaimFacts, *, payable: Decimal, steps: Iterable[StepLine]) -> Letter:
    """The claim is approved: what we will pay and how (GAP-COVER)."""
    return Letter(
        title=f"Your Combined GAP claim {claim.reference} has been approved",
        blocks=(
            _dear(claim.holder_name, claim.salutation),
            Paragraph(
                f"We have approved your Combined GAP claim {claim.reference} under policy "
                f"{claim.policy_number}. We will pay ",
                pounds(payable),
                ". This is how we worked it out:",
            ),
            _steps(steps),
            Paragraph(
                "We will write again when the payment has been made. As the policy wording says, "
                "payment of a claim ends the policy."
            ),
        ),
        rules=("GAP-COVER", "GAP-CLAIM-4"),
    )


def claim_declined(
    claim: ClaimFacts, *, rules: Iterable[str], declines: Iterable[Finding], note: str
) -> Letter:
    """The claim is declined, naming each policy term relied on (GAP-CLAIM-3)."""
    found = tuple(declines)
    items = tuple(
        policy_term(r) + "".join(f" — {d.reason}" for d in found if d.rule == r) for r in rules
    )
    blocks: list[Block] = [
        _dear(claim.holder_name, claim.salutation),
        Paragraph(
            f"We have carefully assessed your Combined GAP claim {claim.reference} under policy "
            f"{claim.policy_number}. We are sorry to tell you that we cannot pay it, because of "
            "the following policy terms:"
        ),
        ItemList(items),
    ]
    if note:
        blocks.append(Paragraph(note))
    blocks.append(
        Paragraph(
            "If you disagree, please contact our complaints department. If we cannot resolve "
            "your complaint you may refer it to the Financial Ombudsman Service."
        )
    )
    return Letter(
        title=f"Your Combined GAP claim {claim.reference}",
        blocks=tuple(blocks),
        rules=("GAP-CLAIM-3",),
    )


def claim_paid(
    claim: ClaimFacts,
    *,
    amount: Decimal,
    paid_on: date,
    steps: Iterable[StepLine],
    policy_ended_on: date | None,
) -> Letter:
    """The claim is paid and the policy has ended (GAP-CLAIM-4)."""
    ended = en_gb_date(policy_ended_on) if policy_ended_on is not None else ""
    return Letter(
        title=f"Your Combined GAP claim {claim.reference} has been paid",
        blocks=(
            _dear(claim.holder_name, claim.salutation),
            Paragraph(
                f"We have paid your Combined GAP claim {claim.reference}: ",
                pounds(amount),
                f" on {en_gb_date(paid_on)}. This is how we worked it out:",
            ),
            _steps(steps),
            Paragraph(
                "As the policy wording says, payment of a claim ends the policy: policy "
                f"{claim.policy_number} ended on {ended}."
            ),
        ),
        rules=("GAP-COVER", "GAP-CLAIM-4"),
    )
