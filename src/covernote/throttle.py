"""Fixed-window rate counting shared by every door (ADR 0016, ADR 0025): the API
(per token, per address), password-reset requests, and telematics uploads per Smartbox
over HTTP and MQTT (``COVERNOTE_TELEMATICS_DEVICE_RATE``, default ``20/min``).
Counted in Django's cache, which production shares between workers."""

from __future__ import annotations

import time
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache

DEFAULT_DEVICE_RATE = "20/min"  # HTTP uploads (batches)
DEFAULT_MQTT_DEVICE_RATE = "120/min"  # MQTT messages (a live stream sends more, smaller ones)

_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"20/h"`` -> (20, 3600): a count and a window in seconds."""
    count, per = rate.split("/", 1)
    return int(count), _SECONDS[per]


def count_hit(key: str, limit: int, window: int) -> bool:
    """Count one request under ``key`` in a fixed window; True while within ``limit``."""
    cache.add(key, 0, window)
    try:
        used = cache.incr(key)
    except ValueError:  # the window expired between add and incr
        cache.set(key, 1, window)
        used = 1
    return used <= limit


def device_upload_wait(serials: Iterable[str], *, door: str = "http") -> int:
    """Count one upload for each device; 0 while all are within the per-device rate, else
    the seconds until the fixed window of the busiest device turns (Retry-After).
    ``door="mqtt"`` counts against ``COVERNOTE_TELEMATICS_MQTT_DEVICE_RATE``."""
    if door == "mqtt":
        rate = getattr(settings, "COVERNOTE_TELEMATICS_MQTT_DEVICE_RATE", DEFAULT_MQTT_DEVICE_RATE)
    else:
        rate = getattr(settings, "COVERNOTE_TELEMATICS_DEVICE_RATE", DEFAULT_DEVICE_RATE)
    limit, window = parse_rate(str(rate))
    now = time.time()
    slot = int(now // window)
    wait = 0
    for serial in sorted(set(serials)):
        if not count_hit(f"throttle_{door}_device_{serial}_{slot}", limit, window):
            wait = max(1, int((slot + 1) * window - now + 0.999))
    return wait
