from django.apps import AppConfig


class GapConfig(AppConfig):
    name = "covernote.gap"
    label = "gap"
    verbose_name = "Combined GAP"
