from django.urls import path

from covernote.web.young_driver.views import app, backoffice, quotes, theft

urlpatterns = [
    path("app/young-driver/", app.app_home, name="yd-app-home"),
    path("app/young-driver/policies/<int:policy_id>/", app.app_policy, name="yd-app-policy"),
    path("app/young-driver/policies/<int:policy_id>/cancel/", app.app_cancel, name="yd-app-cancel"),
    path("young-driver/photos/<int:photo_id>/", app.photo_file, name="yd-photo"),
    path("backoffice/young-driver/", backoffice.bo_home, name="yd-bo-home"),
    path(
        "backoffice/young-driver/customers/<int:customer_id>/quote/",
        quotes.bo_quote,
        name="yd-bo-quote",
    ),
    path(
        "backoffice/young-driver/quotes/<int:quote_id>/",
        quotes.bo_quote_detail,
        name="yd-bo-quote-detail",
    ),
    path(
        "backoffice/young-driver/quotes/<int:quote_id>/card-payment/return/",
        quotes.bo_quote_card_return,
        name="yd-bo-quote-card-return",
    ),
    path(
        "backoffice/young-driver/policies/<int:policy_id>/",
        backoffice.bo_policy,
        name="yd-bo-policy",
    ),
    path("backoffice/young-driver/installs/", backoffice.bo_installs, name="yd-bo-installs"),
    path(
        "backoffice/young-driver/devices/<int:device_id>/",
        backoffice.bo_device,
        name="yd-bo-device",
    ),
    path(
        "backoffice/young-driver/policies/<int:policy_id>/theft/",
        theft.bo_theft_new,
        name="yd-bo-theft-new",
    ),
    path("backoffice/young-driver/theft/<int:claim_id>/", theft.bo_theft, name="yd-bo-theft"),
]
