"""Read and check product configuration files: every problem names file, key and rule."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import import_module
from pathlib import Path
from typing import Any

from django.conf import settings
from pydantic import ConfigDict

from covernote.domain.config_model import ConfigModel, IsoDate, Text, validate
from covernote.domain.errors import DomainError, ErrorCode

VERSION_FILE = re.compile(r"^\d{4}-\d{2}-\d{2}.*\.toml$")

# Every configured product and the pure-domain parser that checks its file and
# turns it into typed parameters: ``(content, source) -> params``. This registry is
# the one list of what `covernote products load` accepts and what the door in
# ``covernote.products.selectors`` resolves (ADR 0005).
_PARAM_PARSERS: dict[str, tuple[str, str]] = {
    "gap": ("covernote.domain.gap.params", "parse_params"),
    "young_driver": ("covernote.domain.young_driver.params", "parse_params"),
    "telematics": ("covernote.domain.telematics.params", "parse_params"),
    "complaints": ("covernote.domain.complaints.config", "parse_complaints_config"),
}


class ConfigurationError(DomainError):
    """``<file>: <dotted key>: <reason>`` — each named once (ADR 0025)."""

    def __init__(self, source: str, key: str, problem: str, rule: str = "PLT-CONFIG") -> None:
        super().__init__(ErrorCode.CONFIGURATION, f"{source}: {key}: {problem}", rule, key)
        self.source = source
        self.key = key
        self.problem = problem

    @classmethod
    def from_domain(cls, source: str, exc: DomainError) -> ConfigurationError:
        """A product parser's error, its file and key prefix not repeated."""
        key = exc.field or "(content)"
        problem = exc.message
        for prefix in (f"{source}: ", f"{key}: "):
            problem = problem.removeprefix(prefix)
        return cls(source, key, problem, exc.rule or "PLT-CONFIG")


class _Header(ConfigModel):
    code: Text
    version: Text
    effective_from: IsoDate


class _Head(ConfigModel):
    """Only the ``[product]`` header; each product's own model checks the rest."""

    model_config = ConfigDict(frozen=True, extra="allow", strict=True)
    product: _Header


@dataclass(frozen=True)
class ConfigFile:
    product: str
    version: str
    effective_from: date
    content: dict[str, Any]
    source: str
    sha256: str
    path: str = ""


def parse_config_bytes(raw: bytes, source: str) -> ConfigFile:
    try:
        content = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigurationError(source, "(file)", f"not UTF-8 text: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(source, "(syntax)", str(exc)) from exc
    try:
        header = validate(_Head, content, source, rule="PLT-CONFIG").product
    except DomainError as exc:
        raise ConfigurationError.from_domain(source, exc) from None
    code = header.code
    if code not in _PARAM_PARSERS:
        raise ConfigurationError(
            source,
            "product.code",
            f"unknown product {code!r} (expected one of {sorted(_PARAM_PARSERS)})",
        )
    _check_product(code, content, source)
    return ConfigFile(
        product=code,
        version=header.version,
        effective_from=header.effective_from,
        content=_jsonable(content),
        source=source,
        sha256=hashlib.sha256(raw).hexdigest(),
    )


def parse_params_for(code: str, content: dict[str, Any], source: str) -> Any:
    """The typed parameters of one product file, or ConfigurationError naming file and key."""
    if code not in _PARAM_PARSERS:
        raise ConfigurationError(source, "product.code", f"unknown product {code!r}")
    module_name, function = _PARAM_PARSERS[code]
    parser = getattr(import_module(module_name), function)
    try:
        if code == "complaints":
            return parser(content, source=source)
        return parser(content, source)
    except ConfigurationError:
        raise
    except DomainError as exc:
        raise ConfigurationError.from_domain(source, exc) from exc


def _check_product(code: str, content: dict[str, Any], source: str) -> None:
    parse_params_for(code, content, source)


def parse_config_file(path: Path, root: Path | None = None) -> ConfigFile:
    source = str(path.relative_to(root)) if root and path.is_relative_to(root) else str(path)
    return dataclasses.replace(parse_config_bytes(path.read_bytes(), source), path=str(path))


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


def shipped_config(
    product: str,
    on: date | None = None,
    directory: Path | None = None,
    *,
    launch_terms_before_first: bool = False,
) -> ConfigFile:
    """The shipped file of ``product`` in force on ``on`` (the newest when ``on`` is None).

    For tools that work without a loaded database (calculators, data-team scoring,
    benchmarks). ``directory`` defaults to ``settings.CONFIG_DIR / "products"``. A
    date before the first version is a CONFIGURATION error, unless
    ``launch_terms_before_first`` asks for the first version (the launch terms).
    """
    if directory is None:
        directory = Path(settings.CONFIG_DIR) / "products"
    return _shipped(str(directory), product, on, launch_terms_before_first)


@lru_cache(maxsize=64)
def _shipped(directory: str, product: str, on: date | None, launch: bool) -> ConfigFile:
    files = sorted((Path(directory) / product).glob("*.toml"))
    versions = sorted(
        (parse_config_file(p) for p in files if VERSION_FILE.match(p.name)),
        key=lambda c: c.effective_from,
    )
    if not versions:
        raise ConfigurationError(
            str(Path(directory) / product), "(directory)", f"no {product} configuration file"
        )
    if on is None:
        return versions[-1]
    in_force = [v for v in versions if v.effective_from <= on]
    if in_force:
        return in_force[-1]
    if launch:
        return versions[0]
    raise DomainError(
        ErrorCode.CONFIGURATION,
        f"no {product} configuration is in force on {on.isoformat()}",
        "PLT-CONFIG",
        "product",
    )


def shipped_config_path(
    product: str, on: date | None = None, directory: Path | None = None
) -> Path:
    """The path of the shipped file in force (for tests and benchmarks that read the file)."""
    cfg = shipped_config(product, on, directory)
    return Path(cfg.path)


def shipped_params(
    product: str,
    on: date | None = None,
    directory: Path | None = None,
    *,
    launch_terms_before_first: bool = False,
) -> Any:
    """The typed parameters of the shipped file in force (see :func:`shipped_config`)."""
    cfg = shipped_config(
        product, on, directory, launch_terms_before_first=launch_terms_before_first
    )
    return params_cached(cfg.product, cfg.sha256, cfg.content, cfg.source)


_PARSED: dict[tuple[str, str], Any] = {}


def params_cached(product: str, sha256: str, content: dict[str, Any], source: str) -> Any:
    """Parse a product file's content once per (product, content hash): versions never change."""
    key = (product, sha256)
    if key not in _PARSED:
        _PARSED[key] = parse_params_for(product, content, source)
    return _PARSED[key]
