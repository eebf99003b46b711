"""Versioned, effective-dated product configuration (ARCHITECTURE §3.2).

The TOML files in ``config/products/<product>/`` are the source; they are
loaded here, checked, and never edited in the database. A policy pins the
version it was sold under (a foreign key to one row of this table).
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone


class ProductCode(models.TextChoices):
    GAP = "gap", "Combined GAP"
    YOUNG_DRIVER = "young_driver", "Young Driver telematics"
    TELEMATICS = "telematics", "Young Driver telematics thresholds"
    COMPLAINTS = "complaints", "Complaints procedures"


class ProductConfiguration(models.Model):
    product = models.CharField(max_length=20, choices=ProductCode.choices)
    version = models.CharField(max_length=20)
    effective_from = models.DateField()
    content = models.JSONField()
    source = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["product", "-effective_from"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["product", "version"], name="one_row_per_product_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_product_display()} v{self.version} from {self.effective_from}"
