"""Where the a10kw telematics fixture lives (the steering repository's ``shared/data``).

``COVERNOTE_TELEMATICS_FIXTURE`` (environment, then Django settings) wins; otherwise
``BASE_DIR/../shared/data/telematics/a10kw`` -- ``shared/`` beside the checkout, as CI
and the workplace lay it out. No path is derived from this file's location (ADR 0005).
"""

from __future__ import annotations

import os
from pathlib import Path

RELATIVE = Path("shared") / "data" / "telematics" / "a10kw"


def a10kw_dir() -> Path:
    """The fixture directory (``points.parquet``, ``roads.parquet``, ``truth.parquet``)."""
    env = os.environ.get("COVERNOTE_TELEMATICS_FIXTURE")
    if env:
        return Path(env)
    from django.conf import settings  # read lazily: DB-less tools configure it late

    configured = getattr(settings, "COVERNOTE_TELEMATICS_FIXTURE", None)
    if configured:
        return Path(configured)
    return Path(settings.BASE_DIR).parent / RELATIVE
