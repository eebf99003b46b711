"""Writes for complaints (COMP-1..7), one module per capability.

``register`` (COMP-1), ``escalation`` (COMP-3), ``forwarding`` (GAP-COMPLAINT),
``responses`` (summary resolution, holding and final responses, withdrawal),
``fos`` (referral and outcome), ``classification`` (COMP-7 corrections),
``attachments`` and ``clocks`` (the scheduled clock check). Shared steps live in
``_common``.
"""

from covernote.complaints.services.attachments import complaint_attach
from covernote.complaints.services.classification import complaint_reclassify
from covernote.complaints.services.clocks import complaint_clocks_check
from covernote.complaints.services.escalation import complaint_acknowledge_qa, complaint_escalate
from covernote.complaints.services.forwarding import complaint_forward
from covernote.complaints.services.fos import complaint_close_after_fos, complaint_refer_fos
from covernote.complaints.services.register import complaint_register
from covernote.complaints.services.responses import (
    complaint_resolve_summary,
    complaint_respond_final,
    complaint_respond_holding,
    complaint_withdraw,
)

__all__ = [
    "complaint_acknowledge_qa",
    "complaint_attach",
    "complaint_clocks_check",
    "complaint_close_after_fos",
    "complaint_escalate",
    "complaint_forward",
    "complaint_reclassify",
    "complaint_refer_fos",
    "complaint_register",
    "complaint_resolve_summary",
    "complaint_respond_final",
    "complaint_respond_holding",
    "complaint_withdraw",
]
