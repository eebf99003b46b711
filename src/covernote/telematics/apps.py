from django.apps import AppConfig


class TelematicsConfig(AppConfig):
    name = "covernote.telematics"
    label = "telematics"
    verbose_name = "Telematics"
