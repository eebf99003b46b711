from django.contrib import admin

from covernote.parties.models import Customer, ReasonableAdjustment


class AdjustmentInline(admin.TabularInline):
    model = ReasonableAdjustment
    fk_name = "customer"
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "note", "recorded_by", "recorded_at", "superseded_at")

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = (
        "reference",
        "last_name",
        "first_name",
        "firm",
        "contact_channel",
        "document_format",
    )
    list_filter = ("firm", "nation", "contact_channel", "document_format")
    search_fields = ("reference", "last_name", "email", "postcode")
    inlines = [AdjustmentInline]

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
