from django.contrib import admin

from covernote.work.models import WorkItem


@admin.register(WorkItem)
class WorkItemAdmin(admin.ModelAdmin):
    """Read-only: items change through the work services, which audit every step."""

    list_display = ("title", "type", "team", "owner", "due_at", "priority", "status")
    list_filter = ("status", "team", "type", "product")
    search_fields = ("title", "source_id")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
