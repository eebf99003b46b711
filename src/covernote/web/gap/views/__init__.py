"""GAP pages (SPEC §1): broker quote → eligibility → sell → policy and schedule PDF;
cancellation with the refund steps; claims work queue and claim page (back office).

Views call services and selectors only; every page about a customer shows the
reasonable-adjustments banner (PLT-2); every id is resolved through a tenant-scoped
selector, so another firm's id is a 404. This package re-exports the views ``urls`` routes.
"""

from covernote.web.gap.views.claims import claim_detail, claim_new, claims_queue
from covernote.web.gap.views.policies import (
    cancellation_detail,
    document_pdf,
    policy_cancel,
    policy_detail,
    policy_list,
    policy_transfer,
)
from covernote.web.gap.views.quotes import quote_detail, quote_new
from covernote.web.gap.views.value import value_report, value_report_csv

__all__ = [
    "cancellation_detail",
    "claim_detail",
    "claim_new",
    "claims_queue",
    "document_pdf",
    "policy_cancel",
    "policy_detail",
    "policy_list",
    "policy_transfer",
    "quote_detail",
    "quote_new",
    "value_report",
    "value_report_csv",
]
