"""Evidence attached to a complaint (COMP-1, DISP 1.9 records)."""

from __future__ import annotations

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from covernote.accounts.models import User
from covernote.accounts.permissions import require_role
from covernote.audit.services import audit_record
from covernote.complaints.inputs import Attachment
from covernote.complaints.models import (
    Complaint,
    ComplaintAttachment,
)
from covernote.complaints.services._common import (
    STAFF_OR_COMPLAINANT,
    lock_for_update,
    record_event,
)
from covernote.documents.uploads import check_evidence

# --- attachments ---------------------------------------------------------------------------


@transaction.atomic
def complaint_attach(*, actor: User, complaint: Complaint, data: Attachment) -> ComplaintAttachment:
    """Attach evidence (COMP-1, DISP 1.9 records); its declared type and size were checked
    at the door (``Attachment``), its bytes here, before anything is written."""
    require_role(actor, STAFF_OR_COMPLAINANT, what="add evidence to a complaint")
    name, ctype, size = data.name, data.content_type, data.size
    raw = data.content.read()
    data.content.seek(0)
    check_evidence(raw, ctype, rule="COMP-1")  # the bytes, not the browser's word (ADR 0025)
    c = lock_for_update(complaint)
    attachment = ComplaintAttachment(
        complaint=c, name=name, content_type=ctype, size=size, uploaded_by=actor
    )
    attachment.file.save(name, File(data.content), save=False)
    attachment.save()
    record_event(
        complaint=c,
        kind="attachment",
        actor=actor,
        at=timezone.now(),
        before=c.status,
        detail={"name": name, "size": size},
    )
    audit_record(
        actor=actor,
        action="complaint.attach",
        obj=attachment,
        firm_id=c.firm_id,
        after={"complaint": c.reference, "name": name, "size": size, "type": ctype},
    )
    return attachment
