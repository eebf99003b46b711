from django.urls import path

from covernote.web.letters import views

urlpatterns = [
    path("backoffice/letters/", views.catalogue, name="letters-catalogue"),
    path(
        "backoffice/letters/<str:key>/sample.<str:fmt>",
        views.sample,
        name="letters-sample",
    ),
    path("backoffice/documents/<int:document_id>/text/", views.document_text, name="document-text"),
]
