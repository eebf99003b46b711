"""Issue 11: `covernote calc` and `covernote --help` start without the heavy libraries."""

from __future__ import annotations

import json
import os
import subprocess
import sys

HEAVY = ("polars", "pyarrow", "pandas", "covernote.api", "django.urls")
WORKED = {
    "purchase_price": "20000",
    "settlement": "12500",
    "motor_excess": "350",
    "limit_of_liability": "10000",
}


def _run_main(args: list[str], stdin: str = "") -> tuple[int, str, list[str]]:
    """Run ``covernote ARGS`` in a fresh interpreter; report which heavy modules it loaded."""
    probe = (
        "import sys\n"
        "from covernote.cli.main import main\n"
        "code = 0\n"
        "try:\n"
        f"    main({args!r})\n"
        "except SystemExit as exc:\n"
        "    code = exc.code or 0\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "sys.stderr.write('HEAVY=' + ','.join(heavy))\n"
        "sys.exit(code)\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "covernote.settings.dev"}
    result = subprocess.run(
        [sys.executable, "-c", probe],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    heavy = result.stderr.rsplit("HEAVY=", 1)[-1].strip()
    return result.returncode, result.stdout, [m for m in heavy.split(",") if m]


def test_calc_answers_without_loading_the_api_or_dataframe_libraries():
    code, out, heavy = _run_main(["calc", "gap-claim"], json.dumps(WORKED))
    assert code == 0
    assert json.loads(out)["payable"] == "7850.00"
    assert heavy == []


def test_calc_refusal_keeps_the_json_contract_and_exit_code():
    code, out, _ = _run_main(["calc", "gap-claim"], "[1, 2]")
    assert code == 2
    assert json.loads(out)["error"]["rule"] == "API-INPUT"


def test_help_lists_every_command_without_starting_django():
    code, out, heavy = _run_main(["--help"])
    assert code == 0 and heavy == []
    for name in ("calc", "serve", "tick", "audit", "migrate", "db_worker", "collectstatic"):
        assert f"    {name}\n" in out
