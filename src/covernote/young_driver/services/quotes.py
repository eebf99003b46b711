"""Young Driver quotes (YD rating, YD-SALE-1, PLT-3, PLT-8, PLT-11)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from covernote.accounts.models import User
from covernote.accounts.permissions import SELLERS, require_role
from covernote.audit.services import audit_record
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.young_driver.rating import age_on, quote, rating_input_from_mapping
from covernote.parties.models import Customer
from covernote.products.selectors import params_of, product_config_in_force
from covernote.young_driver.inputs import QuoteInput
from covernote.young_driver.models import (
    YDQuote,
)
from covernote.young_driver.services._common import (
    _ref,
    _today,
)


def _rating_mapping(customer: Customer, start: date, rating: Mapping[str, Any]) -> dict[str, Any]:
    mapping = dict(rating)
    if "age" not in mapping:
        mapping["age"] = age_on(customer.birth_date, start)
    mapping.setdefault("postcode", customer.postcode)
    return mapping


def yd_quote_create(
    *,
    actor: User,
    customer: Customer,
    data: QuoteInput,
    today: date | None = None,
) -> YDQuote:
    """Price a policy (YD rating, PLT-3 refused inputs, PLT-8, PLT-11, YD-SALE-1)."""
    require_role(actor, SELLERS, what="quote", rule="YD-SALE-1")
    now = _today(today)
    start = data.start
    if start < now:
        raise DomainError(ErrorCode.INVALID, "cover cannot start in the past", "YD-RATE", "start")
    config = product_config_in_force("young_driver", start)
    params = params_of(config)
    # ADR 0023: cover starts within the days a quote can be bought (UK motor practice:
    # quotes up to 30 days ahead), so a start five years on is refused at the door.
    latest = now + timedelta(days=params.periods.quote_valid_days)
    if start > latest:
        raise DomainError(
            ErrorCode.INVALID,
            f"Start: cover must start within {params.periods.quote_valid_days} days of "
            f"today (by {latest.isoformat()}); you sent {start.isoformat()}",
            "YD-RATE",
            "start",
        )
    mapping = _rating_mapping(customer, start, {**data.rating, "add_ons": list(data.add_ons)})
    rating_input = rating_input_from_mapping(mapping)
    decision = quote(rating_input, params)
    a = decision.amounts
    q = YDQuote.objects.create(
        reference=_ref("YDQ"),
        customer=customer,
        firm=customer.firm,
        config=config,
        start=start,
        vehicle_reg=data.vehicle_reg,
        vehicle_description=data.vehicle_description,
        rating_inputs={k: v for k, v in mapping.items() if k != "add_ons"},
        add_ons=list(rating_input.add_ons),
        decision=decision.as_dict(),
        premium_net=a["premium_net"],
        ipt=a["ipt"],
        premium_gross=a["premium_gross"],
        add_ons_gross=a["add_ons_gross"],
        arrangement_fee=a["arrangement_fee"],
        total=a["total"],
        expires_on=now + timedelta(days=params.periods.quote_valid_days),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="young_driver.quote.create",
        obj=q,
        after={"reference": q.reference, "total": q.total, "config": config.version},
    )
    return q
