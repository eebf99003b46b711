from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "covernote.billing"
    label = "billing"
    verbose_name = "Billing and ledger"
