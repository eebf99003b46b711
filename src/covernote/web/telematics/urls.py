from django.urls import URLPattern, URLResolver, path

from covernote.web.telematics import views

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "app/young-driver/policies/<int:policy_id>/driving/",
        views.customer_driving,
        name="driving-app",
    ),
    path(
        "backoffice/young-driver/policies/<int:policy_id>/driving/",
        views.staff_driving,
        name="driving-staff",
    ),
    path(
        "backoffice/young-driver/policies/<int:policy_id>/driving/evidence.pdf",
        views.evidence_pack,
        name="driving-evidence",
    ),
]
