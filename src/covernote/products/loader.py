"""Read and check product configuration files: every problem names file, key and rule."""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from datetime import date
from importlib import import_module
from pathlib import Path
from typing import Any

from covernote.domain.errors import DomainError, ErrorCode

VERSION_FILE = re.compile(r"^\d{4}-\d{2}-\d{2}.*\.toml$")

# Product-specific checks live in the pure domain: ``parse_params(mapping, source)``.
_PARAM_PARSERS = {
    "gap": "covernote.domain.gap.params",
    "young_driver": "covernote.domain.young_driver.params",
}


class ConfigurationError(DomainError):
    def __init__(self, source: str, key: str, problem: str) -> None:
        super().__init__(ErrorCode.CONFIGURATION, f"{source}: {key}: {problem}", "PLT-CONFIG", key)
        self.source = source
        self.key = key
        self.problem = problem


@dataclass(frozen=True)
class ConfigFile:
    product: str
    version: str
    effective_from: date
    content: dict[str, Any]
    source: str
    sha256: str


def parse_config_bytes(raw: bytes, source: str) -> ConfigFile:
    try:
        content = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigurationError(source, "(file)", f"not UTF-8 text: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(source, "(syntax)", str(exc)) from exc
    header = content.get("product")
    if not isinstance(header, dict):
        raise ConfigurationError(source, "product", "missing [product] table")
    for key in ("code", "version", "effective_from"):
        if key not in header:
            raise ConfigurationError(source, f"product.{key}", "missing")
    code = header["code"]
    if code not in _PARAM_PARSERS:
        raise ConfigurationError(
            source,
            "product.code",
            f"unknown product {code!r} (expected one of {sorted(_PARAM_PARSERS)})",
        )
    effective = header["effective_from"]
    if isinstance(effective, str):
        try:
            effective = date.fromisoformat(effective)
        except ValueError as exc:
            raise ConfigurationError(source, "product.effective_from", "not an ISO date") from exc
    if not isinstance(effective, date):
        raise ConfigurationError(source, "product.effective_from", "not a date")
    _check_product(code, content, source)
    return ConfigFile(
        product=code,
        version=str(header["version"]),
        effective_from=effective,
        content=_jsonable(content),
        source=source,
        sha256=hashlib.sha256(raw).hexdigest(),
    )


def _check_product(code: str, content: dict[str, Any], source: str) -> None:
    try:
        module = import_module(_PARAM_PARSERS[code])
    except ModuleNotFoundError:
        return
    parser = getattr(module, "parse_params", None)
    if parser is None:
        return
    try:
        parser(content, source)
    except ConfigurationError:
        raise
    except DomainError as exc:
        raise ConfigurationError(source, exc.field or "(content)", exc.message) from exc


def parse_config_file(path: Path, root: Path | None = None) -> ConfigFile:
    source = str(path.relative_to(root)) if root and path.is_relative_to(root) else str(path)
    return parse_config_bytes(path.read_bytes(), source)


def config_files(directory: Path) -> list[Path]:
    """The version files: ``config/products/<product>/<YYYY-MM-DD>*.toml``."""
    return sorted(p for p in directory.glob("*/*.toml") if VERSION_FILE.match(p.name))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value
