"""Generate docs/permissions.md from the permissions table (ADR 0026).

python scripts/permissions_doc.py           # rewrite docs/permissions.md
python scripts/permissions_doc.py --check   # exit 1 if docs/permissions.md is out of date
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "permissions.md"


def main() -> int:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "covernote.settings.test")
    import django

    django.setup()
    from covernote.accounts.permissions import permissions_markdown

    text = permissions_markdown()
    if "--check" in sys.argv:
        if not DOC.exists() or DOC.read_text() != text:
            print("docs/permissions.md is out of date: run python scripts/permissions_doc.py")
            return 1
        return 0
    DOC.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
