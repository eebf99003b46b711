"""``covernote serve``: the production web server (gunicorn, ADR 0010).

Builds the static files (so a missing manifest is never a trap), runs the deploy checks,
then replaces itself with a gunicorn master configured from the settings
(``covernote.cli.gunicorn_conf``). ``kill -HUP`` on the master reloads gracefully.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run the production web server (gunicorn) with workers and timeouts from settings."
    requires_system_checks: list[str] = []  # run below, with the deploy checks, after collectstatic

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", help="address:port (default COVERNOTE_WEB_BIND)")
        parser.add_argument(
            "--workers", type=int, help="worker processes (default WEB_CONCURRENCY)"
        )
        parser.add_argument("--pidfile", help="write the master's pid here (for kill -HUP)")
        parser.add_argument(
            "--skip-collectstatic", action="store_true", help="static files are already built"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["skip_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        call_command("check", deploy=settings.DEBUG is False, fail_level="ERROR")

        env = dict(os.environ)
        if options["bind"]:
            env["COVERNOTE_WEB_BIND"] = options["bind"]
        if options["workers"]:
            env["WEB_CONCURRENCY"] = str(options["workers"])
        if not env.get("PROMETHEUS_MULTIPROC_DIR"):
            # Counters from every worker are summed at /metrics (prometheus_client multiprocess).
            prom = Path(settings.VAR_DIR) / "prometheus" / str(os.getpid())
            shutil.rmtree(prom, ignore_errors=True)
            prom.mkdir(parents=True)
            env["PROMETHEUS_MULTIPROC_DIR"] = str(prom)
        argv = [sys.executable, "-m", "gunicorn", "--config", "python:covernote.cli.gunicorn_conf"]
        if options["pidfile"]:
            argv += ["--pid", options["pidfile"]]
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(sys.executable, argv, env)  # noqa: S606  (this process becomes the master)
