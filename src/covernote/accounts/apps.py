from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "covernote.accounts"
    label = "accounts"
    verbose_name = "Accounts and access"
