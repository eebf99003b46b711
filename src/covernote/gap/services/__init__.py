"""GAP writes (SPEC §1), one module per capability (ARCHITECTURE §6).

Each service: keyword-only, ``transaction.atomic``, ``select_for_update`` on the row
it changes, calls the pure domain for every rule, stores the Decision JSON and ends
with ``audit_record``. Money moves only through ``billing.services.ledger_post``.

This package re-exports what the API, the pages, the CLI and the demo call.
"""

from covernote.gap.services._common import CLAIMS_STAFF, SELLERS
from covernote.gap.services.cancellations import gap_cancellation_preview, gap_policy_cancel
from covernote.gap.services.claim_assessment import gap_claim_assess
from covernote.gap.services.claim_payment import (
    gap_claim_pay,
    gap_claim_payment_approve,
    gap_claim_payment_refuse,
    gap_claim_payment_request,
    payment_authority,
    within_authority,
)
from covernote.gap.services.claims import (
    gap_claim_decide,
    gap_claim_register,
    gap_claim_request_documents,
    gap_claim_withdraw,
)
from covernote.gap.services.fraud import gap_fraud_submissions_retry
from covernote.gap.services.policies import gap_policies_expire, gap_policy_bind
from covernote.gap.services.quotes import gap_quote_create, quote_sale_timing
from covernote.gap.services.transfers import gap_policy_transfer_vehicle
from covernote.gap.services.valuations import gap_valuations_load

__all__ = [
    "CLAIMS_STAFF",
    "SELLERS",
    "gap_cancellation_preview",
    "gap_claim_assess",
    "gap_claim_decide",
    "gap_claim_pay",
    "gap_claim_payment_approve",
    "gap_claim_payment_refuse",
    "gap_claim_payment_request",
    "gap_claim_register",
    "gap_claim_request_documents",
    "gap_claim_withdraw",
    "gap_fraud_submissions_retry",
    "gap_policies_expire",
    "gap_policy_bind",
    "gap_policy_cancel",
    "gap_policy_transfer_vehicle",
    "gap_quote_create",
    "gap_valuations_load",
    "payment_authority",
    "quote_sale_timing",
    "within_authority",
]
