"""Writes for Young Driver (SPEC §2), one module per capability.

Rules come from :mod:`covernote.domain.young_driver`; this package loads, calls the
domain, persists, audits and writes the letters. Only what callers outside the
package use is re-exported here.
"""

from covernote.products.selectors import params_of as params_for  # telematics' old name
from covernote.young_driver.services._common import current_device
from covernote.young_driver.services.cancellation import (
    yd_cancellation_preview,
    yd_policy_cancel,
    yd_smartbox_return_record,
)
from covernote.young_driver.services.changes import (
    yd_policy_adjust,
    yd_policy_vehicle_change,
    yd_premium_review_apply,
)
from covernote.young_driver.services.installs import (
    PHOTO_MAX_BYTES,
    yd_install_photo_review,
    yd_install_photo_upload,
    yd_install_tasks_chase,
)
from covernote.young_driver.services.notices import yd_cancellation_notice_issue, yd_notices_expire
from covernote.young_driver.services.payments import (
    yd_additional_premium,
    yd_instalments_collect,
    yd_payments_settle,
)
from covernote.young_driver.services.policies import yd_policy_buy
from covernote.young_driver.services.quotes import yd_quote_create
from covernote.young_driver.services.renewals import (
    yd_policy_renew,
    yd_renewal_decline,
    yd_renewal_invite,
    yd_renewals_invite,
)
from covernote.young_driver.services.smartbox import (
    SENDING_STATES,
    yd_device_first_data,
    yd_smartbox_fault_replace,
    yd_smartboxes_deactivate,
)
from covernote.young_driver.services.theft import yd_theft_claim_close, yd_theft_claim_register

__all__ = [
    "PHOTO_MAX_BYTES",
    "SENDING_STATES",
    "current_device",
    "params_for",
    "yd_additional_premium",
    "yd_cancellation_notice_issue",
    "yd_cancellation_preview",
    "yd_device_first_data",
    "yd_install_photo_review",
    "yd_install_photo_upload",
    "yd_install_tasks_chase",
    "yd_instalments_collect",
    "yd_notices_expire",
    "yd_payments_settle",
    "yd_policy_adjust",
    "yd_policy_buy",
    "yd_policy_cancel",
    "yd_policy_renew",
    "yd_policy_vehicle_change",
    "yd_premium_review_apply",
    "yd_quote_create",
    "yd_renewal_decline",
    "yd_renewal_invite",
    "yd_renewals_invite",
    "yd_smartbox_fault_replace",
    "yd_smartbox_return_record",
    "yd_smartboxes_deactivate",
    "yd_theft_claim_close",
    "yd_theft_claim_register",
]
