"""Which configuration version is in force for a product on a date."""

from __future__ import annotations

from datetime import date

from covernote.domain.errors import DomainError, ErrorCode
from covernote.products.models import ProductConfiguration


def product_config_in_force(product: str, on: date) -> ProductConfiguration:
    cfg = (
        ProductConfiguration.objects.filter(product=product, effective_from__lte=on)
        .order_by("-effective_from", "-loaded_at")
        .first()
    )
    if cfg is None:
        raise DomainError(
            ErrorCode.CONFIGURATION,
            f"no {product} configuration is in force on {on.isoformat()}; run `covernote products load`",
            "PLT-CONFIG",
            "product",
        )
    return cfg
