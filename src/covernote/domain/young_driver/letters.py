"""The words of the Young Driver letters (SPEC §2), built from typed facts.

Each function returns a :class:`Letter` — title, paragraphs and a table of
label/value rows — which the app renders with one template
(``documents/yd_letter.html``) together with the decision's steps. Money goes
through :func:`covernote.domain.money.gbp` and dates through
:func:`covernote.domain.calendar.format_date`; no service writes prose.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from covernote.domain.calendar import format_date, long_datetime
from covernote.domain.money import ZERO, gbp
from covernote.domain.young_driver.params import YoungDriverParams, percent_text


@dataclass(frozen=True)
class Letter:
    """A letter's content: what the customer reads, not how it is laid out."""

    title: str
    paragraphs: tuple[str, ...]
    rows: tuple[tuple[str, str], ...] = ()


def money(amount: Decimal) -> str:
    """``£1,234.45``: the one way a Young Driver letter shows an amount (the pages' ``|money``)."""
    return gbp(amount)


# --------------------------------------------------------------------------- payments (YD-PAY-2/3)


def adjustment_reason(kind: str, premium_adjustment: Decimal, fee: Decimal) -> str:
    """Why a mid-term change moves money (YD-FEE-MTA, YD-FEE-COV-*)."""
    return (
        f"Your policy was changed ({kind.replace('_', ' ')}): premium adjustment "
        f"{money(premium_adjustment)} plus fee {money(fee)}"
    )


def review_reason(review_date: date, before: Decimal, after: Decimal) -> str:
    """Why a driving review moves money (YD-REVIEW-4)."""
    return (
        f"Your driving review of {format_date(review_date)} changed your premium "
        f"from {money(before)} to {money(after)} a year"
    )


def cancellation_refund_reason(*, set_off: Decimal, provider: str | None) -> str:
    """Why a cancellation refunds money; with premium finance, the part that settles the
    credit agreement first (YD-PAY-1)."""
    reason = "Your policy has been cancelled"
    if provider is not None and set_off > 0:
        reason += (
            f"; {money(set_off)} of your refund goes to {provider} to settle your credit agreement"
        )
    return reason


def cancellation_summary(
    *,
    premium_collected: Decimal,
    premium_refund: Decimal,
    cancellation_fee: Decimal,
    outstanding_netted: Decimal,
    balance_to_collect: Decimal,
    refund: Decimal,
) -> tuple[tuple[str, str], ...]:
    """The cancellation figures in the customer's words (no rule ids): what they paid,
    what comes back, what is set off and what they get or still owe (YD-CANCEL-1, YD-PAY-2)."""
    rows: list[tuple[str, str]] = [("Premium you have paid", money(premium_collected))]
    if outstanding_netted > 0:
        rows.append(
            (
                "Payment we told you about, not yet taken (we will not take it)",
                money(outstanding_netted),
            )
        )
    elif outstanding_netted < 0:
        rows.append(("Refund we told you about, not yet paid", money(-outstanding_netted)))
    rows.append(("Premium for the days you will not be covered", money(premium_refund)))
    if cancellation_fee > 0:
        rows.append(("Cancellation fee", money(cancellation_fee)))
    if balance_to_collect > 0:
        rows.append(("You will owe us", money(balance_to_collect)))
    else:
        rows.append(("Your refund", money(refund)))
    return tuple(rows)


def cancellation_balance_reason() -> str:
    """The balance owed when payments we had notified exceeded the cancellation refund."""
    return (
        "Your policy has been cancelled; this is what you still owe for the cover you had "
        "and the fees, after the payment we had told you about was cancelled"
    )


def payment_notice(*, reason: str, amount: Decimal, respread: bool, earliest: date) -> Letter:
    """YD-PAY-2/3: 14 days' written notice before we collect, refund or re-spread."""
    verb = "collect" if amount > 0 else "refund"
    how = (
        "spread over your remaining Direct Debit instalments"
        if respread
        else f"{'taken from' if amount > 0 else 'paid back to'} the payment method we hold"
    )
    return Letter(
        "Notice of a payment on your Young Driver policy",
        (
            f"{reason}. We will {verb} {money(abs(amount))}, {how}, no earlier than "
            f"{format_date(earliest)} (14 days' written notice under your continuous "
            "payment authority).",
            "If you do not agree, call us before that date.",
        ),
    )


# --------------------------------------------------------------------------- Smartbox (YD-BOX)


def install_reminder(*, deadline: date) -> Letter:
    """YD-BOX-INSTALL: the deadline has passed without a verified box."""
    return Letter(
        "Reminder: fit your Smartbox and upload a photo",
        (
            f"Your Smartbox had to be fitted and photographed by "
            f"{format_date(deadline)}. Please do it now in the app.",
            "If it is not done, we may not continue your insurance.",
        ),
    )


def replacement_final_reminder() -> Letter:
    """YD-BOX-FAULT: a free replacement never leads to a notice of cancellation."""
    return Letter(
        "Please fit your replacement Smartbox",
        (
            "We sent you a free replacement Smartbox because your old one stopped "
            "sending data. It has not been fitted and approved yet.",
            "Please fit it and upload a photo in the app, or call us if you need "
            "help. Your cover is not affected by this letter.",
        ),
    )


def install_notice(*, last_day: date) -> Letter:
    """YD-BOX-INSTALL, YD-CANCEL-5: notice of cancellation for a box never fitted."""
    return Letter(
        "Notice of cancellation: Smartbox not fitted",
        (
            "Your Smartbox has still not been fitted and approved.",
            f"Your cover will end at the end of {format_date(last_day)} "
            "unless the fitted box is approved before then.",
        ),
    )


def fault_replacement(
    *, old_serial: str, last_data_on: date, new_serial: str, deadline: date
) -> Letter:
    """YD-BOX-FAULT: a silent box is replaced free of charge."""
    return Letter(
        "We are sending you a replacement Smartbox",
        (
            f"We have not received data from your Smartbox {old_serial} since "
            f"{format_date(last_data_on)}, so we think it may be faulty.",
            f"A replacement Smartbox ({new_serial}) is on its way, free of charge. "
            f"Please fit it and upload a photo in the app by "
            f"{format_date(deadline)}, then return the old box.",
        ),
    )


# --------------------------------------------------------------------------- cancellation (YD-CANCEL)


@dataclass(frozen=True)
class FinanceSettlement:
    """YD-PAY-1: the premium-finance figures of a cancellation, read from its decision."""

    provider: str
    owed: Decimal
    set_off: Decimal
    refund_to_customer: Decimal
    balance: Decimal


def cancellation(
    *,
    void: bool,
    cancel_on: date,
    refund: Decimal,
    refund_due_by: date,
    box_return_deadline: date,
    box_credit: Decimal,
    finance: FinanceSettlement | None = None,
    netted: Decimal = ZERO,
    balance: Decimal = ZERO,
) -> Letter:
    """YD-CANCEL-1..4, YD-VOID-1: the cancellation (or void) letter. ``netted``: payments we
    had told the customer about but not yet made, now set against the refund (YD-PAY-2);
    ``balance``: what they still owe when those exceeded the refund."""
    title = "Your policy has been declared void" if void else "Your policy is cancelled"
    paragraphs = (
        ["We have declared your policy void on the grounds of fraud. We keep the premium paid."]
        if void
        else [
            f"Your cover ends at the end of {format_date(cancel_on)}.",
            f"We will refund {money(refund)} by {format_date(refund_due_by)}.",
            f"Return your Smartbox by {format_date(box_return_deadline)} and we "
            f"will refund up to {money(box_credit)} more.",
        ]
    )
    if not void and netted > 0:
        paragraphs.insert(
            1,
            f"We will not take the payment of {money(netted)} we wrote to you about: it has "
            "been taken off your refund instead.",
        )
    elif not void and netted < 0:
        paragraphs.insert(
            1,
            f"The refund of {money(-netted)} we wrote to you about is included in the refund "
            "below; it will not be paid twice.",
        )
    if not void and balance > 0:
        paragraphs[-2] = (
            f"After the cover you have had and the fees, you owe us {money(balance)}. We will "
            "write to you at least 14 days before we take it."
        )
    rows: tuple[tuple[str, str], ...] = ()
    if finance is not None:
        f = finance
        rows = (
            (f"Still owed to {f.provider} before settlement", money(f.owed)),
            ("Refund set against it (paid to the provider)", money(f.set_off)),
            ("Refund paid to you", money(f.refund_to_customer)),
            (f"Balance you still owe {f.provider}", money(f.balance)),
        )
        if not void and balance <= 0:
            paragraphs[-2] = (
                f"Your Direct Debit credit agreement is settled: {money(f.set_off)} of your "
                f"refund goes to {f.provider}, and we will refund {money(f.refund_to_customer)} "
                f"to you by {format_date(refund_due_by)}."
            )
        if f.balance > 0:
            paragraphs.append(
                f"You still owe {f.provider} {money(f.balance)}; they will write to you about "
                "paying it. No further Direct Debit instalments will be taken."
            )
    return Letter(title, tuple(paragraphs), rows)


def notice_of_cancellation(*, reason: str, rule: str, detail: str, last_day: date) -> Letter:
    """YD-CANCEL-5: our notice of cancellation for a listed reason."""
    return Letter(
        "Notice of cancellation",
        (
            f"We are giving you notice that we will cancel your policy because of {reason}.",
            *([detail] if detail else []),
            f"Your cover will end at the end of {format_date(last_day)}. Any refund follows "
            "your policy's cancellation terms. If you think we have this wrong, call us before then.",
        ),
    )


# --------------------------------------------------------------------------- theft (YD-THEFT-1)


def theft_acknowledgement(
    *, reference: str, vehicle_reg: str, stolen_on: date, incident: str
) -> Letter:
    """YD-THEFT-1: we have registered the claim."""
    return Letter(
        "We have received your theft claim",
        (
            f"We have registered your claim {reference} for the theft of "
            f"{vehicle_reg} on {format_date(stolen_on)}.",
            f"Police incident number: {incident}.",
            "While your claim is open we may use your Smartbox's last known position and "
            "recent journeys to help the police recover the vehicle.",
            "We will write to you again when we have a decision.",
        ),
        (("Claim", reference), ("Police incident number", incident)),
    )


# --------------------------------------------------------------------------- renewal (YD-FEE-REN)


def renewal_invitation(
    *,
    end: date,
    new_start: date,
    annual: Decimal,
    fee: Decimal,
    total: Decimal,
    by_card: bool,
) -> Letter:
    """YD-FEE-REN, YD-PAY-2: the invitation is also the written notice before collection."""
    how = (
        "taken from the card we hold"
        if by_card
        else "financed again by monthly Direct Debit from the account we hold"
    )
    return Letter(
        "Your Young Driver renewal",
        (
            f"Your policy ends on {format_date(end)}. We can renew it from "
            f"{format_date(new_start)}.",
            f"Renewal premium {money(annual)} a year (including IPT) plus the renewal fee "
            f"{money(fee)}: {money(total)} in total, {how} "
            "(under your continuous payment authority) no earlier than 14 days from this letter.",
            "Your new term has a new 14-day cooling off period; the renewal fee is treated like "
            "the arrangement fee if you cancel.",
        ),
    )


def renewal_schedule(
    *,
    number: str,
    start: date,
    end: date,
    renewal_of: str,
    annual: Decimal,
    fee: Decimal,
    total: Decimal,
) -> Letter:
    """YD-FEE-REN: the renewed policy's schedule."""
    return Letter(
        "Your renewed Young Driver policy",
        (
            f"Your policy {number} runs from {format_date(start)} to "
            f"{format_date(end)} (renewal of {renewal_of}).",
            "You have 14 days from the later of the start and receiving these documents to "
            "cancel without a cancellation fee.",
        ),
        (
            ("Renewal premium (incl. IPT)", money(annual)),
            ("Renewal fee", money(fee)),
            ("Total", money(total)),
        ),
    )


def renewal_declined(*, number: str, end: date) -> Letter:
    """YD-FEE-REN: "No thanks" — the policy runs to its end."""
    return Letter(
        "You have chosen not to renew",
        (
            f"Thank you for letting us know. Your policy {number} stays in force until the end "
            f"of {format_date(end)} and will not be renewed; nothing will be taken "
            "for a renewal.",
            "Please return your Smartbox after your cover ends.",
        ),
    )


# --------------------------------------------------------------------------- driving (YD-SPEED, YD-REVIEW, YD-MILES)

UNNAMED_ROAD = "an unnamed road"


def road_description(name: str | None) -> str:
    """A road as a customer knows it: its name or reference (``A64``, ``Station Road``).
    A map's internal way id (digits only) or nothing at all is "an unnamed road"."""
    text = (name or "").strip()
    if not text or text.isdigit() or text.lower().startswith(("way/", "edge/")):
        return UNNAMED_ROAD
    return text


def whole_mph(value: float | Decimal | str | None) -> int | None:
    """A speed in whole miles per hour, rounded down: a letter never overstates a speed."""
    if value is None or value == "":
        return None
    return int(Decimal(str(value)))


def speeding_alert(
    *,
    at: datetime,
    road_name: str | None,
    limit_mph: float | Decimal | str | None,
    speed_mph: float | Decimal | str | None,
    notice_proposed: bool,
) -> Letter:
    """YD-SPEED-1..3: what the Smartbox recorded, in London time and whole mph; the rule
    that fired stays on the staff record, never in the letter."""
    limit = (
        None
        if limit_mph is None or limit_mph == ""
        else int(Decimal(str(limit_mph)).quantize(Decimal(1), ROUND_HALF_UP))
    )  # posted limits are whole numbers; 29.8 from a km/h conversion reads 30
    speed = whole_mph(speed_mph)
    rows = [
        ("When", long_datetime(at)),
        ("Where", road_description(road_name)),
    ]
    if limit is not None:
        rows.append(("Speed limit", f"{limit} mph"))
    if speed is not None:
        rows.append(("Your speed", f"{speed} mph"))
    return Letter(
        "Notice of cancellation proposed: speeding"
        if notice_proposed
        else "A speeding alert on your Young Driver policy",
        (
            "Your Smartbox recorded the driving below. Speeding puts you and others at risk "
            "and your policy terms allow us to act on it.",
            "Because this follows earlier alerts, we propose to give notice of cancellation. "
            "Our team will review the evidence before any notice is issued, and you can call us."
            if notice_proposed
            else "Please keep to the limit. Repeated or serious speeding can lead to a notice of "
            "cancellation.",
        ),
        tuple(rows),
    )


def review_outcome(
    *,
    review_date: date,
    period_score: object,
    previous_score: object,
    current_premium: Decimal,
    new_premium: Decimal,
    adjustment: Decimal,
    effective_on: date,
    capped: bool,
    cap_percent: str = "150%",
) -> Letter:
    """YD-REVIEW-3/4: the outcome of a 90-day driving review."""
    paragraphs = [
        f"We have reviewed your driving for the 90 days to {format_date(review_date)}.",
        f"Your driving score for the period was {period_score} (previous {previous_score}).",
        (
            f"Your annual premium changes from {money(current_premium)} to "
            f"{money(new_premium)}. For the rest of this policy year that is "
            f"{money(abs(adjustment))} {'to pay' if adjustment > 0 else 'back to you'}, not "
            f"before {format_date(effective_on)} (14 days' notice)."
            if new_premium != current_premium
            else "Your premium stays the same."
        ),
    ]
    if capped:
        paragraphs.append(
            f"The increase is capped: a driving review never takes the premium above "
            f"{cap_percent} of your renewal premium."
        )
    return Letter("The outcome of your 90-day driving review", tuple(paragraphs))


def mileage_top_up(*, tracked: int, declared: int, miles: int, gross: Decimal) -> Letter:
    """YD-MILES-1, YD-CANCEL-5: more miles driven than declared so far: a top-up is needed."""
    return Letter(
        "Your mileage: a top-up is needed",
        (
            f"Your Smartbox has tracked {tracked:,} miles. That is more than your declared "
            f"{declared:,} miles a year allows for so far.",
            f"To stay insured you need a top-up of {miles:,} miles, costing {money(gross)} "
            "including IPT. You can buy it in the app or by calling us. If you do not, we will "
            "have to give notice of cancellation.",
        ),
    )


def mileage_top_up_reason(miles: int) -> str:
    """Why a mileage top-up is collected (YD-MILES-1): the opening of its payment notice."""
    return f"You bought a mileage top-up of {miles:,} miles"


def mileage_declined_detail(miles: int) -> str:
    """YD-MILES-1, YD-CANCEL-5: the detail of a notice after a declined top-up."""
    return f"You declined a {miles:,}-mile top-up."


# --------------------------------------------------------------------------- welcome pack (YD-SALE, YD-INFO)


@dataclass(frozen=True)
class WelcomeSchedule:
    """The words of the welcome pack and schedule; its figures come from the quote and the
    product version the policy is pinned to (``documents/yd_schedule.html`` lays it out)."""

    title: str
    introduction: str
    smartbox: str
    fees: tuple[tuple[str, str], ...]
    payment_authority: str
    credit_search: str = ""


def welcome_schedule(
    *,
    params: YoungDriverParams,
    device_serial: str,
    install_by: date,
    finance_provider: str = "",
    credit_search_reference: str = "",
) -> WelcomeSchedule:
    """YD-SALE-1, YD-BOX-INSTALL, YD-FEE-*, YD-PAY-2: the welcome pack at purchase."""
    fees, periods = params.fees, params.periods
    box_share = percent_text(fees.box_return_refund_rate)
    return WelcomeSchedule(
        title="Your Young Driver welcome pack and policy schedule",
        introduction=(
            "Welcome to Young Driver insurance. This is your policy schedule. We provide "
            "information only and do not make a personal recommendation. Please check it and "
            "tell us at once if anything is wrong."
        ),
        smartbox=(
            f"Smartbox {device_serial} is on its way. Fit it and upload a photo in the app by "
            f"{format_date(install_by)}. We may not continue your insurance if this is not done."
        ),
        fees=(
            ("Arrangement", money(fees.arrangement)),
            ("Renewal", money(fees.renewal)),
            ("Change of vehicle, Smartbox kept", money(fees.vehicle_change_keep_box)),
            ("Change of vehicle, new Smartbox", money(fees.vehicle_change_new_box)),
            ("Mid-term adjustment", money(fees.mid_term_adjustment)),
            (
                f"Cancellation after the {periods.cooling_off_days}-day cooling off period",
                f"{money(fees.cancellation)} ({box_share} of it refunded if the Smartbox is "
                f"returned within {periods.box_return_window_days} days)",
            ),
        ),
        payment_authority=(
            f"Continuous payment authority: we will write to you {periods.cpa_notice_days} days "
            "before any additional payment or refund."
        ),
        credit_search=(
            f"{finance_provider} searched the public information a credit reference agency "
            f"holds about you (search {credit_search_reference})."
            if finance_provider
            else ""
        ),
    )


# --------------------------------------------------------------------------- price steps (PLT-3, PLT-7)

#: A rating factor as the customer knows it (``rating.quote`` labels its YD-RATE steps).
_FACTOR_WORDS = {
    "Age": "Driver's age",
    "Licence years": "Years with a driving licence",
    "Vehicle group": "Vehicle insurance group",
    "Postcode area": "Postcode area",
    "Declared annual mileage": "Miles a year you told us",
    "No-claims years": "Years without a claim",
}
_FACTOR = re.compile(r"^(?P<label>.+) factor \((?P<band>[^)]*)\) × (?P<factor>[0-9.]+)$")


def price_steps(steps: Iterable[Mapping[str, Any]]) -> tuple[dict[str, str], ...]:
    """How the price was worked out, for the customer (YD-RATE, PLT-8): each step in plain
    English with its amount. The staff record keeps the rule ids, bands and the PLT-3 and
    PLT-11 notes (what was not used; commission, which is disclosed on request)."""
    out: list[dict[str, str]] = []
    for step in steps:
        rule, text = str(step.get("rule", "")), str(step.get("description", ""))
        amount = "" if step.get("amount") in (None, "") else str(step["amount"])
        if rule in ("PLT-3", "PLT-11"):
            continue
        factor = _FACTOR.match(text) if rule == "YD-RATE" else None
        if factor is not None:
            label = factor["label"]
            given = (step.get("inputs") or {}).get("input")
            if label == "Postcode area":
                given = factor["band"].removeprefix("area ")
            elif isinstance(given, int) and not isinstance(given, bool):
                given = f"{given:,}"
            words = _FACTOR_WORDS.get(label, label)
            shown = f" ({given})" if given not in (None, "") else ""
            text = f"{words}{shown}: price multiplied by {factor['factor']}"
        elif rule == "YD-RATE" and text == "Base rate":
            text = "Starting price"
        elif rule == "YD-RATE" and text.startswith("Total payable"):
            text = "Total to pay"
        elif rule == "PLT-8" and text.startswith("Motor premium net"):
            rate = re.search(r"IPT at (\S+)$", text)
            text = "Insurance Premium Tax" + (f" at {rate[1]}" if rate else "")
        elif rule == "PLT-8" and text.startswith("Motor premium gross"):
            text = "Motor premium including Insurance Premium Tax"
        out.append({"description": text, "amount": amount})
    return tuple(out)
