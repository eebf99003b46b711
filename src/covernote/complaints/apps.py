from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "covernote.complaints"
    label = "complaints"
    verbose_name = "Complaints"
