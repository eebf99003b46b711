"""GAP price and quote (GAP-PRICE-1, PLT-8).

The seed gives no rates: the net premium comes from the versioned rate table in
the product configuration (term months × limit of liability × purchase-price
band). Insurance Premium Tax is added on top at the rate in force on the quote
date (PLT-8) and rounded half-up to the penny (G1); gross = net + IPT.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from covernote.domain.decisions import Decision
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.gap.params import GapParams
from covernote.domain.money import gbp, round_money

RULE = "GAP-PRICE-1"


def quote_expiry(quote_date: date, params: GapParams) -> date:
    """GAP-PRICE-1: the last day a quote can be taken up (quote date + validity days)."""
    return quote_date + timedelta(days=params.quote_validity_days)


def price_quote(
    *,
    term_months: int,
    limit_of_liability: Decimal,
    purchase_price: Decimal,
    quote_date: date,
    params: GapParams,
) -> Decision:
    """GAP-PRICE-1 / PLT-8: net premium from the rate table, IPT on top, gross.

    Outcome ``"quoted"``; ``amounts`` holds ``net_premium``, ``ipt`` and
    ``gross_premium``; ``data`` the band code, IPT rate and ``expires_on``.
    A term, limit or purchase price outside the table is refused (``invalid``).
    """
    table = params.rates
    if term_months not in table.terms_months:
        terms = ", ".join(str(t) for t in table.terms_months)
        raise DomainError(
            ErrorCode.INVALID,
            f"term of {term_months} months is not in the rate table (available: {terms})",
            RULE,
            "term_months",
        )
    if limit_of_liability not in table.limits:
        limits = ", ".join(gbp(x) for x in table.limits)
        raise DomainError(
            ErrorCode.INVALID,
            f"limit of liability {gbp(limit_of_liability)} is not in the rate table "
            f"(available: {limits})",
            RULE,
            "limit_of_liability",
        )
    if purchase_price < 0:
        raise DomainError(
            ErrorCode.INVALID, "purchase price must not be negative", RULE, "purchase_price"
        )
    band = table.band_for(purchase_price)
    if band is None:
        top = table.bands[-1].max_purchase_price
        raise DomainError(
            ErrorCode.INVALID,
            f"purchase price {gbp(purchase_price)} is above the rate table's top band ({gbp(top)})",
            RULE,
            "purchase_price",
        )

    decision = Decision(outcome="quoted")
    net = round_money(band.net_premiums[term_months][limit_of_liability])
    decision.step(
        RULE,
        f"Net premium for {term_months} months, limit {gbp(limit_of_liability)}, "
        f"price band {band.code}",
        net,
        term_months=term_months,
        limit_of_liability=limit_of_liability,
        purchase_price=purchase_price,
        band=band.code,
        version=params.version,
    )
    rate = params.ipt_rate_on(quote_date)
    ipt = round_money(net * rate)
    decision.step("PLT-8", f"Insurance Premium Tax at {rate * 100:g}%", ipt, rate=rate)
    gross = net + ipt
    decision.step("PLT-8", "Gross premium (net + IPT)", gross)
    expires = quote_expiry(quote_date, params)
    decision.step(RULE, f"Quote valid until {expires.isoformat()}", value=expires)
    if limit_of_liability > purchase_price:
        decision.warn(
            f"The limit of liability {gbp(limit_of_liability)} is above the purchase price "
            f"{gbp(purchase_price)}; a lower limit may give the same cover."
        )
    decision.amounts.update({"net_premium": net, "ipt": ipt, "gross_premium": gross})
    decision.data.update(
        {"band": band.code, "ipt_rate": rate, "expires_on": expires, "version": params.version}
    )
    return decision


def is_quote_valid(quote_date: date, today: date, params: GapParams) -> bool:
    """GAP-PRICE-1: a quote can be taken up from its date to its expiry date inclusive."""
    return quote_date <= today <= quote_expiry(quote_date, params)
