"""Young Driver product parameters: fees, periods, rating model, review bands (SPEC §2).

Parameters are data (ARCHITECTURE §3.2): they live in the versioned product
configuration ``config/products/young_driver/<effective_from>.toml``. This module
only *validates* an already-parsed mapping — through the pydantic model
:class:`YoungDriverFile` (ADR 0025) — into frozen dataclasses; no file I/O. Every key is checked; a missing, unknown or malformed key is a
:class:`DomainError` with ``code=configuration`` naming the source file and the
key path (``fees.arrangement``, ``rating.age[2].factor`` …).

Money and percentages must be TOML strings or integers, never floats (G1).
Percentages are written as percent (``"12"`` = 12 %) and held as fractions
(``Decimal("0.12")``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from covernote.domain.config_model import (
    ConfigModel,
    Count,
    IsoDate,
    Money,
    Number,
    Percent,
    Positive,
    PositiveCount,
    Text,
    config_error,
    fraction,
    validate,
)
from covernote.domain.letterhead import Disclosures, parse_disclosures

HUNDRED = Decimal(100)


# --------------------------------------------------------------------------- dataclasses


@dataclass(frozen=True)
class Fees:
    """YD-FEE table (seed 001 "What fees do we charge"). Fees carry no IPT (PLT-8)."""

    arrangement: Decimal  # YD-FEE-ARR, £
    renewal: Decimal  # YD-FEE-REN, £
    vehicle_change_keep_box: Decimal  # YD-FEE-COV-KEEP, £
    vehicle_change_new_box: Decimal  # YD-FEE-COV-NEW, £
    mid_term_adjustment: Decimal  # YD-FEE-MTA, £
    cancellation: Decimal  # YD-FEE-CANX, £ (after the cooling off)
    box_return_refund_rate: Decimal  # YD-CANCEL-2/3: fraction of the fee refunded on box return


@dataclass(frozen=True)
class Periods:
    """Day counts (calendar days, G6) used by the Young Driver rules."""

    cooling_off_days: int  # YD-CANCEL-2, ICOBS 7.1.1R
    box_return_window_days: int  # YD-CANCEL-2/3/4
    our_cancellation_notice_days: int  # YD-CANCEL-5
    refund_due_days: int  # YD-CANCEL-4, ICOBS 7 (CAN-06)
    install_window_days: int  # YD-BOX-INSTALL
    install_reminder_grace_days: int  # YD-BOX-INSTALL: reminder → notice
    fault_no_data_days: int  # YD-BOX-FAULT
    data_window_days: int  # YD-DATA-1
    cpa_notice_days: int  # YD-PAY-2
    quote_valid_days: int  # YD-RATE: a quote can be bought for this many days
    renewal_invite_days: int  # YD-FEE-REN: the invitation goes out this long before the end


@dataclass(frozen=True)
class IntBand:
    """An inclusive integer range ``low..high`` (``high=None``: open-ended) with a factor."""

    low: int
    high: int | None
    factor: Decimal

    def contains(self, value: int) -> bool:
        return self.low <= value and (self.high is None or value <= self.high)

    def label(self) -> str:
        return f"{self.low}+" if self.high is None else f"{self.low}-{self.high}"


@dataclass(frozen=True)
class RatingModel:
    """YD rating: base rate × one factor per rating input (no PLT-3 inputs exist)."""

    base_rate: Decimal  # £ net of IPT
    age: tuple[IntBand, ...]
    licence_years: tuple[IntBand, ...]
    vehicle_group: tuple[IntBand, ...]  # ABI groups 1-50
    annual_mileage: tuple[IntBand, ...]
    no_claims_years: tuple[IntBand, ...]
    postcode_area: Mapping[str, Decimal]
    postcode_area_default: Decimal


@dataclass(frozen=True)
class ReviewBand:
    """YD-REVIEW-2: a score change ``>= from_change`` (up to the next band) moves the premium."""

    from_change: Decimal  # score points (period − previous)
    premium_change: Decimal  # fraction: +0.10 = 10 % increase, −0.10 = 10 % discount


@dataclass(frozen=True)
class Review:
    interval_days: int  # YD-REVIEW-1: 90
    reviews_per_term: int  # YD-REVIEW-1: 3 (start+90/180/270)
    assumed_first_period_score: Decimal  # YD-REVIEW-1: score assumed at pricing
    cap_rate_of_renewal: Decimal  # YD-REVIEW-3: 1.50 × renewal premium
    bands: tuple[ReviewBand, ...]


@dataclass(frozen=True)
class AddOn:
    """YD-SALE-1 / PLT-11: an optional extra, underwritten by a named single insurer."""

    code: str
    name: str
    insurer: str
    price: Decimal  # £ net of IPT
    commission_rate: Decimal  # fraction of the add-on's annual premium
    per_policy_fee: Decimal  # £ paid to us by the provider per policy sold (legal expenses)


@dataclass(frozen=True)
class PremiumFinance:
    """YD-PAY-1: monthly Direct Debit financed by a premium-finance provider."""

    provider: str
    apr: Decimal  # fraction: 0.249 = 24.9 % APR
    instalments: int
    commission_rate: Decimal  # PLT-11: paid to us by the provider, fraction of the amount financed


@dataclass(frozen=True)
class YoungDriverParams:
    code: str
    version: str
    effective_from: date
    source: str
    fees: Fees
    periods: Periods
    ipt_rate: Decimal  # PLT-8, fraction
    commission_rate: Decimal  # PLT-11, fraction of the motor premium (net of IPT)
    rating: RatingModel
    review: Review
    add_ons: Mapping[str, AddOn]
    mileage_top_up_price_per_1000: Decimal  # YD-MILES-1, £ net of IPT per 1,000 miles
    premium_finance: PremiumFinance
    disclosures: Disclosures  # YD-INFO: insurer, FSCS and applicable-law text for documents


def percent_text(rate: Decimal) -> str:
    """A fraction shown as percent without trailing zeros: 0.125 → "12.5%", 0.2 → "20%"."""
    return f"{(rate * HUNDRED).normalize():f}%"


# --------------------------------------------------------------------------- the file's shape


class _Product(ConfigModel):
    code: Literal["young_driver"]
    version: Text
    effective_from: IsoDate


class _Fees(ConfigModel):
    arrangement: Money
    renewal: Money
    vehicle_change_keep_box: Money
    vehicle_change_new_box: Money
    mid_term_adjustment: Money
    cancellation: Money
    box_return_refund_percent: Percent


class _Periods(ConfigModel):
    cooling_off_days: Count
    box_return_window_days: Count
    our_cancellation_notice_days: Count
    refund_due_days: Count
    install_window_days: Count
    install_reminder_grace_days: Count
    fault_no_data_days: PositiveCount
    data_window_days: Count
    cpa_notice_days: Count
    quote_valid_days: PositiveCount
    renewal_invite_days: PositiveCount


class _Tax(ConfigModel):
    ipt_percent: Percent


class _Commission(ConfigModel):
    percent: Percent


class _Band(ConfigModel):
    min: Count
    max: Count | None = None
    factor: Positive


AreaCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{1,2}$")]


class _PostcodeArea(ConfigModel):
    default: Positive
    factors: dict[AreaCode, Positive]


class _Rating(ConfigModel):
    base_rate: Positive
    age: list[_Band] = Field(min_length=1)
    licence_years: list[_Band] = Field(min_length=1)
    vehicle_group: list[_Band] = Field(min_length=1)
    annual_mileage: list[_Band] = Field(min_length=1)
    no_claims_years: list[_Band] = Field(min_length=1)
    postcode_area: _PostcodeArea


class _ReviewBand(ConfigModel):
    from_change: Number
    premium_change_percent: Annotated[Number, Field(ge=-100, le=100)]


class _Review(ConfigModel):
    interval_days: PositiveCount
    reviews_per_term: PositiveCount
    assumed_first_period_score: Annotated[Number, Field(ge=0, le=100)]
    cap_percent_of_renewal: Annotated[Number, Field(ge=100, le=1000)]
    bands: list[_ReviewBand] = Field(min_length=1)


class _AddOn(ConfigModel):
    code: Text
    name: Text
    insurer: Text
    price: Money
    commission_percent: Percent
    per_policy_fee: Money


class _Mileage(ConfigModel):
    top_up_price_per_1000_miles: Money


class _PremiumFinance(ConfigModel):
    provider: Text
    apr_percent: Percent
    instalments: PositiveCount
    commission_percent: Percent


class YoungDriverFile(ConfigModel):
    """``config/products/young_driver/<effective_from>.toml``."""

    product: _Product
    fees: _Fees
    periods: _Periods
    tax: _Tax
    commission: _Commission
    rating: _Rating
    review: _Review
    add_ons: list[_AddOn] = Field(min_length=1)
    mileage: _Mileage
    premium_finance: _PremiumFinance
    #: YD-INFO: insurer, FSCS and applicable-law text (checked by parse_disclosures)
    disclosures: dict[str, object]


RULE = "YD-CONFIG"


def _int_bands(
    bands: list[_Band], path: str, source: str, *, first_low: int | None = None
) -> tuple[IntBand, ...]:
    """Contiguous, non-overlapping integer bands; the first starts at ``first_low`` if given."""
    out: list[IntBand] = []
    for i, b in enumerate(bands):
        at = f"{path}[{i}]"
        if b.max is not None and b.max < b.min:
            raise config_error(source, f"{at}.max", "must not be below min", RULE)
        if out:
            previous = out[-1]
            if previous.high is None or b.min != previous.high + 1:
                raise config_error(
                    source,
                    f"{at}.min",
                    "must follow the previous band without gap or overlap",
                    RULE,
                )
        elif first_low is not None and b.min != first_low:
            raise config_error(source, f"{at}.min", f"must be {first_low} for the first band", RULE)
        out.append(IntBand(b.min, b.max, b.factor))
    return tuple(out)


def _review_bands(bands: list[_ReviewBand], source: str) -> tuple[ReviewBand, ...]:
    out: list[ReviewBand] = []
    for i, b in enumerate(bands):
        at = f"review.bands[{i}].from_change"
        if out and b.from_change <= out[-1].from_change:
            raise config_error(source, at, "must increase from band to band", RULE)
        if not out and b.from_change > Decimal(-100):
            raise config_error(
                source, at, "must be -100 for the first band (covers every change)", RULE
            )
        out.append(ReviewBand(b.from_change, fraction(b.premium_change_percent)))
    return tuple(out)


def parse_params(mapping: Mapping[str, Any], source: str) -> YoungDriverParams:
    """Validate a parsed product configuration into :class:`YoungDriverParams`.

    ``source`` names the file (for error messages). Raises ``DomainError``
    (``configuration``) naming the file and key path of the first problem.
    """
    f = validate(YoungDriverFile, mapping, source, rule=RULE)
    r = f.rating
    age = _int_bands(r.age, "rating.age", source)
    licence = _int_bands(r.licence_years, "rating.licence_years", source, first_low=0)
    group = _int_bands(r.vehicle_group, "rating.vehicle_group", source, first_low=1)
    if group[-1].high != 50:
        raise config_error(source, "rating.vehicle_group", "must end at group 50", RULE)
    mileage = _int_bands(r.annual_mileage, "rating.annual_mileage", source, first_low=0)
    ncd = _int_bands(r.no_claims_years, "rating.no_claims_years", source, first_low=0)
    if ncd[-1].high is not None or licence[-1].high is not None:
        raise config_error(
            source,
            "rating.no_claims_years",
            "and licence_years must end with an open band (no max)",
            RULE,
        )
    add_ons: dict[str, AddOn] = {}
    for i, a in enumerate(f.add_ons):
        if a.code in add_ons:
            raise config_error(source, f"add_ons[{i}].code", f"duplicates add-on {a.code!r}", RULE)
        add_ons[a.code] = AddOn(
            code=a.code,
            name=a.name,
            insurer=a.insurer,
            price=a.price,
            commission_rate=fraction(a.commission_percent),
            per_policy_fee=a.per_policy_fee,
        )
    fees = f.fees
    pf = f.premium_finance
    return YoungDriverParams(
        code=f.product.code,
        version=f.product.version,
        effective_from=f.product.effective_from,
        source=source,
        fees=Fees(
            arrangement=fees.arrangement,
            renewal=fees.renewal,
            vehicle_change_keep_box=fees.vehicle_change_keep_box,
            vehicle_change_new_box=fees.vehicle_change_new_box,
            mid_term_adjustment=fees.mid_term_adjustment,
            cancellation=fees.cancellation,
            box_return_refund_rate=fraction(fees.box_return_refund_percent),
        ),
        periods=Periods(**f.periods.model_dump()),
        ipt_rate=fraction(f.tax.ipt_percent),
        commission_rate=fraction(f.commission.percent),
        rating=RatingModel(
            base_rate=r.base_rate,
            age=age,
            licence_years=licence,
            vehicle_group=group,
            annual_mileage=mileage,
            no_claims_years=ncd,
            postcode_area=dict(r.postcode_area.factors),
            postcode_area_default=r.postcode_area.default,
        ),
        review=Review(
            interval_days=f.review.interval_days,
            reviews_per_term=f.review.reviews_per_term,
            assumed_first_period_score=f.review.assumed_first_period_score,
            cap_rate_of_renewal=fraction(f.review.cap_percent_of_renewal),
            bands=_review_bands(f.review.bands, source),
        ),
        add_ons=add_ons,
        mileage_top_up_price_per_1000=f.mileage.top_up_price_per_1000_miles,
        premium_finance=PremiumFinance(
            provider=pf.provider,
            apr=fraction(pf.apr_percent),
            instalments=pf.instalments,
            commission_rate=fraction(pf.commission_percent),
        ),
        disclosures=parse_disclosures(f.disclosures, source),
    )
