from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "covernote.web"
    label = "web"
    verbose_name = "Web pages"
