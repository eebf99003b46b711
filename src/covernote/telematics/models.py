"""Telematics records (YD-SCORE, YD-SPEED, YD-REVIEW, YD-DATA-1, YD-THEFT).

Raw points live in Parquet under the storage root (``covernote.telematics.adapters``);
the database keeps what people look at and decide on: trips and their scores,
the alert ladder with its evidence, premium reviews, ingest receipts and the
device's last known position.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone


class RoadMap(models.Model):
    """A versioned speed-limit map (version = content hash of the normalised roads)."""

    version = models.CharField(max_length=64, unique=True)
    source = models.CharField(max_length=300)
    path = models.CharField(max_length=500, help_text="Where the roads table is stored.")
    roads = models.PositiveIntegerField()
    loaded_at = models.DateTimeField(default=timezone.now)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering: ClassVar = ["-loaded_at"]

    def __str__(self) -> str:
        return f"road map {self.version[:12]} ({self.roads} roads)"


class DeviceKey(models.Model):
    """The secret a Smartbox (or its gateway) sends with its data; stored hashed."""

    device = models.OneToOneField(
        "young_driver.Device", on_delete=models.PROTECT, related_name="telematics_key"
    )
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"key {self.prefix}… for {self.device}"


class IngestBatch(models.Model):
    """A receipt for one upload or MQTT batch: what was kept, and why the rest was not."""

    received_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=10)  # http | mqtt | file
    caller = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100, blank=True)
    rows = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    quarantined = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    reasons = models.JSONField(
        default=dict, help_text="Counts by reason (quarantine and rejection)."
    )
    trips = models.PositiveIntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"batch {self.pk}: {self.accepted}/{self.rows} accepted"


class Trip(models.Model):
    """One trip segmented from the stream, with its indicator measures and scores (YD-SCORE-1/2)."""

    trip_id = models.CharField(max_length=80, unique=True)
    device = models.ForeignKey(
        "young_driver.Device", on_delete=models.PROTECT, related_name="trips"
    )
    policy = models.ForeignKey(
        "young_driver.YDPolicy", on_delete=models.PROTECT, related_name="trips"
    )
    start_at = models.DateTimeField(db_index=True)
    end_at = models.DateTimeField()
    distance_m = models.FloatField()
    duration_s = models.FloatField()
    measures = models.JSONField(default=dict)
    score_speed = models.DecimalField(max_digits=5, decimal_places=2)
    score_eco = models.DecimalField(max_digits=5, decimal_places=2)
    score_night = models.DecimalField(max_digits=5, decimal_places=2)
    score_duration = models.DecimalField(max_digits=5, decimal_places=2)
    score_overall = models.DecimalField(max_digits=5, decimal_places=2)
    track = models.JSONField(default=list, help_text="[[lat, lon], …] thinned, to draw the route.")
    map_version = models.CharField(max_length=64)
    params_version = models.CharField(max_length=40)
    scored_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-start_at"]
        indexes: ClassVar = [models.Index(fields=["policy", "start_at"])]

    def __str__(self) -> str:
        return f"trip {self.trip_id}"

    @property
    def distance_miles(self) -> float:
        return self.distance_m / 1609.344


class LastPosition(models.Model):
    """The device's last known position (YD-THEFT-1)."""

    device = models.OneToOneField(
        "young_driver.Device", on_delete=models.PROTECT, related_name="last_position"
    )
    ts = models.DateTimeField()
    lat = models.FloatField()
    lon = models.FloatField()
    speed_kmh = models.FloatField()

    def __str__(self) -> str:
        return f"{self.device} at {self.lat:.5f},{self.lon:.5f} ({self.ts:%Y-%m-%d %H:%M})"


class AlertAction(models.TextChoices):
    ALERT = "alert", "Alert"
    NOTICE_PROPOSED = "notice_of_cancellation_proposed", "Notice of cancellation proposed"
    EVIDENCE = "evidence_only", "Evidence only"


class DrivingAlert(models.Model):
    """One rung of the speeding ladder with its evidence (YD-SPEED-1..3)."""

    policy = models.ForeignKey(
        "young_driver.YDPolicy", on_delete=models.PROTECT, related_name="driving_alerts"
    )
    trip = models.ForeignKey(
        Trip, null=True, blank=True, on_delete=models.PROTECT, related_name="alerts"
    )
    kind = models.CharField(max_length=20)  # consistent | significant
    action = models.CharField(max_length=40, choices=AlertAction.choices)
    rule = models.CharField(max_length=20)
    at = models.DateTimeField()
    alerts_before = models.PositiveIntegerField()
    evidence = models.JSONField()
    document = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["at", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["policy", "trip", "kind"], name="one_alert_per_trip_and_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.kind}) {self.at:%Y-%m-%d %H:%M}"


class ReviewStatus(models.TextChoices):
    NOTIFIED = "notified", "Outcome sent; change waits for the 14-day notice"
    APPLIED = "applied", "Applied"
    NO_CHANGE = "no_change", "No change"


class PremiumReview(models.Model):
    """A 90-day review (YD-REVIEW-1..4): scores, the proposed and capped premium, the notice."""

    policy = models.ForeignKey(
        "young_driver.YDPolicy", on_delete=models.PROTECT, related_name="premium_reviews"
    )
    review_date = models.DateField()
    number = models.PositiveSmallIntegerField()
    previous_score = models.DecimalField(max_digits=5, decimal_places=2)
    period_score = models.DecimalField(max_digits=5, decimal_places=2)
    distance_km = models.DecimalField(max_digits=10, decimal_places=1)
    current_premium = models.DecimalField(max_digits=12, decimal_places=2)
    new_premium = models.DecimalField(max_digits=12, decimal_places=2)
    adjustment = models.DecimalField(max_digits=12, decimal_places=2)
    capped = models.BooleanField()
    decision = models.JSONField()
    notified_on = models.DateField()
    effective_on = models.DateField(
        help_text="Earliest collection or refund: notice + 14 days (YD-PAY-2)."
    )
    status = models.CharField(max_length=12, choices=ReviewStatus.choices)
    document = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["policy", "review_date"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["policy", "review_date"], name="one_review_per_policy_and_date"
            )
        ]

    def __str__(self) -> str:
        return f"review {self.number} of {self.policy} on {self.review_date}"


class CaseKind(models.TextChoices):
    TAMPER = "tamper", "Tamper alarm (YD-BOX-TAMPER)"
    FAULT = "fault", "Suspected fault (YD-BOX-FAULT)"


class DeviceCase(models.Model):
    """A review case opened from device data: tampering or a suspected fault."""

    device = models.ForeignKey(
        "young_driver.Device", on_delete=models.PROTECT, related_name="cases"
    )
    policy = models.ForeignKey(
        "young_driver.YDPolicy", on_delete=models.PROTECT, related_name="device_cases"
    )
    kind = models.CharField(max_length=10, choices=CaseKind.choices)
    opened_at = models.DateTimeField(default=timezone.now)
    evidence = models.JSONField(default=list)
    decision = models.JSONField(default=dict)
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering: ClassVar = ["-opened_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} case for {self.device}"


class TopUpStatus(models.TextChoices):
    OFFERED = "offered", "Offered"
    BOUGHT = "bought", "Bought"
    DECLINED = "declined", "Declined: notice of cancellation"


class MileageTopUp(models.Model):
    """YD-MILES-1: tracked miles above the pro-rata allowance need a top-up."""

    policy = models.ForeignKey(
        "young_driver.YDPolicy", on_delete=models.PROTECT, related_name="mileage_top_ups"
    )
    checked_on = models.DateField()
    tracked_miles = models.PositiveIntegerField()
    miles = models.PositiveIntegerField(help_text="Top-up size, whole thousands.")
    net = models.DecimalField(max_digits=12, decimal_places=2)
    ipt = models.DecimalField(max_digits=12, decimal_places=2)
    gross = models.DecimalField(max_digits=12, decimal_places=2)
    decision = models.JSONField()
    status = models.CharField(
        max_length=10, choices=TopUpStatus.choices, default=TopUpStatus.OFFERED
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    document = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["-checked_on", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["policy"],
                condition=models.Q(status="offered"),
                name="one_open_top_up_offer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.miles}-mile top-up for {self.policy} ({self.status})"
