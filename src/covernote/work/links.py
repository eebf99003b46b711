"""Where the work is done: a work item's link to the page of its source task."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from covernote.work.models import WorkItem

#: link_kind -> (URL name, takes the id). The names belong to the pages layer; the work
#: app refers to them by name only, never by import.
LINKS: dict[str, tuple[str, bool]] = {
    "complaint": ("complaint-detail", True),
    "gap_claim": ("gap-claim", True),
    "yd_installs": ("yd-bo-installs", False),
    "yd_driving": ("driving-staff", True),
    "yd_device": ("yd-bo-device", True),
    "customer": ("customer-detail", True),
    "document_text": ("document-text", True),
}

LINK_LABELS = {
    "complaint": "Open the complaint",
    "gap_claim": "Open the claim",
    "yd_installs": "Open Smartbox approvals",
    "yd_driving": "Open the driving page",
    "yd_device": "Open the Smartbox",
    "customer": "Open the customer",
    "document_text": "Open the document's plain text",
}


def link_for(item: WorkItem) -> str | None:
    name, with_id = LINKS.get(item.link_kind, ("", False))
    if not name or (with_id and item.link_id is None):
        return None
    try:
        return reverse(name, args=[item.link_id] if with_id else [])
    except NoReverseMatch:
        return None


def link_label(item: WorkItem) -> str:
    return LINK_LABELS.get(item.link_kind, "Open")
