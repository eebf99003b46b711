"""REST endpoints for complaints (tenant-scoped through the selectors)."""

from ninja import Router

router = Router(tags=["complaints"])
