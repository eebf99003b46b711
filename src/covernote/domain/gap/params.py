"""Combined GAP product parameters (SPEC §1, seed 002).

Parameters are data (ARCHITECTURE §3.2): they live in the versioned product
configuration ``config/products/gap/<effective_from>.toml``. This module only
*validates* an already-parsed mapping — through the pydantic model
:class:`GapFile` (ADR 0025) — into frozen dataclasses; it does no file I/O.
Every key is checked; a missing, unknown or malformed key is a
:class:`DomainError` with ``code=configuration`` naming the source file and the
key path (``cancellation.retention_fee``, ``pricing.bands[2].net_premiums.36`` …).

Money and percentages must be TOML strings or integers, never floats (G1).
Percentages are written as percent (``"12"`` = 12 %) and held as fractions
(``Decimal("0.12")``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field

from covernote.domain.config_model import (
    ConfigModel,
    Count,
    IsoDate,
    Money,
    Percent,
    PositiveCount,
    Text,
    config_error,
    fraction,
    validate,
)
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.letterhead import Disclosures, parse_disclosures

HUNDRED = Decimal(100)
PRODUCT_CODE = "gap"


# --------------------------------------------------------------------------- dataclasses


@dataclass(frozen=True)
class PriceBand:
    """A purchase-price band of the rate table (GAP-PRICE-1).

    A band covers purchase prices above the previous band's ``max_purchase_price``
    up to and including its own; ``net_premiums[term_months][limit]`` is the net
    premium (£, before IPT).
    """

    code: str
    max_purchase_price: Decimal  # £, inclusive upper bound
    net_premiums: Mapping[int, Mapping[Decimal, Decimal]]


@dataclass(frozen=True)
class RateTable:
    """GAP-PRICE-1: term (months) × limit of liability (£) × purchase-price band → net premium."""

    terms_months: tuple[int, ...]
    limits: tuple[Decimal, ...]
    bands: tuple[PriceBand, ...]  # ascending by max_purchase_price

    def band_for(self, purchase_price: Decimal) -> PriceBand | None:
        """The band whose range holds ``purchase_price`` (None above the top band)."""
        for band in self.bands:
            if purchase_price <= band.max_purchase_price:
                return band
        return None


@dataclass(frozen=True)
class IptRate:
    """PLT-8: an Insurance Premium Tax rate and the date it takes effect."""

    effective_from: date
    rate: Decimal  # fraction, 0.12 = 12 %


@dataclass(frozen=True)
class EligibilityParams:
    max_purchase_price: Decimal  # £, GAP-ELIG-2
    max_vehicle_age_years: int  # years, GAP-ELIG-3 / exclusion 17
    ownership_window_days: int  # calendar days, GAP-ELIG-6 / exclusion 1e
    max_commercial_gross_weight_kg: int  # kg, GAP-ELIG-7 / exclusion 1d


@dataclass(frozen=True)
class CoverParams:
    excess_benefit_cap: Decimal  # £, GAP-COVER-3 / exclusion 12
    vat_rate: Decimal  # fraction, GAP-EXCL-14
    eu_days_per_cover_year: int  # days, GAP-DEF-TERR


@dataclass(frozen=True)
class ClaimParams:
    notify_within_hours: int  # hours, GAP-CLAIM-1 condition 1(b)
    written_notice_days: int  # calendar days after the total loss, GAP-CLAIM-1 condition 1(c)
    contact_within_days: int  # calendar days after the event, GAP-CLAIM-1 "How to make a claim"


@dataclass(frozen=True)
class CancellationParams:
    cooling_off_days: int  # calendar days after the anchor, inclusive, GAP-CANCEL-1
    statutory_cancellation_days: int  # ICOBS 7.1.1R, REGULATION CAN-01
    retention_fee: Decimal  # £, GAP-CANCEL-2
    insurer_notice_days: int  # calendar days, GAP-CANCEL-4


@dataclass(frozen=True)
class SaleParams:
    deferred_opt_in: bool  # GAP-SALE-1 switch (ICOBS 6A.1)
    deferral_clear_days: int  # clear days, GAP-SALE-1
    commission_rate: Decimal  # fraction of gross premium, PLT-11 / GAP-VALUE-1


@dataclass(frozen=True)
class GapParams:
    """The whole Combined GAP configuration of one version."""

    code: str
    version: str
    effective_from: date
    source: str
    eligibility: EligibilityParams
    cover: CoverParams
    claims: ClaimParams
    cancellation: CancellationParams
    sale: SaleParams
    quote_validity_days: int  # calendar days after the quote date, GAP-PRICE-1
    ipt: tuple[IptRate, ...]  # ascending by effective_from, PLT-8
    rates: RateTable
    disclosures: Disclosures  # YD-INFO / seed 002 "Insurer": who underwrites it, FSCS, law

    def ipt_rate_on(self, day: date) -> Decimal:
        """PLT-8: the IPT rate in force on ``day`` (the latest rate effective on or before it)."""
        rate: Decimal | None = None
        for entry in self.ipt:
            if entry.effective_from <= day:
                rate = entry.rate
        if rate is None:
            raise DomainError(
                ErrorCode.CONFIGURATION,
                f"{self.source}: no IPT rate in force on {day.isoformat()}",
                "PLT-8",
                "ipt",
            )
        return rate


# --------------------------------------------------------------------------- the file's shape


class _Product(ConfigModel):
    code: Literal["gap"]
    version: Text
    effective_from: IsoDate


class _Eligibility(ConfigModel):
    max_purchase_price: Money  # GAP-ELIG-2
    max_vehicle_age_years: PositiveCount  # GAP-ELIG-3
    ownership_window_days: Count  # GAP-ELIG-6
    max_commercial_gross_weight_kg: PositiveCount  # GAP-ELIG-7


class _Cover(ConfigModel):
    excess_benefit_cap: Money  # GAP-COVER-3
    vat_percent: Percent  # GAP-EXCL-14
    eu_days_per_cover_year: Count  # GAP-DEF-TERR


class _Claims(ConfigModel):
    notify_within_hours: Count
    written_notice_days: Count
    contact_within_days: Count


class _Cancellation(ConfigModel):
    cooling_off_days: Count  # GAP-CANCEL-1
    statutory_cancellation_days: Count  # GAP-CANCEL-3
    retention_fee: Money  # GAP-CANCEL-2
    insurer_notice_days: Count  # GAP-CANCEL-4


class _Sale(ConfigModel):
    deferred_opt_in: bool  # GAP-SALE-1
    deferral_clear_days: Count
    commission_percent: Percent  # PLT-11


class _Quote(ConfigModel):
    validity_days: PositiveCount  # GAP-PRICE-1


class _Ipt(ConfigModel):
    effective_from: IsoDate
    percent: Percent  # PLT-8


class _Band(ConfigModel):
    code: Text
    max_purchase_price: Money
    net_premiums: dict[str, list[Money]]  # term (months) -> one premium per limit


class _Pricing(ConfigModel):
    terms_months: list[Annotated[int, Field(ge=12, le=60)]] = Field(min_length=1)
    limits: list[Annotated[Money, Field(gt=0)]] = Field(min_length=1)
    bands: list[_Band] = Field(min_length=1)


class GapFile(ConfigModel):
    """``config/products/gap/<effective_from>.toml``."""

    product: _Product
    eligibility: _Eligibility
    cover: _Cover
    claims: _Claims
    cancellation: _Cancellation
    sale: _Sale
    quote: _Quote
    ipt: list[_Ipt] = Field(min_length=1)
    pricing: _Pricing
    #: YD-INFO: insurer, FSCS and applicable-law text (checked by parse_disclosures)
    disclosures: dict[str, object]


_RULES = {
    "product": "PLT-CONFIG",
    "eligibility": "GAP-ELIG",
    "cover": "GAP-COVER",
    "claims": "GAP-CLAIM-1",
    "cancellation": "GAP-CANCEL",
    "sale": "GAP-SALE-1",
    "quote": "GAP-PRICE-1",
    "ipt": "PLT-8",
    "pricing": "GAP-PRICE-1",
    "disclosures": "YD-INFO",
}


def parse_params(mapping: Mapping[str, object], source: str) -> GapParams:
    """Validate a parsed GAP configuration mapping into :class:`GapParams`.

    ``source`` names the file (for error messages only; nothing is read here).
    """
    f = validate(GapFile, mapping, source, rule="PLT-CONFIG", rules=_RULES)
    days = [x.effective_from for x in f.ipt]
    if days != sorted(set(days)):
        raise config_error(
            source, "ipt", "effective_from dates must be strictly ascending", "PLT-8"
        )
    return GapParams(
        code=f.product.code,
        version=f.product.version,
        effective_from=f.product.effective_from,
        source=source,
        eligibility=EligibilityParams(**f.eligibility.model_dump()),
        cover=CoverParams(
            excess_benefit_cap=f.cover.excess_benefit_cap,
            vat_rate=fraction(f.cover.vat_percent),
            eu_days_per_cover_year=f.cover.eu_days_per_cover_year,
        ),
        claims=ClaimParams(**f.claims.model_dump()),
        cancellation=CancellationParams(**f.cancellation.model_dump()),
        sale=SaleParams(
            deferred_opt_in=f.sale.deferred_opt_in,
            deferral_clear_days=f.sale.deferral_clear_days,
            commission_rate=fraction(f.sale.commission_percent),
        ),
        quote_validity_days=f.quote.validity_days,
        ipt=tuple(IptRate(x.effective_from, fraction(x.percent)) for x in f.ipt),
        rates=_rate_table(f.pricing, source),
        disclosures=parse_disclosures(f.disclosures, source),
    )


def _rate_table(pricing: _Pricing, source: str) -> RateTable:
    rule = "GAP-PRICE-1"
    terms, limits = pricing.terms_months, pricing.limits
    if terms != sorted(set(terms)):
        raise config_error(source, "pricing.terms_months", "must be strictly ascending", rule)
    if limits != sorted(set(limits)):
        raise config_error(source, "pricing.limits", "must be strictly ascending", rule)
    bands: list[PriceBand] = []
    for i, band in enumerate(pricing.bands):
        path = f"pricing.bands[{i}].net_premiums"
        for key in sorted(set(band.net_premiums) ^ {str(t) for t in terms}):
            known = key in band.net_premiums
            raise config_error(
                source, f"{path}.{key}", "is not a known key" if known else "is missing", rule
            )
        grid: dict[int, dict[Decimal, Decimal]] = {}
        for t in terms:
            row = band.net_premiums[str(t)]
            if len(row) != len(limits):
                raise config_error(
                    source, f"{path}.{t}", f"must list {len(limits)} premiums, one per limit", rule
                )
            grid[t] = dict(zip(limits, row, strict=True))
        bands.append(PriceBand(band.code, band.max_purchase_price, grid))
    tops = [b.max_purchase_price for b in bands]
    if tops != sorted(set(tops)):
        raise config_error(
            source, "pricing.bands", "max_purchase_price must be strictly ascending", rule
        )
    return RateTable(terms_months=tuple(terms), limits=tuple(limits), bands=tuple(bands))
