"""Young Driver quote: base rate × rating factors, IPT, add-ons and arrangement fee.

* YD rating: premium (net of IPT) = base rate × age × licence years × vehicle
  group × postcode area × declared annual mileage × no-claims years; each
  factor is one decision step, rounded to the penny as it is applied (G1) so a
  customer or the ombudsman can redo the sum from the steps.
* PLT-3: sex/gender, religion, sexual orientation and disability are never
  rating inputs — :class:`RatingInput` has no such field, and
  :func:`rating_input_from_mapping` refuses them by name.
* PLT-8: premiums are shown net, IPT and gross; fees carry no IPT.
* YD-SALE-1 / PLT-11: add-ons are priced from configuration with their named
  insurer; commission and the legal-expenses per-policy fee are recorded.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal

from covernote.domain.decisions import Decision
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.money import ZERO, gbp, round_money
from covernote.domain.young_driver.params import IntBand, YoungDriverParams, percent_text

# PLT-3: inputs the rating code must never accept (Equality Act 2010 protected
# characteristics other than age). Used only to refuse them with a clear error.
FORBIDDEN_RATING_INPUTS = frozenset(
    {
        "sex",
        "gender",
        "religion",
        "belief",
        "sexual_orientation",
        "orientation",
        "disability",
        "disabled",
    }
)

# A UK postcode's outward code starts with the 1-2 letter postcode area.
_POSTCODE = re.compile(r"^([A-Z]{1,2})[0-9][A-Z0-9]?\s*[0-9][A-Z]{2}$")


@dataclass(frozen=True)
class RatingInput:
    """What a Young Driver premium is rated on — and nothing else (PLT-3)."""

    age: int  # whole years on the policy start date
    licence_years: int
    vehicle_group: int  # ABI group 1-50
    postcode: str
    annual_mileage: int  # declared (YD-MILES-1)
    no_claims_years: int
    add_ons: tuple[str, ...] = ()


def age_on(date_of_birth: date, on: date) -> int:
    """Whole years of age on ``on`` (a 29 February birthday counts from 1 March)."""
    years = on.year - date_of_birth.year
    if (on.month, on.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def postcode_area(postcode: str) -> str:
    """The postcode area (leading letters), e.g. ``"LS1 4AP"`` → ``"LS"``."""
    normalised = " ".join(postcode.upper().split())
    match = _POSTCODE.match(normalised)
    if match is None:
        raise DomainError(ErrorCode.INVALID, "postcode is not a UK postcode", "YD-RATE", "postcode")
    return match.group(1)


def rating_input_from_mapping(mapping: Mapping[str, object]) -> RatingInput:
    """Build a :class:`RatingInput` from a mapping, refusing forbidden and unknown keys.

    PLT-3: a protected characteristic is refused by name, so a caller that tries
    to pass one learns the rule rather than having it silently dropped.
    """
    for key in mapping:
        if key.lower() in FORBIDDEN_RATING_INPUTS:
            raise DomainError(
                ErrorCode.INVALID,
                f"{key} is never a rating input (Equality Act 2010; PLT-3)",
                "PLT-3",
                key,
            )
    known = {f.name for f in fields(RatingInput)}
    for key in mapping:
        if key not in known:
            raise DomainError(ErrorCode.INVALID, f"{key} is not a rating input", "YD-RATE", key)
    for name in known - {"add_ons"}:
        if name not in mapping:
            raise DomainError(ErrorCode.REQUIRED, f"{name} is required", "YD-RATE", name)
    postcode = mapping["postcode"]
    if not isinstance(postcode, str) or len(postcode) > 10 or not postcode.isprintable():
        raise DomainError(
            ErrorCode.INVALID,
            "Postcode: must be a UK postcode of at most 10 characters",
            "YD-RATE",
            "postcode",
        )
    add_ons = mapping.get("add_ons", ())
    if not isinstance(add_ons, list | tuple) or not all(isinstance(a, str) for a in add_ons):
        raise DomainError(
            ErrorCode.INVALID, "add_ons must be a list of codes", "YD-SALE-1", "add_ons"
        )
    rating = RatingInput(
        age=_whole(mapping, "age"),
        licence_years=_whole(mapping, "licence_years"),
        vehicle_group=_whole(mapping, "vehicle_group"),
        postcode=postcode,
        annual_mileage=_whole(mapping, "annual_mileage"),
        no_claims_years=_whole(mapping, "no_claims_years"),
        add_ons=tuple(str(a) for a in add_ons),
    )
    # Nobody earns a no-claims year before holding a licence (ADR 0023).
    if rating.no_claims_years > rating.licence_years:
        raise DomainError(
            ErrorCode.INVALID,
            f"No-claims years: cannot be more than the years licensed "
            f"({rating.licence_years}); you sent {rating.no_claims_years}",
            "YD-RATE",
            "no_claims_years",
        )
    return rating


#: Whole-number rating facts and the values a person or car can have (ADR 0023); the
#: rating bands then decide what is rated.
RATING_BOUNDS = {
    "age": (0, 120),
    "licence_years": (0, 100),
    "vehicle_group": (1, 50),
    "annual_mileage": (0, 200_000),
    "no_claims_years": (0, 100),
}


def _whole(mapping: Mapping[str, object], name: str) -> int:
    value = mapping[name]
    low, high = RATING_BOUNDS[name]
    label = name.replace("_", " ").capitalize()
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError(
            ErrorCode.INVALID,
            f"{label}: must be a whole number from {low:,} to {high:,}",
            "YD-RATE",
            name,
        )
    if not low <= value <= high:
        raise DomainError(
            ErrorCode.INVALID,
            f"{label}: must be from {low:,} to {high:,}; you sent {value:,}",
            "YD-RATE",
            name,
        )
    return value


def _band(bands: tuple[IntBand, ...], value: int, field: str) -> IntBand:
    for band in bands:
        if band.contains(value):
            return band
    raise DomainError(
        ErrorCode.NOT_ELIGIBLE,
        f"{field} {value} is outside the rated bands ({bands[0].label()} to {bands[-1].label()})",
        "YD-RATE",
        field,
    )


def quote(rating_input: RatingInput, params: YoungDriverParams) -> Decision:
    """Price a Young Driver policy (YD rating, PLT-3, PLT-8, PLT-11, YD-SALE-1, YD-FEE-ARR).

    Amounts: ``premium_net``, ``ipt``, ``premium_gross``, ``add_ons_gross``,
    ``arrangement_fee``, ``total`` and the commission figures for disclosure.
    """
    model = params.rating
    d = Decision(outcome="quoted")
    premium = round_money(model.base_rate)
    d.step("YD-RATE", "Base rate", premium, base_rate=model.base_rate)

    area = postcode_area(rating_input.postcode)
    area_factor = model.postcode_area.get(area, model.postcode_area_default)
    factors: list[tuple[str, str, object, Decimal]] = []
    for label, field, value, bands in (
        ("Age", "age", rating_input.age, model.age),
        ("Licence years", "licence_years", rating_input.licence_years, model.licence_years),
        ("Vehicle group", "vehicle_group", rating_input.vehicle_group, model.vehicle_group),
        (
            "Declared annual mileage",
            "annual_mileage",
            rating_input.annual_mileage,
            model.annual_mileage,
        ),
        ("No-claims years", "no_claims_years", rating_input.no_claims_years, model.no_claims_years),
    ):
        band = _band(bands, value, field)
        factors.append((label, f"band {band.label()}", value, band.factor))
    factors.insert(3, ("Postcode area", f"area {area}", rating_input.postcode, area_factor))

    for label, band_label, shown, factor in factors:
        premium = round_money(premium * factor)
        d.step(
            "YD-RATE",
            f"{label} factor ({band_label}) × {factor}",
            premium,
            value=str(factor),
            input=shown,
        )
    d.step("PLT-3", "No sex/gender, religion, orientation or disability input was used")

    ipt = round_money(premium * params.ipt_rate)
    gross = premium + ipt
    d.step(
        "PLT-8", f"Motor premium net {gbp(premium)}, IPT at {percent_text(params.ipt_rate)}", ipt
    )
    d.step("PLT-8", "Motor premium gross (net + IPT)", gross)

    commission = round_money(premium * params.commission_rate)
    d.step("PLT-11", "Our commission on the motor premium (disclosed on request)", commission)

    add_ons_gross = ZERO
    add_on_commission = ZERO
    add_on_fees = ZERO
    seen: set[str] = set()
    for code in rating_input.add_ons:
        add_on = params.add_ons.get(code)
        if add_on is None:
            raise DomainError(ErrorCode.INVALID, f"unknown add-on {code!r}", "YD-SALE-1", "add_ons")
        if code in seen:
            raise DomainError(ErrorCode.INVALID, f"add-on {code!r} twice", "YD-SALE-1", "add_ons")
        seen.add(code)
        add_on_ipt = round_money(add_on.price * params.ipt_rate)
        add_on_gross = round_money(add_on.price) + add_on_ipt
        add_ons_gross += add_on_gross
        d.step(
            "YD-SALE-1",
            f"{add_on.name}, underwritten by {add_on.insurer}: net {gbp(round_money(add_on.price))}"
            f" + IPT {gbp(add_on_ipt)}",
            add_on_gross,
            insurer=add_on.insurer,
        )
        this_commission = round_money(add_on.price * add_on.commission_rate)
        add_on_commission += this_commission
        add_on_fees += add_on.per_policy_fee
        d.step(
            "PLT-11",
            f"Commission on {add_on.name} ({percent_text(add_on.commission_rate)})"
            + (
                f", plus per-policy fee {gbp(add_on.per_policy_fee)}"
                if add_on.per_policy_fee
                else ""
            ),
            this_commission + add_on.per_policy_fee,
        )

    arrangement = params.fees.arrangement
    d.step("YD-FEE-ARR", "Arrangement fee (includes the Smartbox; no IPT on fees)", arrangement)
    total = gross + add_ons_gross + arrangement
    d.step("YD-RATE", "Total payable: motor gross + add-ons + arrangement fee", total)

    d.amounts.update(
        premium_net=premium,
        ipt=ipt,
        premium_gross=gross,
        add_ons_gross=add_ons_gross,
        arrangement_fee=arrangement,
        total=total,
        commission=commission,
        add_on_commission=add_on_commission,
        add_on_per_policy_fees=add_on_fees,
    )
    d.data["finance_commission_rate"] = str(params.premium_finance.commission_rate)
    return d
