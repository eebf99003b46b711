"""Scheduled jobs run by ``covernote tick``. Each is idempotent for a given date."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date


def retry_outbox(as_of: date) -> str:
    """PLT-7: messages whose backoff has run out are tried again (or dead-lettered)."""
    from covernote.documents.delivery import outbox_retry_due

    return outbox_retry_due()


def worker_heartbeat(as_of: date) -> str:
    """Enqueue the heartbeat a live worker runs; ``/readyz`` reads its time."""
    from covernote.observability.tasks import worker_heartbeat as heartbeat

    heartbeat.enqueue()
    return "heartbeat enqueued"


def complaints_clock_check(as_of: date) -> str:
    from covernote.complaints.services import complaint_clocks_check

    return f"{complaint_clocks_check(as_of=as_of)} complaint clock tasks raised"


def young_driver_install_overdue(as_of: date) -> str:
    """YD-BOX-INSTALL: reminder, then notice of cancellation, then cancellation (idempotent)."""
    from covernote.young_driver.services import yd_install_tasks_chase

    return yd_install_tasks_chase(as_of=as_of)


def young_driver_notices_due(as_of: date) -> str:
    """YD-CANCEL-5: cancel at the end of our notice (speeding, mileage, tamper, CPA)."""
    from covernote.young_driver.services import yd_notices_expire

    return yd_notices_expire(as_of=as_of)


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


def gap_retry_fraud_db(as_of: date) -> str:
    from covernote.gap.services import gap_fraud_submissions_retry

    return f"{gap_fraud_submissions_retry()} failed MID/CUE submissions resent and accepted"


def young_driver_payments_settle(as_of: date) -> str:
    """YD-PAY-2: collect/refund scheduled payments once their 14-day notice has run."""
    from covernote.young_driver.services import yd_payments_settle

    return yd_payments_settle(as_of=as_of)


def young_driver_instalments_collect(as_of: date) -> str:
    """YD-PAY-1: Direct Debit instalments due, collected for the finance provider."""
    from covernote.young_driver.services import yd_instalments_collect

    return yd_instalments_collect(as_of=as_of)


def young_driver_renewals_invite(as_of: date) -> str:
    """YD-FEE-REN: renewal invitations N days before the end (product setting, default 21)."""
    from covernote.young_driver.services import yd_renewals_invite

    return yd_renewals_invite(as_of=as_of)


def young_driver_smartbox_faults(as_of: date) -> str:
    """YD-BOX-FAULT: silent boxes suspected faulty; free replacement with a letter."""
    from covernote.telematics.smartbox_faults import smartboxes_fault_replace

    return smartboxes_fault_replace(as_of=as_of)


def young_driver_smartbox_deactivate(as_of: date) -> str:
    """YD-DATA-1: deactivate boxes more than 14 days after the end of cover."""
    from covernote.young_driver.services import yd_smartboxes_deactivate

    return yd_smartboxes_deactivate(as_of=as_of)


def work_sync_job(as_of: date) -> str:
    """Issue 12: the one work queue follows its sources (raise, update, close). Runs last."""
    from covernote.work.services import work_sync

    return str(work_sync())


JOBS: list[tuple[str, Callable[[date], str]]] = [
    ("documents.retry_outbox", retry_outbox),
    ("young_driver.install_overdue", young_driver_install_overdue),
    ("complaints.clock_check", complaints_clock_check),
    ("young_driver.notices_due", young_driver_notices_due),
    ("telematics.mileage", telematics_mileage),
    ("telematics.reviews", telematics_reviews),
    ("gap.expire_policies", gap_expire_policies),
    ("gap.retry_fraud_db", gap_retry_fraud_db),
    ("young_driver.payments_settle", young_driver_payments_settle),
    ("young_driver.instalments_collect", young_driver_instalments_collect),
    ("young_driver.renewals_invite", young_driver_renewals_invite),
    ("young_driver.smartbox_faults", young_driver_smartbox_faults),
    ("young_driver.smartbox_deactivate", young_driver_smartbox_deactivate),
    ("work.sync", work_sync_job),
]

# `covernote tick --frequent`, every few minutes: work whose clock runs in minutes or hours.
FREQUENT_JOBS: list[tuple[str, Callable[[date], str]]] = [
    ("documents.retry_outbox", retry_outbox),
    ("complaints.clock_check", complaints_clock_check),
    ("observability.heartbeat", worker_heartbeat),
]
