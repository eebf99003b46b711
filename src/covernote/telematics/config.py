"""Where telematics parameters, maps and raw data live."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.telematics.params import TelematicsParams, parse_params


def params_path() -> Path:
    return Path(settings.CONFIG_DIR) / "products" / "young_driver" / "telematics.toml"


def storage_root() -> Path:
    """The raw-point store: ``COVERNOTE_TELEMATICS_ROOT`` or ``var/telematics``."""
    root = (
        getattr(settings, "COVERNOTE_TELEMATICS_ROOT", None)
        or Path(settings.VAR_DIR) / "telematics"
    )
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path


@lru_cache(maxsize=4)
def _params(path: str, mtime: float) -> TelematicsParams:
    try:
        doc = tomllib.loads(Path(path).read_text())
    except tomllib.TOMLDecodeError as exc:
        raise DomainError(
            ErrorCode.CONFIGURATION, f"{path}: {exc}", "YD-SCORE-3", "(syntax)"
        ) from exc
    try:
        return parse_params(doc)
    except DomainError as exc:
        raise DomainError(exc.code, f"{path}: {exc.message}", exc.rule, exc.field) from exc


def telematics_params() -> TelematicsParams:
    """The thresholds in force (YD-SCORE-3), re-read when the file changes."""
    path = params_path()
    return _params(str(path), path.stat().st_mtime)
