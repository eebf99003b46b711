"""``covernote tick --as-of DATE``: the one idempotent scheduled command cron runs.

Each job is a function ``(as_of: date) -> str`` registered in ``covernote.cli.jobs.JOBS``;
running a day twice does nothing new. Every job runs on its own: one that fails is
reported (and logged with its traceback) and the rest still run; the command exits 1 when
any failed, so the scheduler can alert. ``--frequent`` runs ``FREQUENT_JOBS`` instead
(every few minutes: outbox retries, complaint clocks, the worker heartbeat).
"""

from __future__ import annotations

import logging
import sys
import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from covernote.cli.jobs import FREQUENT_JOBS, JOBS
from covernote.observability import context
from covernote.observability.metrics import TICK_JOBS

log = logging.getLogger("covernote.tick")


class Command(BaseCommand):
    help = "Run every scheduled job for a date (default today, Europe/London). Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", type=date.fromisoformat, default=None)
        parser.add_argument(
            "--frequent", action="store_true", help="the jobs to run every few minutes"
        )
        parser.add_argument("--only", action="append", default=[], metavar="JOB")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = options["as_of"] or timezone.localdate()
        jobs = FREQUENT_JOBS if options["frequent"] else JOBS
        if options["only"]:
            jobs = [(n, j) for n, j in jobs if n in options["only"]]
        failed = []
        for name, job in jobs:
            started = time.perf_counter()
            with context.bound(who="tick", rid=f"tick-{name}-{as_of.isoformat()}"):
                try:
                    summary = job(as_of)
                except Exception as exc:
                    failed.append(name)
                    log.exception("job failed", extra={"job": name, "as_of": str(as_of)})
                    TICK_JOBS.labels(job=name, outcome="failed").inc()
                    self.stdout.write(f"{name:32} FAILED {type(exc).__name__}: {exc}")
                    close_old_connections()  # a broken connection must not sink the next job
                    continue
                seconds = round(time.perf_counter() - started, 3)
                TICK_JOBS.labels(job=name, outcome="ok").inc()
                log.info("job done", extra={"job": name, "summary": summary, "seconds": seconds})
            self.stdout.write(f"{name:32} ok     {summary}")
        if failed:
            self.stderr.write(f"{len(failed)} of {len(jobs)} jobs failed: {', '.join(failed)}")
            sys.exit(1)
