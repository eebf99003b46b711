"""Evidence attached to a complaint (COMP-1, DISP 1.9 records)."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from covernote.accounts.models import Role, User
from covernote.audit.services import audit_record
from covernote.complaints.models import (
    Complaint,
    ComplaintAttachment,
)
from covernote.complaints.services._common import (
    ALLOWED_ATTACHMENT_TYPES,
    MAX_ATTACHMENT_BYTES,
    lock_for_update,
    record_event,
)
from covernote.domain.errors import DomainError, ErrorCode

# --- attachments ---------------------------------------------------------------------------


@transaction.atomic
def complaint_attach(
    *, actor: User, complaint: Complaint, upload: UploadedFile
) -> ComplaintAttachment:
    """Attach evidence: PDF, JPEG, PNG or text, at most 10 MB (COMP-1, DISP 1.9 records)."""
    if actor.role == Role.BROKER:
        raise DomainError(ErrorCode.PERMISSION_DENIED, "brokers cannot add evidence", "PLT-4")
    name = (upload.name or "attachment").rsplit("/", 1)[-1][:200]
    size = upload.size or 0
    if size > MAX_ATTACHMENT_BYTES:
        raise DomainError(ErrorCode.INVALID, "the file is larger than 10 MB", "COMP-1", "file")
    if size == 0:
        raise DomainError(ErrorCode.INVALID, "the file is empty", "COMP-1", "file")
    ctype = (upload.content_type or "").split(";")[0].strip().lower()
    extensions = ALLOWED_ATTACHMENT_TYPES.get(ctype)
    if extensions is None or not name.lower().endswith(extensions):
        raise DomainError(
            ErrorCode.INVALID,
            "attach a PDF, JPEG, PNG or text file",
            "COMP-1",
            "file",
        )
    c = lock_for_update(complaint)
    attachment = ComplaintAttachment(
        complaint=c, name=name, content_type=ctype, size=size, uploaded_by=actor
    )
    attachment.file.save(name, upload, save=False)
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
