from django.urls import path

from covernote.web.work import views

urlpatterns = [
    path("backoffice/work/", views.inbox, name="work-inbox"),
    path("backoffice/work/export.csv", views.export_csv, name="work-export"),
    path(
        "backoffice/work/<int:item_id>/<str:action>/",
        views.item_action,
        name="work-item-action",
    ),
]
