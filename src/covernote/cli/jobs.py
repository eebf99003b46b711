"""Scheduled jobs run by ``covernote tick``. Each is idempotent for a given date."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from covernote.documents.models import OutboxMessage, OutboxStatus


def retry_outbox(as_of: date) -> str:
    from covernote.documents.services import outbox_deliver

    ids = list(
        OutboxMessage.objects.filter(status=OutboxStatus.QUEUED).values_list("id", flat=True)
    )
    sent = sum(1 for i in ids if outbox_deliver(i).status != OutboxStatus.QUEUED)
    return f"{sent} of {len(ids)} queued messages delivered"


def complaints_clock_check(as_of: date) -> str:
    from covernote.complaints.services import complaint_clock_check

    return f"{complaint_clock_check(as_of=as_of)} complaint clock tasks raised"


def young_driver_install_overdue(as_of: date) -> str:
    """YD-BOX-INSTALL: reminder, then notice of cancellation, then cancellation (idempotent)."""
    from covernote.young_driver.services import yd_install_overdue

    return yd_install_overdue(as_of)


def young_driver_notices_due(as_of: date) -> str:
    """YD-CANCEL-5: cancel at the end of our notice (speeding, mileage, tamper, CPA)."""
    from covernote.young_driver.services import yd_notices_due

    return yd_notices_due(as_of)


def telematics_mileage(as_of: date) -> str:
    """YD-MILES-1: tracked miles above the pro-rata allowance get a top-up offer."""
    from covernote.telematics.mileage import mileage_check_run

    return mileage_check_run(as_of=as_of)


def telematics_reviews(as_of: date) -> str:
    """YD-REVIEW-1..4: reviews due today, then their outcome letters and payment notices."""
    from covernote.telematics.reviews import reviews_notify, reviews_run

    result = reviews_run(as_of=as_of)
    sent = reviews_notify(as_of=as_of)
    return f"{result.created} reviews made, {sent} outcome letters sent"


def gap_expire_policies(as_of: date) -> str:
    """GAP-TERM-1: terminate active GAP policies whose last day of cover has passed."""
    from covernote.gap.services import gap_policies_expire

    return f"{gap_policies_expire(as_of=as_of)} GAP policies reached natural expiry"


JOBS: list[tuple[str, Callable[[date], str]]] = [
    ("documents.retry_outbox", retry_outbox),
    ("young_driver.install_overdue", young_driver_install_overdue),
    ("complaints.clock_check", complaints_clock_check),
    ("young_driver.notices_due", young_driver_notices_due),
    ("telematics.mileage", telematics_mileage),
    ("telematics.reviews", telematics_reviews),
    ("gap.expire_policies", gap_expire_policies),
]
