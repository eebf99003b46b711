from django.contrib.auth import views as auth_views
from django.urls import include, path

from covernote.web import views
from covernote.web.password_reset import ThrottledPasswordResetView
from covernote.web.payments import dev_payment_page

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password-reset/",
        ThrottledPasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("terms/", views.terms_view, name="terms"),
    path("terms/accept/", views.terms_accept_view, name="terms-accept"),
    path("broker/", views.broker_dashboard, name="broker-dashboard"),
    path(
        "broker/customers/<int:customer_id>/", views.customer_detail, name="broker-customer-detail"
    ),
    path("backoffice/", views.backoffice_home, name="backoffice-home"),
    path("backoffice/customers/<int:customer_id>/", views.customer_detail, name="customer-detail"),
    path("app/", views.customer_app, name="customer-app"),
    path("dev/payment-page/<str:token>/", dev_payment_page, name="dev-payment-page"),
    path("", include("covernote.web.customers.urls")),
    path("", include("covernote.web.gap.urls")),
    path("", include("covernote.web.complaints.urls")),
    path("", include("covernote.web.young_driver.urls")),
    path("", include("covernote.web.telematics.urls")),
    path("", include("covernote.web.work.urls")),
    path("", include("covernote.web.letters.urls")),
]
