"""Combined GAP product parameters (SPEC §1, seed 002).

Parameters are data (ARCHITECTURE §3.2): they live in the versioned product
configuration ``config/products/gap/<effective_from>.toml``. This module only
*validates* an already-parsed mapping into frozen dataclasses — it does no file
I/O. Every key is checked; a missing, unknown or malformed key is a
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
from decimal import Decimal, InvalidOperation

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


# --------------------------------------------------------------------------- parsing


class _Reader:
    """Validates one configuration mapping, raising errors that name file and key."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, path: str, message: str, rule: str) -> DomainError:
        return DomainError(ErrorCode.CONFIGURATION, f"{self.source}: {path}: {message}", rule, path)

    def table(
        self, mapping: Mapping[str, object], path: str, keys: set[str], rule: str
    ) -> Mapping[str, object]:
        if not isinstance(mapping, Mapping):
            raise self.fail(path or "<root>", "must be a table", rule)
        prefix = f"{path}." if path else ""
        for key in sorted(keys - set(mapping)):
            raise self.fail(f"{prefix}{key}", "is missing", rule)
        for key in sorted(set(mapping) - keys):
            raise self.fail(f"{prefix}{key}", "is not a known key", rule)
        return mapping

    def sub(self, mapping: Mapping[str, object], key: str, path: str) -> Mapping[str, object]:
        value = mapping[key]
        if not isinstance(value, Mapping):
            raise self.fail(self._join(path, key), "must be a table", "PLT-CONFIG")
        return value

    @staticmethod
    def _join(path: str, key: str) -> str:
        return f"{path}.{key}" if path else key

    def string(self, mapping: Mapping[str, object], key: str, path: str, rule: str) -> str:
        value = mapping[key]
        if not isinstance(value, str) or not value.strip():
            raise self.fail(self._join(path, key), "must be a non-empty string", rule)
        return value

    def integer(
        self, mapping: Mapping[str, object], key: str, path: str, rule: str, *, minimum: int = 0
    ) -> int:
        value = mapping[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(self._join(path, key), "must be an integer", rule)
        if value < minimum:
            raise self.fail(self._join(path, key), f"must be at least {minimum}", rule)
        return value

    def boolean(self, mapping: Mapping[str, object], key: str, path: str, rule: str) -> bool:
        value = mapping[key]
        if not isinstance(value, bool):
            raise self.fail(self._join(path, key), "must be true or false", rule)
        return value

    def decimal_value(self, value: object, path: str, rule: str) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise self.fail(path, "must be a decimal string or an integer (never a float)", rule)
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation as exc:
            raise self.fail(path, f"is not a number: {value!r}", rule) from exc
        if not amount.is_finite() or amount < 0:
            raise self.fail(path, "must be a finite, non-negative number", rule)
        return amount

    def money(self, mapping: Mapping[str, object], key: str, path: str, rule: str) -> Decimal:
        return self.decimal_value(mapping[key], self._join(path, key), rule)

    def percent(self, mapping: Mapping[str, object], key: str, path: str, rule: str) -> Decimal:
        value = self.decimal_value(mapping[key], self._join(path, key), rule)
        if value > HUNDRED:
            raise self.fail(self._join(path, key), "must be a percentage between 0 and 100", rule)
        return value / HUNDRED

    def day(self, mapping: Mapping[str, object], key: str, path: str, rule: str) -> date:
        value = mapping[key]
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise self.fail(self._join(path, key), "must be an ISO date (YYYY-MM-DD)", rule)


def parse_params(mapping: Mapping[str, object], source: str) -> GapParams:
    """Validate a parsed GAP configuration mapping into :class:`GapParams`.

    ``source`` names the file (for error messages only; nothing is read here).
    """
    r = _Reader(source)
    root = r.table(
        mapping,
        "",
        {
            "product",
            "eligibility",
            "cover",
            "claims",
            "cancellation",
            "sale",
            "quote",
            "ipt",
            "pricing",
            "disclosures",
        },
        "PLT-CONFIG",
    )

    product = r.table(
        r.sub(root, "product", ""), "product", {"code", "version", "effective_from"}, "PLT-CONFIG"
    )
    code = r.string(product, "code", "product", "PLT-CONFIG")
    if code != PRODUCT_CODE:
        raise r.fail("product.code", f'must be "{PRODUCT_CODE}", not {code!r}', "PLT-CONFIG")

    el = r.table(
        r.sub(root, "eligibility", ""),
        "eligibility",
        {
            "max_purchase_price",
            "max_vehicle_age_years",
            "ownership_window_days",
            "max_commercial_gross_weight_kg",
        },
        "GAP-ELIG",
    )
    eligibility = EligibilityParams(
        max_purchase_price=r.money(el, "max_purchase_price", "eligibility", "GAP-ELIG-2"),
        max_vehicle_age_years=r.integer(
            el, "max_vehicle_age_years", "eligibility", "GAP-ELIG-3", minimum=1
        ),
        ownership_window_days=r.integer(el, "ownership_window_days", "eligibility", "GAP-ELIG-6"),
        max_commercial_gross_weight_kg=r.integer(
            el, "max_commercial_gross_weight_kg", "eligibility", "GAP-ELIG-7", minimum=1
        ),
    )

    cv = r.table(
        r.sub(root, "cover", ""),
        "cover",
        {"excess_benefit_cap", "vat_percent", "eu_days_per_cover_year"},
        "GAP-COVER",
    )
    cover = CoverParams(
        excess_benefit_cap=r.money(cv, "excess_benefit_cap", "cover", "GAP-COVER-3"),
        vat_rate=r.percent(cv, "vat_percent", "cover", "GAP-EXCL-14"),
        eu_days_per_cover_year=r.integer(cv, "eu_days_per_cover_year", "cover", "GAP-DEF-TERR"),
    )

    cl = r.table(
        r.sub(root, "claims", ""),
        "claims",
        {"notify_within_hours", "written_notice_days", "contact_within_days"},
        "GAP-CLAIM-1",
    )
    claims = ClaimParams(
        notify_within_hours=r.integer(cl, "notify_within_hours", "claims", "GAP-CLAIM-1"),
        written_notice_days=r.integer(cl, "written_notice_days", "claims", "GAP-CLAIM-1"),
        contact_within_days=r.integer(cl, "contact_within_days", "claims", "GAP-CLAIM-1"),
    )

    ca = r.table(
        r.sub(root, "cancellation", ""),
        "cancellation",
        {"cooling_off_days", "statutory_cancellation_days", "retention_fee", "insurer_notice_days"},
        "GAP-CANCEL",
    )
    cancellation = CancellationParams(
        cooling_off_days=r.integer(ca, "cooling_off_days", "cancellation", "GAP-CANCEL-1"),
        statutory_cancellation_days=r.integer(
            ca, "statutory_cancellation_days", "cancellation", "GAP-CANCEL-3"
        ),
        retention_fee=r.money(ca, "retention_fee", "cancellation", "GAP-CANCEL-2"),
        insurer_notice_days=r.integer(ca, "insurer_notice_days", "cancellation", "GAP-CANCEL-4"),
    )

    sa = r.table(
        r.sub(root, "sale", ""),
        "sale",
        {"deferred_opt_in", "deferral_clear_days", "commission_percent"},
        "GAP-SALE-1",
    )
    sale = SaleParams(
        deferred_opt_in=r.boolean(sa, "deferred_opt_in", "sale", "GAP-SALE-1"),
        deferral_clear_days=r.integer(sa, "deferral_clear_days", "sale", "GAP-SALE-1"),
        commission_rate=r.percent(sa, "commission_percent", "sale", "PLT-11"),
    )

    qu = r.table(r.sub(root, "quote", ""), "quote", {"validity_days"}, "GAP-PRICE-1")
    validity = r.integer(qu, "validity_days", "quote", "GAP-PRICE-1", minimum=1)

    return GapParams(
        code=code,
        version=r.string(product, "version", "product", "PLT-CONFIG"),
        effective_from=r.day(product, "effective_from", "product", "PLT-CONFIG"),
        source=source,
        eligibility=eligibility,
        cover=cover,
        claims=claims,
        cancellation=cancellation,
        sale=sale,
        quote_validity_days=validity,
        ipt=_parse_ipt(r, root["ipt"]),
        rates=_parse_rates(r, r.sub(root, "pricing", "")),
        disclosures=parse_disclosures(root.get("disclosures"), source),
    )


def _parse_ipt(r: _Reader, value: object) -> tuple[IptRate, ...]:
    if not isinstance(value, list) or not value:
        raise r.fail("ipt", "must be a non-empty array of tables [[ipt]]", "PLT-8")
    rates: list[IptRate] = []
    for i, item in enumerate(value):
        path = f"ipt[{i}]"
        entry = r.table(item, path, {"effective_from", "percent"}, "PLT-8")
        rates.append(
            IptRate(
                effective_from=r.day(entry, "effective_from", path, "PLT-8"),
                rate=r.percent(entry, "percent", path, "PLT-8"),
            )
        )
    days = [x.effective_from for x in rates]
    if days != sorted(days) or len(set(days)) != len(days):
        raise r.fail("ipt", "effective_from dates must be strictly ascending", "PLT-8")
    return tuple(rates)


def _parse_rates(r: _Reader, pricing: Mapping[str, object]) -> RateTable:
    rule = "GAP-PRICE-1"
    r.table(pricing, "pricing", {"terms_months", "limits", "bands"}, rule)
    terms_raw = pricing["terms_months"]
    if not isinstance(terms_raw, list) or not terms_raw:
        raise r.fail("pricing.terms_months", "must be a non-empty array of integers", rule)
    terms: list[int] = []
    for i, t in enumerate(terms_raw):
        if isinstance(t, bool) or not isinstance(t, int) or not 12 <= t <= 60:
            raise r.fail(f"pricing.terms_months[{i}]", "must be an integer from 12 to 60", rule)
        terms.append(t)
    if terms != sorted(set(terms)):
        raise r.fail("pricing.terms_months", "must be strictly ascending", rule)

    limits_raw = pricing["limits"]
    if not isinstance(limits_raw, list) or not limits_raw:
        raise r.fail("pricing.limits", "must be a non-empty array of amounts", rule)
    limits = [r.decimal_value(x, f"pricing.limits[{i}]", rule) for i, x in enumerate(limits_raw)]
    if limits != sorted(set(limits)) or limits[0] <= 0:
        raise r.fail("pricing.limits", "must be positive and strictly ascending", rule)

    bands_raw = pricing["bands"]
    if not isinstance(bands_raw, list) or not bands_raw:
        raise r.fail("pricing.bands", "must be a non-empty array of tables [[pricing.bands]]", rule)
    bands: list[PriceBand] = []
    for i, item in enumerate(bands_raw):
        path = f"pricing.bands[{i}]"
        band = r.table(item, path, {"code", "max_purchase_price", "net_premiums"}, rule)
        premiums_raw = r.table(
            r.sub(band, "net_premiums", path),
            f"{path}.net_premiums",
            {str(t) for t in terms},
            rule,
        )
        grid: dict[int, dict[Decimal, Decimal]] = {}
        for t in terms:
            row_path = f"{path}.net_premiums.{t}"
            row = premiums_raw[str(t)]
            if not isinstance(row, list) or len(row) != len(limits):
                raise r.fail(row_path, f"must list {len(limits)} premiums, one per limit", rule)
            grid[t] = {
                limit: r.decimal_value(p, f"{row_path}[{j}]", rule)
                for j, (limit, p) in enumerate(zip(limits, row, strict=True))
            }
        bands.append(
            PriceBand(
                code=r.string(band, "code", path, rule),
                max_purchase_price=r.money(band, "max_purchase_price", path, rule),
                net_premiums=grid,
            )
        )
    tops = [b.max_purchase_price for b in bands]
    if tops != sorted(set(tops)):
        raise r.fail("pricing.bands", "max_purchase_price must be strictly ascending", rule)
    return RateTable(terms_months=tuple(terms), limits=tuple(limits), bands=tuple(bands))
