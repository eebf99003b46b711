from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "covernote.documents"
    label = "documents"
    verbose_name = "Documents and correspondence"
