from django.apps import AppConfig


class CliConfig(AppConfig):
    name = "covernote.cli"
    label = "cli"
    verbose_name = "Command line"
