from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from covernote.api.v1.api import api
from covernote.observability import views as observability

admin.site.site_header = "covernote administration"
admin.site.site_title = "covernote admin"

urlpatterns = [
    path("healthz", observability.healthz, name="healthz"),
    path("readyz", observability.readyz, name="readyz"),
    path("metrics", observability.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
    path("", include("covernote.web.urls")),
]
