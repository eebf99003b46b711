from django.contrib import admin, messages
from django.db import transaction
from django.forms.models import model_to_dict

from covernote.audit.services import audit_record
from covernote.documents.models import DeliveryTask, Document, OutboxMessage, OutboxStatus

EDITABLE = ("address", "status", "next_attempt_at")


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "customer", "kind", "document_format", "created_at")
    list_filter = ("kind", "document_format")
    readonly_fields = [f.name for f in Document._meta.fields]


def _snapshot(message: OutboxMessage) -> dict:
    return model_to_dict(message, fields=EDITABLE)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Staff may correct an address or requeue a message; every change is audited (PLT-6)."""

    list_display = ("document", "channel", "document_format", "status", "attempts", "created_at")
    list_filter = ("channel", "status")
    readonly_fields = [f.name for f in OutboxMessage._meta.fields if f.name not in EDITABLE]
    actions = ("requeue",)

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        with transaction.atomic():
            before = _snapshot(OutboxMessage.objects.get(pk=obj.pk)) if change else None
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action="outbox.admin_edit",
                obj=obj,
                firm_id=obj.customer.firm_id,
                before=before,
                after=_snapshot(obj),
            )

    @admin.action(description="Requeue for delivery now (audited)")
    def requeue(self, request, queryset):  # type: ignore[no-untyped-def]
        done = 0
        with transaction.atomic():
            for message in queryset.select_for_update(of=("self",)).exclude(
                status=OutboxStatus.SENT
            ):
                before = _snapshot(message)
                message.status = OutboxStatus.QUEUED
                message.next_attempt_at = None
                message.save(update_fields=["status", "next_attempt_at"])
                audit_record(
                    actor=request.user,
                    action="outbox.requeue",
                    obj=message,
                    firm_id=message.customer.firm_id,
                    before=before,
                    after=_snapshot(message),
                )
                done += 1
        self.message_user(request, f"{done} message(s) requeued", messages.SUCCESS)


@admin.register(DeliveryTask)
class DeliveryTaskAdmin(admin.ModelAdmin):
    list_display = ("message", "status", "created_at", "reason")
    list_filter = ("status",)
    readonly_fields = ("message", "reason", "created_at")
