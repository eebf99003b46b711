"""Gauges read from the database when ``/metrics`` is scraped (ADR 0012).

This module reads the product apps' tables, so it sits above them: only the
``/metrics`` view imports it. Counters that any layer increments live in
``covernote.observability.metrics``, which imports no app.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from django.db.models import Count, Sum
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from covernote.complaints.models import ComplaintTask, TaskStatus
from covernote.documents.models import OutboxMessage
from covernote.telematics.models import IngestBatch


class BacklogCollector(Collector):
    """Gauges read from the database at scrape time."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
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
