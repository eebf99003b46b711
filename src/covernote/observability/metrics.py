"""Prometheus metrics (ADR 0012).

Counters are incremented where the event happens; the telematics ingest calls
:func:`points_ingested` and :func:`points_quarantined`. Backlogs (task queue depth,
outbox by status, open complaint breaches) are read from the database when
``/metrics`` is scraped, so every process reports the same figure.

Under gunicorn, counters from all workers are summed through prometheus_client's
multiprocess mode: ``covernote serve`` sets ``PROMETHEUS_MULTIPROC_DIR``.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import Counter
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

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


class BacklogCollector(Collector):
    """Gauges read from the database at scrape time."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from django.db.models import Count
        from django_tasks_db.models import DBTaskResult

        from covernote.complaints.models import ComplaintTask, TaskStatus
        from covernote.documents.models import OutboxMessage

        queue = GaugeMetricFamily(
            "covernote_task_queue_depth", "Background tasks waiting to run", labels=["queue"]
        )
        for row in (
            DBTaskResult.objects.filter(status="READY").values("queue_name").annotate(n=Count("id"))
        ):
            queue.add_metric([row["queue_name"]], row["n"])
        yield queue

        outbox = GaugeMetricFamily(
            "covernote_outbox_messages", "Outbox messages by status", labels=["status"]
        )
        for row in OutboxMessage.objects.values("status").annotate(n=Count("id")):
            outbox.add_metric([row["status"]], row["n"])
        yield outbox

        # Ingest over the last hour from the batch receipts, so the rate and the quarantine
        # share are visible before the ingest code calls the counters above.
        from datetime import timedelta

        from django.db.models import Sum
        from django.utils import timezone

        from covernote.telematics.models import IngestBatch

        ingest = GaugeMetricFamily(
            "covernote_telematics_points_last_hour",
            "Smartbox points received in the last hour, by outcome",
            labels=["outcome"],
        )
        totals = IngestBatch.objects.filter(
            received_at__gte=timezone.now() - timedelta(hours=1)
        ).aggregate(
            accepted=Sum("accepted"),
            duplicates=Sum("duplicates"),
            quarantined=Sum("quarantined"),
            rejected=Sum("rejected"),
        )
        for outcome, value in totals.items():
            ingest.add_metric([outcome], value or 0)
        yield ingest

        breaches = GaugeMetricFamily(
            "covernote_complaint_breaches_open", "Open complaint tasks raised at a breach (COMP-7)"
        )
        breaches.add_metric(
            [],
            ComplaintTask.objects.filter(level="breached", status=TaskStatus.OPEN).count(),
        )
        yield breaches
