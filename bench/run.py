"""``make bench``: run every bench script in this folder and print their tables."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    failed = 0
    for script in sorted(HERE.glob("*.py")):
        if script.name in {"run.py", "__init__.py"}:
            continue
        print(f"\n== {script.name} ==", flush=True)
        rc = subprocess.call([sys.executable, str(script)])
        if rc:
            print(f"{script.name} failed with exit code {rc}", flush=True)
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
