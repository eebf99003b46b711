"""REST endpoints for gap (tenant-scoped through the selectors)."""

from ninja import Router

router = Router(tags=["gap"])
