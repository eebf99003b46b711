from django.urls import path

from covernote.web.gap import views

urlpatterns = [
    path("broker/gap/", views.policy_list, name="gap-broker-policies"),
    path("broker/gap/quotes/new/", views.quote_new, name="gap-broker-quote-new"),
    path("broker/gap/quotes/<int:quote_id>/", views.quote_detail, name="gap-broker-quote"),
    path("broker/gap/policies/<int:policy_id>/", views.policy_detail, name="gap-broker-policy"),
    path(
        "broker/gap/policies/<int:policy_id>/documents/<int:document_id>.pdf",
        views.document_pdf,
        name="gap-broker-document",
    ),
    path(
        "broker/gap/policies/<int:policy_id>/transfer/",
        views.policy_transfer,
        name="gap-broker-transfer",
    ),
    path(
        "broker/gap/policies/<int:policy_id>/cancel/",
        views.policy_cancel,
        name="gap-broker-cancel",
    ),
    path(
        "broker/gap/cancellations/<int:cancellation_id>/",
        views.cancellation_detail,
        name="gap-broker-cancellation",
    ),
    path("backoffice/gap/", views.policy_list, name="gap-backoffice-policies"),
    path("backoffice/gap/quotes/new/", views.quote_new, name="gap-backoffice-quote-new"),
    path("backoffice/gap/quotes/<int:quote_id>/", views.quote_detail, name="gap-backoffice-quote"),
    path(
        "backoffice/gap/policies/<int:policy_id>/",
        views.policy_detail,
        name="gap-backoffice-policy",
    ),
    path(
        "backoffice/gap/policies/<int:policy_id>/documents/<int:document_id>.pdf",
        views.document_pdf,
        name="gap-backoffice-document",
    ),
    path(
        "backoffice/gap/policies/<int:policy_id>/transfer/",
        views.policy_transfer,
        name="gap-backoffice-transfer",
    ),
    path(
        "backoffice/gap/policies/<int:policy_id>/cancel/",
        views.policy_cancel,
        name="gap-backoffice-cancel",
    ),
    path(
        "backoffice/gap/cancellations/<int:cancellation_id>/",
        views.cancellation_detail,
        name="gap-backoffice-cancellation",
    ),
    path(
        "backoffice/gap/policies/<int:policy_id>/claims/new/",
        views.claim_new,
        name="gap-claim-new",
    ),
    path("backoffice/gap/value/", views.value_report, name="gap-value"),
    path("backoffice/gap/value/value.csv", views.value_report_csv, name="gap-value-csv"),
    path("backoffice/gap/claims/", views.claims_queue, name="gap-claims"),
    path("backoffice/gap/claims/<int:claim_id>/", views.claim_detail, name="gap-claim"),
]
