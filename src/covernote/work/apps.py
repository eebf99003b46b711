from django.apps import AppConfig


class WorkConfig(AppConfig):
    name = "covernote.work"
    label = "work"
    verbose_name = "Work queue"
