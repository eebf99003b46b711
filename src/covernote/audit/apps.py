from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "covernote.audit"
    label = "audit"
    verbose_name = "Audit log"
