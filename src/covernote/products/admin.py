from django.contrib import admin

from covernote.products.models import ProductConfiguration


@admin.register(ProductConfiguration)
class ProductConfigurationAdmin(admin.ModelAdmin):
    list_display = ("product", "version", "effective_from", "source", "loaded_at")
    list_filter = ("product",)
    readonly_fields = (
        "product",
        "version",
        "effective_from",
        "content",
        "source",
        "sha256",
        "loaded_at",
    )

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
