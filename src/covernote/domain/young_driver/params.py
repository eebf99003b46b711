"""Young Driver product parameters: fees, periods, rating model, review bands (SPEC §2).

Parameters are data (ARCHITECTURE §3.2): they live in the versioned product
configuration ``config/products/young_driver/<effective_from>.toml``. This module
only *validates* an already-parsed mapping into frozen dataclasses — it does no
file I/O. Every key is checked; a missing, unknown or malformed key is a
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
from decimal import Decimal, InvalidOperation
from typing import Any

from covernote.domain.errors import DomainError, ErrorCode
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


# --------------------------------------------------------------------------- reader


class _Reader:
    """Reads one TOML table, remembering which keys it used so unknown keys are refused."""

    def __init__(self, mapping: object, source: str, path: str) -> None:
        if not isinstance(mapping, Mapping):
            raise self._error(source, path, "must be a table")
        self.mapping: Mapping[str, Any] = mapping
        self.source = source
        self.path = path
        self.used: set[str] = set()

    @staticmethod
    def _error(source: str, path: str, message: str) -> DomainError:
        return DomainError(
            ErrorCode.CONFIGURATION, f"{source}: {path} {message}", "YD-CONFIG", path or None
        )

    def key_path(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def fail(self, key: str, message: str) -> DomainError:
        return self._error(self.source, self.key_path(key), message)

    def raw(self, key: str) -> Any:
        self.used.add(key)
        if key not in self.mapping:
            raise self.fail(key, "is missing")
        return self.mapping[key]

    def table(self, key: str) -> _Reader:
        return _Reader(self.raw(key), self.source, self.key_path(key))

    def tables(self, key: str) -> list[_Reader]:
        value = self.raw(key)
        if not isinstance(value, list) or not value:
            raise self.fail(key, "must be a non-empty array of tables")
        return [
            _Reader(item, self.source, f"{self.key_path(key)}[{i}]") for i, item in enumerate(value)
        ]

    def decimal(self, key: str) -> Decimal:
        value = self.raw(key)
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise self.fail(key, "must be a decimal string or an integer (never a float)")
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation as exc:
            raise self.fail(key, f"is not a number: {value!r}") from exc
        if not number.is_finite():
            raise self.fail(key, "must be finite")
        return number

    def money(self, key: str) -> Decimal:
        amount = self.decimal(key)
        if amount < 0:
            raise self.fail(key, "must not be negative")
        return amount

    def positive(self, key: str) -> Decimal:
        amount = self.decimal(key)
        if amount <= 0:
            raise self.fail(key, "must be greater than zero")
        return amount

    def percent(self, key: str, *, low: Decimal = Decimal(0), high: Decimal = HUNDRED) -> Decimal:
        pct = self.decimal(key)
        if not low <= pct <= high:
            raise self.fail(key, f"must be between {low} and {high} percent")
        return pct / HUNDRED

    def integer(self, key: str, *, minimum: int = 0) -> int:
        value = self.raw(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, "must be an integer")
        number: int = value
        if number < minimum:
            raise self.fail(key, f"must be at least {minimum}")
        return number

    def optional_integer(self, key: str) -> int | None:
        if key not in self.mapping:
            self.used.add(key)
            return None
        return self.integer(key)

    def text(self, key: str) -> str:
        value = self.raw(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "must be a non-empty string")
        return value.strip()

    def iso_date(self, key: str) -> date:
        value = self.raw(key)
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError as exc:
                raise self.fail(key, "must be an ISO date") from exc
        raise self.fail(key, "must be an ISO date")

    def done(self) -> None:
        unknown = sorted(set(self.mapping) - self.used)
        if unknown:
            raise self.fail(unknown[0], "is not a known key")


def _int_bands(reader: _Reader, key: str, *, first_low: int | None = None) -> tuple[IntBand, ...]:
    """Contiguous, non-overlapping integer bands; the first starts at ``first_low`` if given."""
    bands: list[IntBand] = []
    for r in reader.tables(key):
        low = r.integer("min")
        high = r.optional_integer("max")
        factor = r.positive("factor")
        r.done()
        if high is not None and high < low:
            raise r.fail("max", "must not be below min")
        if bands:
            previous = bands[-1]
            if previous.high is None or low != previous.high + 1:
                raise r.fail("min", "must follow the previous band without gap or overlap")
        elif first_low is not None and low != first_low:
            raise r.fail("min", f"must be {first_low} for the first band")
        bands.append(IntBand(low, high, factor))
    return tuple(bands)


def _review_bands(reader: _Reader) -> tuple[ReviewBand, ...]:
    bands: list[ReviewBand] = []
    for r in reader.tables("bands"):
        from_change = r.decimal("from_change")
        change = r.percent("premium_change_percent", low=Decimal(-100), high=Decimal(100))
        r.done()
        if bands and from_change <= bands[-1].from_change:
            raise r.fail("from_change", "must increase from band to band")
        if not bands and from_change > Decimal(-100):
            raise r.fail("from_change", "must be -100 for the first band (covers every change)")
        bands.append(ReviewBand(from_change, change))
    return tuple(bands)


def parse_params(mapping: Mapping[str, Any], source: str) -> YoungDriverParams:
    """Validate a parsed product configuration into :class:`YoungDriverParams`.

    ``source`` names the file (for error messages). Raises ``DomainError``
    (``configuration``) naming the file and key path of the first problem.
    """
    root = _Reader(mapping, source, "")

    product = root.table("product")
    code = product.text("code")
    if code != "young_driver":
        raise product.fail("code", "must be 'young_driver'")
    version = product.text("version")
    effective_from = product.iso_date("effective_from")
    product.done()

    f = root.table("fees")
    fees = Fees(
        arrangement=f.money("arrangement"),
        renewal=f.money("renewal"),
        vehicle_change_keep_box=f.money("vehicle_change_keep_box"),
        vehicle_change_new_box=f.money("vehicle_change_new_box"),
        mid_term_adjustment=f.money("mid_term_adjustment"),
        cancellation=f.money("cancellation"),
        box_return_refund_rate=f.percent("box_return_refund_percent"),
    )
    f.done()

    p = root.table("periods")
    periods = Periods(
        cooling_off_days=p.integer("cooling_off_days"),
        box_return_window_days=p.integer("box_return_window_days"),
        our_cancellation_notice_days=p.integer("our_cancellation_notice_days"),
        refund_due_days=p.integer("refund_due_days"),
        install_window_days=p.integer("install_window_days"),
        install_reminder_grace_days=p.integer("install_reminder_grace_days"),
        fault_no_data_days=p.integer("fault_no_data_days", minimum=1),
        data_window_days=p.integer("data_window_days"),
        cpa_notice_days=p.integer("cpa_notice_days"),
        quote_valid_days=p.integer("quote_valid_days", minimum=1),
        renewal_invite_days=p.integer("renewal_invite_days", minimum=1),
    )
    p.done()

    t = root.table("tax")
    ipt_rate = t.percent("ipt_percent")
    t.done()

    c = root.table("commission")
    commission_rate = c.percent("percent")
    c.done()

    r = root.table("rating")
    base_rate = r.positive("base_rate")
    age = _int_bands(r, "age")
    licence = _int_bands(r, "licence_years", first_low=0)
    group = _int_bands(r, "vehicle_group", first_low=1)
    if group[-1].high != 50:
        raise r.fail("vehicle_group", "must end at group 50")
    mileage = _int_bands(r, "annual_mileage", first_low=0)
    ncd = _int_bands(r, "no_claims_years", first_low=0)
    if ncd[-1].high is not None or licence[-1].high is not None:
        raise r.fail("no_claims_years", "and licence_years must end with an open band (no max)")
    areas = r.table("postcode_area")
    area_default = areas.positive("default")
    factors_table = areas.table("factors")
    area_factors: dict[str, Decimal] = {}
    for area in list(factors_table.mapping):
        if not area.isalpha() or not area.isupper() or len(area) > 2:
            raise factors_table.fail(area, "must be a 1-2 letter upper-case postcode area")
        area_factors[area] = factors_table.positive(area)
    factors_table.done()
    areas.done()
    r.done()
    rating = RatingModel(
        base_rate=base_rate,
        age=age,
        licence_years=licence,
        vehicle_group=group,
        annual_mileage=mileage,
        no_claims_years=ncd,
        postcode_area=area_factors,
        postcode_area_default=area_default,
    )

    rv = root.table("review")
    review = Review(
        interval_days=rv.integer("interval_days", minimum=1),
        reviews_per_term=rv.integer("reviews_per_term", minimum=1),
        assumed_first_period_score=rv.decimal("assumed_first_period_score"),
        cap_rate_of_renewal=rv.percent("cap_percent_of_renewal", low=HUNDRED, high=Decimal(1000)),
        bands=_review_bands(rv),
    )
    if not Decimal(0) <= review.assumed_first_period_score <= HUNDRED:
        raise rv.fail("assumed_first_period_score", "must be a score between 0 and 100")
    rv.done()

    add_ons: dict[str, AddOn] = {}
    for a in root.tables("add_ons"):
        add_on = AddOn(
            code=a.text("code"),
            name=a.text("name"),
            insurer=a.text("insurer"),
            price=a.money("price"),
            commission_rate=a.percent("commission_percent"),
            per_policy_fee=a.money("per_policy_fee"),
        )
        a.done()
        if add_on.code in add_ons:
            raise a.fail("code", f"duplicates add-on {add_on.code!r}")
        add_ons[add_on.code] = add_on

    m = root.table("mileage")
    top_up_price = m.money("top_up_price_per_1000_miles")
    m.done()

    pf = root.table("premium_finance")
    finance = PremiumFinance(
        provider=pf.text("provider"),
        apr=pf.percent("apr_percent"),
        instalments=pf.integer("instalments", minimum=1),
        commission_rate=pf.percent("commission_percent"),
    )
    pf.done()

    disclosures = parse_disclosures(root.raw("disclosures"), source)

    root.done()
    return YoungDriverParams(
        code=code,
        version=version,
        effective_from=effective_from,
        source=source,
        fees=fees,
        periods=periods,
        ipt_rate=ipt_rate,
        commission_rate=commission_rate,
        rating=rating,
        review=review,
        add_ons=add_ons,
        mileage_top_up_price_per_1000=top_up_price,
        premium_finance=finance,
        disclosures=disclosures,
    )
