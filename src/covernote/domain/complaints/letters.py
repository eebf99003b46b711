"""The required content of complaint letters (COMP-6; DISP 1.5.4R, 1.6, 1.7, 1 Annex 3R).

Pure functions returning a :class:`Letter` (title and paragraphs) from the facts
of a complaint. Rendering to HTML/PDF, and sending through the complainant's
channel in their format (PLT-2, PLT-7, REGULATION §6), is done elsewhere; each
letter carries the ``response_format`` so the renderer can honour it.

Required content (REGULATION §1.2):

* acknowledgement (DISP 1.6.1R): prompt, early reassurance, a written response
  within 8 weeks, kept informed; Young Driver within 5 working days;
* summary resolution communication (DISP 1.5.4R): (1) refers to the complaint and
  says it is now considered resolved; (2) if later dissatisfied, may be able to
  refer to the FOS; (3) whether the firm consents to waive the time limits, in the
  DISP 1 Annex 3R wording; (4) the FOS website; (5) further information on the
  FOS website [M: item (5) was cut off in the copies read — compliance to confirm];
* holding response (DISP 1.6.2R(2)): why no final response yet, when one is
  expected, and that the complainant may now refer to the FOS;
* final response (DISP 1.6.2R(1)): the outcome with reasons and any redress, the
  FOS standard explanatory leaflet, the six-month limit, the Annex 3R wording and
  the FOS website;
* forwarding notice (DISP 1.7): who the complaint has been passed to and why.

FOS eligibility wording follows DISP 2.7.3R (COMP-FOS-ELIG), never the seed's
outdated "€2m turnover and fewer than 10 staff".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from covernote.domain.complaints.config import Contact, LetterWording
from covernote.domain.complaints.returns import Outcome
from covernote.domain.money import gbp

FOS_ELIGIBILITY_TEXT = (
    "The Financial Ombudsman Service can consider complaints from individuals, and from "
    "micro-enterprises, small businesses, charities with an annual income under £6.5 "
    "million, trusts with a net asset value under £5 million and personal guarantors."
)  # COMP-FOS-ELIG, DISP 2.7.3R


class LetterType(StrEnum):
    ACKNOWLEDGEMENT = "acknowledgement"
    SUMMARY_RESOLUTION = "summary_resolution"
    HOLDING_RESPONSE = "holding_response"
    FINAL_RESPONSE = "final_response"
    FORWARDING_NOTICE = "forwarding_notice"
    QA_ACKNOWLEDGEMENT = "qa_acknowledgement"
    WITHDRAWAL = "withdrawal"


@dataclass(frozen=True)
class Letter:
    type: LetterType
    title: str
    paragraphs: tuple[str, ...]
    rules: tuple[str, ...]
    response_format: str = "standard"
    enclosures: tuple[str, ...] = ()


@dataclass(frozen=True)
class LetterFacts:
    """What every complaint letter needs to know (COMP-1)."""

    complainant_name: str
    reference: str
    received_on: date
    complaint_summary: str
    firm_name: str
    handler: Contact
    fos: Contact
    response_format: str = "standard"  # PLT-2 / YD-COMPLAINT: large print, audio, Braille ...


def _fmt(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _opening(facts: LetterFacts) -> str:
    return (
        "Thank you for telling us about your complaint, "
        f"which we received on {_fmt(facts.received_on)} (our reference {facts.reference}): "
        f"{facts.complaint_summary}"
    )


def _contact_paragraph(contact: Contact, lead: str) -> str:
    return f"{lead} " + ", ".join(contact.lines()) + "."


def _format_paragraph(facts: LetterFacts) -> str:
    if facts.response_format != "standard":
        label = facts.response_format.replace("_", " ")
        return (
            f"As you asked, we are sending this letter in {label}. Please tell us if you "
            "need it in any other format."
        )
    return (
        "If you would like this letter or any future letters in another format, such as "
        "large print, audio or Braille, please tell us and we will send it."
    )


def acknowledgement_letter(
    facts: LetterFacts, *, final_response_by: date, acknowledge_by: date | None = None
) -> Letter:
    """Written acknowledgement (DISP 1.6.1R; YD-COMPLAINT 5 working days; COMP-3 QA stage)."""
    paragraphs = [
        _opening(facts),
        "We are sorry that you have had cause to complain. Your complaint is being "
        f"looked into by {facts.handler.name}, who will work hard to put things right.",
        "We will send you a full written response as soon as we can and in any event by "
        f"{_fmt(final_response_by)}, eight weeks after we received your complaint. We will "
        "keep you informed of our progress until your complaint has been resolved.",
        _contact_paragraph(facts.handler, "You can contact us about your complaint at:"),
        _format_paragraph(facts),
    ]
    rules = ["COMP-6", "COMP-2"]
    if acknowledge_by is not None:
        rules.append("YD-COMPLAINT")
    return Letter(
        LetterType.ACKNOWLEDGEMENT,
        "We have received your complaint",
        tuple(paragraphs),
        tuple(rules),
        facts.response_format,
    )


def qa_acknowledgement_letter(facts: LetterFacts, *, final_response_by: date) -> Letter:
    """The QA team's written acknowledgement after escalation (COMP-3); ``facts.handler``
    is the stage 2 contact."""
    first = acknowledgement_letter(facts, final_response_by=final_response_by)
    paragraphs = (
        first.paragraphs[0],
        f"Your complaint has been passed to our {facts.handler.name}, who will now review it.",
        *first.paragraphs[2:],
    )
    return Letter(
        LetterType.QA_ACKNOWLEDGEMENT,
        "Your complaint has been passed to our Quality Assurance Team",
        paragraphs,
        ("COMP-3", "COMP-6"),
        facts.response_format,
    )


def withdrawal_letter(facts: LetterFacts) -> Letter:
    """Confirmation that the complainant withdrew the complaint (COMP-7), with the FOS
    website (COMP-6)."""
    paragraphs = (
        "You have told us that you wish to withdraw your "
        f"complaint, which we received on {_fmt(facts.received_on)} (our reference "
        f"{facts.reference}). We have closed it.",
        "If you change your mind, or become dissatisfied again, please contact us and we "
        "will look into it. You may also be able to refer the matter to the Financial "
        f"Ombudsman Service ({facts.fos.website}).",
    )
    return Letter(
        LetterType.WITHDRAWAL,
        "Your complaint has been withdrawn",
        paragraphs,
        ("COMP-6", "COMP-7"),
        facts.response_format,
    )


def _annex_3r(wording: LetterWording, consent_to_waive: bool) -> tuple[str, ...]:
    return wording.annex_3r_consent if consent_to_waive else wording.annex_3r_no_consent


def summary_resolution_letter(
    facts: LetterFacts,
    *,
    resolution: str,
    wording: LetterWording,
    consent_to_waive: bool = False,
) -> Letter:
    """Summary resolution communication: the five DISP 1.5.4R items, in order (COMP-3)."""
    fos_site = facts.fos.website
    paragraphs = [
        _opening(facts),
        # DISP 1.5.4R(1)
        f"{resolution} As you have accepted this, we now consider your complaint resolved.",
        # DISP 1.5.4R(2)
        "If you later decide that you are dissatisfied with the resolution of your "
        "complaint, you may be able to refer it to the Financial Ombudsman Service.",
        # DISP 1.5.4R(3): Annex 3R wording
        *_annex_3r(wording, consent_to_waive),
        # DISP 1.5.4R(4) and (5)
        f"The Financial Ombudsman Service's website is {fos_site}, where you can find "
        "further information about the service.",
        FOS_ELIGIBILITY_TEXT,
        _format_paragraph(facts),
    ]
    return Letter(
        LetterType.SUMMARY_RESOLUTION,
        "Your complaint has been resolved",
        tuple(paragraphs),
        ("COMP-6", "COMP-3", "COMP-FOS-ELIG"),
        facts.response_format,
    )


def holding_response_letter(
    facts: LetterFacts,
    *,
    reason: str,
    expected_by: date | None = None,
    wording: LetterWording | None = None,
) -> Letter:
    """Eight-week holding response with FOS referral rights (DISP 1.6.2R(2), COMP-2).

    With ``wording`` the enclosed leaflet is named by its configured title and the
    letter says it is enclosed; without it the generic title is used.
    """
    leaflet = (
        wording.fos_leaflet_title if wording is not None else "FOS standard explanatory leaflet"
    )
    expected = (
        f"We expect to send you our final response by {_fmt(expected_by)}."
        if expected_by is not None
        else "We will send you our final response as soon as we can."
    )
    paragraphs = [
        _opening(facts),
        f"We are not yet in a position to give you our final response because {reason}",
        expected,
        "As it is now eight weeks since we received your complaint, you may refer it to "
        "the Financial Ombudsman Service now, free of charge, if you are dissatisfied with "
        "the delay. You do not have to wait for our final response.",
        f"We enclose the Financial Ombudsman Service's standard explanatory leaflet: {leaflet}.",
        FOS_ELIGIBILITY_TEXT,
        _contact_paragraph(facts.fos, "You can contact the Financial Ombudsman Service at:"),
        _format_paragraph(facts),
    ]
    return Letter(
        LetterType.HOLDING_RESPONSE,
        "An update on your complaint",
        tuple(paragraphs),
        ("COMP-6", "COMP-2", "COMP-4", "COMP-FOS-ELIG"),
        facts.response_format,
        (leaflet,),
    )


def final_response_letter(
    facts: LetterFacts,
    *,
    outcome: Outcome,
    reasons: tuple[str, ...],
    wording: LetterWording,
    redress: Decimal | None = None,
    consent_to_waive: bool = False,
    fos_referred_on: date | None = None,
    fos_reference: str = "",
    solicitor_route: tuple[Contact, ...] = (),
) -> Letter:
    """Final response (DISP 1.6.2R(1)): outcome, reasons, redress, leaflet, 6 months, Annex 3R.

    ``fos_referred_on``: the complainant referred to the FOS before this response
    (COMP-6): the letter notes the referral; everything else it must say is unchanged.
    ``solicitor_route``: a complaint about a panel solicitor's conduct goes to the
    solicitor's own procedure, then the Legal Ombudsman, not the FOS (COMP-4).
    """
    decision = {
        Outcome.UPHELD: "We have upheld your complaint.",
        Outcome.PARTLY_UPHELD: "We have upheld part of your complaint.",
        Outcome.GOODWILL_WITHOUT_DECISION: "We would like to offer you a goodwill payment.",
        Outcome.REJECTED: "We have not upheld your complaint.",
        Outcome.WITHDRAWN: "You have told us that you wish to withdraw your complaint.",
    }[outcome]
    paragraphs = [_opening(facts), f"This is our final response. {decision}", *reasons]
    if solicitor_route:
        route = " and then ".join(d.name for d in solicitor_route)
        paragraphs.insert(
            3,
            "Your complaint concerns the conduct of a panel solicitor. If you remain "
            f"dissatisfied with the solicitor, the route is: {route}. "
            + ", ".join(solicitor_route[-1].lines())
            + ".",
        )
    if redress is not None and redress > 0:
        paragraphs.append(f"We are offering you {gbp(redress)} to put things right.")
    if fos_referred_on is not None:
        ref = f" (their reference {fos_reference})" if fos_reference else ""
        paragraphs.append(
            "We understand that you referred your complaint to the Financial Ombudsman "
            f"Service on {_fmt(fos_referred_on)}{ref}, before we sent this response. We are "
            "still required to give you our final response. The Financial Ombudsman Service "
            "will take it into account, and you do not need to refer your complaint again."
        )
    paragraphs += [
        "If you remain dissatisfied, you may refer your complaint to the Financial "
        "Ombudsman Service. We enclose the Financial Ombudsman Service's standard "
        f"explanatory leaflet: {wording.fos_leaflet_title}.",
        *_annex_3r(wording, consent_to_waive),
        FOS_ELIGIBILITY_TEXT,
        _contact_paragraph(facts.fos, "You can contact the Financial Ombudsman Service at:"),
        _format_paragraph(facts),
    ]
    return Letter(
        LetterType.FINAL_RESPONSE,
        "Our final response to your complaint",
        tuple(paragraphs),
        ("COMP-6", "COMP-2", "COMP-4", "COMP-FOS-ELIG"),
        facts.response_format,
        (wording.fos_leaflet_title,),
    )


def forwarding_notice_letter(facts: LetterFacts, *, forwarded_to: Contact) -> Letter:
    """Tell the complainant their complaint has been passed to another firm (DISP 1.7, COMP-5)."""
    paragraphs = [
        _opening(facts),
        "We have not been able to resolve your complaint by the end of the third working "
        f"day, so we have passed it to {forwarded_to.name}, who will now deal with it and "
        "respond to you.",
        _contact_paragraph(forwarded_to, "Their details are:"),
        _format_paragraph(facts),
    ]
    return Letter(
        LetterType.FORWARDING_NOTICE,
        "Your complaint has been passed on",
        tuple(paragraphs),
        ("COMP-6", "COMP-5", "GAP-COMPLAINT"),
        facts.response_format,
    )
