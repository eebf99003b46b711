from django.urls import path

from covernote.web.complaints import views

urlpatterns = [
    path("backoffice/complaints/", views.complaint_list, name="complaint-list"),
    path("backoffice/complaints/new/", views.complaint_new, name="complaint-new"),
    path("backoffice/complaints/dashboard/", views.complaint_dashboard, name="complaint-dashboard"),
    path("backoffice/complaints/return/", views.complaint_return, name="complaint-return"),
    path(
        "backoffice/complaints/<int:complaint_id>/",
        views.complaint_detail,
        name="complaint-detail",
    ),
    path(
        "backoffice/complaints/<int:complaint_id>/escalate/",
        views.complaint_escalate_view,
        name="complaint-escalate",
    ),
    path(
        "backoffice/complaints/<int:complaint_id>/qa-acknowledge/",
        views.complaint_qa_ack_view,
        name="complaint-qa-ack",
    ),
    path(
        "backoffice/complaints/<int:complaint_id>/forward/",
        views.complaint_forward_view,
        name="complaint-forward",
    ),
    path(
        "backoffice/complaints/<int:complaint_id>/summary-resolution/",
        views.complaint_summary_view,
        name="complaint-summary",
    ),
    path(
        "backoffice/complaints/<int:complaint_id>/final-response/",
        views.complaint_final_view,
        name="complaint-final",
    ),
    path(
        "backoffice/complaints/<int:complaint_id>/withdraw/",
        views.complaint_withdraw_view,
        name="complaint-withdraw",
    ),
    path(
        "backoffice/complaints/<int:complaint_id>/attach/",
        views.complaint_attach_view,
        name="complaint-attach",
    ),
    path(
        "backoffice/complaints/<int:complaint_id>/holding-response/",
        views.complaint_holding_view,
        name="complaint-holding",
    ),
    path(
        "backoffice/complaints/<int:complaint_id>/fos-referral/",
        views.complaint_refer_fos_view,
        name="complaint-refer-fos",
    ),
    path(
        "backoffice/complaints/<int:complaint_id>/fos-outcome/",
        views.complaint_close_fos_view,
        name="complaint-close-fos",
    ),
    path(
        "backoffice/complaints/<int:complaint_id>/classification/",
        views.complaint_reclassify_view,
        name="complaint-reclassify",
    ),
    path(
        "backoffice/complaints/<int:complaint_id>/attachments/<int:attachment_id>/",
        views.complaint_attachment_download,
        name="complaint-attachment",
    ),
    path("app/complaints/new/", views.customer_complaint_new, name="customer-complaint-new"),
]
