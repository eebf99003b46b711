from django.apps import AppConfig


class YoungDriverConfig(AppConfig):
    name = "covernote.young_driver"
    label = "young_driver"
    verbose_name = "Young Driver telematics motor"
