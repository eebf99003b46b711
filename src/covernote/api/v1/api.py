"""The REST API at /api/v1 with OpenAPI docs (django-ninja)."""

from __future__ import annotations

from ninja import NinjaAPI

from covernote.api import errors
from covernote.api.auth import AUTH
from covernote.api.limits import THROTTLES
from covernote.api.parser import JsonParser
from covernote.api.v1 import (
    calculators,
    complaints,
    customers,
    gap,
    platform,
    telematics,
    work,
    young_driver,
)

api = NinjaAPI(
    title="covernote API",
    version="1",
    description=(
        "Insurance administration for UK motor intermediaries. Every error is "
        "application/problem+json carrying the SPEC rule id and the field."
    ),
    urls_namespace="api-v1",
    auth=AUTH,
    parser=JsonParser(),
    throttle=THROTTLES,
    docs_url="/docs",
)
errors.install(api)
api.add_router("/", platform.router)
api.add_router("/customers", customers.router)
api.add_router("/calculators", calculators.router)
api.add_router("/gap", gap.router)
api.add_router("/complaints", complaints.router)
api.add_router("/young-driver", young_driver.router)
api.add_router("/telematics", telematics.router)
api.add_router("/work", work.router)
