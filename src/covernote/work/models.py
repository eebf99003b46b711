"""The work queue (issue 12): one row per task some other part of the system raised.

A ``WorkItem`` is a projection of a source task (a complaint clock task, a GAP claim
stage, a Smartbox photo, a proposed notice, a dead letter, a device case) kept in
step by ``work_sync``. It adds what the sources lack: an owner, a team, one due time
and priority to sort by, and a closing reason. The source's own workflow still does
the real work (ADR 0017).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone


class WorkStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class WorkItem(models.Model):
    source_kind = models.CharField(max_length=30, help_text="Which adapter raised it.")
    source_id = models.CharField(max_length=60, help_text="The source's own key.")
    route = models.CharField(max_length=40, help_text="The routing-table entry it follows.")
    type = models.CharField(max_length=30)
    title = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    product = models.CharField(max_length=30)
    team = models.CharField(max_length=30)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="work_items",
    )
    due_at = models.DateTimeField()
    priority = models.PositiveSmallIntegerField(help_text="1 urgent, 2 normal, 3 low")
    status = models.CharField(max_length=10, choices=WorkStatus.choices, default=WorkStatus.OPEN)
    link_kind = models.CharField(max_length=30, help_text="Where the work is done (a page).")
    link_id = models.PositiveIntegerField(null=True, blank=True)
    firm = models.ForeignKey(
        "accounts.Firm", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_reason = models.TextField(blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_with_source_open = models.BooleanField(
        default=False, help_text="Closed by a manager while the source task was still open."
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, help_text="Optimistic concurrency.")

    class Meta:
        ordering: ClassVar = ["due_at", "priority", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["source_kind", "source_id"], name="one_item_per_source")
        ]
        indexes: ClassVar = [
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["status", "team"]),
            models.Index(fields=["owner", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status == WorkStatus.OPEN
