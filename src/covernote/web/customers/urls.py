from django.urls import path

from covernote.web.customers import views

urlpatterns = [
    path("customers/new/", views.customer_new, name="customer-new"),
    path("customers/<int:customer_id>/edit/", views.customer_edit, name="customer-edit"),
    path("customers/export.csv", views.customers_csv, name="customers-csv"),
    path("search/", views.search_view, name="search"),
    path("search/export.csv", views.search_csv, name="search-csv"),
    path("documents/<int:document_id>.pdf", views.document_pdf, name="document-pdf"),
    path(
        "documents/<int:document_id>/reprint/",
        views.document_reprint_view,
        name="document-reprint",
    ),
    path(
        "documents/<int:document_id>/resend/",
        views.document_resend_view,
        name="document-resend",
    ),
]
