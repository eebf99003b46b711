"""``make bench``: run every bench script in this folder and print their tables.

``baseline_movingpandas.py`` runs through ``uv run --with movingpandas`` (MovingPandas
is not a project dependency); it is skipped with a message when that cannot install.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: scripts that need packages outside the project environment: script -> extra packages
WITH = {"baseline_movingpandas.py": ["movingpandas"]}


def command(script: Path) -> list[str] | None:
    """The command that runs ``script``; None (after a message) when it cannot run here."""
    extras = WITH.get(script.name)
    if not extras:
        return [sys.executable, str(script)]
    uv = shutil.which("uv")
    if uv is None:
        print(f"skipped: {script.name} needs `uv run --with {' '.join(extras)}` (uv not found)")
        return None
    with_args = [a for e in extras for a in ("--with", e)]
    probe = [uv, "run", *with_args, "python", "-c", "; ".join(f"import {e}" for e in extras)]
    if subprocess.call(probe, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
        print(f"skipped: {' '.join(extras)} cannot be installed here (`uv run --with` failed)")
        return None
    return [uv, "run", *with_args, "python", str(script)]


def main() -> int:
    failed = 0
    for script in sorted(HERE.glob("*.py")):
        if script.name in {"run.py", "__init__.py"} or script.name.startswith("_"):
            continue
        print(f"\n== {script.name} ==", flush=True)
        cmd = command(script)
        if cmd is None:
            continue
        rc = subprocess.call(cmd)
        if rc:
            print(f"{script.name} failed with exit code {rc}", flush=True)
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
