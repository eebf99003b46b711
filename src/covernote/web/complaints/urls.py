from django.urls import path

from covernote.web.complaints.views import actions, cases, customer, reports

urlpatterns = [
    path("backoffice/complaints/", cases.complaint_list, name="complaint-list"),
    path("backoffice/complaints/new/", cases.complaint_new, name="complaint-new"),
    path(
        "backoffice/complaints/dashboard/", reports.complaint_dashboard, name="complaint-dashboard"
    ),
    path("backoffice/complaints/return/", reports.complaint_return, name="complaint-return"),
    path(
        "backoffice/complaints/<int:complaint_id>/",
        cases.complaint_detail,
        name="complaint-detail",
    ),
    path(
        "backoffice/complaints/<int:complaint_id>/escalate/",
        actions.complaint_escalate_view,
        name="complaint-escalate",
    ),
    path(
        "backoffice/complaints/<int:complaint_id>/qa-acknowledge/",
        actions.complaint_qa_ack_view,
        name="complaint-qa-ack",
    ),
    path(
        "backoffice/complaints/<int:complaint_id>/forward/",
        actions.complaint_forward_view,
        name="complaint-forward",
    ),
    path(
        "backoffice/complaints/<int:complaint_id>/summary-resolution/",
        actions.complaint_summary_view,
        name="complaint-summary",
    ),
    path(
        "backoffice/complaints/<int:complaint_id>/final-response/",
        actions.complaint_final_view,
        name="complaint-final",
    ),
    path(
        "backoffice/complaints/<int:complaint_id>/withdraw/",
        actions.complaint_withdraw_view,
        name="complaint-withdraw",
    ),
    path(
        "backoffice/complaints/<int:complaint_id>/attach/",
        actions.complaint_attach_view,
        name="complaint-attach",
    ),
    path(
        "backoffice/complaints/<int:complaint_id>/holding-response/",
        actions.complaint_holding_view,
        name="complaint-holding",
    ),
    path(
        "backoffice/complaints/<int:complaint_id>/fos-referral/",
        actions.complaint_refer_fos_view,
        name="complaint-refer-fos",
    ),
    path(
        "backoffice/complaints/<int:complaint_id>/fos-outcome/",
        actions.complaint_close_fos_view,
        name="complaint-close-fos",
    ),
    path(
        "backoffice/complaints/<int:complaint_id>/classification/",
        actions.complaint_reclassify_view,
        name="complaint-reclassify",
    ),
    path(
        "backoffice/complaints/<int:complaint_id>/attachments/<int:attachment_id>/",
        actions.complaint_attachment_download,
        name="complaint-attachment",
    ),
    path("app/complaints/new/", customer.customer_complaint_new, name="customer-complaint-new"),
]
