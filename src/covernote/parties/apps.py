from django.apps import AppConfig


class PartiesConfig(AppConfig):
    name = "covernote.parties"
    label = "parties"
    verbose_name = "Customers"
