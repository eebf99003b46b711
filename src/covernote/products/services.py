"""Load product configuration into the database, all files or none (atomic)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import transaction

from covernote.audit.services import audit_record
from covernote.products.loader import (
    ConfigFile,
    ConfigurationError,
    config_files,
    parse_config_file,
)
from covernote.products.models import ProductConfiguration


@transaction.atomic
def product_configs_load(
    *, actor: object, paths: list[Path] | None = None
) -> list[tuple[ConfigFile, str]]:
    """Check every file first, then load; a version already loaded must be unchanged.

    Returns (file, "loaded" | "unchanged") pairs. A bad file raises
    ConfigurationError and nothing is written.
    """
    root = Path(settings.BASE_DIR)
    files = paths if paths is not None else config_files(Path(settings.CONFIG_DIR) / "products")
    parsed = [parse_config_file(Path(p).resolve(), root) for p in files]
    results: list[tuple[ConfigFile, str]] = []
    for cfg in parsed:
        existing = ProductConfiguration.objects.filter(
            product=cfg.product, version=cfg.version
        ).first()
        if existing is not None:
            if existing.sha256 != cfg.sha256:
                raise ConfigurationError(
                    cfg.source,
                    "product.version",
                    f"version {cfg.version} is already loaded with different content; "
                    "publish a new version instead of editing one in force",
                )
            results.append((cfg, "unchanged"))
            continue
        row = ProductConfiguration.objects.create(
            product=cfg.product,
            version=cfg.version,
            effective_from=cfg.effective_from,
            content=cfg.content,
            source=cfg.source,
            sha256=cfg.sha256,
        )
        audit_record(
            actor=actor,
            action="product_config.load",
            obj=row,
            after={"product": cfg.product, "version": cfg.version, "sha256": cfg.sha256},
        )
        results.append((cfg, "loaded"))
    return results
