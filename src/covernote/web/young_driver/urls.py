from django.urls import path

from covernote.web.young_driver import views

urlpatterns = [
    path("app/young-driver/", views.app_home, name="yd-app-home"),
    path("app/young-driver/policies/<int:policy_id>/", views.app_policy, name="yd-app-policy"),
    path(
        "app/young-driver/policies/<int:policy_id>/cancel/", views.app_cancel, name="yd-app-cancel"
    ),
    path("young-driver/photos/<int:photo_id>/", views.photo_file, name="yd-photo"),
    path("backoffice/young-driver/", views.bo_home, name="yd-bo-home"),
    path(
        "backoffice/young-driver/customers/<int:customer_id>/quote/",
        views.bo_quote,
        name="yd-bo-quote",
    ),
    path(
        "backoffice/young-driver/quotes/<int:quote_id>/",
        views.bo_quote_detail,
        name="yd-bo-quote-detail",
    ),
    path(
        "backoffice/young-driver/quotes/<int:quote_id>/card-payment/return/",
        views.bo_quote_card_return,
        name="yd-bo-quote-card-return",
    ),
    path("backoffice/young-driver/policies/<int:policy_id>/", views.bo_policy, name="yd-bo-policy"),
    path("backoffice/young-driver/installs/", views.bo_installs, name="yd-bo-installs"),
    path("backoffice/young-driver/devices/<int:device_id>/", views.bo_device, name="yd-bo-device"),
    path(
        "backoffice/young-driver/policies/<int:policy_id>/theft/",
        views.bo_theft_new,
        name="yd-bo-theft-new",
    ),
    path("backoffice/young-driver/theft/<int:claim_id>/", views.bo_theft, name="yd-bo-theft"),
]
