"""Who am I, and which product configuration is in force."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from covernote.accounts.selectors import request_user
from covernote.api.v1.pagination import Page, PageQuery, paginate
from covernote.products.models import ProductConfiguration

router = Router(tags=["platform"])


class MeOut(Schema):
    email: str
    full_name: str
    role: str
    firm: str | None


class ProductConfigOut(Schema):
    product: str
    version: str
    effective_from: date
    sha256: str


class ProductConfigPage(Page):
    items: list[ProductConfigOut]


@router.get("/me", response=MeOut, summary="Who am I")
def me(request: HttpRequest) -> MeOut:
    """The signed-in user or the token's owner: name, role and firm (PLT-4 scopes every
    other answer by these)."""
    u = request_user(request)
    return MeOut(
        email=u.email,
        full_name=u.full_name,
        role=u.role,
        firm=u.firm.name if u.firm is not None else None,
    )


def _config_out(c: ProductConfiguration) -> ProductConfigOut:
    return ProductConfigOut(
        product=c.product, version=c.version, effective_from=c.effective_from, sha256=c.sha256
    )


@router.get(
    "/products/configurations",
    response=ProductConfigPage,
    summary="List the product configurations loaded",
)
def product_configurations(
    request: HttpRequest, response: HttpResponse, page: PageQuery
) -> dict[str, Any]:
    """Every versioned, effective-dated product configuration loaded (ADR 0005), with the
    SHA-256 of its file: policies pin the version they were sold under (GAP-PRICE,
    YD-RATE and COMP-5 read the version in force)."""
    qs = ProductConfiguration.objects.order_by("product", "effective_from", "pk")
    return paginate(request, response, qs, page, _config_out)
