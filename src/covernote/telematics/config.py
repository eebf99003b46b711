"""Where telematics parameters, maps and raw data live.

The thresholds come through the configuration door (ADR 0005): the app asks what is
in force on a date (:func:`telematics_params`, the loaded ``telematics`` product rows);
only DB-less tools (the ``covernote telematics score`` command, the adapters' defaults,
benchmarks) read the shipped files through ``shipped_params``.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from django.conf import settings

from covernote.domain.calendar import LONDON
from covernote.domain.telematics.params import TelematicsParams
from covernote.products.selectors import params_in_force


def storage_root() -> Path:
    """The raw-point store: ``COVERNOTE_TELEMATICS_ROOT`` or ``var/telematics``."""
    root = (
        getattr(settings, "COVERNOTE_TELEMATICS_ROOT", None)
        or Path(settings.VAR_DIR) / "telematics"
    )
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path


def telematics_params(on: date | datetime) -> TelematicsParams:
    """The thresholds in force on ``on`` (YD-SCORE-3): a London date, or an instant."""
    day = on.astimezone(LONDON).date() if isinstance(on, datetime) else on
    return params_in_force("telematics", day)
