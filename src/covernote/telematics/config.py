"""Where telematics parameters, maps and raw data live."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from covernote.domain.telematics.params import TelematicsParams
from covernote.products.loader import shipped_params


def storage_root() -> Path:
    """The raw-point store: ``COVERNOTE_TELEMATICS_ROOT`` or ``var/telematics``."""
    root = (
        getattr(settings, "COVERNOTE_TELEMATICS_ROOT", None)
        or Path(settings.VAR_DIR) / "telematics"
    )
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path


def telematics_params() -> TelematicsParams:
    """The thresholds in force (YD-SCORE-3), through the configuration door."""
    params: TelematicsParams = shipped_params("telematics")
    return params
