"""Who may take a complaint to the Financial Ombudsman Service (COMP-FOS-ELIG, DISP 2.7.3R).

REGULATION §1.3, tested at the time the complainant refers the complaint to the firm:

* consumer; personal guarantor — eligible;
* micro-enterprise: fewer than 10 persons **and** annual turnover **or** balance
  sheet total **not exceeding** €2m (either limb is enough);
* small business (acts on or after 1 April 2019): not a micro-enterprise,
  turnover **below** £6.5m **and either** fewer than 50 employees **or** a balance
  sheet **below** £5m (PS18/21);
* charity with annual income **below** £6.5m; trust with net assets **below** £5m.

Missing data: "if in doubt, treat the complainant as eligible" (DISP 2.7.5G), so an
undecidable test is eligible. The tests use three-valued logic (True / False /
unknown) so that a known failing limb still decides where it can.

The € limits are compared in euros: ``amount_gbp × eur_per_gbp <= €2m``, exact in
``Decimal``; the rate used is recorded in the steps. Figures are those of the
enterprise with its partner and linked enterprises (DISP 2.7.4G).

The seed's (S2) "€2m turnover and fewer than 10 staff" is the pre-2019 test and
is not used (GAP-COMPLAINT).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from covernote.domain.complaints.config import EligibilityThresholds
from covernote.domain.decisions import Decision
from covernote.domain.money import gbp, round_money

Tri = bool | None  # three-valued: None = not known


class ComplainantType(StrEnum):
    CONSUMER = "consumer"
    BUSINESS = "business"
    CHARITY = "charity"
    TRUST = "trust"
    GUARANTOR = "guarantor"


class EligibilityCategory(StrEnum):
    CONSUMER = "consumer"
    MICRO_ENTERPRISE = "micro_enterprise"
    SMALL_BUSINESS = "small_business"
    BUSINESS_PRESUMED_ELIGIBLE = "business_presumed_eligible"  # DISP 2.7.5G
    LARGER_BUSINESS = "larger_business"  # not eligible
    CHARITY = "charity"
    TRUST = "trust"
    GUARANTOR = "guarantor"


@dataclass(frozen=True)
class ComplainantFacts:
    """The evidence recorded for a complainant (COMP-1). Money in GBP."""

    complainant: ComplainantType
    employees: int | None = None
    annual_turnover_gbp: Decimal | None = None
    balance_sheet_gbp: Decimal | None = None
    annual_income_gbp: Decimal | None = None
    net_assets_gbp: Decimal | None = None
    eur_per_gbp: Decimal | None = None  # None: the configured default is used and recorded


def _all(values: Iterable[Tri]) -> Tri:
    vals = list(values)
    if any(v is False for v in vals):
        return False
    if all(v is True for v in vals):
        return True
    return None


def _any(values: Iterable[Tri]) -> Tri:
    vals = list(values)
    if any(v is True for v in vals):
        return True
    if all(v is False for v in vals):
        return False
    return None


def _below(value: Decimal | int | None, limit: Decimal | int) -> Tri:
    return None if value is None else value < limit


def _word(value: Tri) -> str:
    return {True: "met", False: "not met", None: "unknown (data missing)"}[value]


def fos_eligibility(facts: ComplainantFacts, thresholds: EligibilityThresholds) -> Decision:
    """Decide FOS eligibility (COMP-FOS-ELIG). ``data``: ``eligible`` (bool), ``category``."""
    d = Decision(outcome="eligible")
    kind = facts.complainant

    def done(eligible: bool, category: EligibilityCategory) -> Decision:
        d.outcome = "eligible" if eligible else "not_eligible"
        d.data["eligible"] = eligible
        d.data["category"] = category.value
        return d

    if kind is ComplainantType.CONSUMER:
        d.step("COMP-FOS-ELIG", "A consumer is an eligible complainant (DISP 2.7.3R)")
        return done(True, EligibilityCategory.CONSUMER)
    if kind is ComplainantType.GUARANTOR:
        d.step("COMP-FOS-ELIG", "A personal guarantor is an eligible complainant (DISP 2.7.3R)")
        return done(True, EligibilityCategory.GUARANTOR)

    if kind is ComplainantType.CHARITY:
        limit = thresholds.charity_income_below_gbp
        test = _below(facts.annual_income_gbp, limit)
        d.step(
            "COMP-FOS-ELIG",
            f"Charity: annual income below {gbp(limit)} (DISP 2.7.3R) — {_word(test)}",
            facts.annual_income_gbp,
        )
        if test is None:
            d.step("COMP-FOS-ELIG", "Income not recorded: treated as eligible (DISP 2.7.5G)")
        return done(test is not False, EligibilityCategory.CHARITY)

    if kind is ComplainantType.TRUST:
        limit = thresholds.trust_net_assets_below_gbp
        test = _below(facts.net_assets_gbp, limit)
        d.step(
            "COMP-FOS-ELIG",
            f"Trust: net asset value below {gbp(limit)} (DISP 2.7.3R) — {_word(test)}",
            facts.net_assets_gbp,
        )
        if test is None:
            d.step("COMP-FOS-ELIG", "Net assets not recorded: treated as eligible (DISP 2.7.5G)")
        return done(test is not False, EligibilityCategory.TRUST)

    # Business: micro-enterprise, then small business.
    fx = facts.eur_per_gbp if facts.eur_per_gbp is not None else thresholds.eur_per_gbp
    source = "as recorded" if facts.eur_per_gbp is not None else "configured default (ASSUMPTION)"
    micro_eur = thresholds.micro_limit_eur
    d.step(
        "COMP-FOS-ELIG",
        f"EUR per GBP {fx} ({source}): €{micro_eur:,} ≈ {gbp(round_money(micro_eur / fx))}; "
        "sterling figures are converted to euros for the micro-enterprise test",
        value=str(fx),
        eur_per_gbp=str(fx),
    )

    def within_micro(amount: Decimal | None) -> Tri:
        return None if amount is None else amount * fx <= micro_eur

    staff_micro = _below(facts.employees, thresholds.micro_employees_fewer_than)
    turnover_micro = within_micro(facts.annual_turnover_gbp)
    sheet_micro = within_micro(facts.balance_sheet_gbp)
    money_micro = _any([turnover_micro, sheet_micro])
    micro = _all([staff_micro, money_micro])
    d.step(
        "COMP-FOS-ELIG",
        f"Micro-enterprise: fewer than {thresholds.micro_employees_fewer_than} persons "
        f"({_word(staff_micro)}) and turnover ({_word(turnover_micro)}) or balance sheet "
        f"({_word(sheet_micro)}) not exceeding €{micro_eur:,} — {_word(micro)}",
        value=micro,
        employees=facts.employees,
        annual_turnover_gbp=facts.annual_turnover_gbp,
        balance_sheet_gbp=facts.balance_sheet_gbp,
    )
    if micro is True:
        return done(True, EligibilityCategory.MICRO_ENTERPRISE)

    turnover_small = _below(facts.annual_turnover_gbp, thresholds.small_turnover_below_gbp)
    staff_small = _below(facts.employees, thresholds.small_employees_fewer_than)
    sheet_small = _below(facts.balance_sheet_gbp, thresholds.small_balance_sheet_below_gbp)
    small = _all([turnover_small, _any([staff_small, sheet_small])])
    d.step(
        "COMP-FOS-ELIG",
        f"Small business: turnover below {gbp(thresholds.small_turnover_below_gbp)} "
        f"({_word(turnover_small)}) and either fewer than "
        f"{thresholds.small_employees_fewer_than} employees ({_word(staff_small)}) or balance "
        f"sheet below {gbp(thresholds.small_balance_sheet_below_gbp)} ({_word(sheet_small)}) "
        f"— {_word(small)}",
        value=small,
    )
    if small is True:
        return done(True, EligibilityCategory.SMALL_BUSINESS)
    if micro is False and small is False:
        d.step(
            "COMP-FOS-ELIG",
            "Neither a micro-enterprise nor a small business: not an eligible complainant",
        )
        return done(False, EligibilityCategory.LARGER_BUSINESS)
    d.step(
        "COMP-FOS-ELIG",
        "The business tests cannot be decided on the data recorded: treated as eligible "
        "(DISP 2.7.5G)",
    )
    return done(True, EligibilityCategory.BUSINESS_PRESUMED_ELIGIBLE)
