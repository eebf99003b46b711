"""Where the a10kw telematics fixture lives (the steering repository's ``shared/data``).

``COVERNOTE_TELEMATICS_FIXTURE`` wins; otherwise ``shared/`` beside the checkout (as CI
lays it out), then the workplace's ``/work/shared``.
"""

from __future__ import annotations

import os
from pathlib import Path

_REPO = Path(__file__).resolve().parents[3]
_RELATIVE = Path("shared") / "data" / "telematics" / "a10kw"


def a10kw_dir() -> Path:
    env = os.environ.get("COVERNOTE_TELEMATICS_FIXTURE")
    if env:
        return Path(env)
    for candidate in (_REPO.parent / _RELATIVE, Path("/work") / _RELATIVE):
        if (candidate / "points.parquet").exists():
            return candidate
    return _REPO.parent / _RELATIVE
