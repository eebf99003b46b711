"""Prometheus metrics (ADR 0012).

Counters are incremented where the event happens; the telematics ingest calls
:func:`points_ingested` and :func:`points_quarantined`. Backlogs (task queue depth,
outbox by status, open complaint breaches) are read from the database when
``/metrics`` is scraped (``covernote.observability.collectors``), so every process
reports the same figure. This module imports no app: any layer may count.

Under gunicorn, counters from all workers are summed through prometheus_client's
multiprocess mode: ``covernote serve`` sets ``PROMETHEUS_MULTIPROC_DIR``.
"""

from __future__ import annotations

from prometheus_client import Counter

OUTBOX_SENT = Counter(
    "covernote_outbox_sent_total", "Outbox deliveries sent, by channel", ["channel"]
)
OUTBOX_FAILURES = Counter(
    "covernote_outbox_failures_total", "Outbox delivery attempts that failed", ["channel"]
)
OUTBOX_DEAD_LETTERS = Counter(
    "covernote_outbox_dead_letters_total", "Outbox messages given up on (dead-lettered)"
)
TELEMATICS_POINTS = Counter(
    "covernote_telematics_points_ingested_total", "Smartbox points accepted", ["source"]
)
TELEMATICS_QUARANTINED = Counter(
    "covernote_telematics_points_quarantined_total", "Smartbox points quarantined", ["reason"]
)
TICK_JOBS = Counter(
    "covernote_tick_job_runs_total", "Scheduled job runs by outcome", ["job", "outcome"]
)


def points_ingested(count: int, *, source: str) -> None:
    """Call from the ingest path once per accepted batch (source: http, mqtt, file)."""
    if count:
        TELEMATICS_POINTS.labels(source=source).inc(count)


def points_quarantined(count: int, *, reason: str) -> None:
    """Call from the ingest path for points set aside (reason: a short stable code)."""
    if count:
        TELEMATICS_QUARANTINED.labels(reason=reason).inc(count)
