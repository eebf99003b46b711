"""Who am I, and which product configuration is in force."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Router, Schema

from covernote.accounts.selectors import request_user
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


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> MeOut:
    u = request_user(request)
    return MeOut(
        email=u.email,
        full_name=u.full_name,
        role=u.role,
        firm=u.firm.name if u.firm is not None else None,
    )


@router.get("/products/configurations", response=list[ProductConfigOut])
def product_configurations(request: HttpRequest) -> list[ProductConfigOut]:
    return [
        ProductConfigOut(
            product=c.product, version=c.version, effective_from=c.effective_from, sha256=c.sha256
        )
        for c in ProductConfiguration.objects.all()
    ]
