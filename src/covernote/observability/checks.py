"""System checks that make production misconfiguration loud (issue 11)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

MANIFEST_MISSING = "covernote.E001"


@register(Tags.staticfiles, deploy=True)
def static_manifest_present(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """A manifest static-files storage without its manifest makes every page a 500."""
    from django.contrib.staticfiles.storage import ManifestFilesMixin
    from django.core.files.storage import storages

    storage = storages["staticfiles"]
    if not isinstance(storage, ManifestFilesMixin):
        return []
    if storage.exists(storage.manifest_name):
        return []
    return [
        Error(
            f"the static files manifest is missing from STATIC_ROOT ({settings.STATIC_ROOT}): "
            "every page would fail with 'Missing staticfiles manifest entry'",
            hint="run `covernote collectstatic --no-input` (`covernote serve` does it for you)",
            id=MANIFEST_MISSING,
        )
    ]
