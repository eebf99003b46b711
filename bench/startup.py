"""Cold start of the ``covernote`` command against ``python -c "import django"`` (issue 11).

``covernote calc`` must answer in under a second and ``covernote --help`` likewise: they
must not start Django's URL conf (the API package imports Polars/PyArrow/pandas). Each
figure is the median of several fresh processes; the machine's load is printed with it,
because on a busy 2-core machine every figure grows.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
RUNS = int(os.environ.get("BENCH_STARTUP_RUNS", 7))
CALC_IN = b'{"purchase_price":"20000","settlement":"12500","motor_excess":"350","limit_of_liability":"10000"}'


def median_seconds(cmd: list[str], stdin: bytes = b"") -> float:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "covernote.settings.dev"}
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run(cmd, input=stdin, capture_output=True, check=True, env=env)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    load = os.getloadavg()[0]
    baseline = median_seconds([sys.executable, "-c", "import django"])
    rows = [
        ("covernote calc gap-claim", median_seconds([str(BIN / "covernote"), "calc", "gap-claim"], CALC_IN)),
        ("covernote --help", median_seconds([str(BIN / "covernote"), "--help"])),
        ("django.setup() (for scale)", median_seconds([sys.executable, "-c", "import django; django.setup()"])),
    ]  # fmt: skip
    print(f"cold start, median of {RUNS}; {os.cpu_count()} cores, load average {load:.2f}"
          f" ({'idle' if load < 0.5 else 'busy'})")  # fmt: skip
    print(f"{'figure':30} {'seconds':>8} {'baseline':>9} {'ratio':>6}")
    label = 'python -c "import django"'
    print(f"{label:30} {baseline:8.2f} {baseline:9.2f} {1:6.1f}")
    failed = False
    for name, seconds in rows:
        print(f"{name:30} {seconds:8.2f} {baseline:9.2f} {seconds / baseline:6.1f}")
        failed |= name.startswith("covernote") and seconds >= 1.0 and load < 1.0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
