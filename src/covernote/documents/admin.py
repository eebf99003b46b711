from django.contrib import admin

from covernote.documents.models import Document, OutboxMessage


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "customer", "kind", "document_format", "created_at")
    list_filter = ("kind", "document_format")
    readonly_fields = [f.name for f in Document._meta.fields]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("document", "channel", "document_format", "status", "attempts", "created_at")
    list_filter = ("channel", "status")
