"""REST endpoints for Young Driver (tenant-scoped through the selectors)."""

from ninja import Router

router = Router(tags=["young_driver"])
