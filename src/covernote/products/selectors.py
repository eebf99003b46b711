"""The configuration door: which parameters are in force for a product on a date.

Every reader of product configuration comes through here (ADR 0005): Combined GAP,
Young Driver, the telematics thresholds and the complaints procedures. A policy
(or complaint) pins the row it was sold or registered under and reads its
parameters with :func:`params_of`; anything that asks "what applies on this day"
uses :func:`params_in_force`. Tools that run without a loaded database (the
calculators, data-team scoring, benchmarks) read the same shipped files through
``covernote.products.loader.shipped_params``, parsed by the same domain parsers.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Literal, overload

from covernote.domain.errors import DomainError, ErrorCode
from covernote.products.loader import params_cached
from covernote.products.models import ProductConfiguration

if TYPE_CHECKING:
    from covernote.domain.complaints.config import ComplaintsConfig
    from covernote.domain.gap.params import GapParams
    from covernote.domain.telematics.params import TelematicsParams
    from covernote.domain.young_driver.params import YoungDriverParams


def product_config_in_force(product: str, on: date) -> ProductConfiguration:
    """The loaded configuration row for ``product`` in force on ``on`` (PLT-CONFIG)."""
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


def params_of(config: ProductConfiguration) -> Any:
    """The typed parameters of one loaded (pinned) configuration row, parsed once."""
    return params_cached(config.product, config.sha256, config.content, config.source)


@overload
def params_in_force(product: Literal["gap"], on: date) -> GapParams: ...
@overload
def params_in_force(product: Literal["young_driver"], on: date) -> YoungDriverParams: ...
@overload
def params_in_force(product: Literal["telematics"], on: date) -> TelematicsParams: ...
@overload
def params_in_force(product: Literal["complaints"], on: date) -> ComplaintsConfig: ...
def params_in_force(product: str, on: date) -> Any:
    """The typed parameters in force for ``product`` on ``on``."""
    return params_of(product_config_in_force(product, on))
